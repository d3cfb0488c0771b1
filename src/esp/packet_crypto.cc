#include "esp/packet_crypto.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <array>
#include <climits>
#include <cstring>
#include <string>

namespace vpngw::esp::detail {

namespace {

constexpr size_t kGcmTagSize = 16;

using CipherPtr = std::unique_ptr<EVP_CIPHER, Deleter<EVP_CIPHER_free>>;
using MacPtr = std::unique_ptr<EVP_MAC, Deleter<EVP_MAC_free>>;

Error sslError(std::string what) {
  unsigned long code = ERR_get_error();
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    what += ": ";
    what += buf;
  }
  ERR_clear_error();
  return makeError(std::move(what));
}

int asInt(size_t n) { return static_cast<int>(n); }

}  // namespace

void clearOpenSslErrors() { ERR_clear_error(); }

Result<CipherContext> CipherContext::create(const EncrSpec& spec, ByteView key, bool encrypt) {
  if (key.size() != spec.key_size) {
    return makeError("cipher key has the wrong length");
  }
  CipherPtr cipher(EVP_CIPHER_fetch(nullptr, spec.openssl_name, nullptr));
  if (!cipher) {
    return sslError(std::string("cipher not available: ") + spec.openssl_name);
  }
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) {
    return sslError("EVP_CIPHER_CTX_new");
  }
  // The key schedule happens here, once; packets only set the IV (key == nullptr keeps it).
  if (EVP_CipherInit_ex(ctx.get(), cipher.get(), nullptr, key.data(), nullptr, encrypt ? 1 : 0) !=
      1) {
    return sslError("cipher init");
  }
  if (spec.mode == CipherMode::Cbc && EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
    return sslError("cipher padding");  // ESP pads itself (RFC 4303 §2.4)
  }
  return CipherContext(std::move(ctx), encrypt);
}

bool CipherContext::cbc(const uint8_t* iv, uint8_t* data, size_t len) {
  int outl = 0;
  if (EVP_CipherInit_ex(ctx_.get(), nullptr, nullptr, nullptr, iv, encrypt_ ? 1 : 0) != 1 ||
      EVP_CipherUpdate(ctx_.get(), data, &outl, data, asInt(len)) != 1 ||
      static_cast<size_t>(outl) != len) {
    clearOpenSslErrors();
    return false;
  }
  return true;
}

bool CipherContext::gcmSeal(const uint8_t* nonce, ByteView aad, uint8_t* data, size_t len,
                            uint8_t* tag) {
  int outl = 0;
  int tail = 0;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, kGcmTagSize),
      OSSL_PARAM_construct_end()};
  // get_params rather than EVP_CIPHER_CTX_ctrl(GET_TAG): the ctrl shim costs ~40 ns more.
  if (EVP_EncryptInit_ex(ctx_.get(), nullptr, nullptr, nullptr, nonce) != 1 ||
      EVP_EncryptUpdate(ctx_.get(), nullptr, &outl, aad.data(), asInt(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx_.get(), data, &outl, data, asInt(len)) != 1 ||
      static_cast<size_t>(outl) != len || EVP_EncryptFinal_ex(ctx_.get(), data + len, &tail) != 1 ||
      tail != 0 || EVP_CIPHER_CTX_get_params(ctx_.get(), params) != 1) {
    clearOpenSslErrors();
    return false;
  }
  return true;
}

bool CipherContext::gcmOpen(const uint8_t* nonce, ByteView aad, uint8_t* data, size_t len,
                            const uint8_t* tag) {
  int outl = 0;
  int tail = 0;
  // OpenSSL copies the expected tag; it never writes through this pointer.
  OSSL_PARAM params[] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
                                                           const_cast<uint8_t*>(tag), kGcmTagSize),
                         OSSL_PARAM_construct_end()};
  // The tag is checked in Final, before the caller looks at any decrypted byte.
  if (EVP_DecryptInit_ex(ctx_.get(), nullptr, nullptr, nullptr, nonce) != 1 ||
      EVP_DecryptUpdate(ctx_.get(), nullptr, &outl, aad.data(), asInt(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx_.get(), data, &outl, data, asInt(len)) != 1 ||
      static_cast<size_t>(outl) != len || EVP_CIPHER_CTX_set_params(ctx_.get(), params) != 1 ||
      EVP_DecryptFinal_ex(ctx_.get(), data + len, &tail) != 1 || tail != 0) {
    clearOpenSslErrors();
    return false;
  }
  return true;
}

Result<HmacContext> HmacContext::create(const IntegSpec& spec, ByteView key) {
  if (key.size() != spec.key_size) {
    return makeError("integrity key has the wrong length");
  }
  MacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) {
    return sslError("HMAC not available");
  }
  MacCtxPtr ctx(EVP_MAC_CTX_new(mac.get()));
  if (!ctx) {
    return sslError("EVP_MAC_CTX_new");
  }
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(spec.digest), 0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1) {
    return sslError(std::string("HMAC init ") + spec.digest);
  }
  return HmacContext(std::move(ctx), spec.icv_size);
}

bool HmacContext::compute(std::span<const ByteView> parts, uint8_t* icv) {
  std::array<uint8_t, EVP_MAX_MD_SIZE> full;
  size_t outl = 0;
  // A null key re-initialises with the key given at creation (no new key schedule).
  if (EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) != 1) {
    clearOpenSslErrors();
    return false;
  }
  for (ByteView part : parts) {
    if (!part.empty() && EVP_MAC_update(ctx_.get(), part.data(), part.size()) != 1) {
      clearOpenSslErrors();
      return false;
    }
  }
  if (EVP_MAC_final(ctx_.get(), full.data(), &outl, full.size()) != 1 || outl < icv_size_) {
    clearOpenSslErrors();
    return false;
  }
  std::memcpy(icv, full.data(), icv_size_);
  return true;
}

bool HmacContext::verify(std::span<const ByteView> parts, const uint8_t* icv) {
  std::array<uint8_t, EVP_MAX_MD_SIZE> expected;
  if (!compute(parts, expected.data())) {
    return false;
  }
  return CRYPTO_memcmp(expected.data(), icv, icv_size_) == 0;
}

Result<CbcIvSource> CbcIvSource::create() {
  std::array<uint8_t, 16> key;
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    return sslError("RAND_bytes for the IV key");
  }
  CipherPtr cipher(EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr));
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  bool ok = cipher && ctx &&
            EVP_EncryptInit_ex(ctx.get(), cipher.get(), nullptr, key.data(), nullptr) == 1 &&
            EVP_CIPHER_CTX_set_padding(ctx.get(), 0) == 1;
  OPENSSL_cleanse(key.data(), key.size());
  if (!ok) {
    return sslError("IV cipher init");
  }
  return CbcIvSource(std::move(ctx));
}

bool CbcIvSource::next(uint64_t seq, uint8_t* iv, size_t iv_size) {
  std::array<uint8_t, 16> block{};
  for (int i = 0; i < 8; ++i) {
    block[i] = static_cast<uint8_t>(seq >> (56 - 8 * i));
  }
  int outl = 0;
  if (EVP_EncryptUpdate(ctx_.get(), block.data(), &outl, block.data(), 16) != 1 || outl != 16) {
    clearOpenSslErrors();
    return false;
  }
  std::memcpy(iv, block.data(), iv_size);
  return true;
}

}  // namespace vpngw::esp::detail
