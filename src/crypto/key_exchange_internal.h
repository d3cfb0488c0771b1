#pragma once
// Per-family key exchange factories and the EVP plumbing they share. Private to src/crypto.
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/algorithms.h"
#include "crypto/openssl_util.h"

namespace vpngw::crypto::detail {

// With an empty private_key a fresh key pair is generated; otherwise that private key is
// imported (known-answer tests only, see crypto/testing.h).
Result<KeyExchangePtr> createModp(uint16_t group, ByteView private_key);
Result<KeyExchangePtr> createEcp(uint16_t group, ByteView private_key);
Result<KeyExchangePtr> createX25519(ByteView private_key);

// EVP_PKEY_fromdata for key type `type` ("DH", "EC") with the parameters collected in bld.
Result<ossl::PkeyPtr> pkeyFromData(const char* type, int selection, OSSL_PARAM_BLD* bld);

// Generates a key pair of `type`, from a domain-parameter template or a named group.
Result<ossl::PkeyPtr> generateKey(const char* type, EVP_PKEY* domain, const char* group_name);

// EVP_PKEY_derive between our key and an already validated peer key. The peer checks of
// RFC 6989 are done by the callers, so OpenSSL's (slower, generic) peer validation is skipped.
Result<SecureBytes> derive(EVP_PKEY* own, EVP_PKEY* peer, bool dh_pad);

}  // namespace vpngw::crypto::detail
