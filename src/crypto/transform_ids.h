#pragma once
// IKEv2 transform IDs (IANA "IKEv2 Transform Attribute" registries, RFC 7296 §3.3.2) used by the
// crypto factories. They mirror wire/registry.h by value: crypto must not include wire headers.
#include <cstdint>

namespace vpngw::crypto::ids {

namespace encr {
constexpr uint16_t k3Des = 3;
constexpr uint16_t kAesCbc = 12;
constexpr uint16_t kAesCcm8 = 14;
constexpr uint16_t kAesCcm12 = 15;
constexpr uint16_t kAesCcm16 = 16;
constexpr uint16_t kAesGcm8 = 18;
constexpr uint16_t kAesGcm12 = 19;
constexpr uint16_t kAesGcm16 = 20;
constexpr uint16_t kNullAuthAesGmac = 21;
constexpr uint16_t kChaCha20Poly1305 = 28;
}  // namespace encr

namespace prf {
constexpr uint16_t kHmacMd5 = 1;
constexpr uint16_t kHmacSha1 = 2;
constexpr uint16_t kHmacSha256 = 5;
constexpr uint16_t kHmacSha384 = 6;
constexpr uint16_t kHmacSha512 = 7;
}  // namespace prf

namespace integ {
constexpr uint16_t kHmacMd5_96 = 1;
constexpr uint16_t kHmacSha1_96 = 2;
constexpr uint16_t kHmacSha256_128 = 12;
constexpr uint16_t kHmacSha384_192 = 13;
constexpr uint16_t kHmacSha512_256 = 14;
}  // namespace integ

namespace dh {
constexpr uint16_t kModp768 = 1;
constexpr uint16_t kModp1024 = 2;
constexpr uint16_t kModp1536 = 5;
constexpr uint16_t kModp2048 = 14;
constexpr uint16_t kModp3072 = 15;
constexpr uint16_t kModp4096 = 16;
constexpr uint16_t kEcp256 = 19;
constexpr uint16_t kEcp384 = 20;
constexpr uint16_t kEcp521 = 21;
constexpr uint16_t kModp2048s256 = 24;
constexpr uint16_t kCurve25519 = 31;
}  // namespace dh

}  // namespace vpngw::crypto::ids
