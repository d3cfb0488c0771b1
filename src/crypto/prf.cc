// HMAC PRFs (RFC 2104, RFC 4868 §2.1) and prf+ (RFC 7296 §2.13).
#include "crypto/algorithms.h"
#include "crypto/hmac.h"
#include "crypto/transform_ids.h"

namespace vpngw::crypto {

namespace {

class HmacPrf final : public Prf {
 public:
  explicit HmacPrf(const char* digest) : hmac_(digest) {}
  size_t outputSize() const override { return hmac_.size(); }
  SecureBytes compute(ByteView key, ByteView data) const override {
    SecureBytes out(hmac_.size());
    hmac_.compute(key, data, out.data());
    return out;
  }

 private:
  HmacEngine hmac_;
};

const char* prfDigest(uint16_t transform_id) {
  switch (transform_id) {
    case ids::prf::kHmacMd5:
      return "MD5";
    case ids::prf::kHmacSha1:
      return "SHA1";
    case ids::prf::kHmacSha256:
      return "SHA256";
    case ids::prf::kHmacSha384:
      return "SHA384";
    case ids::prf::kHmacSha512:
      return "SHA512";
    default:
      return nullptr;
  }
}

}  // namespace

Result<PrfPtr> createPrf(uint16_t transform_id) {
  const char* digest = prfDigest(transform_id);
  if (digest == nullptr) {
    return makeError("unsupported PRF transform " + std::to_string(transform_id));
  }
  return PrfPtr(std::make_unique<HmacPrf>(digest));
}

Result<SecureBytes> prfPlus(const Prf& prf, ByteView key, ByteView seed, size_t length) {
  const size_t block = prf.outputSize();
  if (length > 255 * block) {
    return makeError("prf+ output of " + std::to_string(length) + " bytes exceeds 255 blocks");
  }
  SecureBytes out;
  out.reserve(length + block);
  // T(n) = prf(K, T(n-1) | S | n); the input buffer is reused so no copy of T lingers.
  SecureBytes input;
  input.reserve(block + seed.size() + 1);
  for (uint8_t counter = 1; out.size() < length; ++counter) {
    input.resize(0);
    if (counter > 1) {
      input.insert(input.end(), out.end() - static_cast<std::ptrdiff_t>(block), out.end());
    }
    input.insert(input.end(), seed.begin(), seed.end());
    input.push_back(counter);
    SecureBytes t = prf.compute(key, view(input));
    out.insert(out.end(), t.begin(), t.end());
  }
  out.resize(length);
  return out;
}

}  // namespace vpngw::crypto
