// Huawei VRP (AR routers, V200R010 command set; USG firewalls use the same words): an ACL, an
// IPsec proposal, an IKE proposal and IKE peer, an IPsec policy on the WAN interface; route
// mode as an IPsec tunnel interface with an IPsec profile. Syntax per the AR CLI-based
// Configuration Guide - VPN (IPSec) and the Command Reference (ike proposal, ike peer, ipsec
// proposal, ipsec policy, ipsec profile).
#include <sstream>

#include "render/renderers.h"

namespace vpngw::render {

namespace {

std::string huaweiHash(ike::Hash h) {
  switch (h) {
    case ike::Hash::Md5:
      return "md5";
    case ike::Hash::Sha1:
      return "sha1";
    case ike::Hash::Sha256:
      return "sha2-256";
    case ike::Hash::Sha384:
      return "sha2-384";
    case ike::Hash::Sha512:
      return "sha2-512";
  }
  return "";
}

// IKEv2 PRF and integrity names.
std::string hmac(ike::Hash h) {
  switch (h) {
    case ike::Hash::Md5:
      return "hmac-md5";
    case ike::Hash::Sha1:
      return "hmac-sha1";
    case ike::Hash::Sha256:
      return "hmac-sha2-256";
    case ike::Hash::Sha384:
      return "hmac-sha2-384";
    case ike::Hash::Sha512:
      return "hmac-sha2-512";
  }
  return "";
}

std::string huaweiCipher(ike::Encryption e) {
  switch (e) {
    case ike::Encryption::Des3:
      return "3des";
    case ike::Encryption::Aes128:
      return "aes-128";
    case ike::Encryption::Aes192:
      return "aes-192";
    case ike::Encryption::Aes256:
      return "aes-256";
    case ike::Encryption::Aes128Gcm16:
      return "aes-128-gcm-128";  // ESP only
    case ike::Encryption::Aes256Gcm16:
      return "aes-256-gcm-128";
  }
  return "";
}

bool huaweiGroup(uint16_t g) {
  return g == 1 || g == 2 || g == 5 || g == 14 || g == 19 || g == 20 || g == 21;
}

}  // namespace

Result<std::string> renderHuaweiVrp(const PeerView& v) {
  if (!huaweiGroup(v.ike.dh_group)) {
    return makeError("Huawei VRP has no IKE DH group " + std::to_string(v.ike.dh_group));
  }
  if (v.ipsec.pfs_group && !huaweiGroup(*v.ipsec.pfs_group)) {
    return makeError("Huawei VRP has no PFS group " + std::to_string(*v.ipsec.pfs_group));
  }
  if (ike::isAead(v.ike.encryption)) {
    return makeError("Huawei VRP IKE proposals have no AES-GCM: use a CBC cipher for IKE");
  }
  const bool v1 = v.version == ike::IkeVersion::V1;
  const std::string tag = "vpngw-" + v.name;
  std::ostringstream o;
  for (const auto& line : headerLines(v, v1 ? "Huawei VRP, IKEv1" : "Huawei VRP, IKEv2")) {
    o << "# " << line << "\n";
  }
  o << "# Replace GigabitEthernet0/0/1 with the interface that holds this device's public "
       "address.\n";
  o << "#\n";
  if (!v.route_mode) {
    o << "acl number 3101\n";
    int rule = 5;
    for (const auto& [l, r] : v.pairs()) {
      o << " rule " << rule << " permit ip source " << addressAndWildcard(l) << " destination "
        << addressAndWildcard(r) << "\n";
      rule += 5;
    }
    o << "#\n";
  }
  o << "ipsec proposal " << tag << "\n";
  if (v.ipsec.protocol == ike::IpsecProtocol::Ah) {
    o << " transform ah\n";
    o << " ah authentication-algorithm "
      << huaweiHash(v.ipsec.authentication.value_or(ike::Hash::Sha1)) << "\n";
  } else {
    o << " transform esp\n";
    if (v.ipsec.authentication) {
      o << " esp authentication-algorithm " << huaweiHash(*v.ipsec.authentication) << "\n";
    }
    o << " esp encryption-algorithm "
      << huaweiCipher(v.ipsec.encryption.value_or(ike::Encryption::Aes128)) << "\n";
  }
  o << "#\n";
  o << "ike proposal 10\n";
  o << " encryption-algorithm " << huaweiCipher(v.ike.encryption) << "\n";
  if (v1) {
    o << " authentication-algorithm " << huaweiHash(v.ike.authentication) << "\n";
  } else {  // IKEv2 names the integrity algorithm and the PRF separately
    o << " integrity-algorithm " << hmac(v.ike.authentication) << "\n";
    o << " prf " << hmac(v.ike.authentication) << "\n";
  }
  o << " dh group" << v.ike.dh_group << "\n";
  o << " sa duration " << v.ike.lifetime.count() << "\n";
  o << "#\n";
  o << "ike peer " << tag << "\n";
  o << (v1 ? " undo version 2\n" : " undo version 1\n");
  if (v1 && v.mode == ike::V1Mode::Aggressive) {
    o << " exchange-mode aggressive\n";
  }
  o << " pre-shared-key cipher " << v.psk << "\n";
  o << " ike-proposal 10\n";
  if (v.local_id.type == ike::Identity::Type::Fqdn) {
    o << " local-id-type fqdn\n local-id " << v.local_id.value << "\n";
  }
  if (v.remote_id.type == ike::Identity::Type::Fqdn) {
    o << " remote-id-type fqdn\n remote-id " << v.remote_id.value << "\n";
  }
  o << " remote-address " << v.remote_address.toString() << "\n";
  if (v.dpd.enabled) {
    o << " dpd type periodic\n";
    o << " dpd idle-time " << std::max<int64_t>(10, v.dpd.delay.count()) << "\n";
  }
  o << "#\n";
  auto saSettings = [&]() {
    o << " ike-peer " << tag << "\n";
    o << " proposal " << tag << "\n";
    if (v.ipsec.pfs_group) {
      o << " pfs dh-group" << *v.ipsec.pfs_group << "\n";
    }
    o << " sa duration time-based " << v.ipsec.lifetime.count() << "\n";
    if (v.ipsec.lifetime_kilobytes > 0) {
      o << " sa duration traffic-based " << v.ipsec.lifetime_kilobytes << "\n";
    }
  };
  if (v.route_mode) {
    o << "ipsec profile " << tag << "\n";
    saSettings();
    o << "#\n";
    o << "interface Tunnel0/0/1\n";
    o << " description vpngw tunnel " << v.name << "\n";
    o << " ip address unnumbered interface GigabitEthernet0/0/1\n";
    o << " tunnel-protocol ipsec\n";
    o << " source GigabitEthernet0/0/1\n";
    o << " destination " << v.remote_address.toString() << "\n";
    o << " ipsec profile " << tag << "\n";
    o << "#\n";
    for (const Subnet& r : v.remote_subnets) {
      o << "ip route-static " << r.address.toString() << " " << netmask(r) << " Tunnel0/0/1\n";
    }
    return o.str();
  }
  o << "ipsec policy vpngw 10 isakmp\n";
  o << " security acl 3101\n";
  saSettings();
  o << "#\n";
  o << "interface GigabitEthernet0/0/1\n";
  o << " ipsec policy vpngw\n";
  o << "#\n";
  return o.str();
}

}  // namespace vpngw::render
