// Truncated HMAC integrity transforms: RFC 2403 (MD5-96), RFC 2404 (SHA1-96), RFC 4868 (SHA-2).
#include <openssl/crypto.h>

#include "crypto/algorithms.h"
#include "crypto/hmac.h"
#include "crypto/transform_ids.h"

namespace vpngw::crypto {

namespace {

class TruncatedHmac final : public Integrity {
 public:
  TruncatedHmac(const char* digest, size_t icv_size) : hmac_(digest), icv_size_(icv_size) {}

  // The key is as long as the full hash output (RFC 2404 §2, RFC 4868 §2.1.1).
  size_t keySize() const override { return hmac_.size(); }
  size_t icvSize() const override { return icv_size_; }

  Bytes compute(ByteView key, ByteView data) const override {
    Bytes full(hmac_.size());
    hmac_.compute(key, data, full.data());
    full.resize(icv_size_);
    return full;
  }

  bool verify(ByteView key, ByteView data, ByteView icv) const override {
    if (icv.size() != icv_size_) {
      return false;
    }
    Bytes expected = compute(key, data);
    return CRYPTO_memcmp(expected.data(), icv.data(), icv_size_) == 0;
  }

 private:
  HmacEngine hmac_;
  size_t icv_size_;
};

}  // namespace

Result<IntegrityPtr> createIntegrity(uint16_t transform_id) {
  switch (transform_id) {
    case ids::integ::kHmacMd5_96:
      return IntegrityPtr(std::make_unique<TruncatedHmac>("MD5", 12));
    case ids::integ::kHmacSha1_96:
      return IntegrityPtr(std::make_unique<TruncatedHmac>("SHA1", 12));
    case ids::integ::kHmacSha256_128:
      return IntegrityPtr(std::make_unique<TruncatedHmac>("SHA256", 16));
    case ids::integ::kHmacSha384_192:
      return IntegrityPtr(std::make_unique<TruncatedHmac>("SHA384", 24));
    case ids::integ::kHmacSha512_256:
      return IntegrityPtr(std::make_unique<TruncatedHmac>("SHA512", 32));
    default:
      return makeError("unsupported integrity transform " + std::to_string(transform_id));
  }
}

}  // namespace vpngw::crypto
