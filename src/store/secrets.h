#pragma once
// Random identifiers and secrets for the store and the API: resource ids, bearer tokens and
// generated pre-shared keys, all from OpenSSL's DRBG; tokens are kept only as SHA-256 hashes.
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "store/resource.h"

namespace vpngw::store {

// "vgw-" followed by 16 random lowercase hex digits (64 bits).
std::string newResourceId(Kind kind);
// "ten-" followed by 16 random hex digits.
std::string newTenantId();
// A bearer token: 64 random hex digits (256 bits).
std::string newToken();
// SHA-256 of the token (OpenSSL EVP), as stored.
Bytes hashToken(std::string_view token);
// Spec §2: a generated pre-shared key has 32 random letters and digits (no '?' and no space, so
// it passes the PSK rule and survives every peer's configuration syntax).
std::string newPsk();

}  // namespace vpngw::store
