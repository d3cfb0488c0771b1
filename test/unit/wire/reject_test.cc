// Malformed input is refused with an Error naming the problem (RFC 7296 §3 structure rules).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/byte_io.h"
#include "unit/wire/samples.h"
#include "wire/ikev2_message.h"

namespace vpngw::wire::v2 {
namespace {

using samples::hex;
using samples::pattern;

// Wraps a payload chain in an IKE_AUTH header whose length field is right.
Bytes message(uint8_t first, ByteView chain) {
  ByteWriter w;
  w.u64(0x1111111111111111ull);
  w.u64(0x2222222222222222ull);
  w.u8(first);
  w.u8(kIkev2Version);
  w.u8(static_cast<uint8_t>(ExchangeType::IkeAuth));
  w.u8(flags::kInitiator);
  w.u32(1);
  w.u32(static_cast<uint32_t>(kHeaderSize + chain.size()));
  w.bytes(chain);
  return w.take();
}

struct RejectCase {
  std::string name;
  uint8_t first;
  Bytes chain;
  std::string error;  // substring of the expected error message
};

std::vector<RejectCase> rejectCases() {
  return {
      // Generic payload header (§3.2) and chain structure.
      {"GenericHeaderTruncated", payload::kNonce, hex("0000"), "payload header truncated"},
      {"PayloadLengthBelowFour", payload::kVendorId, hex("00000003"), "below 4"},
      {"PayloadLengthZero", payload::kVendorId, hex("00000000"), "below 4"},
      {"PayloadLengthPastEnd", payload::kVendorId, hex("00000010 0102"), "exceeds data"},
      {"NextPayloadWithoutData", payload::kVendorId, hex("2b000005 01"),
       "V payload header truncated"},
      {"TrailingDataAfterLast", payload::kVendorId, hex("00000005 01 00"),
       "data after the last payload"},
      {"PayloadAfterSk", payload::kSk, hex("23000008 01020304 2b000004"),
       "data after the SK payload"},
      {"PayloadAfterSkf", payload::kSkf, hex("2300000c 00010001 01020304 00"),
       "data after the SKF payload"},
      {"SkEmpty", payload::kSk, hex("23000004"), "SK payload: empty"},
      {"SkfTruncated", payload::kSkf, hex("00000006 0001"), "SKF payload: truncated"},
      {"SkfEmpty", payload::kSkf, hex("00000008 00010001"), "SKF payload: empty"},
      {"SkfNumberZero", payload::kSkf, hex("2300000c 00000001 01020304"), "bad fragment number"},
      {"SkfNumberAboveTotal", payload::kSkf, hex("0000000c 00030002 01020304"),
       "bad fragment number 3/2"},
      {"SkfTotalZero", payload::kSkf, hex("0000000c 00010000 01020304"), "bad fragment number"},
      // SA (§3.3).
      {"SaNoProposals", payload::kSa, hex("00000004"), "no proposals"},
      {"ProposalHeaderTruncated", payload::kSa, hex("00000006 0000"), "proposal header truncated"},
      {"ProposalLengthTooSmall", payload::kSa, hex("0000000c 00000007 01010000"),
       "proposal length too small"},
      {"ProposalLengthPastPayload", payload::kSa, hex("0000000c 00000010 01010000"),
       "proposal length exceeds"},
      {"ProposalLengthCutsTransform", payload::kSa, hex("00000010 0000000c 01010001 00000008"),
       "transform length exceeds"},
      {"ProposalLastSubstrucInvalid", payload::kSa, hex("0000000c 01000008 01010000"),
       "bad proposal Last Substruc 1"},
      {"ProposalMoreFlagOnLast", payload::kSa, hex("0000000c 02000008 01010000"),
       "proposal Last Substruc disagrees"},
      {"ProposalLastFlagButMoreFollow", payload::kSa,
       hex("00000014 00000008 01010000 00000008 02010000"), "proposal Last Substruc disagrees"},
      {"ProposalNumberZero", payload::kSa, hex("0000000c 00000008 00010000"), "not consecutive"},
      {"ProposalNumbersSkip", payload::kSa, hex("00000014 02000008 01010000 00000008 03010000"),
       "not consecutive"},
      {"ProposalNumbersRepeat", payload::kSa, hex("00000014 02000008 01010000 00000008 01010000"),
       "not consecutive"},
      {"ProtocolIdUnknown", payload::kSa, hex("0000000c 00000008 01040000"),
       "unknown protocol ID 4"},
      {"ProtocolIdZero", payload::kSa, hex("0000000c 00000008 01000000"), "unknown protocol ID 0"},
      {"IkeSpiSizeFour", payload::kSa, hex("00000010 0000000c 01010400 01020304"),
       "SPI size 4 invalid"},
      {"EspSpiSizeZero", payload::kSa, hex("0000000c 00000008 01030000"), "SPI size 0 invalid"},
      {"EspSpiSizeEight", payload::kSa, hex("00000014 00000010 01030800 0102030405060708"),
       "SPI size 8 invalid"},
      {"SpiPastProposal", payload::kSa, hex("00000010 0000000c 01010800 01020304"),
       "SPI exceeds proposal"},
      {"TransformCountTooHigh", payload::kSa, hex("00000014 00000010 01010002 00000008 01000014"),
       "Num Transforms"},
      {"TransformCountTooLow", payload::kSa,
       hex("0000001c 00000018 01010001 03000008 01000014 00000008 02000005"), "Num Transforms"},
      {"TransformCountNonZeroButNone", payload::kSa, hex("0000000c 00000008 01010001"),
       "Num Transforms"},
      {"TransformLastSubstrucInvalid", payload::kSa,
       hex("00000014 00000010 01010001 01000008 01000014"), "bad transform Last Substruc 1"},
      {"TransformMoreFlagOnLast", payload::kSa, hex("00000014 00000010 01010001 03000008 01000014"),
       "transform Last Substruc disagrees"},
      {"TransformLastFlagButMoreFollow", payload::kSa,
       hex("0000001c 00000018 01010002 00000008 01000014 00000008 02000005"),
       "transform Last Substruc disagrees"},
      {"TransformLengthTooSmall", payload::kSa, hex("00000014 00000010 01010001 00000007 01000014"),
       "transform length too small"},
      {"TransformLengthPastProposal", payload::kSa,
       hex("00000014 00000010 01010001 0000000c 01000014"), "transform length exceeds"},
      {"TransformHeaderTruncated", payload::kSa, hex("0000000e 0000000a 01010001 0000"),
       "transform header truncated"},
      {"TlvAttribute", payload::kSa, hex("00000018 00000014 01010001 0000000c 0100000c 000e0100"),
       "TLV transform attribute"},
      {"UnknownTvAttribute", payload::kSa,
       hex("00000018 00000014 01010001 0000000c 0100000c 80010100"),
       "unknown transform attribute 1"},
      {"DuplicateKeyLength", payload::kSa,
       hex("0000001c 00000018 01010001 00000010 0100000c 800e0080 800e0100"),
       "duplicate Key Length"},
      {"AttributeTruncated", payload::kSa, hex("00000016 00000012 01010001 0000000a 0100000c 800e"),
       "attribute truncated"},
      // KE, ID, AUTH, Nonce (§3.4, §3.5, §3.8, §3.9).
      {"KeTruncated", payload::kKe, hex("00000006 0013"), "KE payload: truncated"},
      {"KeEmptyData", payload::kKe, hex("00000008 00130000"), "empty key exchange data"},
      {"IdTruncated", payload::kIdi, hex("00000006 0100"), "IDi payload: truncated"},
      {"IdEmptyData", payload::kIdr, hex("00000008 02000000"),
       "IDr payload: empty identification data"},
      {"AuthTruncated", payload::kAuth, hex("00000007 020000"), "AUTH payload: truncated"},
      {"NonceEmpty", payload::kNonce, hex("00000004"), "nonce size 0"},
      {"NonceTooShort", payload::kNonce, concat(hex("00000013"), pattern(15, 0)), "nonce size 15"},
      {"NonceTooLong", payload::kNonce, concat(hex("00000105"), pattern(257, 0)), "nonce size 257"},
      // Notify (§3.10).
      {"NotifyTruncated", payload::kNotify, hex("00000007 000040"), "N payload: truncated"},
      {"NotifySpiPastPayload", payload::kNotify, hex("0000000c 03084009 01020304"),
       "SPI size exceeds payload"},
      // Delete (§3.11).
      {"DeleteTruncated", payload::kDelete, hex("00000007 030400"), "D payload: truncated"},
      {"DeleteCountTooHigh", payload::kDelete, hex("0000000c 03040002 01020304"),
       "Num of SPIs does not match"},
      {"DeleteCountTooLow", payload::kDelete, hex("00000010 03040001 01020304 05060708"),
       "Num of SPIs does not match"},
      {"DeleteTrailingByte", payload::kDelete, hex("0000000d 03040001 01020304 05"),
       "Num of SPIs does not match"},
      {"DeleteIkeWithSpis", payload::kDelete, hex("00000010 01080001 0102030405060708"),
       "IKE SA delete must carry no SPIs"},
      {"DeleteIkeWithCountOnly", payload::kDelete, hex("00000008 01000003"),
       "IKE SA delete must carry no SPIs"},
      {"DeleteEspSpiSizeEight", payload::kDelete, hex("00000010 03080001 0102030405060708"),
       "SPI size must be 4"},
      {"DeleteUnknownProtocol", payload::kDelete, hex("00000008 09040000"),
       "unknown protocol ID 9"},
      // Traffic selectors (§3.13).
      {"TsTruncated", payload::kTsi, hex("00000006 0100"), "TSi payload: truncated"},
      {"TsNoSelectors", payload::kTsr, hex("00000008 00000000"), "TSr payload: no traffic"},
      {"TsIpv4SelectorLength40", payload::kTsi,
       hex("00000018 01000000 07000028 0000ffff 0a000000 0a0000ff"), "selector length 40 wrong"},
      {"TsIpv4SelectorLength15", payload::kTsi,
       hex("00000018 01000000 0700000f 0000ffff 0a000000 0a0000ff"), "selector length 15 wrong"},
      {"TsIpv6SelectorLength16", payload::kTsi,
       hex("00000018 01000000 08000010 0000ffff 0a000000 0a0000ff"), "selector length 16 wrong"},
      {"TsUnknownType", payload::kTsi, hex("00000018 01000000 09000010 0000ffff 0a000000 0a0000ff"),
       "unsupported TS type 9"},
      {"TsCountTooHigh", payload::kTsi,
       hex("00000018 02000000 07000010 0000ffff 0a000000 0a0000ff"), "traffic selector truncated"},
      {"TsCountTooLow", payload::kTsi,
       hex("00000028 01000000 07000010 0000ffff 0a000000 0a0000ff"
           "          07000010 0000ffff 0b000000 0b0000ff"),
       "data after the announced Number of TSs"},
      {"TsSelectorPastPayload", payload::kTsi,
       hex("00000018 01000000 08000028 0000ffff 0a000000 0a0000ff"),
       "traffic selector exceeds payload"},
      {"TsSelectorHeaderTruncated", payload::kTsi, hex("0000000a 01000000 0700"),
       "traffic selector truncated"},
  };
}

class Reject : public ::testing::TestWithParam<RejectCase> {};

TEST_P(Reject, PayloadChain) {
  const RejectCase& c = GetParam();
  auto r = decodePayloadChain(c.first, c.chain);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(c.error), std::string::npos) << r.error().message;
}

TEST_P(Reject, WholeMessage) {
  const RejectCase& c = GetParam();
  auto r = decode(message(c.first, c.chain));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(c.error), std::string::npos) << r.error().message;
}

TEST_P(Reject, AfterAValidPayload) {
  // The same defect one position down the chain: errors are not only caught up front.
  const RejectCase& c = GetParam();
  Bytes chain = concat(hex("00000008 01020304"), c.chain);
  chain[0] = c.first;
  auto r = decodePayloadChain(payload::kVendorId, chain);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(c.error), std::string::npos) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(Malformed, Reject, ::testing::ValuesIn(rejectCases()),
                         [](const auto& p) { return p.param.name; });

Bytes validMessage() { return encode(samples::ikeSaInitRequest()); }

TEST(RejectHeader, TruncatedHeader) {
  Bytes wire = validMessage();
  for (size_t n = 0; n < kHeaderSize; ++n) {
    ByteView prefix(wire.data(), n);
    auto h = decodeHeader(prefix);
    ASSERT_FALSE(h.ok()) << n;
    EXPECT_EQ(h.error().message, "IKE header truncated");
    EXPECT_FALSE(decode(prefix).ok()) << n;
  }
  EXPECT_TRUE(decodeHeader(ByteView(wire.data(), kHeaderSize)).ok());
}

TEST(RejectHeader, LengthFieldLargerThanData) {
  Bytes wire = validMessage();
  storeU32(&wire[24], static_cast<uint32_t>(wire.size() + 1));
  auto m = decode(wire);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("does not match datagram size"), std::string::npos);
  // decodeHeader does not look at the length (the engine may peek at any datagram).
  EXPECT_TRUE(decodeHeader(wire).ok());
}

TEST(RejectHeader, LengthFieldSmallerThanData) {
  Bytes wire = validMessage();
  storeU32(&wire[24], static_cast<uint32_t>(wire.size() - 1));
  auto m = decode(wire);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("does not match datagram size"), std::string::npos);
}

TEST(RejectHeader, LengthFieldBelowHeaderSize) {
  Bytes wire = validMessage();
  wire.resize(kHeaderSize);
  wire[16] = payload::kNone;
  for (uint32_t length : {0u, 1u, 27u}) {
    storeU32(&wire[24], length);
    EXPECT_FALSE(decode(wire).ok()) << length;
  }
}

TEST(RejectHeader, LengthFieldHuge) {
  Bytes wire = validMessage();
  storeU32(&wire[24], 0xffffffffu);
  EXPECT_FALSE(decode(wire).ok());
}

TEST(RejectHeader, MessageLargerThanMaximum) {
  // A consistent 65536-byte datagram (two CERT payloads: one length field cannot cover it)
  // is refused on its size alone.
  Bytes chain = concat(hex("25000000"), Bytes(32764), hex("00000000"), Bytes(32736));
  storeU16(&chain[2], 32768);
  storeU16(&chain[32768 + 2], 32740);
  Bytes wire = message(payload::kCert, chain);
  ASSERT_EQ(wire.size(), kMaxMessageSize + 1);
  auto m = decode(wire);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("larger than 65535"), std::string::npos);
  // One byte less (shrinking the last payload) is accepted.
  chain.pop_back();
  storeU16(&chain[32768 + 2], 32739);
  auto ok = decode(message(payload::kCert, chain));
  EXPECT_TRUE(ok.ok()) << ok.error().message;
}

TEST(RejectHeader, MajorVersions) {
  for (uint8_t version : {0x00, 0x10, 0x12, 0x30, 0xf0}) {
    Bytes wire = validMessage();
    wire[17] = version;
    auto m = decode(wire);
    ASSERT_FALSE(m.ok()) << int{version};
    EXPECT_EQ(m.error().message, "unsupported major version");
    auto h = decodeHeader(wire);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->version, version);
  }
}

TEST(RejectChain, TooManyPayloads) {
  std::vector<Payload> chain(65, {.type = payload::kVendorId, .body = VendorIdPayload{}});
  Bytes wire = encodePayloadChain(chain);
  auto r = decodePayloadChain(payload::kVendorId, wire);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "more than 64 payloads");
  auto m = decode(message(payload::kVendorId, wire));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "more than 64 payloads");
}

TEST(RejectChain, EmptyDataWithAFirstPayload) {
  auto r = decodePayloadChain(payload::kIdi, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "IDi payload header truncated");
}

TEST(RejectChain, DataWithoutAFirstPayload) {
  auto r = decodePayloadChain(payload::kNone, hex("00000004"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "data after the last payload");
}

TEST(RejectChain, HeaderNextPayloadWithoutPayloads) {
  Bytes wire = validMessage();
  wire.resize(kHeaderSize);
  storeU32(&wire[24], kHeaderSize);
  auto m = decode(wire);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "SA payload header truncated");
}

}  // namespace
}  // namespace vpngw::wire::v2
