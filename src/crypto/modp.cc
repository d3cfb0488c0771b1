// Finite-field Diffie-Hellman groups: RFC 2409 §6 (1, 2), RFC 3526 (5, 14, 15, 16) and
// RFC 5114 §2.3 (24, with a 256-bit prime-order subgroup). Peer checks per RFC 6989 §2.1/§2.2.
#include <openssl/core_names.h>

#include "crypto/key_exchange_internal.h"
#include "crypto/transform_ids.h"

namespace vpngw::crypto::detail {

namespace {

struct ModpGroup {
  uint16_t id;
  // OpenSSL's built-in group name, or nullptr when the prime comes from `prime` with g = 2.
  const char* name;
  BIGNUM* (*prime)(BIGNUM*);
  size_t size;  // prime length in bytes = public value and shared secret length
  // Group 24's generator spans only the order-q subgroup, so a peer value must be checked to lie
  // in it (RFC 6989 §2.2). The safe-prime groups need only the range check.
  bool subgroup_check;
};

constexpr ModpGroup kGroups[] = {
    {ids::dh::kModp768, nullptr, BN_get_rfc2409_prime_768, 96, false},
    {ids::dh::kModp1024, nullptr, BN_get_rfc2409_prime_1024, 128, false},
    {ids::dh::kModp1536, "modp_1536", nullptr, 192, false},
    {ids::dh::kModp2048, "modp_2048", nullptr, 256, false},
    {ids::dh::kModp3072, "modp_3072", nullptr, 384, false},
    {ids::dh::kModp4096, "modp_4096", nullptr, 512, false},
    {ids::dh::kModp2048s256, "dh_2048_256", nullptr, 256, true},
};

const ModpGroup* findGroup(uint16_t id) {
  for (const auto& g : kGroups) {
    if (g.id == id) {
      return &g;
    }
  }
  return nullptr;
}

ossl::BnPtr getBn(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
    ossl::clearErrors();
    return nullptr;
  }
  return ossl::BnPtr(raw);
}

// The public domain parameters of a group, as BIGNUMs and as an EVP_PKEY template.
struct Domain {
  ossl::PkeyPtr pkey;
  ossl::BnPtr p, g, q;  // q is null for groups 1 and 2
};

Result<Domain> loadDomain(const ModpGroup& group) {
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld) {
    ossl::fail("OSSL_PARAM_BLD_new");
  }
  ossl::BnPtr p, g;
  if (group.name != nullptr) {
    if (OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group.name, 0) !=
        1) {
      ossl::fail("OSSL_PARAM_BLD_push_utf8_string");
    }
  } else {
    p.reset(group.prime(nullptr));
    g.reset(BN_new());
    if (!p || !g || BN_set_word(g.get(), 2) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_P, p.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_G, g.get()) != 1) {
      ossl::fail("MODP domain parameters");
    }
  }
  auto pkey = pkeyFromData("DH", EVP_PKEY_KEY_PARAMETERS, bld.get());
  if (!pkey) {
    return pkey.error();
  }
  Domain domain{std::move(pkey.value()), nullptr, nullptr, nullptr};
  domain.p = getBn(domain.pkey.get(), OSSL_PKEY_PARAM_FFC_P);
  domain.g = getBn(domain.pkey.get(), OSSL_PKEY_PARAM_FFC_G);
  domain.q = getBn(domain.pkey.get(), OSSL_PKEY_PARAM_FFC_Q);
  if (!domain.p || !domain.g || (group.subgroup_check && !domain.q) ||
      static_cast<size_t>(BN_num_bytes(domain.p.get())) != group.size) {
    ossl::fail("MODP domain parameters do not match the group");
  }
  return domain;
}

// Pushes p, g and (when known) q: a peer key must carry the same domain as ours to derive.
bool pushDomain(OSSL_PARAM_BLD* bld, const Domain& d) {
  return OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, d.p.get()) == 1 &&
         OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, d.g.get()) == 1 &&
         (!d.q || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_Q, d.q.get()) == 1);
}

// A key pair with a caller-chosen exponent x (tests only): y = g^x mod p.
Result<ossl::PkeyPtr> importPrivate(const Domain& d, ByteView private_key) {
  ossl::BnPtr x(BN_secure_new());
  ossl::BnPtr y(BN_new());
  ossl::BnCtxPtr bn_ctx(BN_CTX_new());
  ossl::BnPtr p_minus_1(BN_dup(d.p.get()));
  if (!x || !y || !bn_ctx || !p_minus_1 || !ossl::fitsInt(private_key.size()) ||
      BN_bin2bn(private_key.data(), static_cast<int>(private_key.size()), x.get()) == nullptr ||
      BN_sub_word(p_minus_1.get(), 1) != 1) {
    ossl::fail("MODP private key import");
  }
  if (BN_cmp(x.get(), BN_value_one()) <= 0 || BN_cmp(x.get(), p_minus_1.get()) >= 0) {
    return makeError("MODP private key out of range");
  }
  BN_set_flags(x.get(), BN_FLG_CONSTTIME);
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (BN_mod_exp(y.get(), d.g.get(), x.get(), d.p.get(), bn_ctx.get()) != 1 || !bld ||
      !pushDomain(bld.get(), d) ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, y.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, x.get()) != 1) {
    ossl::fail("MODP key pair parameters");
  }
  return pkeyFromData("DH", EVP_PKEY_KEYPAIR, bld.get());
}

class ModpKeyExchange final : public KeyExchange {
 public:
  ModpKeyExchange(const ModpGroup& group, Domain domain, ossl::PkeyPtr key)
      : group_(group), domain_(std::move(domain)), key_(std::move(key)) {
    p_minus_1_.reset(BN_dup(domain_.p.get()));
    ossl::BnPtr pub = getBn(key_.get(), OSSL_PKEY_PARAM_PUB_KEY);
    public_value_.resize(group_.size);
    if (!p_minus_1_ || BN_sub_word(p_minus_1_.get(), 1) != 1 || !pub ||
        BN_bn2binpad(pub.get(), public_value_.data(), static_cast<int>(group_.size)) !=
            static_cast<int>(group_.size)) {
      ossl::fail("MODP public value");
    }
  }

  uint16_t group() const override { return group_.id; }
  Bytes publicValue() const override { return public_value_; }

  Result<SecureBytes> sharedSecret(ByteView peer_public) const override {
    if (peer_public.size() != group_.size) {
      return makeError("MODP public value has " + std::to_string(peer_public.size()) +
                       " bytes, expected " + std::to_string(group_.size));
    }
    ossl::BnPtr y(BN_bin2bn(peer_public.data(), static_cast<int>(peer_public.size()), nullptr));
    if (!y) {
      ossl::fail("BN_bin2bn");
    }
    // RFC 6989 §2.1: 1 < y < p-1 rules out the values that force a trivial shared secret.
    if (BN_cmp(y.get(), BN_value_one()) <= 0 || BN_cmp(y.get(), p_minus_1_.get()) >= 0) {
      return makeError("MODP public value out of range");
    }
    if (group_.subgroup_check) {
      // RFC 6989 §2.2: y^q mod p must be 1, or y leaks the private key modulo small factors.
      ossl::BnCtxPtr bn_ctx(BN_CTX_new());
      ossl::BnPtr r(BN_new());
      if (!bn_ctx || !r ||
          BN_mod_exp(r.get(), y.get(), domain_.q.get(), domain_.p.get(), bn_ctx.get()) != 1) {
        ossl::fail("MODP subgroup check");
      }
      if (!BN_is_one(r.get())) {
        return makeError("MODP public value is not in the prime-order subgroup");
      }
    }
    ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld || !pushDomain(bld.get(), domain_) ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, y.get()) != 1) {
      ossl::fail("MODP peer parameters");
    }
    auto peer = pkeyFromData("DH", EVP_PKEY_PUBLIC_KEY, bld.get());
    if (!peer) {
      return peer.error();
    }
    auto secret = derive(key_.get(), peer->get(), true);
    if (!secret) {
      return secret;
    }
    // EVP pads already; this keeps the length contract even if a provider does not.
    if (secret->size() < group_.size) {
      secret->insert(secret->begin(), group_.size - secret->size(), 0);
    }
    if (secret->size() != group_.size) {
      return makeError("MODP shared secret has an unexpected length");
    }
    return secret;
  }

 private:
  const ModpGroup& group_;
  Domain domain_;
  ossl::PkeyPtr key_;
  ossl::BnPtr p_minus_1_;
  Bytes public_value_;
};

}  // namespace

Result<KeyExchangePtr> createModp(uint16_t group_id, ByteView private_key) {
  const ModpGroup* group = findGroup(group_id);
  if (group == nullptr) {
    return makeError("unsupported MODP group " + std::to_string(group_id));
  }
  auto domain = loadDomain(*group);
  if (!domain) {
    return domain.error();
  }
  auto key = private_key.empty() ? generateKey("DH", domain->pkey.get(), nullptr)
                                 : importPrivate(*domain, private_key);
  if (!key) {
    return key.error();
  }
  return KeyExchangePtr(
      std::make_unique<ModpKeyExchange>(*group, std::move(domain.value()), std::move(key.value())));
}

}  // namespace vpngw::crypto::detail
