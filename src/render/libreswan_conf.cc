// libreswan 4.x ipsec.conf + ipsec.secrets. Keywords: ipsec.conf(5) of libreswan 4
// (https://libreswan.org/man/ipsec.conf.5.html).
#include <sstream>

#include "render/renderers.h"
#include "render/strongswan_names.h"

namespace vpngw::render {

namespace {

std::optional<std::string> libreswanDh(uint16_t group) {
  switch (group) {
    case 14:
      return "modp2048";
    case 15:
      return "modp3072";
    case 16:
      return "modp4096";
    case 19:
      return "dh19";
    case 20:
      return "dh20";
    case 21:
      return "dh21";
    case 31:
      return "dh31";
    default:  // 1, 2, 5 refused by libreswan 4 for IKE; 24 not implemented
      return std::nullopt;
  }
}

std::string libreswanHash(ike::Hash h) {
  switch (h) {
    case ike::Hash::Md5:
      return "md5";
    case ike::Hash::Sha1:
      return "sha1";
    case ike::Hash::Sha256:
      return "sha2_256";
    case ike::Hash::Sha384:
      return "sha2_384";
    case ike::Hash::Sha512:
      return "sha2_512";
  }
  return "";
}

std::string libreswanCipher(ike::Encryption e) {
  switch (e) {
    case ike::Encryption::Aes128Gcm16:
      return "aes_gcm128";
    case ike::Encryption::Aes256Gcm16:
      return "aes_gcm256";
    default:
      return swanEncryption(e);  // 3des, aes128, aes192, aes256
  }
}

// libreswan writes the D-H group after ";" ("aes128-sha1;modp2048").
std::optional<std::string> algs(const std::string& enc_integ, std::optional<uint16_t> group) {
  if (!group) {
    return enc_integ;
  }
  auto dh = libreswanDh(*group);
  if (!dh) {
    return std::nullopt;
  }
  return enc_integ + ";" + *dh;
}

std::string libreswanDpdAction(ike::DpdAction a) {
  switch (a) {
    case ike::DpdAction::Restart:
      return "restart";
    case ike::DpdAction::Clear:
      return "clear";
    case ike::DpdAction::Hold:
      return "hold";
  }
  return "restart";
}

}  // namespace

Result<std::string> renderLibreswanConf(const PeerView& v) {
  // With an AEAD cipher the second word is the PRF (IKE) or "null" (ESP).
  auto ike = algs(libreswanCipher(v.ike.encryption) + "-" + libreswanHash(v.ike.authentication),
                  v.ike.dh_group);
  std::string child_ei;
  if (v.ipsec.protocol == ike::IpsecProtocol::Esp && v.ipsec.encryption) {
    child_ei = libreswanCipher(*v.ipsec.encryption);
    child_ei += "-" + (v.ipsec.authentication ? libreswanHash(*v.ipsec.authentication) : "null");
  } else if (v.ipsec.authentication) {
    child_ei = libreswanHash(*v.ipsec.authentication);
  }
  auto child = algs(child_ei, v.ipsec.pfs_group);
  if (!ike || !child) {
    uint16_t group = !ike ? v.ike.dh_group : v.ipsec.pfs_group.value_or(0);
    return makeError("libreswan 4 does not offer DH group " + std::to_string(group) +
                     ": use group 14 or stronger (not 24) on this tunnel");
  }
  std::ostringstream o;
  for (const auto& line : headerLines(v, "libreswan ipsec.conf + ipsec.secrets")) {
    o << "# " << line << "\n";
  }
  o << "# /etc/ipsec.d/" << v.name << ".conf\n";
  o << "conn " << v.name << "\n";
  o << "    authby=secret\n";
  o << "    auto=start\n";
  o << "    type=tunnel\n";
  o << "    ikev2=" << (v.version == ike::IkeVersion::V1 ? "no" : "insist") << "\n";
  if (v.version == ike::IkeVersion::V1 && v.mode == ike::V1Mode::Aggressive) {
    o << "    aggressive=yes\n";
  }
  o << "    ike=" << *ike << "\n";
  o << "    phase2=" << (v.ipsec.protocol == ike::IpsecProtocol::Ah ? "ah" : "esp") << "\n";
  o << "    phase2alg=" << *child << "\n";
  o << "    pfs=" << (v.ipsec.pfs_group ? "yes" : "no") << "\n";
  o << "    ikelifetime=" << v.ike.lifetime.count() << "s\n";
  o << "    salifetime=" << v.ipsec.lifetime.count() << "s\n";
  o << "    left=" << (v.local_address ? v.local_address->toString() : "%defaultroute") << "\n";
  if (v.local_address || v.local_id_explicit) {
    o << "    leftid=" << swanIdText(v.local_id) << "\n";
  }
  auto subnets = [&](const char* key, const std::vector<Subnet>& s) {
    if (v.route_mode) {
      o << "    " << key << "=0.0.0.0/0\n";
    } else if (s.size() == 1) {
      o << "    " << key << "=" << s.front().toString() << "\n";
    } else {
      o << "    " << key << "s={" << joinSubnets(s, " ") << "}\n";  // one SA per pair
    }
  };
  subnets("leftsubnet", v.local_subnets);
  o << "    right=" << v.remote_address.toString() << "\n";
  o << "    rightid=" << swanIdText(v.remote_id) << "\n";
  subnets("rightsubnet", v.remote_subnets);
  if (v.dpd.enabled) {
    o << "    dpddelay=" << v.dpd.delay.count() << "\n";
    o << "    dpdtimeout=" << v.dpd.timeout.count() << "\n";
    o << "    dpdaction=" << libreswanDpdAction(v.dpd.action) << "\n";
  }
  o << "\n# /etc/ipsec.d/" << v.name << ".secrets\n";
  o << (v.local_address || v.local_id_explicit ? swanIdText(v.local_id) : "%any") << " "
    << swanIdText(v.remote_id) << " : PSK \"" << v.psk << "\"\n";
  return o.str();
}

}  // namespace vpngw::render
