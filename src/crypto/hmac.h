#pragma once
// HMAC through EVP_MAC, shared by the PRF and integrity transforms. Private to src/crypto.
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "crypto/openssl_util.h"

namespace vpngw::crypto {

class HmacEngine {
 public:
  // digest is an OpenSSL digest name ("SHA256"). Throws when OpenSSL lacks it.
  explicit HmacEngine(const char* digest);

  size_t size() const { return size_; }
  // Writes the full HMAC(key, data) to out, which must hold size() bytes.
  void compute(ByteView key, ByteView data, uint8_t* out) const;

 private:
  ossl::MacPtr mac_;
  // Initialised with the digest (and an empty key) once, so each call only duplicates it instead
  // of fetching the MAC and digest again.
  ossl::MacCtxPtr template_;
  size_t size_ = 0;
};

}  // namespace vpngw::crypto
