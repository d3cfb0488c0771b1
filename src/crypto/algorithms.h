#pragma once
// Cryptographic primitives behind small interfaces, implemented with OpenSSL 3 EVP.
// Algorithms are named by their IKEv2 transform IDs (wire/registry.h) so the engine can go
// from a negotiated proposal to an object with one call. Nothing here is hand-rolled.
#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/random.h"
#include "base/result.h"

namespace vpngw::crypto {

// Pseudo-random function (HMAC). The output size is also the preferred key size (RFC 7296
// §2.13: SK_d, SK_pi, SK_pr are this long).
class Prf {
 public:
  virtual ~Prf() = default;
  virtual size_t outputSize() const = 0;
  virtual SecureBytes compute(ByteView key, ByteView data) const = 0;
};
using PrfPtr = std::unique_ptr<Prf>;
// transform id: wire::prf::kHmacMd5 / kHmacSha1 / kHmacSha256 / kHmacSha384 / kHmacSha512
Result<PrfPtr> createPrf(uint16_t transform_id);

// Truncated HMAC integrity (RFC 2404, 4868): HMAC-MD5-96, -SHA1-96, -SHA2-256-128,
// -SHA2-384-192, -SHA2-512-256.
class Integrity {
 public:
  virtual ~Integrity() = default;
  virtual size_t keySize() const = 0;
  virtual size_t icvSize() const = 0;
  // The truncated ICV over data.
  virtual Bytes compute(ByteView key, ByteView data) const = 0;
  // Constant-time check of icv against the ICV over data.
  virtual bool verify(ByteView key, ByteView data, ByteView icv) const = 0;
};
using IntegrityPtr = std::unique_ptr<Integrity>;
Result<IntegrityPtr> createIntegrity(uint16_t transform_id);

// Block cipher in CBC mode (3DES-CBC, AES-CBC-128/192/256), no padding: the caller pads.
class BlockCipher {
 public:
  virtual ~BlockCipher() = default;
  virtual size_t keySize() const = 0;
  virtual size_t blockSize() const = 0;  // also the IV size
  // plaintext.size() must be a multiple of blockSize(); otherwise an Error.
  virtual Result<Bytes> encrypt(ByteView key, ByteView iv, ByteView plaintext) const = 0;
  virtual Result<Bytes> decrypt(ByteView key, ByteView iv, ByteView ciphertext) const = 0;
};
using BlockCipherPtr = std::unique_ptr<BlockCipher>;
// transform id wire::encr::k3Des (key_bits 0 or 192) or kAesCbc (key_bits 128/192/256).
Result<BlockCipherPtr> createBlockCipher(uint16_t transform_id, uint16_t key_bits);

// AES-GCM with a 16-byte ICV as used in IKEv2 SK (RFC 5282) and ESP (RFC 4106): the key
// material is the AES key followed by a 4-byte salt; the nonce is salt | 8-byte explicit IV.
class Aead {
 public:
  virtual ~Aead() = default;
  virtual size_t keySize() const = 0;  // AES key + 4 salt bytes (20 or 36)
  virtual size_t ivSize() const { return 8; }
  virtual size_t icvSize() const { return 16; }
  // Returns ciphertext followed by the 16-byte tag.
  virtual Result<Bytes> seal(ByteView keymat, ByteView iv, ByteView aad,
                             ByteView plaintext) const = 0;
  // Takes ciphertext followed by the tag; an Error when the tag does not verify.
  virtual Result<Bytes> open(ByteView keymat, ByteView iv, ByteView aad,
                             ByteView ciphertext_and_tag) const = 0;
};
using AeadPtr = std::unique_ptr<Aead>;
// transform id wire::encr::kAesGcm16, key_bits 128 or 256 (192 also accepted).
Result<AeadPtr> createAead(uint16_t transform_id, uint16_t key_bits);

bool isAead(uint16_t encr_transform_id);

// Diffie-Hellman / ECDH key exchange for one SA negotiation. The private key is generated at
// creation and wiped on destruction.
class KeyExchange {
 public:
  virtual ~KeyExchange() = default;
  virtual uint16_t group() const = 0;
  // Our public value as carried in the KE payload (MODP: big-endian, left-padded to the prime
  // length; ECP: x|y each padded to the field size, RFC 5903; curve25519: 32 bytes).
  virtual Bytes publicValue() const = 0;
  // Validates the peer's public value (RFC 6989: range 1 < y < p-1 for MODP, the subgroup
  // check y^q = 1 for group 24, point on curve for ECP, length for all) and returns the
  // shared secret (MODP: padded to the prime length; ECP: x coordinate only, RFC 5903;
  // curve25519: refused when all-zero, RFC 8031).
  virtual Result<SecureBytes> sharedSecret(ByteView peer_public) const = 0;
};
using KeyExchangePtr = std::unique_ptr<KeyExchange>;
bool isSupportedGroup(uint16_t group);
// Groups 1, 2, 5, 14, 15, 16, 24 (MODP), 19, 20, 21 (ECP), 31 (curve25519).
Result<KeyExchangePtr> createKeyExchange(uint16_t group);
// The expected length of a public value for a group (0 when unsupported).
size_t publicValueSize(uint16_t group);

// prf+ (RFC 7296 §2.13): T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n), output truncated to
// length. Refuses length > 255 * prf output.
Result<SecureBytes> prfPlus(const Prf& prf, ByteView key, ByteView seed, size_t length);

// Random bytes from OpenSSL's DRBG.
class OpenSslRandom final : public Random {
 public:
  void fill(std::span<uint8_t> out) override;
};

}  // namespace vpngw::crypto
