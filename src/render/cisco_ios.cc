// Cisco IOS / IOS XE: IKEv1 (crypto isakmp) or IKEv2 (crypto ikev2 proposal/policy/keyring/
// profile), a transform set, an ACL and a crypto map on the WAN interface; route mode as a VTI
// (crypto ipsec profile + interface Tunnel). Syntax as in the seeds' Cisco configurations (001
// §13.6.2.2, 002) and the IOS Security Configuration Guide (IKEv1, IKEv2, crypto map, VTI).
#include <sstream>

#include "render/renderers.h"

namespace vpngw::render {

namespace {

// `group` of crypto isakmp policy, crypto ikev2 proposal and `set pfs`: the same list for both
// versions (no curve25519, which IOS XE's IKEv2 proposal model does not offer either).
bool ciscoGroup(uint16_t g) {
  return g == 1 || g == 2 || g == 5 || g == 14 || g == 15 || g == 16 || g == 19 || g == 20 ||
         g == 21 || g == 24;
}

std::string isakmpEncryption(ike::Encryption e) {
  switch (e) {
    case ike::Encryption::Des3:
      return "3des";
    case ike::Encryption::Aes128:
      return "aes";
    case ike::Encryption::Aes192:
      return "aes 192";
    case ike::Encryption::Aes256:
      return "aes 256";
    default:
      return "";  // AEAD: not in IKEv1
  }
}

std::string isakmpHash(ike::Hash h) {
  switch (h) {
    case ike::Hash::Md5:
      return "md5";
    case ike::Hash::Sha1:
      return "sha";
    case ike::Hash::Sha256:
      return "sha256";
    case ike::Hash::Sha384:
      return "sha384";
    case ike::Hash::Sha512:
      return "sha512";
  }
  return "";
}

std::string ikev2Encryption(ike::Encryption e) {
  switch (e) {
    case ike::Encryption::Des3:
      return "3des";
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

std::string ikev2Hash(ike::Hash h) {
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

std::string transformSet(const ike::IpsecPolicy& p) {
  auto hmac = [](ike::Hash h, const char* proto) {
    std::string name = h == ike::Hash::Md5      ? "md5"
                       : h == ike::Hash::Sha1   ? "sha"
                       : h == ike::Hash::Sha256 ? "sha256"
                       : h == ike::Hash::Sha384 ? "sha384"
                                                : "sha512";
    return std::string(proto) + "-" + name + "-hmac";
  };
  if (p.protocol == ike::IpsecProtocol::Ah) {
    return hmac(p.authentication.value_or(ike::Hash::Sha1), "ah");
  }
  std::string out;
  switch (p.encryption.value_or(ike::Encryption::Aes128)) {
    case ike::Encryption::Des3:
      out = "esp-3des";
      break;
    case ike::Encryption::Aes128:
      out = "esp-aes";
      break;
    case ike::Encryption::Aes192:
      out = "esp-aes 192";
      break;
    case ike::Encryption::Aes256:
      out = "esp-aes 256";
      break;
    case ike::Encryption::Aes128Gcm16:
      out = "esp-gcm 128";
      break;
    case ike::Encryption::Aes256Gcm16:
      out = "esp-gcm 256";
      break;
  }
  if (p.authentication) {
    out += " " + hmac(*p.authentication, "esp");
  }
  return out;
}

}  // namespace

Result<std::string> renderCiscoIos(const PeerView& v) {
  const bool v1 = v.version == ike::IkeVersion::V1;
  if (!ciscoGroup(v.ike.dh_group)) {
    return makeError(std::string("Cisco IOS ") + (v1 ? "IKEv1" : "IKEv2") + " has no DH group " +
                     std::to_string(v.ike.dh_group));
  }
  if (v.ipsec.pfs_group && !ciscoGroup(*v.ipsec.pfs_group)) {
    return makeError("Cisco IOS has no PFS group " + std::to_string(*v.ipsec.pfs_group));
  }
  if (v1 && ike::isAead(v.ike.encryption)) {
    return makeError("Cisco IOS IKEv1 has no AES-GCM: use IKEv2 or a CBC cipher");
  }
  const std::string tag = "VPNGW-" + v.name;
  const std::string peer = v.remote_address.toString();
  std::ostringstream o;
  for (const auto& line : headerLines(v, v1 ? "Cisco IOS, IKEv1" : "Cisco IOS, IKEv2")) {
    o << "! " << line << "\n";
  }
  o << "! Replace GigabitEthernet0/1 with the interface that holds this device's public address.\n";
  o << "!\n";
  // DPD: IOS takes 10-3600 s between checks and 2-60 s between retries.
  const auto dpd_interval = std::max<int64_t>(10, v.dpd.delay.count());
  const auto dpd_retry = std::clamp<int64_t>(v.dpd.timeout.count() / 3, 2, 60);
  if (v1) {
    o << "crypto isakmp policy 10\n";
    o << " encryption " << isakmpEncryption(v.ike.encryption) << "\n";
    o << " hash " << isakmpHash(v.ike.authentication) << "\n";
    o << " authentication pre-share\n";
    o << " group " << v.ike.dh_group << "\n";
    o << " lifetime " << v.ike.lifetime.count() << "\n";
    o << "!\n";
    if (v.mode == ike::V1Mode::Aggressive) {
      o << "crypto isakmp peer address " << peer << "\n";
      o << " set aggressive-mode password " << v.psk << "\n";
      o << " set aggressive-mode client-endpoint "
        << (v.local_id.type == ike::Identity::Type::Fqdn ? "fqdn " : "ipv4-address ")
        << v.local_id.value << "\n";
    } else {
      o << "crypto isakmp key " << v.psk << " address " << peer << "\n";
    }
    if (v.dpd.enabled) {
      o << "crypto isakmp keepalive " << dpd_interval << " " << dpd_retry << " periodic\n";
    }
  } else {
    o << "crypto ikev2 proposal " << tag << "\n";
    o << " encryption " << ikev2Encryption(v.ike.encryption) << "\n";
    if (ike::isAead(v.ike.encryption)) {
      o << " prf " << ikev2Hash(v.ike.authentication) << "\n";
    } else {
      o << " integrity " << ikev2Hash(v.ike.authentication) << "\n";
    }
    o << " group " << v.ike.dh_group << "\n";
    o << "!\n";
    o << "crypto ikev2 policy " << tag << "\n";
    o << " proposal " << tag << "\n";
    o << "!\n";
    o << "crypto ikev2 keyring " << tag << "\n";
    o << " peer vpngw\n";
    o << "  address " << peer << "\n";
    o << "  pre-shared-key " << v.psk << "\n";
    o << "!\n";
    o << "crypto ikev2 profile " << tag << "\n";
    if (v.remote_id.type == ike::Identity::Type::Fqdn) {
      o << " match identity remote fqdn " << v.remote_id.value << "\n";
    } else {
      o << " match identity remote address " << v.remote_id.value << " 255.255.255.255\n";
    }
    if (v.local_id.type == ike::Identity::Type::Fqdn) {
      o << " identity local fqdn " << v.local_id.value << "\n";
    } else if (v.local_address) {
      o << " identity local address " << v.local_id.value << "\n";
    }
    o << " authentication remote pre-share\n";
    o << " authentication local pre-share\n";
    o << " keyring local " << tag << "\n";
    o << " lifetime " << v.ike.lifetime.count() << "\n";
    if (v.dpd.enabled) {
      o << " dpd " << dpd_interval << " " << dpd_retry << " periodic\n";
    }
  }
  o << "!\n";
  o << "crypto ipsec transform-set " << tag << " " << transformSet(v.ipsec) << "\n";
  o << " mode tunnel\n";
  o << "!\n";
  auto saSettings = [&]() {
    o << " set transform-set " << tag << "\n";
    if (v.ipsec.pfs_group) {
      o << " set pfs group" << *v.ipsec.pfs_group << "\n";
    }
    o << " set security-association lifetime seconds " << v.ipsec.lifetime.count() << "\n";
    if (v.ipsec.lifetime_kilobytes > 0) {
      o << " set security-association lifetime kilobytes " << v.ipsec.lifetime_kilobytes << "\n";
    }
    if (!v1) {
      o << " set ikev2-profile " << tag << "\n";
    }
  };
  if (v.route_mode) {
    // vpngw negotiates 0.0.0.0/0 selectors: a static VTI, and routes to its subnets.
    o << "crypto ipsec profile " << tag << "\n";
    saSettings();
    o << "!\n";
    o << "interface Tunnel1\n";
    o << " description vpngw tunnel " << v.name << "\n";
    o << " ip unnumbered GigabitEthernet0/1\n";
    o << " tunnel source GigabitEthernet0/1\n";
    o << " tunnel mode ipsec ipv4\n";
    o << " tunnel destination " << peer << "\n";
    o << " tunnel protection ipsec profile " << tag << "\n";
    o << "!\n";
    for (const Subnet& r : v.remote_subnets) {
      o << "ip route " << r.address.toString() << " " << netmask(r) << " Tunnel1\n";
    }
    return o.str();
  }
  o << "ip access-list extended " << tag << "\n";
  for (const auto& [l, r] : v.pairs()) {
    o << " permit ip " << addressAndWildcard(l) << " " << addressAndWildcard(r) << "\n";
  }
  o << "!\n";
  o << "crypto map VPNGW 10 ipsec-isakmp\n";
  o << " description vpngw tunnel " << v.name << "\n";
  o << " set peer " << peer << "\n";
  saSettings();
  o << " match address " << tag << "\n";
  o << "!\n";
  o << "interface GigabitEthernet0/1\n";
  o << " crypto map VPNGW\n";
  o << "!\n";
  // Towards vpngw's public address (as the seed does): the crypto map on the egress interface
  // then encrypts what the ACL selects.
  for (const Subnet& r : v.remote_subnets) {
    o << "ip route " << r.address.toString() << " " << netmask(r) << " " << peer << "\n";
  }
  return o.str();
}

}  // namespace vpngw::render
