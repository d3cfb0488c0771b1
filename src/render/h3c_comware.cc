// H3C Comware 7 (MSR routers; HPE FlexNetwork MSR uses the same words): an advanced ACL, an
// IPsec transform set, IKEv1 (ike proposal / ike keychain / ike profile) or IKEv2 (ikev2
// proposal / policy / keychain / profile), an ISAKMP IPsec policy applied to the WAN interface;
// route mode as an IPsec tunnel interface with an IPsec profile. Syntax per the H3C MSR Command
// Reference, IP Tunneling and Security VPN (IKE, IKEv2, IPsec commands) and the HPE FlexNetwork
// MSR Security Configuration Guide (IKE proposal, IKE profile, DPD).
#include <algorithm>
#include <sstream>

#include "render/renderers.h"

namespace vpngw::render {

namespace {

// `dh` of ike/ikev2 proposals and `pfs dh-groupN`.
bool h3cGroup(uint16_t g) {
  return g == 1 || g == 2 || g == 5 || g == 14 || g == 19 || g == 20 || g == 24;
}

std::string h3cCipher(ike::Encryption e) {
  switch (e) {
    case ike::Encryption::Des3:
      return "3des-cbc";
    case ike::Encryption::Aes128:
      return "aes-cbc-128";
    case ike::Encryption::Aes192:
      return "aes-cbc-192";
    case ike::Encryption::Aes256:
      return "aes-cbc-256";
    case ike::Encryption::Aes128Gcm16:
      return "aes-gcm-128";
    case ike::Encryption::Aes256Gcm16:
      return "aes-gcm-256";
  }
  return "";
}

// IKEv2 integrity/prf and ESP/AH authentication.
std::string h3cHash(ike::Hash h) {
  switch (h) {
    case ike::Hash::Md5:
      return "md5";
    case ike::Hash::Sha1:
      return "sha1";
    case ike::Hash::Sha256:
      return "sha256";
    case ike::Hash::Sha384:
      return "sha384";
    case ike::Hash::Sha512:
      return "sha512";
  }
  return "";
}

// IKEv1 proposals call SHA-1 "sha".
std::string ikev1Hash(ike::Hash h) { return h == ike::Hash::Sha1 ? "sha" : h3cHash(h); }

}  // namespace

Result<std::string> renderH3cComware(const PeerView& v) {
  const bool v1 = v.version == ike::IkeVersion::V1;
  if (!h3cGroup(v.ike.dh_group)) {
    return makeError("H3C Comware has no IKE DH group " + std::to_string(v.ike.dh_group));
  }
  if (v.ipsec.pfs_group && !h3cGroup(*v.ipsec.pfs_group)) {
    return makeError("H3C Comware has no PFS group " + std::to_string(*v.ipsec.pfs_group));
  }
  if (v1 && ike::isAead(v.ike.encryption)) {
    return makeError("H3C Comware IKEv1 proposals have no AES-GCM: use IKEv2 or a CBC cipher");
  }
  const std::string tag = "vpngw-" + v.name;
  const std::string peer = v.remote_address.toString();
  std::ostringstream o;
  for (const auto& line : headerLines(v, v1 ? "H3C Comware 7, IKEv1" : "H3C Comware 7, IKEv2")) {
    o << "# " << line << "\n";
  }
  o << "# Replace GigabitEthernet1/0/1 with the interface that holds this device's public "
       "address.\n";
  o << "#\n";
  if (!v.route_mode) {
    o << "acl advanced 3101\n";
    int rule = 5;
    for (const auto& [l, r] : v.pairs()) {
      o << " rule " << rule << " permit ip source " << addressAndWildcard(l) << " destination "
        << addressAndWildcard(r) << "\n";
      rule += 5;
    }
    o << "#\n";
  }
  o << "ipsec transform-set " << tag << "\n";
  o << " encapsulation-mode tunnel\n";
  if (v.ipsec.protocol == ike::IpsecProtocol::Ah) {
    o << " protocol ah\n";
    o << " ah authentication-algorithm "
      << h3cHash(v.ipsec.authentication.value_or(ike::Hash::Sha1)) << "\n";
  } else {
    o << " protocol esp\n";
    o << " esp encryption-algorithm "
      << h3cCipher(v.ipsec.encryption.value_or(ike::Encryption::Aes128)) << "\n";
    if (v.ipsec.authentication) {
      o << " esp authentication-algorithm " << h3cHash(*v.ipsec.authentication) << "\n";
    }
  }
  if (v.ipsec.pfs_group) {
    o << " pfs dh-group" << *v.ipsec.pfs_group << "\n";
  }
  o << "#\n";
  // DPD: interval 1-300 s, retry 1-60 s.
  const auto dpd_interval = std::clamp<int64_t>(v.dpd.delay.count(), 1, 300);
  const auto dpd_retry = std::clamp<int64_t>(v.dpd.timeout.count() / 3, 1, 60);
  const bool fqdn_local = v.local_id.type == ike::Identity::Type::Fqdn;
  const bool fqdn_remote = v.remote_id.type == ike::Identity::Type::Fqdn;
  if (v1) {
    o << "ike proposal 10\n";
    o << " encryption-algorithm " << h3cCipher(v.ike.encryption) << "\n";
    o << " authentication-method pre-share\n";
    o << " authentication-algorithm " << ikev1Hash(v.ike.authentication) << "\n";
    o << " dh group" << v.ike.dh_group << "\n";
    o << " sa duration " << v.ike.lifetime.count() << "\n";
    o << "#\n";
    o << "ike keychain " << tag << "\n";
    o << " pre-shared-key address " << peer << " 255.255.255.255 key simple " << v.psk << "\n";
    o << "#\n";
    o << "ike profile " << tag << "\n";
    o << " keychain " << tag << "\n";
    if (v.mode == ike::V1Mode::Aggressive) {
      o << " exchange-mode aggressive\n";
    }
    if (fqdn_local) {
      o << " local-identity fqdn " << v.local_id.value << "\n";
    } else if (v.local_address) {
      o << " local-identity address " << v.local_id.value << "\n";
    }
    if (fqdn_remote) {
      o << " match remote identity fqdn " << v.remote_id.value << "\n";
    } else {
      o << " match remote identity address " << v.remote_id.value << " 255.255.255.255\n";
    }
    o << " proposal 10\n";
    if (v.dpd.enabled) {
      o << " dpd interval " << dpd_interval << " retry " << dpd_retry << " periodic\n";
    }
  } else {
    o << "ikev2 proposal " << tag << "\n";
    o << " encryption " << h3cCipher(v.ike.encryption) << "\n";
    if (!ike::isAead(v.ike.encryption)) {
      o << " integrity " << h3cHash(v.ike.authentication) << "\n";
    }
    o << " prf " << h3cHash(v.ike.authentication) << "\n";
    o << " dh group" << v.ike.dh_group << "\n";
    o << "#\n";
    o << "ikev2 policy " << tag << "\n";
    o << " proposal " << tag << "\n";
    o << "#\n";
    o << "ikev2 keychain " << tag << "\n";
    o << " peer vpngw\n";
    o << "  address " << peer << " 32\n";
    o << "  pre-shared-key plaintext " << v.psk << "\n";
    o << "#\n";
    o << "ikev2 profile " << tag << "\n";
    o << " authentication-method local pre-share\n";
    o << " authentication-method remote pre-share\n";
    o << " keychain " << tag << "\n";
    if (fqdn_local) {
      o << " identity local fqdn " << v.local_id.value << "\n";
    } else if (v.local_address) {
      o << " identity local address " << v.local_id.value << "\n";
    }
    if (fqdn_remote) {
      o << " match remote identity fqdn " << v.remote_id.value << "\n";
    } else {
      o << " match remote identity address " << v.remote_id.value << " 32\n";
    }
    o << " sa duration " << v.ike.lifetime.count() << "\n";
    if (v.dpd.enabled) {
      o << " dpd interval " << dpd_interval << " retry " << dpd_retry << " periodic\n";
    }
  }
  o << "#\n";
  auto saSettings = [&]() {
    o << " transform-set " << tag << "\n";
    o << (v1 ? " ike-profile " : " ikev2-profile ") << tag << "\n";
    o << " sa duration time-based " << v.ipsec.lifetime.count() << "\n";
    if (v.ipsec.lifetime_kilobytes > 0) {
      o << " sa duration traffic-based " << v.ipsec.lifetime_kilobytes << "\n";
    }
  };
  if (v.route_mode) {
    // vpngw negotiates 0.0.0.0/0 selectors: an IPsec tunnel interface, and routes to it.
    o << "ipsec profile " << tag << " isakmp\n";
    saSettings();
    o << "#\n";
    o << "interface Tunnel1 mode ipsec\n";
    o << " description vpngw tunnel " << v.name << "\n";
    o << " ip address unnumbered interface GigabitEthernet1/0/1\n";
    o << " source GigabitEthernet1/0/1\n";
    o << " destination " << peer << "\n";
    o << " tunnel protection ipsec profile " << tag << "\n";
    o << "#\n";
    for (const Subnet& r : v.remote_subnets) {
      o << "ip route-static " << r.address.toString() << " " << int{r.prefix_len} << " Tunnel1\n";
    }
    return o.str();
  }
  o << "ipsec policy vpngw 10 isakmp\n";
  o << " description vpngw tunnel " << v.name << "\n";
  o << " security acl 3101\n";
  if (v.local_address) {
    o << " local-address " << v.local_address->toString() << "\n";
  }
  o << " remote-address " << peer << "\n";
  saSettings();
  o << "#\n";
  o << "interface GigabitEthernet1/0/1\n";
  o << " ipsec apply policy vpngw\n";
  o << "#\n";
  return o.str();
}

}  // namespace vpngw::render
