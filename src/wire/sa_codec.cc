// SA payload codec (RFC 7296 §3.3): proposals, transforms and the Key Length attribute.
#include <string>

#include "wire/payload_codec.h"

namespace vpngw::wire::v2::detail {
namespace {

// Last Substruc values (RFC 7296 §3.3.1, §3.3.2): 0 on the last structure, otherwise the
// IKEv1 payload type of the next one (2 = Proposal, 3 = Transform).
constexpr uint8_t kLastSubstruc = 0;
constexpr uint8_t kMoreProposals = 2;
constexpr uint8_t kMoreTransforms = 3;
constexpr size_t kSubstrucHeaderSize = 4;  // Last Substruc, RESERVED, Length
constexpr size_t kProposalFixedSize = 8;
constexpr size_t kTransformFixedSize = 8;
constexpr uint16_t kAttrFormatTv = 0x8000;  // AF bit: Type/Value, no length field

Error saError(const std::string& what) { return makeError("SA payload: " + what); }

// Reads the 4-byte substructure header and returns the rest of the substructure, checking the
// length against both its minimum and the bytes left in the enclosing structure.
Result<ByteView> takeSubstruc(ByteReader& r, size_t min_size, uint8_t& last, const char* what) {
  last = r.u8();
  r.u8();  // RESERVED: ignored on receipt
  size_t length = r.u16();
  if (!r.ok()) {
    return saError(std::string(what) + " header truncated");
  }
  if (length < min_size) {
    return saError(std::string(what) + " length too small");
  }
  if (length - kSubstrucHeaderSize > r.remaining()) {
    return saError(std::string(what) + " length exceeds enclosing data");
  }
  return r.take(length - kSubstrucHeaderSize);
}

// Only Key Length (RFC 7296 §3.3.5) exists for IKEv2 transforms, and only in TV format. An
// attribute we do not know would change the transform's meaning, so refuse rather than drop.
Status decodeAttributes(ByteReader& r, Transform& t) {
  while (!r.empty()) {
    uint16_t type = r.u16();
    uint16_t value = r.u16();
    if (!r.ok()) {
      return saError("transform attribute truncated");
    }
    if ((type & kAttrFormatTv) == 0) {
      return saError("TLV transform attribute not allowed");
    }
    if ((type & ~kAttrFormatTv) != transform::kAttrKeyLength) {
      return saError("unknown transform attribute " + std::to_string(type & ~kAttrFormatTv));
    }
    if (t.key_length) {
      return saError("duplicate Key Length attribute");
    }
    t.key_length = value;
  }
  return {};
}

Result<std::vector<Transform>> decodeTransforms(ByteReader& r, size_t count) {
  std::vector<Transform> out;
  while (!r.empty()) {
    if (out.size() == count) {
      return saError("more transforms than Num Transforms");
    }
    uint8_t last = 0;
    auto body = takeSubstruc(r, kTransformFixedSize, last, "transform");
    if (!body) {
      return body.error();
    }
    if (last != kLastSubstruc && last != kMoreTransforms) {
      return saError("bad transform Last Substruc " + std::to_string(last));
    }
    if ((last == kLastSubstruc) != r.empty()) {
      return saError("transform Last Substruc disagrees with proposal length");
    }
    ByteReader t(*body);
    Transform tr;
    tr.type = t.u8();
    t.u8();  // RESERVED
    tr.id = t.u16();
    if (auto st = decodeAttributes(t, tr); !st) {
      return st.error();
    }
    out.push_back(tr);
  }
  if (out.size() != count) {
    return saError("Num Transforms does not match transforms present");
  }
  return out;
}

Status checkSpiSize(ProtocolId protocol, size_t spi_size) {
  // §3.3.1: zero in IKE_SA_INIT, 8 for an IKE SA rekey, 4 for ESP and AH.
  bool ok = protocol == ProtocolId::Ike ? (spi_size == 0 || spi_size == 8) : spi_size == 4;
  if (!ok) {
    return saError("SPI size " + std::to_string(spi_size) + " invalid for protocol");
  }
  return {};
}

Result<Proposal> decodeProposal(ByteView data) {
  ByteReader r(data);
  Proposal p;
  p.number = r.u8();
  uint8_t protocol = r.u8();
  uint8_t spi_size = r.u8();
  uint8_t num_transforms = r.u8();
  if (!r.ok()) {
    return saError("proposal truncated");
  }
  if (protocol != static_cast<uint8_t>(ProtocolId::Ike) &&
      protocol != static_cast<uint8_t>(ProtocolId::Ah) &&
      protocol != static_cast<uint8_t>(ProtocolId::Esp)) {
    return saError("unknown protocol ID " + std::to_string(protocol));
  }
  p.protocol = static_cast<ProtocolId>(protocol);
  if (auto st = checkSpiSize(p.protocol, spi_size); !st) {
    return st.error();
  }
  p.spi = toBytes(r.take(spi_size));
  if (!r.ok()) {
    return saError("SPI exceeds proposal length");
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
  out.u8(last ? kLastSubstruc : kMoreTransforms);
  out.u8(0);
  out.u16(0);  // length, patched below
  out.u8(t.type);
  out.u8(0);
  out.u16(t.id);
  if (t.key_length) {
    out.u16(kAttrFormatTv | transform::kAttrKeyLength);
    out.u16(*t.key_length);
  }
  out.patchU16(start + 2, checkedU16(out.size() - start, "transform length"));
}

void encodeProposal(const Proposal& p, bool last, ByteWriter& out) {
  size_t start = out.size();
  out.u8(last ? kLastSubstruc : kMoreProposals);
  out.u8(0);
  out.u16(0);  // length, patched below
  out.u8(p.number);
  out.u8(static_cast<uint8_t>(p.protocol));
  out.u8(checkedU8(p.spi.size(), "proposal SPI size"));
  out.u8(checkedU8(p.transforms.size(), "number of transforms"));
  out.bytes(p.spi);
  for (size_t i = 0; i < p.transforms.size(); ++i) {
    encodeTransform(p.transforms[i], i + 1 == p.transforms.size(), out);
  }
  out.patchU16(start + 2, checkedU16(out.size() - start, "proposal length"));
}

}  // namespace

Result<SaPayload> decodeSa(ByteView body) {
  ByteReader r(body);
  if (r.empty()) {
    return saError("no proposals");  // §3.3: one or more Proposal substructures
  }
  SaPayload sa;
  while (!r.empty()) {
    uint8_t last = 0;
    auto data = takeSubstruc(r, kProposalFixedSize, last, "proposal");
    if (!data) {
      return data.error();
    }
    if (last != kLastSubstruc && last != kMoreProposals) {
      return saError("bad proposal Last Substruc " + std::to_string(last));
    }
    if ((last == kLastSubstruc) != r.empty()) {
      return saError("proposal Last Substruc disagrees with payload length");
    }
    auto proposal = decodeProposal(*data);
    if (!proposal) {
      return proposal.error();
    }
    // §3.3.1: numbers start at one in a request and go up by one; a response carries the single
    // accepted proposal with its original number, so only "non-zero, consecutive" is checked.
    int expected = sa.proposals.empty() ? 0 : sa.proposals.back().number + 1;
    if (proposal->number == 0 || (expected != 0 && proposal->number != expected)) {
      return saError("proposal numbers not consecutive");
    }
    sa.proposals.push_back(std::move(*proposal));
  }
  return sa;
}

void encodeSa(const SaPayload& sa, ByteWriter& out) {
  for (size_t i = 0; i < sa.proposals.size(); ++i) {
    encodeProposal(sa.proposals[i], i + 1 == sa.proposals.size(), out);
  }
}

}  // namespace vpngw::wire::v2::detail
