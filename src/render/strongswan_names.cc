#include "render/strongswan_names.h"

namespace vpngw::render {

std::string swanEncryption(ike::Encryption e) {
  switch (e) {
    case ike::Encryption::Des3:
      return "3des";
    case ike::Encryption::Aes128:
      return "aes128";
    case ike::Encryption::Aes192:
      return "aes192";
    case ike::Encryption::Aes256:
      return "aes256";
    case ike::Encryption::Aes128Gcm16:
      return "aes128gcm16";
    case ike::Encryption::Aes256Gcm16:
      return "aes256gcm16";
  }
  return "";
}

std::string swanHash(ike::Hash h) {
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

std::optional<std::string> swanDhGroup(uint16_t group) {
  switch (group) {
    case 1:
      return "modp768";
    case 2:
      return "modp1024";
    case 5:
      return "modp1536";
    case 14:
      return "modp2048";
    case 15:
      return "modp3072";
    case 16:
      return "modp4096";
    case 19:
      return "ecp256";
    case 20:
      return "ecp384";
    case 21:
      return "ecp521";
    case 24:
      return "modp2048s256";
    case 31:
      return "curve25519";
    default:
      return std::nullopt;
  }
}

std::optional<std::string> swanIkeProposal(const ike::IkePolicy& p) {
  auto dh = swanDhGroup(p.dh_group);
  if (!dh) {
    return std::nullopt;
  }
  // With an AEAD cipher the authentication setting only picks the PRF (RFC 5282).
  std::string integ =
      ike::isAead(p.encryption) ? "prf" + swanHash(p.authentication) : swanHash(p.authentication);
  return swanEncryption(p.encryption) + "-" + integ + "-" + *dh;
}

std::optional<std::string> swanChildProposal(const ike::IpsecPolicy& p) {
  std::string out;
  if (p.protocol == ike::IpsecProtocol::Esp && p.encryption) {
    out = swanEncryption(*p.encryption);
  }
  if (p.authentication) {
    out += (out.empty() ? "" : "-") + swanHash(*p.authentication);
  }
  if (p.pfs_group) {
    auto dh = swanDhGroup(*p.pfs_group);
    if (!dh) {
      return std::nullopt;
    }
    out += "-" + *dh;
  }
  return out;
}

std::string swanIdText(const ike::Identity& id) {
  return id.type == ike::Identity::Type::Fqdn ? "@" + id.value : id.value;
}

}  // namespace vpngw::render
