// ISAKMP payload body codecs for everything but SA (sa_codec.cc): RFC 2408 §3.7-§3.16,
// RFC 2407 §4.6, RFC 2409 §5, RFC 3947 §3.2 and §5.2.
#include "wire/ikev1/payload_codec.h"

#include <stdexcept>

namespace vpngw::wire::v1::detail {
namespace {

constexpr size_t kMinNonce = 8;    // RFC 2409 §5
constexpr size_t kMaxNonce = 256;  // RFC 2409 §5
constexpr size_t kIpv4Size = 4;
constexpr size_t kIpv6Size = 16;
constexpr size_t kIsakmpSpiSize = 16;  // CKY-I | CKY-R (RFC 2408 §3.15, RFC 3706 §7)
constexpr size_t kCpiSize = 2;         // IPComp CPI (RFC 2407 §4.4.1.1)

template <typename T>
Result<PayloadBody> lift(Result<T> r) {
  if (!r) {
    return r.error();
  }
  return PayloadBody{std::move(r).value()};
}

Result<Bytes> nonEmpty(uint8_t type, ByteView body, const char* what) {
  if (body.empty()) {
    return payloadError(type, std::string("empty ") + what);
  }
  return toBytes(body);
}

Result<KePayload> decodeKe(ByteView body) {
  auto data = nonEmpty(payload::kKe, body, "key exchange data");
  if (!data) {
    return data.error();
  }
  return KePayload{std::move(*data)};
}

// The data size an IPv4/IPv6 address-type ID must have (0 for the name and opaque types).
size_t addressIdSize(uint8_t id_type) {
  switch (id_type) {
    case id::kIpv4Addr:
      return kIpv4Size;
    case id::kIpv4AddrSubnet:
    case id::kIpv4AddrRange:
      return 2 * kIpv4Size;
    case id::kIpv6Addr:
      return kIpv6Size;
    case id::kIpv6AddrSubnet:
    case id::kIpv6AddrRange:
      return 2 * kIpv6Size;
    default:
      return 0;
  }
}

Result<IdPayload> decodeId(ByteView body) {
  ByteReader r(body);
  IdPayload id;
  id.id_type = r.u8();
  id.protocol = r.u8();
  id.port = r.u16();
  if (!r.ok()) {
    return payloadError(payload::kId, "truncated");
  }
  if (id.id_type == 0) {
    return payloadError(payload::kId, "ID type 0 is reserved");
  }
  size_t expected = addressIdSize(id.id_type);
  if (expected != 0 && r.remaining() != expected) {
    return payloadError(payload::kId, "ID type " + std::to_string(id.id_type) + " needs " +
                                          std::to_string(expected) + " bytes of data, not " +
                                          std::to_string(r.remaining()));
  }
  if (r.empty()) {
    return payloadError(payload::kId, "empty identification data");
  }
  id.data = toBytes(r.rest());
  return id;
}

Result<NoncePayload> decodeNonce(ByteView body) {
  if (body.size() < kMinNonce || body.size() > kMaxNonce) {
    return payloadError(payload::kNonce,
                        "nonce size " + std::to_string(body.size()) + " outside 8..256");
  }
  return NoncePayload{toBytes(body)};
}

// SPI sizes a protocol allows in notify and delete payloads.
bool spiSizeAllowed(uint8_t protocol, size_t size, bool allow_empty_isakmp) {
  switch (protocol) {
    case protocol::kIsakmp:
      return size == kIsakmpSpiSize || (allow_empty_isakmp && size == 0);
    case protocol::kAh:
    case protocol::kEsp:
      return size == kIpsecSpiSize;
    case protocol::kIpcomp:
      return size == kCpiSize || size == kIpsecSpiSize;
    default:
      return false;
  }
}

Result<NotifyPayload> decodeNotify(ByteView body) {
  ByteReader r(body);
  NotifyPayload n;
  n.doi = r.u32();
  n.protocol = r.u8();
  size_t spi_size = r.u8();
  n.type = r.u16();
  if (!r.ok()) {
    return payloadError(payload::kNotify, "truncated");
  }
  if (n.type == 0) {
    return payloadError(payload::kNotify, "notify message type 0 is reserved");
  }
  // Notifications about no particular SA (INITIAL-CONTACT from some stacks, errors sent before
  // any SA exists) carry no SPI, whatever the protocol, so an empty SPI is always allowed.
  if (spi_size != 0 && !spiSizeAllowed(n.protocol, spi_size, false)) {
    return payloadError(payload::kNotify, "SPI size " + std::to_string(spi_size) +
                                              " invalid for protocol " +
                                              std::to_string(n.protocol));
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
  d.doi = r.u32();
  d.protocol = r.u8();
  d.spi_size = r.u8();
  size_t count = r.u16();
  if (!r.ok()) {
    return payloadError(payload::kDelete, "truncated");
  }
  if (!spiSizeAllowed(d.protocol, d.spi_size, false)) {
    return payloadError(payload::kDelete, "SPI size " + std::to_string(d.spi_size) +
                                              " invalid for protocol " +
                                              std::to_string(d.protocol));
  }
  if (count == 0) {
    return payloadError(payload::kDelete, "no SPIs");
  }
  // count <= 65535 and spi_size <= 255: the product cannot overflow.
  if (count * d.spi_size != r.remaining()) {
    return payloadError(payload::kDelete, "# of SPIs does not match payload length");
  }
  d.spis.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    d.spis.push_back(toBytes(r.take(d.spi_size)));
  }
  return d;
}

Result<NatDPayload> decodeNatD(uint8_t type, ByteView body) {
  auto hash = nonEmpty(type, body, "hash");
  if (!hash) {
    return hash.error();
  }
  return NatDPayload{std::move(*hash)};
}

Result<NatOaPayload> decodeNatOa(uint8_t type, ByteView body) {
  ByteReader r(body);
  NatOaPayload oa;
  oa.id_type = r.u8();
  r.skip(3);  // RESERVED
  if (!r.ok()) {
    return payloadError(type, "truncated");
  }
  size_t expected = oa.id_type == id::kIpv4Addr   ? kIpv4Size
                    : oa.id_type == id::kIpv6Addr ? kIpv6Size
                                                  : 0;
  if (expected == 0) {
    return payloadError(type, "ID type " + std::to_string(oa.id_type) + " not an address");
  }
  if (r.remaining() != expected) {
    return payloadError(type,
                        "address length " + std::to_string(r.remaining()) + " wrong for ID type");
  }
  oa.address = toBytes(r.rest());
  return oa;
}

// One overload per body type, dispatched by std::visit in encodeBody().
struct BodyEncoder {
  ByteWriter& out;

  void operator()(const SaPayload& p) const { encodeSa(p, out); }
  void operator()(const KePayload& p) const { out.bytes(p.data); }
  void operator()(const IdPayload& p) const {
    out.u8(p.id_type);
    out.u8(p.protocol);
    out.u16(p.port);
    out.bytes(p.data);
  }
  void operator()(const HashPayload& p) const { out.bytes(p.data); }
  void operator()(const NoncePayload& p) const { out.bytes(p.data); }
  void operator()(const NotifyPayload& p) const {
    out.u32(p.doi);
    out.u8(p.protocol);
    out.u8(checkedU8(p.spi.size(), "notify SPI size"));
    out.u16(p.type);
    out.bytes(p.spi);
    out.bytes(p.data);
  }
  void operator()(const DeletePayload& p) const {
    out.u32(p.doi);
    out.u8(p.protocol);
    out.u8(p.spi_size);
    out.u16(checkedU16(p.spis.size(), "number of SPIs"));
    for (const auto& spi : p.spis) {
      if (spi.size() != p.spi_size) {
        throw std::length_error("ISAKMP encode: delete SPI size differs from spi_size");
      }
      out.bytes(spi);
    }
  }
  void operator()(const VendorIdPayload& p) const { out.bytes(p.data); }
  void operator()(const NatDPayload& p) const { out.bytes(p.hash); }
  void operator()(const NatOaPayload& p) const {
    out.u8(p.id_type);
    out.zeros(3);
    out.bytes(p.address);
  }
  void operator()(const RawPayload& p) const { out.bytes(p.data); }
};

}  // namespace

Error payloadError(uint8_t type, const std::string& what) {
  return makeError(std::string(payloadName(type)) + " payload: " + what);
}

Result<PayloadBody> decodeBody(uint8_t type, ByteView body) {
  switch (type) {
    case payload::kSa:
      return lift(decodeSa(body));
    case payload::kProposal:
    case payload::kTransform:
      return payloadError(type, "outside an SA payload");
    case payload::kKe:
      return lift(decodeKe(body));
    case payload::kId:
      return lift(decodeId(body));
    case payload::kHash: {
      auto data = nonEmpty(type, body, "hash data");
      if (!data) {
        return data.error();
      }
      return PayloadBody{HashPayload{std::move(*data)}};
    }
    case payload::kNonce:
      return lift(decodeNonce(body));
    case payload::kNotify:
      return lift(decodeNotify(body));
    case payload::kDelete:
      return lift(decodeDelete(body));
    case payload::kVendorId:
      return PayloadBody{VendorIdPayload{toBytes(body)}};
    case payload::kNatD:
    case payload::kNatDDraft:
      return lift(decodeNatD(type, body));
    case payload::kNatOa:
    case payload::kNatOaDraft:
      return lift(decodeNatOa(type, body));
    default:
      return PayloadBody{RawPayload{toBytes(body)}};
  }
}

void encodeBody(const PayloadBody& body, ByteWriter& out) { std::visit(BodyEncoder{out}, body); }

uint8_t checkedU8(size_t value, const char* what) {
  if (value > 0xff) {
    throw std::length_error(std::string("ISAKMP encode: ") + what + " exceeds 255");
  }
  return static_cast<uint8_t>(value);
}

uint16_t checkedU16(size_t value, const char* what) {
  if (value > 0xffff) {
    throw std::length_error(std::string("ISAKMP encode: ") + what + " exceeds 65535");
  }
  return static_cast<uint16_t>(value);
}

}  // namespace vpngw::wire::v1::detail
