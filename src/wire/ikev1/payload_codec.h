#pragma once
// Private to src/wire/ikev1: per-payload body codecs used by the chain codec (message.cc).
// A "body" is the payload without its 4-byte generic header (RFC 2408 §3.2).
#include <cstdint>
#include <string>

#include "base/byte_io.h"
#include "base/bytes.h"
#include "base/result.h"
#include "wire/ikev1/message.h"

namespace vpngw::wire::v1::detail {

// An ESP/AH SPI in SA, notification and delete payloads (RFC 2407 §4.5).
inline constexpr size_t kIpsecSpiSize = 4;

Result<PayloadBody> decodeBody(uint8_t type, ByteView body);
void encodeBody(const PayloadBody& body, ByteWriter& out);

// SA payload with proposals, transforms and attributes (RFC 2408 §3.4-§3.6), in sa_codec.cc.
Result<SaPayload> decodeSa(ByteView body);
void encodeSa(const SaPayload& sa, ByteWriter& out);

// Data attributes (RFC 2408 §3.3) until the reader is empty; `where` names the enclosing
// structure in errors.
Result<std::vector<Attribute>> decodeAttributes(ByteReader& r, const char* where);
void encodeAttribute(const Attribute& a, ByteWriter& out);

// "<payload name> payload: <what>"
Error payloadError(uint8_t type, const std::string& what);

// Narrowing for length/count fields while encoding. A value that does not fit means the caller
// built an impossible message (a programming error): these throw std::length_error.
uint8_t checkedU8(size_t value, const char* what);
uint16_t checkedU16(size_t value, const char* what);

}  // namespace vpngw::wire::v1::detail
