// Curve25519 key exchange, IKEv2 group 31 (RFC 8031): 32-byte public values as in RFC 7748.
#include <openssl/crypto.h>

#include "crypto/key_exchange_internal.h"
#include "crypto/transform_ids.h"

namespace vpngw::crypto::detail {

namespace {

constexpr size_t kSize = 32;

class X25519KeyExchange final : public KeyExchange {
 public:
  explicit X25519KeyExchange(ossl::PkeyPtr key) : key_(std::move(key)) {
    public_value_.resize(kSize);
    size_t len = kSize;
    if (EVP_PKEY_get_raw_public_key(key_.get(), public_value_.data(), &len) != 1 || len != kSize) {
      ossl::fail("X25519 public value");
    }
  }

  uint16_t group() const override { return ids::dh::kCurve25519; }
  Bytes publicValue() const override { return public_value_; }

  Result<SecureBytes> sharedSecret(ByteView peer_public) const override {
    if (peer_public.size() != kSize) {
      return makeError("X25519 public value has " + std::to_string(peer_public.size()) +
                       " bytes, expected 32");
    }
    ossl::PkeyPtr peer(EVP_PKEY_new_raw_public_key_ex(nullptr, "X25519", nullptr,
                                                      peer_public.data(), peer_public.size()));
    if (!peer) {
      return ossl::error("X25519 peer key");
    }
    auto secret = derive(key_.get(), peer.get(), false);
    if (!secret) {
      // OpenSSL itself fails the derivation when the result is all zero (a low-order point).
      ossl::clearErrors();
      return makeError("X25519 shared secret refused (low-order peer value)");
    }
    // RFC 8031 §2.1 / RFC 7748 §6.1: an all-zero result must be refused. Checked here too, in
    // constant time, rather than trusting every provider to do it.
    uint8_t any = 0;
    for (uint8_t b : *secret) {
      any |= b;
    }
    if (secret->size() != kSize || any == 0) {
      return makeError("X25519 shared secret refused (all zero)");
    }
    return secret;
  }

 private:
  ossl::PkeyPtr key_;
  Bytes public_value_;
};

}  // namespace

Result<KeyExchangePtr> createX25519(ByteView private_key) {
  ossl::PkeyPtr key;
  if (private_key.empty()) {
    auto generated = generateKey("X25519", nullptr, nullptr);
    if (!generated) {
      return generated.error();
    }
    key = std::move(generated.value());
  } else {
    if (private_key.size() != kSize) {
      return makeError("X25519 private key must be 32 bytes");
    }
    key.reset(EVP_PKEY_new_raw_private_key_ex(nullptr, "X25519", nullptr, private_key.data(),
                                              private_key.size()));
    if (!key) {
      return ossl::error("X25519 private key import");
    }
  }
  return KeyExchangePtr(std::make_unique<X25519KeyExchange>(std::move(key)));
}

}  // namespace vpngw::crypto::detail
