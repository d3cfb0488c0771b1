#pragma once
// ISAKMP message encryption (RFC 2409 Appendix B, RFC 2408 §3.1 E flag): CBC over the payload
// chain with OpenSSL padding off. ISAKMP pads with zero bytes to the cipher block itself, and
// chains IVs across messages: the next IV is the last ciphertext block of the previous message
// (phase 1), or starts from ikev1_keys.h phase2Iv() for each quick mode/informational M-ID.
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/algorithms.h"

namespace vpngw::crypto::ikev1 {

// Encryption Algorithm attribute values (RFC 2409 Appendix A, RFC 3602 §5.3), mirrored from
// wire/ikev1/registry.h by value.
namespace encr_id {
constexpr uint16_t k3DesCbc = 5;
constexpr uint16_t kAesCbc = 7;
}  // namespace encr_id

// 3DES-CBC (key_bits 0 or 192) or AES-CBC (key_bits 128/192/256; RFC 3602 §5.3 makes the Key
// Length attribute mandatory for AES, so 0 is refused).
Result<BlockCipherPtr> createCipher(uint16_t encryption_attribute, uint16_t key_bits);

// Zero-pads plaintext to a whole number of blocks (none when already aligned) and encrypts.
Result<Bytes> encryptBody(const BlockCipher& cipher, ByteView key, ByteView iv, ByteView plaintext);
// Decrypts a message body; an Error when it is empty or not whole blocks. The result still has
// the padding: wire::v1::decodeDecryptedChain() skips it.
Result<Bytes> decryptBody(const BlockCipher& cipher, ByteView key, ByteView iv,
                          ByteView ciphertext);

// The IV for the next message of the same exchange: the last ciphertext block. Call it only
// once a received message has been authenticated, so a forged one cannot desynchronise the
// chain. Empty when ciphertext is shorter than a block.
Bytes lastBlock(ByteView ciphertext, size_t block_size);

}  // namespace vpngw::crypto::ikev1
