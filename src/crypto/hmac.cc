#include "crypto/hmac.h"

#include <openssl/core_names.h>

namespace vpngw::crypto {

HmacEngine::HmacEngine(const char* digest) {
  mac_.reset(EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr));
  if (!mac_) {
    ossl::fail("EVP_MAC_fetch(HMAC)");
  }
  template_.reset(EVP_MAC_CTX_new(mac_.get()));
  if (!template_) {
    ossl::fail("EVP_MAC_CTX_new");
  }
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end()};
  // An initialised context (even with an empty key) is needed for EVP_MAC_CTX_dup to succeed.
  if (EVP_MAC_init(template_.get(), ossl::dataOrEmpty({}), 0, params) != 1) {
    ossl::fail("EVP_MAC_init(HMAC)");
  }
  size_ = EVP_MAC_CTX_get_mac_size(template_.get());
  if (size_ == 0) {
    ossl::fail("EVP_MAC_CTX_get_mac_size");
  }
}

void HmacEngine::compute(ByteView key, ByteView data, uint8_t* out) const {
  ossl::MacCtxPtr ctx(EVP_MAC_CTX_dup(template_.get()));
  if (!ctx) {
    ossl::fail("EVP_MAC_CTX_dup");
  }
  size_t written = 0;
  if (EVP_MAC_init(ctx.get(), ossl::dataOrEmpty(key), key.size(), nullptr) != 1 ||
      EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out, &written, size_) != 1 || written != size_) {
    ossl::fail("HMAC computation");
  }
}

}  // namespace vpngw::crypto
