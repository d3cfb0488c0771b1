// Key exchange dispatch by IKEv2 transform type 4 ID and the EVP helpers shared by the families.
#include <openssl/core_names.h>
#include <openssl/dh.h>

#include "crypto/algorithms.h"
#include "crypto/key_exchange_internal.h"
#include "crypto/testing.h"
#include "crypto/transform_ids.h"

namespace vpngw::crypto {

namespace {
enum class Family { kNone, kModp, kEcp, kX25519 };

Family familyOf(uint16_t group) {
  switch (group) {
    case ids::dh::kModp768:
    case ids::dh::kModp1024:
    case ids::dh::kModp1536:
    case ids::dh::kModp2048:
    case ids::dh::kModp3072:
    case ids::dh::kModp4096:
    case ids::dh::kModp2048s256:
      return Family::kModp;
    case ids::dh::kEcp256:
    case ids::dh::kEcp384:
    case ids::dh::kEcp521:
      return Family::kEcp;
    case ids::dh::kCurve25519:
      return Family::kX25519;
    default:
      return Family::kNone;
  }
}

Result<KeyExchangePtr> create(uint16_t group, ByteView private_key) {
  switch (familyOf(group)) {
    case Family::kModp:
      return detail::createModp(group, private_key);
    case Family::kEcp:
      return detail::createEcp(group, private_key);
    case Family::kX25519:
      return detail::createX25519(private_key);
    case Family::kNone:
      break;
  }
  return makeError("unsupported key exchange group " + std::to_string(group));
}
}  // namespace

bool isSupportedGroup(uint16_t group) { return familyOf(group) != Family::kNone; }

Result<KeyExchangePtr> createKeyExchange(uint16_t group) { return create(group, {}); }

Result<KeyExchangePtr> createKeyExchangeForTest(uint16_t group, ByteView private_key) {
  if (private_key.empty()) {
    return makeError("createKeyExchangeForTest needs a private key");
  }
  return create(group, private_key);
}

size_t publicValueSize(uint16_t group) {
  switch (group) {
    case ids::dh::kModp768:
      return 96;
    case ids::dh::kModp1024:
      return 128;
    case ids::dh::kModp1536:
      return 192;
    case ids::dh::kModp2048:
    case ids::dh::kModp2048s256:
      return 256;
    case ids::dh::kModp3072:
      return 384;
    case ids::dh::kModp4096:
      return 512;
    case ids::dh::kEcp256:
      return 64;
    case ids::dh::kEcp384:
      return 96;
    case ids::dh::kEcp521:
      return 132;
    case ids::dh::kCurve25519:
      return 32;
    default:
      return 0;
  }
}

namespace detail {

Result<ossl::PkeyPtr> pkeyFromData(const char* type, int selection, OSSL_PARAM_BLD* bld) {
  ossl::ParamsPtr params(OSSL_PARAM_BLD_to_param(bld));
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!params || !ctx) {
    ossl::fail("EVP_PKEY_fromdata setup");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) != 1) {
    return ossl::error(std::string(type) + " key import");
  }
  return ossl::PkeyPtr(raw);
}

Result<ossl::PkeyPtr> generateKey(const char* type, EVP_PKEY* domain, const char* group_name) {
  ossl::PkeyCtxPtr ctx(domain != nullptr ? EVP_PKEY_CTX_new_from_pkey(nullptr, domain, nullptr)
                                         : EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) {
    return ossl::error(std::string(type) + " keygen init");
  }
  if (group_name != nullptr) {
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                                            const_cast<char*>(group_name), 0),
                           OSSL_PARAM_construct_end()};
    if (EVP_PKEY_CTX_set_params(ctx.get(), params) != 1) {
      return ossl::error(std::string(type) + " keygen group " + group_name);
    }
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1) {
    return ossl::error(std::string(type) + " keygen");
  }
  return ossl::PkeyPtr(raw);
}

Result<SecureBytes> derive(EVP_PKEY* own, EVP_PKEY* peer, bool dh_pad) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) {
    return ossl::error("derive init");
  }
  // Left-pad the DH result to the prime length, as IKEv2 requires (RFC 7296 §2.14).
  if (dh_pad && EVP_PKEY_CTX_set_dh_pad(ctx.get(), 1) != 1) {
    return ossl::error("derive padding");
  }
  size_t size = 0;
  if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer, 0) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &size) != 1) {
    return ossl::error("derive setup");
  }
  SecureBytes secret(size);
  if (EVP_PKEY_derive(ctx.get(), secret.data(), &size) != 1) {
    return ossl::error("derive");
  }
  secret.resize(size);
  return secret;
}

}  // namespace detail

}  // namespace vpngw::crypto
