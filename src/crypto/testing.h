#pragma once
// TEST-ONLY entry points of the crypto layer. Production code must not include this header:
// a fixed private key defeats the purpose of a key exchange.
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/algorithms.h"

namespace vpngw::crypto {

// A KeyExchange with the given private key instead of a fresh one, so published known-answer
// vectors (RFC 5114, RFC 5903, RFC 7748) can be reproduced. Encoding of private_key:
// MODP: the exponent x, big-endian; ECP: the scalar d, big-endian, field-size bytes;
// curve25519: the 32-byte scalar as in RFC 7748.
Result<KeyExchangePtr> createKeyExchangeForTest(uint16_t group, ByteView private_key);

}  // namespace vpngw::crypto
