#pragma once
// The ESP/AH algorithms the packet layer implements, keyed by IKEv2 transform IDs (RFC 7296
// §3.3.2, IANA "Transform Type 1/3"). The numbers are kept here rather than taken from
// wire/registry.h: esp sits beside crypto and must not include wire headers.
#include <cstddef>
#include <cstdint>
#include <optional>

namespace vpngw::esp {

namespace encr {
constexpr uint16_t kNone = 0;  // AH
constexpr uint16_t k3Des = 3;
constexpr uint16_t kAesCbc = 12;
constexpr uint16_t kAesGcm16 = 20;  // RFC 4106 with a 16-byte ICV
}  // namespace encr

namespace integ {
constexpr uint16_t kNone = 0;  // AES-GCM (combined mode)
constexpr uint16_t kHmacMd5_96 = 1;
constexpr uint16_t kHmacSha1_96 = 2;
constexpr uint16_t kHmacSha256_128 = 12;  // RFC 4868
constexpr uint16_t kHmacSha384_192 = 13;
constexpr uint16_t kHmacSha512_256 = 14;
}  // namespace integ

enum class CipherMode : uint8_t { Cbc, Gcm };

struct EncrSpec {
  CipherMode mode = CipherMode::Cbc;
  const char* openssl_name = "";
  size_t key_size = 0;    // cipher key bytes, without the GCM salt
  size_t salt_size = 0;   // 4 for AES-GCM (RFC 4106 §8.1)
  size_t iv_size = 0;     // bytes carried in each packet
  size_t block_size = 0;  // the ciphertext must be a multiple of this
  size_t icv_size = 0;    // AEAD tag length; 0 for CBC
};

struct IntegSpec {
  const char* digest = "";
  size_t key_size = 0;
  size_t icv_size = 0;  // truncated HMAC output carried in the packet
};

// nullopt for an unknown ID or a key size the algorithm does not have. key_bits 0 means the
// algorithm's only size (3DES).
std::optional<EncrSpec> encrSpec(uint16_t encr_id, uint16_t key_bits);
std::optional<IntegSpec> integSpec(uint16_t integ_id);

}  // namespace vpngw::esp
