// ISAKMP body encryption: RFC 2409 Appendix B on the shared CBC ciphers (cbc.cc).
#include "crypto/ikev1_cbc.h"

#include <string>

#include "crypto/transform_ids.h"

namespace vpngw::crypto::ikev1 {

Result<BlockCipherPtr> createCipher(uint16_t encryption_attribute, uint16_t key_bits) {
  switch (encryption_attribute) {
    case encr_id::k3DesCbc:
      return createBlockCipher(ids::encr::k3Des, key_bits);
    case encr_id::kAesCbc:
      if (key_bits == 0) {
        return makeError("AES-CBC without a Key Length attribute");
      }
      return createBlockCipher(ids::encr::kAesCbc, key_bits);
    default:
      return makeError("unsupported IKEv1 encryption algorithm " +
                       std::to_string(encryption_attribute));
  }
}

Result<Bytes> encryptBody(const BlockCipher& cipher, ByteView key, ByteView iv,
                          ByteView plaintext) {
  const size_t block = cipher.blockSize();
  Bytes padded = toBytes(plaintext);
  padded.resize((plaintext.size() + block - 1) / block * block, 0);
  return cipher.encrypt(key, iv, padded);
}

Result<Bytes> decryptBody(const BlockCipher& cipher, ByteView key, ByteView iv,
                          ByteView ciphertext) {
  if (ciphertext.empty() || ciphertext.size() % cipher.blockSize() != 0) {
    return makeError("encrypted ISAKMP body of " + std::to_string(ciphertext.size()) +
                     " bytes is not a whole number of " + std::to_string(cipher.blockSize()) +
                     "-byte blocks");
  }
  return cipher.decrypt(key, iv, ciphertext);
}

Bytes lastBlock(ByteView ciphertext, size_t block_size) {
  if (block_size == 0 || ciphertext.size() < block_size) {
    return {};
  }
  return toBytes(ciphertext.last(block_size));
}

}  // namespace vpngw::crypto::ikev1
