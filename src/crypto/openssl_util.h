#pragma once
// RAII owners for OpenSSL objects and error-queue helpers shared by the crypto implementation.
// Private to src/crypto.
#include <openssl/bn.h>
#include <openssl/core.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <climits>
#include <memory>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace vpngw::crypto::ossl {

template <auto kFree>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};

using MacPtr = std::unique_ptr<EVP_MAC, Deleter<EVP_MAC_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, Deleter<EVP_MAC_CTX_free>>;
using CipherPtr = std::unique_ptr<EVP_CIPHER, Deleter<EVP_CIPHER_free>>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
// BN_clear_free: every BIGNUM we own may hold a private value, so always wipe.
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_clear_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, Deleter<BN_CTX_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;

// An Error naming the failed step and OpenSSL's first queued reason; empties the (thread-local)
// error queue so a stale entry cannot be blamed on a later, unrelated call.
Error error(std::string_view what);

// Empties the error queue after a failure we report without OpenSSL's reason.
void clearErrors();

// Throws std::runtime_error for failures that cannot happen with valid inputs (allocation, a
// missing algorithm): programming or environment errors, not peer behaviour.
[[noreturn]] void fail(std::string_view what);

// EVP lengths are int; anything larger is refused before it reaches OpenSSL.
inline bool fitsInt(size_t n) { return n <= static_cast<size_t>(INT_MAX); }

// A non-null pointer for a possibly empty view: OpenSSL treats a null key as "keep the old key".
inline const uint8_t* dataOrEmpty(ByteView v) {
  static constexpr uint8_t kEmpty = 0;
  return v.empty() ? &kEmpty : v.data();
}

}  // namespace vpngw::crypto::ossl
