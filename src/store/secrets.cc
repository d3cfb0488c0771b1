#include "store/secrets.h"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

#include "crypto/algorithms.h"

namespace vpngw::store {

namespace {

std::string randomHex(size_t bytes) {
  Bytes raw(bytes);
  crypto::OpenSslRandom().fill(raw);
  return toHex(raw);
}

}  // namespace

std::string newResourceId(Kind kind) { return std::string(idPrefix(kind)) + "-" + randomHex(8); }

std::string newTenantId() { return "ten-" + randomHex(8); }

std::string newToken() { return randomHex(32); }

Bytes hashToken(std::string_view token) {
  Bytes out(32);
  unsigned int len = 0;
  if (EVP_Digest(token.data(), token.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 ||
      len != out.size()) {
    throw std::runtime_error("EVP_Digest(sha256) failed");
  }
  return out;
}

std::string newPsk() {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  constexpr size_t kLength = 32;
  // Rejection sampling keeps every character equally likely (62 does not divide 256).
  constexpr uint8_t kLimit = 256 - 256 % kAlphabet.size();
  crypto::OpenSslRandom random;
  std::string psk;
  while (psk.size() < kLength) {
    std::array<uint8_t, 64> raw{};
    random.fill(raw);
    for (uint8_t b : raw) {
      if (b < kLimit && psk.size() < kLength) {
        psk.push_back(kAlphabet[b % kAlphabet.size()]);
      }
    }
  }
  return psk;
}

}  // namespace vpngw::store
