// Payload body codecs for everything but SA (sa_codec.cc): RFC 7296 §3.4-§3.14, RFC 7383 §2.5.
#include "wire/payload_codec.h"

#include <stdexcept>
#include <string>

namespace vpngw::wire::v2::detail {
namespace {

constexpr size_t kMinNonce = 16;          // RFC 7296 §3.9
constexpr size_t kMaxNonce = 256;         // RFC 7296 §3.9
constexpr size_t kIpv4SelectorSize = 16;  // RFC 7296 §3.13.1
constexpr size_t kIpv6SelectorSize = 40;
constexpr size_t kIpv4AddressSize = 4;
constexpr size_t kIpv6AddressSize = 16;
constexpr size_t kEspSpiSize = 4;

Error payloadError(uint8_t type, const std::string& what) {
  return makeError(std::string(payloadName(type)) + " payload: " + what);
}

template <typename T>
Result<PayloadBody> lift(Result<T> r) {
  if (!r) {
    return r.error();
  }
  return PayloadBody{std::move(r).value()};
}

Result<KePayload> decodeKe(ByteView body) {
  ByteReader r(body);
  KePayload ke;
  ke.group = r.u16();
  r.u16();  // RESERVED
  if (!r.ok()) {
    return payloadError(payload::kKe, "truncated");
  }
  if (r.empty()) {
    return payloadError(payload::kKe, "empty key exchange data");
  }
  ke.data = toBytes(r.rest());
  return ke;
}

Result<IdPayload> decodeId(uint8_t type, ByteView body) {
  ByteReader r(body);
  IdPayload id;
  id.id_type = r.u8();
  r.skip(3);  // RESERVED
  if (!r.ok()) {
    return payloadError(type, "truncated");
  }
  if (r.empty()) {
    return payloadError(type, "empty identification data");
  }
  id.data = toBytes(r.rest());
  return id;
}

Result<AuthPayload> decodeAuth(ByteView body) {
  ByteReader r(body);
  AuthPayload auth;
  auth.method = r.u8();
  r.skip(3);  // RESERVED
  if (!r.ok()) {
    return payloadError(payload::kAuth, "truncated");
  }
  auth.data = toBytes(r.rest());
  return auth;
}

Result<NoncePayload> decodeNonce(ByteView body) {
  if (body.size() < kMinNonce || body.size() > kMaxNonce) {
    return payloadError(payload::kNonce,
                        "nonce size " + std::to_string(body.size()) + " outside 16..256");
  }
  return NoncePayload{toBytes(body)};
}

Result<NotifyPayload> decodeNotify(ByteView body) {
  ByteReader r(body);
  NotifyPayload n;
  // Protocol ID is kept raw: §3.10 says it is ignored when the SPI is empty.
  n.protocol = static_cast<ProtocolId>(r.u8());
  uint8_t spi_size = r.u8();
  n.type = r.u16();
  if (!r.ok()) {
    return payloadError(payload::kNotify, "truncated");
  }
  n.spi = toBytes(r.take(spi_size));
  if (!r.ok()) {
    return payloadError(payload::kNotify, "SPI size exceeds payload");
  }
  n.data = toBytes(r.rest());
  return n;
}

Result<DeletePayload> decodeDelete(ByteView body) {
  ByteReader r(body);
  DeletePayload d;
  uint8_t protocol = r.u8();
  d.spi_size = r.u8();
  size_t count = r.u16();
  if (!r.ok()) {
    return payloadError(payload::kDelete, "truncated");
  }
  // §3.11: an IKE SA is deleted with no SPIs (it is named by the header); ESP/AH use 4 bytes.
  if (protocol == static_cast<uint8_t>(ProtocolId::Ike)) {
    if (d.spi_size != 0 || count != 0) {
      return payloadError(payload::kDelete, "IKE SA delete must carry no SPIs");
    }
  } else if (protocol == static_cast<uint8_t>(ProtocolId::Ah) ||
             protocol == static_cast<uint8_t>(ProtocolId::Esp)) {
    if (d.spi_size != kEspSpiSize) {
      return payloadError(payload::kDelete, "SPI size must be 4 for ESP/AH");
    }
  } else {
    return payloadError(payload::kDelete, "unknown protocol ID " + std::to_string(protocol));
  }
  d.protocol = static_cast<ProtocolId>(protocol);
  // count <= 65535 and spi_size <= 255: the product cannot overflow size_t.
  if (count * d.spi_size != r.remaining()) {
    return payloadError(payload::kDelete, "Num of SPIs does not match payload length");
  }
  d.spis.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    d.spis.push_back(toBytes(r.take(d.spi_size)));
  }
  return d;
}

Result<TrafficSelector> decodeSelector(uint8_t type, ByteReader& r) {
  TrafficSelector ts;
  ts.ts_type = r.u8();
  ts.ip_protocol = r.u8();
  size_t length = r.u16();
  if (!r.ok()) {
    return payloadError(type, "traffic selector truncated");
  }
  size_t address_size = 0;
  if (ts.ts_type == ts::kIpv4AddrRange && length == kIpv4SelectorSize) {
    address_size = kIpv4AddressSize;
  } else if (ts.ts_type == ts::kIpv6AddrRange && length == kIpv6SelectorSize) {
    address_size = kIpv6AddressSize;
  } else if (ts.ts_type == ts::kIpv4AddrRange || ts.ts_type == ts::kIpv6AddrRange) {
    return payloadError(type, "selector length " + std::to_string(length) + " wrong for type");
  } else {
    return payloadError(type, "unsupported TS type " + std::to_string(ts.ts_type));
  }
  ts.start_port = r.u16();
  ts.end_port = r.u16();
  ts.start_address = toBytes(r.take(address_size));
  ts.end_address = toBytes(r.take(address_size));
  if (!r.ok()) {
    return payloadError(type, "traffic selector exceeds payload");
  }
  return ts;
}

Result<TsPayload> decodeTs(uint8_t type, ByteView body) {
  ByteReader r(body);
  size_t count = r.u8();
  r.skip(3);  // RESERVED
  if (!r.ok()) {
    return payloadError(type, "truncated");
  }
  if (count == 0) {
    return payloadError(type, "no traffic selectors");
  }
  TsPayload out;
  for (size_t i = 0; i < count; ++i) {
    auto ts = decodeSelector(type, r);
    if (!ts) {
      return ts.error();
    }
    out.selectors.push_back(std::move(*ts));
  }
  if (!r.empty()) {
    return payloadError(type, "data after the announced Number of TSs");
  }
  return out;
}

Result<EncryptedPayload> decodeSk(uint8_t next, ByteView body) {
  if (body.empty()) {
    return payloadError(payload::kSk, "empty");
  }
  return EncryptedPayload{next, toBytes(body)};
}

Result<EncryptedFragmentPayload> decodeSkf(uint8_t next, ByteView body) {
  ByteReader r(body);
  EncryptedFragmentPayload f;
  f.inner_first = next;
  f.number = r.u16();
  f.total = r.u16();
  if (!r.ok()) {
    return payloadError(payload::kSkf, "truncated");
  }
  // RFC 7383 §2.5: fragments are numbered from 1 up to Total Fragments.
  if (f.number == 0 || f.total == 0 || f.number > f.total) {
    return payloadError(payload::kSkf, "bad fragment number " + std::to_string(f.number) + "/" +
                                           std::to_string(f.total));
  }
  if (r.empty()) {
    return payloadError(payload::kSkf, "empty");
  }
  f.data = toBytes(r.rest());
  return f;
}

void encodeTs(const TsPayload& ts, ByteWriter& out) {
  out.u8(checkedU8(ts.selectors.size(), "number of traffic selectors"));
  out.zeros(3);
  for (const auto& s : ts.selectors) {
    out.u8(s.ts_type);
    out.u8(s.ip_protocol);
    out.u16(checkedU16(8 + s.start_address.size() + s.end_address.size(), "selector length"));
    out.u16(s.start_port);
    out.u16(s.end_port);
    out.bytes(s.start_address);
    out.bytes(s.end_address);
  }
}

// One overload per body type, dispatched by std::visit in encodeBody().
struct BodyEncoder {
  ByteWriter& out;

  void operator()(const SaPayload& p) const { encodeSa(p, out); }
  void operator()(const KePayload& p) const {
    out.u16(p.group);
    out.u16(0);
    out.bytes(p.data);
  }
  void operator()(const IdPayload& p) const {
    out.u8(p.id_type);
    out.zeros(3);
    out.bytes(p.data);
  }
  void operator()(const AuthPayload& p) const {
    out.u8(p.method);
    out.zeros(3);
    out.bytes(p.data);
  }
  void operator()(const NoncePayload& p) const { out.bytes(p.data); }
  void operator()(const NotifyPayload& p) const {
    out.u8(static_cast<uint8_t>(p.protocol));
    out.u8(checkedU8(p.spi.size(), "notify SPI size"));
    out.u16(p.type);
    out.bytes(p.spi);
    out.bytes(p.data);
  }
  void operator()(const DeletePayload& p) const {
    out.u8(static_cast<uint8_t>(p.protocol));
    out.u8(p.spi_size);
    out.u16(checkedU16(p.spis.size(), "number of SPIs"));
    for (const auto& spi : p.spis) {
      out.bytes(spi);
    }
  }
  void operator()(const VendorIdPayload& p) const { out.bytes(p.data); }
  void operator()(const TsPayload& p) const { encodeTs(p, out); }
  void operator()(const EncryptedPayload& p) const { out.bytes(p.data); }
  void operator()(const EncryptedFragmentPayload& p) const {
    out.u16(p.number);
    out.u16(p.total);
    out.bytes(p.data);
  }
  void operator()(const RawPayload& p) const { out.bytes(p.data); }
};

}  // namespace

Result<PayloadBody> decodeBody(uint8_t type, uint8_t next, ByteView body) {
  switch (type) {
    case payload::kSa:
      return lift(decodeSa(body));
    case payload::kKe:
      return lift(decodeKe(body));
    case payload::kIdi:
    case payload::kIdr:
      return lift(decodeId(type, body));
    case payload::kAuth:
      return lift(decodeAuth(body));
    case payload::kNonce:
      return lift(decodeNonce(body));
    case payload::kNotify:
      return lift(decodeNotify(body));
    case payload::kDelete:
      return lift(decodeDelete(body));
    case payload::kVendorId:
      return PayloadBody{VendorIdPayload{toBytes(body)}};
    case payload::kTsi:
    case payload::kTsr:
      return lift(decodeTs(type, body));
    case payload::kSk:
      return lift(decodeSk(next, body));
    case payload::kSkf:
      return lift(decodeSkf(next, body));
    default:
      // CERT, CERTREQ, CP, EAP and unknown types: the engine decides what to do with them
      // (e.g. UNSUPPORTED_CRITICAL_PAYLOAD, RFC 7296 §2.5).
      return PayloadBody{RawPayload{toBytes(body)}};
  }
}

void encodeBody(const PayloadBody& body, ByteWriter& out) { std::visit(BodyEncoder{out}, body); }

uint8_t checkedU8(size_t value, const char* what) {
  if (value > 0xff) {
    throw std::length_error(std::string("IKEv2 encode: ") + what + " exceeds 255");
  }
  return static_cast<uint8_t>(value);
}

uint16_t checkedU16(size_t value, const char* what) {
  if (value > 0xffff) {
    throw std::length_error(std::string("IKEv2 encode: ") + what + " exceeds 65535");
  }
  return static_cast<uint16_t>(value);
}

}  // namespace vpngw::wire::v2::detail
