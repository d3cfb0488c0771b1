// AES-GCM with a 16-byte ICV for IKEv2 (RFC 5282) and ESP (RFC 4106). The key material ends
// with a 4-byte salt; the 12-byte GCM nonce is salt | 8-byte explicit IV (RFC 4106 §4).

#include <algorithm>

#include "crypto/algorithms.h"
#include "crypto/openssl_util.h"
#include "crypto/transform_ids.h"

namespace vpngw::crypto {

namespace {

constexpr size_t kSaltSize = 4;
constexpr size_t kIvSize = 8;
constexpr size_t kTagSize = 16;
constexpr size_t kNonceSize = kSaltSize + kIvSize;

class AesGcm final : public Aead {
 public:
  AesGcm(const char* name, size_t aes_key_size) : aes_key_size_(aes_key_size) {
    cipher_.reset(EVP_CIPHER_fetch(nullptr, name, nullptr));
    if (!cipher_) {
      ossl::fail(std::string("EVP_CIPHER_fetch ") + name);
    }
  }

  size_t keySize() const override { return aes_key_size_ + kSaltSize; }

  Result<Bytes> seal(ByteView keymat, ByteView iv, ByteView aad,
                     ByteView plaintext) const override {
    auto ctx = start(keymat, iv, aad, plaintext.size(), true);
    if (!ctx) {
      return ctx.error();
    }
    Bytes out(plaintext.size() + kTagSize);
    int len = 0;
    if (!plaintext.empty() && EVP_EncryptUpdate(ctx->get(), out.data(), &len, plaintext.data(),
                                                static_cast<int>(plaintext.size())) != 1) {
      return ossl::error("GCM encrypt");
    }
    int tail = 0;
    if (EVP_EncryptFinal_ex(ctx->get(), out.data() + len, &tail) != 1 ||
        static_cast<size_t>(len + tail) != plaintext.size() ||
        EVP_CIPHER_CTX_ctrl(ctx->get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kTagSize),
                            out.data() + plaintext.size()) != 1) {
      return ossl::error("GCM finish");
    }
    return out;
  }

  Result<Bytes> open(ByteView keymat, ByteView iv, ByteView aad,
                     ByteView ciphertext_and_tag) const override {
    if (ciphertext_and_tag.size() < kTagSize) {
      return makeError("GCM input shorter than the ICV");
    }
    ByteView ciphertext = ciphertext_and_tag.first(ciphertext_and_tag.size() - kTagSize);
    ByteView tag = ciphertext_and_tag.last(kTagSize);
    auto ctx = start(keymat, iv, aad, ciphertext.size(), false);
    if (!ctx) {
      return ctx.error();
    }
    Bytes out(ciphertext.size());
    int len = 0;
    if (!ciphertext.empty() && EVP_DecryptUpdate(ctx->get(), out.data(), &len, ciphertext.data(),
                                                 static_cast<int>(ciphertext.size())) != 1) {
      return ossl::error("GCM decrypt");
    }
    // The tag is only read by OpenSSL, but the ctrl API takes a non-const pointer.
    uint8_t expected[kTagSize];
    std::copy(tag.begin(), tag.end(), expected);
    int tail = 0;
    if (EVP_CIPHER_CTX_ctrl(ctx->get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kTagSize),
                            expected) != 1) {
      return ossl::error("GCM set tag");
    }
    if (EVP_DecryptFinal_ex(ctx->get(), out.data() + len, &tail) != 1) {
      // Never hand out unauthenticated plaintext, and leave nothing of it in freed memory.
      secureWipe(out.data(), out.size());
      ossl::clearErrors();
      return makeError("GCM ICV mismatch");
    }
    return out;
  }

 private:
  // Keys the context with salt | IV as the nonce and feeds the AAD.
  Result<ossl::CipherCtxPtr> start(ByteView keymat, ByteView iv, ByteView aad, size_t text_size,
                                   bool encrypting) const {
    if (keymat.size() != keySize()) {
      return makeError("GCM key material must be " + std::to_string(keySize()) + " bytes");
    }
    if (iv.size() != kIvSize) {
      return makeError("GCM IV must be 8 bytes");
    }
    if (!ossl::fitsInt(aad.size()) || !ossl::fitsInt(text_size + kTagSize)) {
      return makeError("GCM input too long");
    }
    uint8_t nonce[kNonceSize];
    std::copy(keymat.begin() + static_cast<std::ptrdiff_t>(aes_key_size_), keymat.end(), nonce);
    std::copy(iv.begin(), iv.end(), nonce + kSaltSize);
    ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx) {
      ossl::fail("EVP_CIPHER_CTX_new");
    }
    // The default GCM nonce length in OpenSSL is 12 bytes, which is what RFC 4106 uses.
    const bool keyed = EVP_CipherInit_ex2(ctx.get(), cipher_.get(), keymat.data(), nonce,
                                          encrypting ? 1 : 0, nullptr) == 1;
    secureWipe(nonce, sizeof(nonce));  // the salt is key material
    if (!keyed) {
      return ossl::error("GCM init");
    }
    int len = 0;
    if (!aad.empty() &&
        EVP_CipherUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) {
      return ossl::error("GCM AAD");
    }
    return ctx;
  }

  ossl::CipherPtr cipher_;
  size_t aes_key_size_;
};

}  // namespace

Result<AeadPtr> createAead(uint16_t transform_id, uint16_t key_bits) {
  if (transform_id != ids::encr::kAesGcm16) {
    return makeError("unsupported AEAD transform " + std::to_string(transform_id));
  }
  switch (key_bits) {
    case 128:
      return AeadPtr(std::make_unique<AesGcm>("AES-128-GCM", 16));
    case 192:
      return AeadPtr(std::make_unique<AesGcm>("AES-192-GCM", 24));
    case 256:
      return AeadPtr(std::make_unique<AesGcm>("AES-256-GCM", 32));
    default:
      return makeError("AES-GCM key length must be 128, 192 or 256 bits, not " +
                       std::to_string(key_bits));
  }
}

bool isAead(uint16_t encr_transform_id) {
  // Every combined-mode cipher in the IKEv2 registry, supported or not: a proposal carrying one
  // must not also carry an integrity transform (RFC 5282 §8, RFC 7634 §3).
  switch (encr_transform_id) {
    case ids::encr::kAesCcm8:
    case ids::encr::kAesCcm12:
    case ids::encr::kAesCcm16:
    case ids::encr::kAesGcm8:
    case ids::encr::kAesGcm12:
    case ids::encr::kAesGcm16:
    case ids::encr::kNullAuthAesGmac:
    case ids::encr::kChaCha20Poly1305:
      return true;
    default:
      return false;
  }
}

}  // namespace vpngw::crypto
