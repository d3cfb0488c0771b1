#pragma once
// IKEv1 key derivation and authentication hashes (RFC 2409 §5, §5.5, §5.7, Appendix B; RFC 3947
// §3.2 for NAT-D). Every primitive is OpenSSL EVP (HMAC via Prf, digests via EVP_Digest).
//
// Names follow RFC 2409: Ni_b/Nr_b are the nonce payload bodies, g^xi/g^xr the KE payload
// bodies, g^xy the shared secret, SAi_b the initiator's whole SA payload body, IDii_b/IDir_b
// the ID payload bodies. Cookies are the header values.
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/algorithms.h"

namespace vpngw::crypto::ikev1 {

// Hash Algorithm attribute values (RFC 2409 Appendix A). They mirror wire/ikev1/registry.h
// by value: crypto must not include wire headers.
namespace hash_id {
constexpr uint16_t kMd5 = 1;
constexpr uint16_t kSha1 = 2;
constexpr uint16_t kSha256 = 4;
constexpr uint16_t kSha384 = 5;
constexpr uint16_t kSha512 = 6;
}  // namespace hash_id

// The negotiated phase-1 hash. Without a PRF attribute (none is defined) the prf is the HMAC of
// this hash (RFC 2409 §5, Appendix A); the plain digest makes the phase-1/phase-2 IVs
// (Appendix B) and NAT-D hashes (RFC 3947 §3.2).
class HashFunction {
 public:
  static Result<HashFunction> create(uint16_t hash_attribute);

  size_t size() const { return size_; }
  const Prf& prf() const { return *prf_; }
  Bytes digest(ByteView data) const;

 private:
  HashFunction(const char* digest_name, PrfPtr prf, size_t size)
      : digest_name_(digest_name), prf_(std::move(prf)), size_(size) {}
  const char* digest_name_;
  PrfPtr prf_;
  size_t size_;
};

struct Phase1Keys {
  SecureBytes skeyid, skeyid_d, skeyid_a, skeyid_e;
};

// Pre-shared keys: SKEYID = prf(pre-shared-key, Ni_b | Nr_b).
SecureBytes skeyidPsk(const Prf& prf, ByteView psk, ByteView ni_b, ByteView nr_b);
// Signatures: SKEYID = prf(Ni_b | Nr_b, g^xy) (for the SP 800-135 DSA vectors and future use).
SecureBytes skeyidSignature(const Prf& prf, ByteView ni_b, ByteView nr_b, ByteView gxy);

// SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
// SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
// SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
Phase1Keys derivePhase1Keys(const Prf& prf, SecureBytes skeyid, ByteView gxy, uint64_t cky_i,
                            uint64_t cky_r);

// The phase-1 cipher key from SKEYID_e (Appendix B): its first key_size bytes, or when it is
// too short, Ka = K1 | K2 | ... with K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1), truncated.
// Refuses key_size 0 or above 255 prf blocks.
Result<SecureBytes> encryptionKey(const Prf& prf, ByteView skeyid_e, size_t key_size);

// Appendix B IVs. Phase 1: hash(g^xi | g^xr) truncated to the block size. Phase 2 and
// informational exchanges: hash(last phase-1 CBC block | M-ID), truncated. After each message
// the next IV is the last ciphertext block (ikev1_cbc.h lastBlock()).
Bytes phase1Iv(const HashFunction& hash, ByteView gxi, ByteView gxr, size_t block_size);
Bytes phase2Iv(const HashFunction& hash, ByteView last_phase1_block, uint32_t message_id,
               size_t block_size);

// §5: HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
//     HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)
Bytes hashI(const Prf& prf, ByteView skeyid, ByteView gxi, ByteView gxr, uint64_t cky_i,
            uint64_t cky_r, ByteView sai_b, ByteView idii_b);
Bytes hashR(const Prf& prf, ByteView skeyid, ByteView gxi, ByteView gxr, uint64_t cky_i,
            uint64_t cky_r, ByteView sai_b, ByteView idir_b);

// §5.5 quick mode. `after_hash` is the message after the HASH payload (wire::v1::
// bytesAfterFirstPayload on the plaintext: SA | Ni [| KE] [| IDci | IDcr], generic headers
// included).
// HASH(1) = prf(SKEYID_a, M-ID | after_hash)
// HASH(2) = prf(SKEYID_a, M-ID | Ni_b | after_hash)
// HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
Bytes quickHash1(const Prf& prf, ByteView skeyid_a, uint32_t message_id, ByteView after_hash);
Bytes quickHash2(const Prf& prf, ByteView skeyid_a, uint32_t message_id, ByteView ni_b,
                 ByteView after_hash);
Bytes quickHash3(const Prf& prf, ByteView skeyid_a, uint32_t message_id, ByteView ni_b,
                 ByteView nr_b);
// §5.7 informational: HASH(1) = prf(SKEYID_a, M-ID | N/D) (the payloads after HASH).
Bytes informationalHash(const Prf& prf, ByteView skeyid_a, uint32_t message_id,
                        ByteView after_hash);

// §5.5 KEYMAT for one direction (the SPI the receiving side chose), with PFS when gqm_xy (the
// quick-mode g(qm)^xy) is not empty:
//   K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
//   Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
// KEYMAT = K1 | K2 | ... truncated to length (at most 255 prf blocks).
Result<SecureBytes> keymat(const Prf& prf, ByteView skeyid_d, ByteView gqm_xy, uint8_t protocol,
                           ByteView spi, ByteView ni_b, ByteView nr_b, size_t length);

// RFC 3947 §3.2: HASH(CKY-I | CKY-R | IP | Port) with the negotiated hash; ip is 4 or 16 bytes
// in network order.
Bytes natDetectionHash(const HashFunction& hash, uint64_t cky_i, uint64_t cky_r, ByteView ip,
                       uint16_t port);

}  // namespace vpngw::crypto::ikev1
