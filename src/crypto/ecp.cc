// NIST prime-curve ECDH groups 19, 20, 21 as specified for IKEv2 by RFC 5903: the KE payload
// carries x | y (no point-format octet) and the shared secret is the x coordinate only.
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "crypto/key_exchange_internal.h"
#include "crypto/transform_ids.h"

namespace vpngw::crypto::detail {

namespace {

constexpr uint8_t kUncompressed = 0x04;  // SEC 1 §2.3.3 point-format octet

struct Curve {
  uint16_t id;
  const char* name;
  int nid;
  size_t field_size;  // bytes per coordinate
};

constexpr Curve kCurves[] = {
    {ids::dh::kEcp256, "P-256", NID_X9_62_prime256v1, 32},
    {ids::dh::kEcp384, "P-384", NID_secp384r1, 48},
    {ids::dh::kEcp521, "P-521", NID_secp521r1, 66},
};

const Curve* findCurve(uint16_t id) {
  for (const auto& c : kCurves) {
    if (c.id == id) {
      return &c;
    }
  }
  return nullptr;
}

bool pushGroup(OSSL_PARAM_BLD* bld, const Curve& curve) {
  return OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, curve.name, 0) == 1;
}

using EcGroupPtr = std::unique_ptr<EC_GROUP, ossl::Deleter<EC_GROUP_free>>;
using EcPointPtr = std::unique_ptr<EC_POINT, ossl::Deleter<EC_POINT_clear_free>>;

// A key pair with a caller-chosen scalar d (tests only): Q = d * G.
Result<ossl::PkeyPtr> importPrivate(const Curve& curve, ByteView private_key) {
  if (private_key.size() != curve.field_size) {
    return makeError("ECP private key must be " + std::to_string(curve.field_size) + " bytes");
  }
  EcGroupPtr group(EC_GROUP_new_by_curve_name(curve.nid));
  ossl::BnPtr d(BN_secure_new());
  ossl::BnCtxPtr bn_ctx(BN_CTX_new());
  if (!group || !d || !bn_ctx ||
      BN_bin2bn(private_key.data(), static_cast<int>(private_key.size()), d.get()) == nullptr) {
    ossl::fail("ECP private key import");
  }
  if (BN_is_zero(d.get()) || BN_cmp(d.get(), EC_GROUP_get0_order(group.get())) >= 0) {
    return makeError("ECP private key out of range");
  }
  EcPointPtr q(EC_POINT_new(group.get()));
  Bytes encoded(1 + 2 * curve.field_size);
  if (!q || EC_POINT_mul(group.get(), q.get(), d.get(), nullptr, nullptr, bn_ctx.get()) != 1 ||
      EC_POINT_point2oct(group.get(), q.get(), POINT_CONVERSION_UNCOMPRESSED, encoded.data(),
                         encoded.size(), bn_ctx.get()) != encoded.size()) {
    ossl::fail("ECP public point");
  }
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || !pushGroup(bld.get(), curve) ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, encoded.data(),
                                       encoded.size()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) != 1) {
    ossl::fail("ECP key pair parameters");
  }
  return pkeyFromData("EC", EVP_PKEY_KEYPAIR, bld.get());
}

class EcpKeyExchange final : public KeyExchange {
 public:
  EcpKeyExchange(const Curve& curve, ossl::PkeyPtr key) : curve_(curve), key_(std::move(key)) {
    Bytes encoded(1 + 2 * curve_.field_size);
    size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key_.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                        encoded.data(), encoded.size(), &len) != 1 ||
        len != encoded.size() || encoded[0] != kUncompressed) {
      ossl::fail("ECP public value");
    }
    public_value_.assign(encoded.begin() + 1, encoded.end());
  }

  uint16_t group() const override { return curve_.id; }
  Bytes publicValue() const override { return public_value_; }

  Result<SecureBytes> sharedSecret(ByteView peer_public) const override {
    if (peer_public.size() != 2 * curve_.field_size) {
      return makeError("ECP public value has " + std::to_string(peer_public.size()) +
                       " bytes, expected " + std::to_string(2 * curve_.field_size));
    }
    Bytes encoded;
    encoded.reserve(1 + peer_public.size());
    encoded.push_back(kUncompressed);
    encoded.insert(encoded.end(), peer_public.begin(), peer_public.end());
    ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld || !pushGroup(bld.get(), curve_) ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, encoded.data(),
                                         encoded.size()) != 1) {
      ossl::fail("ECP peer parameters");
    }
    // The import decodes the point and refuses coordinates >= p and points off the curve
    // (EC_POINT_oct2point), which is the whole check RFC 6989 §2.3 asks for on these
    // cofactor-1 curves; the point at infinity has no x | y encoding.
    auto peer = pkeyFromData("EC", EVP_PKEY_PUBLIC_KEY, bld.get());
    if (!peer) {
      return makeError("ECP public value is not a point on " + std::string(curve_.name));
    }
    auto secret = derive(key_.get(), peer->get(), false);
    if (secret && secret->size() != curve_.field_size) {
      return makeError("ECP shared secret has an unexpected length");
    }
    return secret;
  }

 private:
  const Curve& curve_;
  ossl::PkeyPtr key_;
  Bytes public_value_;
};

}  // namespace

Result<KeyExchangePtr> createEcp(uint16_t group, ByteView private_key) {
  const Curve* curve = findCurve(group);
  if (curve == nullptr) {
    return makeError("unsupported ECP group " + std::to_string(group));
  }
  auto key = private_key.empty() ? generateKey("EC", nullptr, curve->name)
                                 : importPrivate(*curve, private_key);
  if (!key) {
    return key.error();
  }
  return KeyExchangePtr(std::make_unique<EcpKeyExchange>(*curve, std::move(key.value())));
}

}  // namespace vpngw::crypto::detail
