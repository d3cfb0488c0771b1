// CBC block ciphers without padding: 3DES-CBC (RFC 2451) and AES-CBC (RFC 3602). IKEv2 and ESP
// pad themselves, so a length that is not a whole number of blocks is an error here.

#include "crypto/algorithms.h"
#include "crypto/openssl_util.h"
#include "crypto/transform_ids.h"

namespace vpngw::crypto {

namespace {

class CbcCipher final : public BlockCipher {
 public:
  CbcCipher(const char* name, size_t key_size) : key_size_(key_size) {
    cipher_.reset(EVP_CIPHER_fetch(nullptr, name, nullptr));
    if (!cipher_) {
      ossl::fail(std::string("EVP_CIPHER_fetch ") + name);
    }
    block_size_ = static_cast<size_t>(EVP_CIPHER_get_block_size(cipher_.get()));
  }

  size_t keySize() const override { return key_size_; }
  size_t blockSize() const override { return block_size_; }

  Result<Bytes> encrypt(ByteView key, ByteView iv, ByteView plaintext) const override {
    return run(key, iv, plaintext, true);
  }
  Result<Bytes> decrypt(ByteView key, ByteView iv, ByteView ciphertext) const override {
    return run(key, iv, ciphertext, false);
  }

 private:
  Result<Bytes> run(ByteView key, ByteView iv, ByteView in, bool encrypting) const {
    if (key.size() != key_size_) {
      return makeError("CBC key must be " + std::to_string(key_size_) + " bytes");
    }
    if (iv.size() != block_size_) {
      return makeError("CBC IV must be " + std::to_string(block_size_) + " bytes");
    }
    if (in.size() % block_size_ != 0 || !ossl::fitsInt(in.size())) {
      return makeError("CBC input is not a whole number of blocks");
    }
    ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx) {
      ossl::fail("EVP_CIPHER_CTX_new");
    }
    if (EVP_CipherInit_ex2(ctx.get(), cipher_.get(), key.data(), iv.data(), encrypting ? 1 : 0,
                           nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
      return ossl::error("CBC init");
    }
    Bytes out(in.size());
    int len = 0;
    int tail = 0;
    if ((!in.empty() && EVP_CipherUpdate(ctx.get(), out.data(), &len, in.data(),
                                         static_cast<int>(in.size())) != 1) ||
        EVP_CipherFinal_ex(ctx.get(), out.data() + len, &tail) != 1) {
      return ossl::error("CBC update");
    }
    out.resize(static_cast<size_t>(len) + static_cast<size_t>(tail));
    return out;
  }

  ossl::CipherPtr cipher_;
  size_t key_size_;
  size_t block_size_ = 0;
};

}  // namespace

Result<BlockCipherPtr> createBlockCipher(uint16_t transform_id, uint16_t key_bits) {
  if (transform_id == ids::encr::k3Des) {
    // 3DES has a fixed key length; IKEv2 sends no Key Length attribute for it (RFC 7296 §3.3.5).
    if (key_bits != 0 && key_bits != 192) {
      return makeError("3DES key length must be 192 bits");
    }
    return BlockCipherPtr(std::make_unique<CbcCipher>("DES-EDE3-CBC", 24));
  }
  if (transform_id == ids::encr::kAesCbc) {
    switch (key_bits) {
      case 128:
        return BlockCipherPtr(std::make_unique<CbcCipher>("AES-128-CBC", 16));
      case 192:
        return BlockCipherPtr(std::make_unique<CbcCipher>("AES-192-CBC", 24));
      case 256:
        return BlockCipherPtr(std::make_unique<CbcCipher>("AES-256-CBC", 32));
      default:
        return makeError("AES-CBC key length must be 128, 192 or 256 bits, not " +
                         std::to_string(key_bits));
    }
  }
  return makeError("unsupported CBC transform " + std::to_string(transform_id));
}

}  // namespace vpngw::crypto
