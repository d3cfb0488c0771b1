#pragma once
// Helpers shared by the crypto unit tests.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "crypto/algorithms.h"

namespace vpngw::crypto::test {

// Hex text (whitespace ignored) to bytes. Malformed hex is a defect in the test: throws.
inline Bytes hex(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c != ' ' && c != '\n') {
      digits.push_back(c);
    }
  }
  auto bytes = fromHex(digits);
  if (!bytes) {
    throw std::invalid_argument("bad hex in test vector: " + digits);
  }
  return *bytes;
}

inline Bytes ascii(std::string_view text) { return toBytes(view(text)); }

inline Bytes repeat(uint8_t byte, size_t n) { return Bytes(n, byte); }

inline std::string hexOf(ByteView b) { return toHex(b); }

// The PRF with this IKEv2 transform id; a failure to create it fails the test.
inline PrfPtr makePrf(uint16_t id) {
  auto prf = createPrf(id);
  if (!prf) {
    ADD_FAILURE() << prf.error().message;
    return nullptr;
  }
  return std::move(prf.value());
}

}  // namespace vpngw::crypto::test
