#pragma once
// Helpers shared by the crypto unit tests.
#include <stdexcept>
#include <string>
#include <string_view>

#include "base/bytes.h"

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

}  // namespace vpngw::crypto::test
