// IKEv2 key derivation: RFC 7296 §2.14 (IKE SA), §2.17 (Child SA), §2.18 (IKE SA rekey).
#include "crypto/ikev2_keys.h"

namespace vpngw::crypto {

namespace {

void appendU64(SecureBytes& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<uint8_t>(v >> shift));
  }
}

// Moves the next n bytes of keymat (from *offset) into a key of its own.
SecureBytes take(const SecureBytes& keymat, size_t* offset, size_t n) {
  auto first = keymat.begin() + static_cast<std::ptrdiff_t>(*offset);
  *offset += n;
  return SecureBytes(first, first + static_cast<std::ptrdiff_t>(n));
}

}  // namespace

SecureBytes skeyseed(const Prf& prf, ByteView ni, ByteView nr, ByteView shared_secret) {
  // For the HMAC PRFs the whole Ni | Nr is the key (RFC 7296 §2.14); fixed-key-size PRFs
  // (AES-XCBC/CMAC) would need the half-and-half rule and are not offered.
  SecureBytes key = concat<SecureBytes>(ni, nr);
  return prf.compute(view(key), shared_secret);
}

Result<IkeKeys> deriveIkeKeys(const Prf& prf, ByteView skeyseed, ByteView ni, ByteView nr,
                              uint64_t spi_i, uint64_t spi_r, const IkeKeySizes& sizes) {
  SecureBytes seed = concat<SecureBytes>(ni, nr);
  appendU64(seed, spi_i);
  appendU64(seed, spi_r);
  const size_t total = 3 * sizes.prf + 2 * sizes.integ + 2 * sizes.encr;
  auto keymat = prfPlus(prf, skeyseed, view(seed), total);
  if (!keymat) {
    return keymat.error();
  }
  // The order is fixed by RFC 7296 §2.14: SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr.
  IkeKeys keys;
  size_t offset = 0;
  keys.sk_d = take(*keymat, &offset, sizes.prf);
  keys.sk_ai = take(*keymat, &offset, sizes.integ);
  keys.sk_ar = take(*keymat, &offset, sizes.integ);
  keys.sk_ei = take(*keymat, &offset, sizes.encr);
  keys.sk_er = take(*keymat, &offset, sizes.encr);
  keys.sk_pi = take(*keymat, &offset, sizes.prf);
  keys.sk_pr = take(*keymat, &offset, sizes.prf);
  return keys;
}

SecureBytes rekeyedSkeyseed(const Prf& old_prf, ByteView old_sk_d, ByteView shared_secret,
                            ByteView ni, ByteView nr) {
  SecureBytes data = concat<SecureBytes>(shared_secret, ni, nr);
  return old_prf.compute(old_sk_d, view(data));
}

Result<SecureBytes> childKeymat(const Prf& prf, ByteView sk_d, ByteView shared_secret, ByteView ni,
                                ByteView nr, size_t length) {
  SecureBytes seed = concat<SecureBytes>(shared_secret, ni, nr);
  return prfPlus(prf, sk_d, view(seed), length);
}

}  // namespace vpngw::crypto
