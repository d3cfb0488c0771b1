// Malformed ISAKMP input is refused with an Error naming the problem (RFC 2408 §3 structure
// rules, RFC 2407 §4.6, RFC 2409 §5, RFC 3947 §3.2/§5.2).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/byte_io.h"
#include "unit/wire/ikev1_samples.h"
#include "wire/ikev1/message.h"

namespace vpngw::wire::v1 {
namespace {

using samples::hex;
using samples::pattern;

// A generic payload: next, reserved, length, body.
Bytes pl(uint8_t next, ByteView body) {
  ByteWriter w;
  w.u8(next);
  w.u8(0);
  w.u16(static_cast<uint16_t>(body.size() + 4));
  w.bytes(body);
  return w.take();
}

Bytes header(uint8_t first, uint8_t version, uint8_t flags, size_t length) {
  ByteWriter w;
  w.u64(0x1111111111111111ull);
  w.u64(0x2222222222222222ull);
  w.u8(first);
  w.u8(version);
  w.u8(exchange::kMain);
  w.u8(flags);
  w.u32(0);
  w.u32(static_cast<uint32_t>(length));
  return w.take();
}

Bytes message(uint8_t first, ByteView chain) {
  return concat(header(first, kVersion, 0, kHeaderSize + chain.size()), chain);
}

// SA body: DOI, situation, then the given proposal bytes.
Bytes saBody(ByteView proposals, uint32_t doi = kDoiIpsec, uint32_t sit = kSitIdentityOnly) {
  ByteWriter w;
  w.u32(doi);
  w.u32(sit);
  w.bytes(proposals);
  return w.take();
}

// Proposal substructure with an explicit length (for corrupting it).
Bytes proposal(uint8_t next, uint8_t number, uint8_t protocol, ByteView spi, uint8_t count,
               ByteView transforms, int length = -1) {
  ByteWriter w;
  w.u8(next);
  w.u8(0);
  w.u16(static_cast<uint16_t>(length >= 0 ? length : 8 + spi.size() + transforms.size()));
  w.u8(number);
  w.u8(protocol);
  w.u8(static_cast<uint8_t>(spi.size()));
  w.u8(count);
  w.bytes(spi);
  w.bytes(transforms);
  return w.take();
}

Bytes transform(uint8_t next, ByteView attributes, int length = -1) {
  ByteWriter w;
  w.u8(next);
  w.u8(0);
  w.u16(static_cast<uint16_t>(length >= 0 ? length : 8 + attributes.size()));
  w.u8(1);
  w.u8(transform_id::kKeyIke);
  w.u16(0);
  w.bytes(attributes);
  return w.take();
}

const Bytes kAttrs = hex("80010007 800e0080 80020002 80030001 80040002");
Bytes goodTransform() { return transform(0, kAttrs); }
Bytes goodProposal(uint8_t next = 0, uint8_t number = 1) {
  return proposal(next, number, protocol::kIsakmp, {}, 1, goodTransform());
}

struct Case {
  std::string name;
  Bytes datagram;
  std::string error;  // substring of the expected message
};

std::vector<Case> cases() {
  const Bytes good_sa = pl(0, saBody(goodProposal()));
  std::vector<Case> c = {
      // Header and chain.
      {"HeaderTruncated", Bytes(27, 0), "header truncated"},
      {"MajorVersion2", concat(header(0, 0x20, 0, 28)), "major version 2"},
      {"LengthTooLarge", concat(header(0, kVersion, 0, 29)), "does not match datagram size"},
      {"LengthTooSmall", concat(header(payload::kSa, kVersion, 0, 28), good_sa),
       "does not match datagram size"},
      {"EncryptedWithoutBody", header(payload::kId, kVersion, flags::kEncryption, 28), "no body"},
      {"PayloadHeaderTruncated", message(payload::kSa, hex("0000")), "SA payload header truncated"},
      {"PayloadLengthBelow4", message(payload::kHash, hex("00000003")), "below 4"},
      {"PayloadLengthExceedsMessage", message(payload::kHash, hex("00000020 01020304")),
       "exceeds message data"},
      {"TrailingBytes", message(payload::kHash, concat(pl(0, pattern(20, 1)), hex("00"))),
       "1 bytes after the last payload"},
      {"NextPayloadPromisesMore", message(payload::kHash, pl(payload::kNonce, pattern(20, 1))),
       "Nonce payload header truncated"},
      {"ProposalAtTopLevel", message(payload::kProposal, pl(0, goodProposal())),
       "outside an SA payload"},
      {"TransformAtTopLevel", message(payload::kTransform, pl(0, goodTransform())),
       "outside an SA payload"},
      // SA, proposals, transforms, attributes.
      {"SaTruncated", message(payload::kSa, pl(0, hex("00000001 0000"))),
       "DOI and situation truncated"},
      {"SaUnknownDoi", message(payload::kSa, pl(0, saBody(goodProposal(), 2))),
       "unsupported DOI 2"},
      {"SaSecrecySituation", message(payload::kSa, pl(0, saBody(goodProposal(), 1, 3))),
       "unsupported situation 3"},
      {"SaNoProposals", message(payload::kSa, pl(0, saBody({}))), "no proposals"},
      {"ProposalHeaderTruncated", message(payload::kSa, pl(0, saBody(hex("000000")))),
       "proposal header truncated"},
      {"ProposalBadNext",
       message(payload::kSa,
               pl(0, saBody(proposal(5, 1, protocol::kIsakmp, {}, 1, goodTransform())))),
       "proposal has Next Payload 5"},
      {"ProposalTooShort",
       message(payload::kSa,
               pl(0, saBody(proposal(0, 1, protocol::kIsakmp, {}, 1, goodTransform(), 7)))),
       "proposal length 7 too small"},
      {"ProposalExceedsSa",
       message(payload::kSa,
               pl(0, saBody(proposal(0, 1, protocol::kIsakmp, {}, 1, goodTransform(), 200)))),
       "proposal length exceeds enclosing data"},
      {"ProposalLastButMoreData",
       message(payload::kSa, pl(0, saBody(concat(goodProposal(0), goodProposal(0, 2))))),
       "Next Payload disagrees"},
      {"ProposalMoreButLast", message(payload::kSa, pl(0, saBody(goodProposal(2)))),
       "Next Payload disagrees"},
      {"ProposalNumbersDecrease",
       message(payload::kSa,
               pl(0, saBody(concat(goodProposal(payload::kProposal, 2), goodProposal(0, 1))))),
       "proposal numbers decrease"},
      {"ProposalUnknownProtocol",
       message(payload::kSa, pl(0, saBody(proposal(0, 1, 9, {}, 1, goodTransform())))),
       "unknown protocol ID 9"},
      {"ProposalEspSpiSize8",
       message(payload::kSa,
               pl(0, saBody(proposal(0, 1, protocol::kEsp, Bytes(8, 1), 1, goodTransform())))),
       "SPI size 8 invalid for protocol 3"},
      {"ProposalIsakmpSpiSize17",
       message(payload::kSa,
               pl(0, saBody(proposal(0, 1, protocol::kIsakmp, Bytes(17, 1), 1, goodTransform())))),
       "SPI size 17 invalid for protocol 1"},
      {"ProposalSpiExceeds", message(payload::kSa, pl(0, saBody(hex("0000000a 01030401 aabb")))),
       "SPI exceeds proposal length"},
      {"ProposalNoTransforms",
       message(payload::kSa, pl(0, saBody(proposal(0, 1, protocol::kIsakmp, {}, 0, {})))),
       "proposal with no transforms"},
      {"MoreTransformsThanCount",
       message(payload::kSa,
               pl(0, saBody(proposal(0, 1, protocol::kIsakmp, {}, 1,
                                     concat(transform(3, kAttrs), goodTransform()))))),
       "more transforms than # of Transforms"},
      {"FewerTransformsThanCount",
       message(payload::kSa,
               pl(0, saBody(proposal(0, 1, protocol::kIsakmp, {}, 2, goodTransform())))),
       "# of Transforms 2 but 1 present"},
      {"TransformTooShort",
       message(payload::kSa,
               pl(0, saBody(proposal(0, 1, protocol::kIsakmp, {}, 1, transform(0, {}, 4))))),
       "transform length 4 too small"},
      {"TransformBadNext",
       message(payload::kSa,
               pl(0, saBody(proposal(0, 1, protocol::kIsakmp, {}, 1, transform(2, kAttrs))))),
       "transform has Next Payload 2"},
      {"AttributeTruncated",
       message(payload::kSa,
               pl(0, saBody(proposal(0, 1, protocol::kIsakmp, {}, 1, transform(0, hex("8001")))))),
       "data attribute truncated"},
      {"VariableAttributeExceedsTransform",
       message(payload::kSa, pl(0, saBody(proposal(0, 1, protocol::kIsakmp, {}, 1,
                                                   transform(0, hex("000c0008 00000001")))))),
       "transform: attribute 12 length 8 exceeds the data"},
      // Other payload bodies.
      {"KeEmpty", message(payload::kKe, pl(0, {})), "empty key exchange data"},
      {"IdTruncated", message(payload::kId, pl(0, hex("010000"))), "ID payload: truncated"},
      {"IdTypeZero", message(payload::kId, pl(0, hex("00000000 0a000001"))), "reserved"},
      {"IdIpv4WrongSize", message(payload::kId, pl(0, hex("01000000 0a00000102"))),
       "needs 4 bytes of data, not 5"},
      {"IdSubnetWrongSize", message(payload::kId, pl(0, hex("04000000 0a000001"))),
       "needs 8 bytes of data, not 4"},
      {"IdRangeWrongSize", message(payload::kId, pl(0, hex("07000000 0a000001 0a0000"))),
       "needs 8 bytes"},
      {"IdIpv6WrongSize", message(payload::kId, pl(0, concat(hex("05000000"), pattern(15, 1)))),
       "needs 16 bytes"},
      {"IdFqdnEmpty", message(payload::kId, pl(0, hex("02000000"))), "empty identification data"},
      {"HashEmpty", message(payload::kHash, pl(0, {})), "empty hash data"},
      {"NonceTooShort", message(payload::kNonce, pl(0, pattern(7, 1))), "nonce size 7"},
      {"NonceTooLong", message(payload::kNonce, pl(0, pattern(257, 1))), "nonce size 257"},
      {"NotifyTruncated", message(payload::kNotify, pl(0, hex("00000001 0100 00"))),
       "N payload: truncated"},
      {"NotifyTypeZero", message(payload::kNotify, pl(0, hex("00000001 01000000"))),
       "notify message type 0 is reserved"},
      {"NotifyEspSpiSize3", message(payload::kNotify, pl(0, hex("00000001 0303000e 010203"))),
       "SPI size 3 invalid for protocol 3"},
      {"NotifyIsakmpSpiSize8",
       message(payload::kNotify, pl(0, concat(hex("00000001 01088d28"), pattern(8, 1)))),
       "SPI size 8 invalid for protocol 1"},
      {"NotifySpiExceeds",
       message(payload::kNotify, pl(0, concat(hex("00000001 01108d28"), pattern(8, 1)))),
       "SPI size exceeds payload"},
      {"DeleteTruncated", message(payload::kDelete, pl(0, hex("00000001 0304 00"))),
       "D payload: truncated"},
      {"DeleteIsakmpSpiSize4", message(payload::kDelete, pl(0, hex("00000001 01040001 01020304"))),
       "SPI size 4 invalid for protocol 1"},
      {"DeleteUnknownProtocol", message(payload::kDelete, pl(0, hex("00000001 07040001 01020304"))),
       "invalid for protocol 7"},
      {"DeleteNoSpis", message(payload::kDelete, pl(0, hex("00000001 03040000"))), "no SPIs"},
      {"DeleteCountMismatch", message(payload::kDelete, pl(0, hex("00000001 03040002 01020304"))),
       "# of SPIs does not match payload length"},
      {"NatDEmpty", message(payload::kNatD, pl(0, {})), "NAT-D payload: empty hash"},
      {"NatDDraftEmpty", message(payload::kNatDDraft, pl(0, {})), "NAT-D (draft) payload"},
      {"NatOaTruncated", message(payload::kNatOa, pl(0, hex("010000"))), "truncated"},
      {"NatOaNotAnAddress", message(payload::kNatOa, pl(0, hex("02000000 61626364"))),
       "ID type 2 not an address"},
      {"NatOaWrongLength", message(payload::kNatOaDraft, pl(0, hex("01000000 0a000001 00"))),
       "address length 5 wrong"},
  };
  // 65 payloads: more than the cap.
  Bytes many;
  for (int i = 0; i < 65; ++i) {
    many = concat(many, pl(i == 64 ? 0 : payload::kVendorId, pattern(1, 1)));
  }
  c.push_back({"TooManyPayloads", message(payload::kVendorId, many), "more than 64 payloads"});
  return c;
}

class Ikev1Reject : public ::testing::TestWithParam<Case> {};

TEST_P(Ikev1Reject, IsRefusedWithTheReason) {
  auto m = decode(GetParam().datagram);
  ASSERT_FALSE(m.ok()) << "accepted";
  EXPECT_NE(m.error().message.find(GetParam().error), std::string::npos)
      << "error was: " << m.error().message;
}

INSTANTIATE_TEST_SUITE_P(Malformed, Ikev1Reject, ::testing::ValuesIn(cases()),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(Ikev1RejectChain, PaddingLimitAndBytesAfterFirstPayload) {
  Bytes chain = pl(0, pattern(20, 1));
  Bytes padded = concat(chain, Bytes(kMaxPadding + 1, 0));
  auto r = decodeDecryptedChain(payload::kHash, padded);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("256 bytes of padding"), std::string::npos);

  EXPECT_FALSE(bytesAfterFirstPayload({}).ok());
  EXPECT_FALSE(bytesAfterFirstPayload(hex("00000003")).ok());
  EXPECT_FALSE(bytesAfterFirstPayload(hex("0a000008 01020304")).ok());  // promises a next
  EXPECT_FALSE(bytesAfterFirstPayload(hex("00000009 01020304")).ok());  // length too long
  auto only = bytesAfterFirstPayload(chain);
  ASSERT_TRUE(only.ok());
  EXPECT_TRUE(only->empty());
}

TEST(Ikev1RejectChain, AcceptsWhatPeersSend) {
  // Lenient where RFC 2408 allows it or deployed peers rely on it: proposal and transform
  // number 0, an ISAKMP proposal with a 16-byte SPI, DOI 0, an empty VID, a notify with no SPI
  // whatever its protocol, equal proposal numbers (an AH+ESP bundle), the generic reserved
  // byte set.
  std::vector<Bytes> ok = {
      message(payload::kSa,
              pl(0, saBody(proposal(0, 0, protocol::kIsakmp, {}, 1, goodTransform())))),
      message(payload::kSa,
              pl(0, saBody(proposal(0, 1, protocol::kIsakmp, Bytes(16, 7), 1, goodTransform())))),
      message(payload::kSa, pl(0, saBody(goodProposal(), kDoiIsakmp))),
      message(
          payload::kSa,
          pl(0, saBody(concat(proposal(2, 1, protocol::kAh, Bytes(4, 1), 1, goodTransform()),
                              proposal(0, 1, protocol::kEsp, Bytes(4, 2), 1, goodTransform()))))),
      message(payload::kVendorId, pl(0, {})),
      message(payload::kNotify, pl(0, hex("00000000 0000601a"))),
      message(payload::kHash, hex("00ff0008 01020304")),
  };
  for (const auto& datagram : ok) {
    auto m = decode(datagram);
    EXPECT_TRUE(m.ok()) << m.error().message;
  }
}

}  // namespace
}  // namespace vpngw::wire::v1
