#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

#include "crypto/algorithms.h"
#include "crypto/openssl_util.h"

namespace vpngw::crypto {

void OpenSslRandom::fill(std::span<uint8_t> out) {
  // A DRBG failure means the process cannot produce keys, nonces or SPIs safely: an environment
  // error, never something to continue past.
  while (!out.empty()) {
    const size_t n = std::min(out.size(), static_cast<size_t>(INT_MAX));
    if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
      ossl::fail("RAND_bytes");
    }
    out = out.subspan(n);
  }
}

}  // namespace vpngw::crypto
