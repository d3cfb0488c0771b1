#include "crypto/hash.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace vpngw::crypto {

Bytes sha1(ByteView data) {
  Bytes out(20);
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("EVP_Digest(sha1) failed");
  }
  return out;
}

}  // namespace vpngw::crypto
