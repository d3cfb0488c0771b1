// ISAKMP SA payload codec: DOI and situation (RFC 2408 §3.4, RFC 2407 §4.6.1), proposals
// (§3.5), transforms (§3.6) and data attributes (§3.3).
#include <stdexcept>
#include <string>

#include "wire/ikev1/payload_codec.h"

namespace vpngw::wire::v1::detail {
namespace {

// Proposal and Transform payloads chain with real Next Payload values: 2 (another proposal)
// or 3 (another transform), 0 on the last one.
constexpr size_t kSubHeaderSize = 4;  // Next Payload, RESERVED, Payload Length
constexpr size_t kProposalFixedSize = 8;
constexpr size_t kTransformFixedSize = 8;
constexpr uint16_t kAttrFormatTv = 0x8000;  // AF bit: Type/Value, no length field
constexpr size_t kMaxIsakmpSpi = 16;        // a cookie pair at most (RFC 2408 §2.4)

Error saError(const std::string& what) { return payloadError(payload::kSa, what); }

// Reads a proposal or transform header and returns the rest of the substructure, checking the
// length against its minimum, the bytes left in the enclosing structure and the chain rule
// (next == 0 exactly on the last one).
Result<ByteView> takeSub(ByteReader& r, size_t min_size, uint8_t more, const char* what) {
  uint8_t next = r.u8();
  r.u8();  // RESERVED: ignored on receipt
  size_t length = r.u16();
  if (!r.ok()) {
    return saError(std::string(what) + " header truncated");
  }
  if (next != payload::kNone && next != more) {
    return saError(std::string(what) + " has Next Payload " + std::to_string(next));
  }
  if (length < min_size) {
    return saError(std::string(what) + " length " + std::to_string(length) + " too small");
  }
  if (length - kSubHeaderSize > r.remaining()) {
    return saError(std::string(what) + " length exceeds enclosing data");
  }
  ByteView body = r.take(length - kSubHeaderSize);
  if ((next == payload::kNone) != r.empty()) {
    return saError(std::string(what) + " Next Payload disagrees with enclosing length");
  }
  return body;
}

Result<std::vector<Transform>> decodeTransforms(ByteReader& r, size_t count) {
  std::vector<Transform> out;
  while (!r.empty()) {
    if (out.size() == count) {
      return saError("more transforms than # of Transforms");
    }
    auto body = takeSub(r, kTransformFixedSize, payload::kTransform, "transform");
    if (!body) {
      return body.error();
    }
    ByteReader t(*body);
    Transform tr;
    tr.number = t.u8();
    tr.id = t.u8();
    t.u16();  // RESERVED2
    auto attributes = decodeAttributes(t, "SA payload: transform");
    if (!attributes) {
      return attributes.error();
    }
    tr.attributes = std::move(*attributes);
    out.push_back(std::move(tr));
  }
  if (out.size() != count) {
    return saError("# of Transforms " + std::to_string(count) + " but " +
                   std::to_string(out.size()) + " present");
  }
  return out;
}

Status checkSpiSize(uint8_t protocol, size_t spi_size) {
  bool ok = false;
  switch (protocol) {
    case protocol::kIsakmp:
      // Phase 1 proposals normally carry no SPI (the cookies are in the header); RFC 2408
      // §2.4 lets the SPI be ignored, so any size up to the cookie pair is accepted.
      ok = spi_size <= kMaxIsakmpSpi;
      break;
    case protocol::kAh:
    case protocol::kEsp:
      ok = spi_size == kIpsecSpiSize;
      break;
    case protocol::kIpcomp:
      ok = spi_size == 2 || spi_size == kIpsecSpiSize;  // CPI, RFC 2407 §4.4.1.1
      break;
    default:
      return saError("unknown protocol ID " + std::to_string(protocol));
  }
  if (!ok) {
    return saError("SPI size " + std::to_string(spi_size) + " invalid for protocol " +
                   std::to_string(protocol));
  }
  return {};
}

Result<Proposal> decodeProposal(ByteView data) {
  ByteReader r(data);
  Proposal p;
  p.number = r.u8();
  p.protocol = r.u8();
  size_t spi_size = r.u8();
  size_t num_transforms = r.u8();
  if (!r.ok()) {
    return saError("proposal truncated");
  }
  if (auto st = checkSpiSize(p.protocol, spi_size); !st) {
    return st.error();
  }
  p.spi = toBytes(r.take(spi_size));
  if (!r.ok()) {
    return saError("SPI exceeds proposal length");
  }
  if (num_transforms == 0) {
    return saError("proposal with no transforms");
  }
  auto transforms = decodeTransforms(r, num_transforms);
  if (!transforms) {
    return transforms.error();
  }
  p.transforms = std::move(*transforms);
  return p;
}

void encodeTransform(const Transform& t, bool last, ByteWriter& out) {
  size_t start = out.size();
  out.u8(last ? payload::kNone : payload::kTransform);
  out.u8(0);
  out.u16(0);  // length, patched below
  out.u8(t.number);
  out.u8(t.id);
  out.u16(0);
  for (const auto& a : t.attributes) {
    encodeAttribute(a, out);
  }
  out.patchU16(start + 2, checkedU16(out.size() - start, "transform length"));
}

void encodeProposal(const Proposal& p, bool last, ByteWriter& out) {
  size_t start = out.size();
  out.u8(last ? payload::kNone : payload::kProposal);
  out.u8(0);
  out.u16(0);  // length, patched below
  out.u8(p.number);
  out.u8(p.protocol);
  out.u8(checkedU8(p.spi.size(), "proposal SPI size"));
  out.u8(checkedU8(p.transforms.size(), "number of transforms"));
  out.bytes(p.spi);
  for (size_t i = 0; i < p.transforms.size(); ++i) {
    encodeTransform(p.transforms[i], i + 1 == p.transforms.size(), out);
  }
  out.patchU16(start + 2, checkedU16(out.size() - start, "proposal length"));
}

}  // namespace

Result<std::vector<Attribute>> decodeAttributes(ByteReader& r, const char* where) {
  std::vector<Attribute> out;
  while (!r.empty()) {
    uint16_t af_type = r.u16();
    uint16_t second = r.u16();  // value (TV) or length (TLV)
    if (!r.ok()) {
      return makeError(std::string(where) + ": data attribute truncated");
    }
    Attribute a;
    a.type = static_cast<uint16_t>(af_type & ~kAttrFormatTv);
    a.basic = (af_type & kAttrFormatTv) != 0;
    if (a.basic) {
      a.value = second;
    } else {
      a.data = toBytes(r.take(second));
      if (!r.ok()) {
        return makeError(std::string(where) + ": attribute " + std::to_string(a.type) + " length " +
                         std::to_string(second) + " exceeds the data");
      }
    }
    out.push_back(std::move(a));
  }
  return out;
}

void encodeAttribute(const Attribute& a, ByteWriter& out) {
  if ((a.type & kAttrFormatTv) != 0) {
    throw std::length_error("ISAKMP encode: attribute type exceeds 15 bits");
  }
  if (a.basic) {
    out.u16(static_cast<uint16_t>(kAttrFormatTv | a.type));
    out.u16(a.value);
  } else {
    out.u16(a.type);
    out.u16(checkedU16(a.data.size(), "attribute length"));
    out.bytes(a.data);
  }
}

Result<SaPayload> decodeSa(ByteView body) {
  ByteReader r(body);
  SaPayload sa;
  sa.doi = r.u32();
  sa.situation = r.u32();
  if (!r.ok()) {
    return saError("DOI and situation truncated");
  }
  if (sa.doi != kDoiIpsec && sa.doi != kDoiIsakmp) {
    return saError("unsupported DOI " + std::to_string(sa.doi));
  }
  // SIT_SECRECY and SIT_INTEGRITY would be followed by labelled-domain fields (RFC 2407
  // §4.6.1) that this codec does not parse: refusing is safer than misreading them.
  if ((sa.situation & ~kSitIdentityOnly) != 0) {
    return saError("unsupported situation " + std::to_string(sa.situation));
  }
  if (r.empty()) {
    return saError("no proposals");
  }
  while (!r.empty()) {
    auto data = takeSub(r, kProposalFixedSize, payload::kProposal, "proposal");
    if (!data) {
      return data.error();
    }
    auto proposal = decodeProposal(*data);
    if (!proposal) {
      return proposal.error();
    }
    // RFC 2408 §3.5: proposal numbers increase monotonically; equal numbers form one bundle.
    if (!sa.proposals.empty() && proposal->number < sa.proposals.back().number) {
      return saError("proposal numbers decrease");
    }
    sa.proposals.push_back(std::move(*proposal));
  }
  return sa;
}

void encodeSa(const SaPayload& sa, ByteWriter& out) {
  out.u32(sa.doi);
  out.u32(sa.situation);
  for (size_t i = 0; i < sa.proposals.size(); ++i) {
    encodeProposal(sa.proposals[i], i + 1 == sa.proposals.size(), out);
  }
}

}  // namespace vpngw::wire::v1::detail
