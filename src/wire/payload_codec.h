#pragma once
// Private to src/wire: per-payload body codecs shared by the chain codec (ikev2_message.cc).
// A "body" is the payload without its 4-byte generic header (RFC 7296 §3.2).
#include <cstdint>

#include "base/byte_io.h"
#include "base/bytes.h"
#include "base/result.h"
#include "wire/ikev2_message.h"

namespace vpngw::wire::v2::detail {

// `next` is the generic header's Next Payload field; only SK/SKF keep it (as inner_first).
Result<PayloadBody> decodeBody(uint8_t type, uint8_t next, ByteView body);
void encodeBody(const PayloadBody& body, ByteWriter& out);

// SA payload (RFC 7296 §3.3), kept apart because it is the largest structure.
Result<SaPayload> decodeSa(ByteView body);
void encodeSa(const SaPayload& sa, ByteWriter& out);

// Narrowing for length/count fields while encoding. Values that do not fit mean the caller
// built an impossible message (a programming error), so these throw std::length_error.
uint8_t checkedU8(size_t value, const char* what);
uint16_t checkedU16(size_t value, const char* what);

}  // namespace vpngw::wire::v2::detail
