#pragma once
// IKEv2 key derivation (RFC 7296 §2.14, §2.17, §2.18).
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/algorithms.h"

namespace vpngw::crypto {

struct IkeKeySizes {
  size_t prf = 0;    // SK_d, SK_pi, SK_pr length = prf output size
  size_t integ = 0;  // SK_ai/SK_ar (0 with an AEAD)
  size_t encr = 0;   // SK_ei/SK_er, including the 4-byte salt for AES-GCM
};

struct IkeKeys {
  SecureBytes sk_d, sk_ai, sk_ar, sk_ei, sk_er, sk_pi, sk_pr;
};

// SKEYSEED = prf(Ni | Nr, g^ir). (RFC 7296 §2.14; for HMAC PRFs the nonces are the key.)
SecureBytes skeyseed(const Prf& prf, ByteView ni, ByteView nr, ByteView shared_secret);

// {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
Result<IkeKeys> deriveIkeKeys(const Prf& prf, ByteView skeyseed, ByteView ni, ByteView nr,
                              uint64_t spi_i, uint64_t spi_r, const IkeKeySizes& sizes);

// Rekeyed IKE SA (RFC 7296 §2.18): SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr).
SecureBytes rekeyedSkeyseed(const Prf& old_prf, ByteView old_sk_d, ByteView shared_secret,
                            ByteView ni, ByteView nr);

// CHILD SA keying material (RFC 7296 §2.17): KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr).
// Pass an empty shared_secret without PFS.
Result<SecureBytes> childKeymat(const Prf& prf, ByteView sk_d, ByteView shared_secret, ByteView ni,
                                ByteView nr, size_t length);

}  // namespace vpngw::crypto
