#include "esp/algorithms.h"

namespace vpngw::esp {

std::optional<EncrSpec> encrSpec(uint16_t encr_id, uint16_t key_bits) {
  switch (encr_id) {
    case encr::k3Des:
      if (key_bits != 0 && key_bits != 192) {
        return std::nullopt;
      }
      return EncrSpec{CipherMode::Cbc, "DES-EDE3-CBC", 24, 0, 8, 8, 0};
    case encr::kAesCbc:
      switch (key_bits) {
        case 128:
          return EncrSpec{CipherMode::Cbc, "AES-128-CBC", 16, 0, 16, 16, 0};
        case 192:
          return EncrSpec{CipherMode::Cbc, "AES-192-CBC", 24, 0, 16, 16, 0};
        case 256:
          return EncrSpec{CipherMode::Cbc, "AES-256-CBC", 32, 0, 16, 16, 0};
        default:
          return std::nullopt;
      }
    case encr::kAesGcm16:
      // RFC 4106 §3: 8-byte explicit IV; the payload is padded to 4 bytes only (§3.2).
      switch (key_bits) {
        case 128:
          return EncrSpec{CipherMode::Gcm, "AES-128-GCM", 16, 4, 8, 4, 16};
        case 192:
          return EncrSpec{CipherMode::Gcm, "AES-192-GCM", 24, 4, 8, 4, 16};
        case 256:
          return EncrSpec{CipherMode::Gcm, "AES-256-GCM", 32, 4, 8, 4, 16};
        default:
          return std::nullopt;
      }
    default:
      return std::nullopt;
  }
}

std::optional<IntegSpec> integSpec(uint16_t integ_id) {
  switch (integ_id) {
    case integ::kHmacMd5_96:  // RFC 2403
      return IntegSpec{"MD5", 16, 12};
    case integ::kHmacSha1_96:  // RFC 2404
      return IntegSpec{"SHA1", 20, 12};
    case integ::kHmacSha256_128:  // RFC 4868 §2.1: key = block-size-independent output size
      return IntegSpec{"SHA2-256", 32, 16};
    case integ::kHmacSha384_192:
      return IntegSpec{"SHA2-384", 48, 24};
    case integ::kHmacSha512_256:
      return IntegSpec{"SHA2-512", 64, 32};
    default:
      return std::nullopt;
  }
}

}  // namespace vpngw::esp
