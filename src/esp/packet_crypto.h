#pragma once
// Reusable OpenSSL contexts for the packet transforms. Private to src/esp.
//
// Each context is keyed once at creation (key schedule, HMAC pads); per packet only the IV is
// set, so nothing is allocated by our code on the packet path. HMAC is re-initialised with
// EVP_MAC_init(ctx, nullptr, 0, nullptr), which keeps the key: measured with OpenSSL 3.0 at
// 1424 bytes, ~2.1 us against ~2.9 us for EVP_MAC_CTX_dup of a keyed template and ~2.6 us for
// re-keying (3.0 still duplicates its inner digest context inside HMAC_Init; that cost is in
// the "raw" baseline of bench/ too). OpenSSL's stitched AES-CBC-HMAC-SHA* ciphers are not
// used: they implement TLS's MAC-then-encrypt, not ESP's encrypt-then-MAC.
// A context is used by one thread at a time.
#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <span>

#include "base/bytes.h"
#include "base/result.h"
#include "esp/algorithms.h"

namespace vpngw::esp::detail {

template <auto kFree>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, Deleter<EVP_MAC_CTX_free>>;

// Empties OpenSSL's thread-local error queue after a failure we report as a code.
void clearOpenSslErrors();

// CBC or GCM, one direction, in place.
class CipherContext {
 public:
  static Result<CipherContext> create(const EncrSpec& spec, ByteView key, bool encrypt);

  // CBC: len is a multiple of the block size; iv is block_size bytes.
  bool cbc(const uint8_t* iv, uint8_t* data, size_t len);
  // GCM with a 12-byte nonce and 16-byte tag. seal writes the tag; open returns false when
  // the tag does not verify (data is then garbage and must be dropped).
  bool gcmSeal(const uint8_t* nonce, ByteView aad, uint8_t* data, size_t len, uint8_t* tag);
  bool gcmOpen(const uint8_t* nonce, ByteView aad, uint8_t* data, size_t len, const uint8_t* tag);

 private:
  explicit CipherContext(CipherCtxPtr ctx, bool encrypt)
      : ctx_(std::move(ctx)), encrypt_(encrypt) {}
  CipherCtxPtr ctx_;
  bool encrypt_;
};

// HMAC with a truncated output (RFC 2404 / 4868), over a list of parts.
class HmacContext {
 public:
  static Result<HmacContext> create(const IntegSpec& spec, ByteView key);

  size_t icvSize() const { return icv_size_; }
  // Writes icvSize() bytes to icv.
  bool compute(std::span<const ByteView> parts, uint8_t* icv);
  // Constant-time comparison of the truncated HMAC with icv (icvSize() bytes).
  bool verify(std::span<const ByteView> parts, const uint8_t* icv);

 private:
  HmacContext(MacCtxPtr ctx, size_t icv_size) : ctx_(std::move(ctx)), icv_size_(icv_size) {}
  MacCtxPtr ctx_;
  size_t icv_size_;
};

// Unpredictable CBC IVs (RFC 3602 §2.1 requires them): IV = AES-128_k'(seq) with k' a random
// key private to this context (NIST SP 800-38A, Appendix C: encrypting a nonce under a secret
// key). seq is unique per SA, so IVs never repeat within a context and cannot be predicted
// without k'. One AES block costs ~25 ns; RAND_bytes(16) per packet costs ~1.3 us here, and
// batching it would need a per-context buffer and refills on the packet path.
class CbcIvSource {
 public:
  static Result<CbcIvSource> create();
  // Writes iv_size (<= 16) bytes.
  bool next(uint64_t seq, uint8_t* iv, size_t iv_size);

 private:
  explicit CbcIvSource(CipherCtxPtr ctx) : ctx_(std::move(ctx)) {}
  CipherCtxPtr ctx_;
};

}  // namespace vpngw::esp::detail
