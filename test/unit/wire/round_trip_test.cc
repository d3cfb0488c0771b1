// decode(encode(x)) == x for every payload type and for realistic messages.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/byte_io.h"
#include "unit/wire/samples.h"
#include "wire/ikev2_message.h"

namespace vpngw::wire::v2 {
namespace {

using samples::pattern;

struct PayloadCase {
  std::string name;
  Payload payload;
};

std::vector<PayloadCase> payloadCases() {
  Bytes v6a(16, 0x20);
  Bytes v6b(16, 0x2f);
  return {
      {"SaIkeInitial",
       {.type = payload::kSa,
        .body =
            SaPayload{
                {{.number = 1,
                  .protocol = ProtocolId::Ike,
                  .transforms = {{.type = transform::kEncr, .id = encr::kAesCbc, .key_length = 128},
                                 {.type = transform::kPrf, .id = prf::kHmacSha1},
                                 {.type = transform::kInteg, .id = integ::kHmacSha1_96},
                                 {.type = transform::kDh, .id = dh::kModp2048}}}}}}},
      {"SaIkeRekeyWithSpi",
       {.type = payload::kSa,
        .body = SaPayload{{{.number = 1,
                            .protocol = ProtocolId::Ike,
                            .spi = pattern(8, 1),
                            .transforms = {{.type = transform::kEncr,
                                            .id = encr::kAesGcm16,
                                            .key_length = 256},
                                           {.type = transform::kPrf, .id = prf::kHmacSha512},
                                           {.type = transform::kDh, .id = dh::kEcp384}}}}}}},
      {"SaTwoEspProposals", samples::ikeAuthInner()[2]},
      {"SaAhNoTransforms",
       {.type = payload::kSa,
        .body = SaPayload{{{.number = 3, .protocol = ProtocolId::Ah, .spi = pattern(4, 9)}}}}},
      {"SaUnknownTransformType",
       {.type = payload::kSa,
        .body = SaPayload{{{.number = 1,
                            .protocol = ProtocolId::Esp,
                            .spi = pattern(4, 9),
                            .transforms = {{.type = 250, .id = 0xffff, .key_length = 0}}}}}}},
      {"Ke",
       {.type = payload::kKe, .body = KePayload{.group = dh::kEcp256, .data = pattern(64, 0)}}},
      {"KeOneByte", {.type = payload::kKe, .body = KePayload{.group = 0xffff, .data = {7}}}},
      {"IdiIpv4",
       {.type = payload::kIdi, .body = IdPayload{.id_type = id::kIpv4, .data = {10, 0, 0, 1}}}},
      {"IdrFqdn",
       {.type = payload::kIdr,
        .body = IdPayload{.id_type = id::kFqdn, .data = toBytes(view("vpn.example.org"))}}},
      {"Auth",
       {.type = payload::kAuth,
        .body = AuthPayload{.method = auth::kSharedKey, .data = pattern(48, 3)}}},
      {"AuthEmptyData", {.type = payload::kAuth, .body = AuthPayload{.method = 14}}},
      {"NonceMin", {.type = payload::kNonce, .body = NoncePayload{pattern(16, 0)}}},
      {"NonceMax", {.type = payload::kNonce, .body = NoncePayload{pattern(256, 0)}}},
      {"NotifyNoSpi",
       {.type = payload::kNotify,
        .body = NotifyPayload{.type = notify::kCookie, .data = pattern(64, 1)}}},
      {"NotifyEspSpi",
       {.type = payload::kNotify,
        .body =
            NotifyPayload{
                .protocol = ProtocolId::Esp, .spi = pattern(4, 0xc0), .type = notify::kRekeySa}}},
      {"NotifyErrorCritical",
       {.type = payload::kNotify,
        .critical = true,
        .body = NotifyPayload{.type = notify::kInvalidSyntax}}},
      {"DeleteIke", {.type = payload::kDelete, .body = DeletePayload{.protocol = ProtocolId::Ike}}},
      {"DeleteEsp", samples::deleteInner()[0]},
      {"DeleteAhNoSpis",
       {.type = payload::kDelete,
        .body = DeletePayload{.protocol = ProtocolId::Ah, .spi_size = 4}}},
      {"VendorId", {.type = payload::kVendorId, .body = VendorIdPayload{pattern(16, 0)}}},
      {"VendorIdEmpty", {.type = payload::kVendorId, .body = VendorIdPayload{}}},
      {"TsiIpv4", samples::ikeAuthInner()[3]},
      {"TsrIpv4AndIpv6",
       {.type = payload::kTsr,
        .body =
            TsPayload{
                {{.ip_protocol = 6,
                  .start_port = 80,
                  .end_port = 443,
                  .start_address = {192, 168, 0, 0},
                  .end_address = {192, 168, 255, 255}},
                 {.ts_type = ts::kIpv6AddrRange, .start_address = v6a, .end_address = v6b}}}}},
      {"Sk",
       {.type = payload::kSk,
        .body = EncryptedPayload{.inner_first = payload::kIdi, .data = pattern(80, 0)}}},
      {"SkEmptyInner", {.type = payload::kSk, .body = EncryptedPayload{.data = pattern(32, 0)}}},
      {"SkfFirst",
       {.type = payload::kSkf,
        .body =
            EncryptedFragmentPayload{
                .inner_first = payload::kIdi, .number = 1, .total = 3, .data = pattern(40, 0)}}},
      {"SkfLast",
       {.type = payload::kSkf,
        .body = EncryptedFragmentPayload{.number = 3, .total = 3, .data = pattern(40, 0)}}},
      {"CertRaw", {.type = payload::kCert, .body = RawPayload{pattern(300, 0)}}},
      {"CertReqRaw", {.type = payload::kCertReq, .body = RawPayload{pattern(21, 0)}}},
      {"CpRaw", {.type = payload::kCp, .body = RawPayload{{1, 0, 0, 0, 0, 1, 0, 0}}}},
      {"EapRaw", {.type = payload::kEap, .body = RawPayload{{1, 1, 0, 5, 1}}}},
      {"UnknownCriticalEmpty", {.type = 99, .critical = true, .body = RawPayload{}}},
      {"UnknownNonCritical", {.type = 255, .body = RawPayload{{0xde, 0xad}}}},
  };
}

class PayloadRoundTrip : public ::testing::TestWithParam<PayloadCase> {};

TEST_P(PayloadRoundTrip, AsChain) {
  const Payload& p = GetParam().payload;
  Bytes wire = encodePayloadChain({p});
  auto decoded = decodePayloadChain(p.type, wire);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  ASSERT_EQ(decoded->size(), 1u);
  EXPECT_EQ(decoded->front(), p);
  // Generic header: Next Payload (none, or the inner type for SK/SKF), C bit, exact length.
  ASSERT_GE(wire.size(), 4u);
  EXPECT_EQ(wire[1], p.critical ? 0x80 : 0x00);
  EXPECT_EQ(size_t{loadU16(&wire[2])}, wire.size());
  EXPECT_EQ(encodePayloadChain(*decoded), wire);
}

TEST_P(PayloadRoundTrip, InsideMessageAfterANonce) {
  Message m{.header = {.spi_i = 1, .exchange = 37, .message_id = 9},
            .payloads = {{.type = payload::kNonce, .body = NoncePayload{pattern(16, 0)}},
                         GetParam().payload}};
  Bytes wire = encode(m);
  auto decoded = decode(wire);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->payloads, m.payloads);
  EXPECT_EQ(decoded->header.length, wire.size());
  EXPECT_EQ(decoded->header.next_payload, payload::kNonce);
  EXPECT_EQ(wire[28], GetParam().payload.type);  // the Nonce's Next Payload
}

INSTANTIATE_TEST_SUITE_P(AllTypes, PayloadRoundTrip, ::testing::ValuesIn(payloadCases()),
                         [](const auto& p) { return p.param.name; });

struct MessageCase {
  std::string name;
  Message message;
};

class MessageRoundTrip : public ::testing::TestWithParam<MessageCase> {};

TEST_P(MessageRoundTrip, DecodeOfEncodeIsIdentity) {
  Message m = GetParam().message;
  Bytes wire = encode(m);
  auto decoded = decode(wire);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  // encode() fills in the computed header fields; everything else must come back unchanged.
  m.header.length = static_cast<uint32_t>(wire.size());
  m.header.next_payload = m.payloads.empty() ? payload::kNone : m.payloads.front().type;
  EXPECT_EQ(*decoded, m);
  EXPECT_EQ(encode(*decoded), wire);
}

INSTANTIATE_TEST_SUITE_P(
    Samples, MessageRoundTrip,
    ::testing::Values(
        MessageCase{"IkeSaInitRequest", samples::ikeSaInitRequest()},
        MessageCase{"IkeSaInitResponse", samples::ikeSaInitResponse()},
        MessageCase{"Cookie", samples::cookieResponse()},
        MessageCase{"InvalidKe", samples::invalidKeResponse()},
        MessageCase{"IkeAuthSk", samples::ikeAuthRequest()},
        MessageCase{"IkeAuthSkf", samples::ikeAuthFragment(1, 2)},
        MessageCase{"CreateChildSa", samples::createChildSaRequest()},
        MessageCase{"Informational", samples::informationalRequest()},
        MessageCase{"EmptyInformational", Message{.header = {.exchange = 37, .flags = 0x20}}},
        MessageCase{"EveryPayloadType",
                    Message{.header = {.exchange = 35}, .payloads = samples::everyPayloadType()}}),
    [](const auto& p) { return p.param.name; });

class ChainRoundTrip : public ::testing::TestWithParam<std::vector<Payload>> {};

TEST_P(ChainRoundTrip, DecodeOfEncodeIsIdentity) {
  const auto& chain = GetParam();
  Bytes wire = encodePayloadChain(chain);
  auto decoded = decodePayloadChain(chain.front().type, wire);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, chain);
}

INSTANTIATE_TEST_SUITE_P(Samples, ChainRoundTrip,
                         ::testing::Values(samples::ikeAuthInner(), samples::createChildSaInner(),
                                           samples::deleteInner(), samples::everyPayloadType()));

TEST(IkeSaInitRequest, FieldsSurviveTheRoundTrip) {
  auto decoded = decode(encode(samples::ikeSaInitRequest()));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  const Message& m = *decoded;
  EXPECT_EQ(m.header.spi_i, 0x0123456789abcdefull);
  EXPECT_EQ(m.header.spi_r, 0u);
  EXPECT_EQ(m.header.exchange, static_cast<uint8_t>(ExchangeType::IkeSaInit));
  EXPECT_TRUE(m.header.isInitiator());
  EXPECT_FALSE(m.header.isResponse());

  const auto* sa = find<SaPayload>(m.payloads, payload::kSa);
  ASSERT_NE(sa, nullptr);
  ASSERT_EQ(sa->proposals.size(), 2u);
  EXPECT_EQ(sa->proposals[0].number, 1);
  EXPECT_EQ(sa->proposals[1].number, 2);
  EXPECT_TRUE(sa->proposals[0].spi.empty());
  ASSERT_EQ(sa->proposals[1].transforms.size(), 5u);
  EXPECT_EQ(sa->proposals[1].transforms[0],
            (Transform{.type = transform::kEncr, .id = encr::kAesCbc, .key_length = 256}));
  EXPECT_EQ(sa->proposals[1].transforms[4].key_length, std::nullopt);

  const auto* ke = find<KePayload>(m.payloads, payload::kKe);
  ASSERT_NE(ke, nullptr);
  EXPECT_EQ(ke->group, dh::kCurve25519);
  EXPECT_EQ(ke->data.size(), 32u);
  const auto* nonce = find<NoncePayload>(m.payloads, payload::kNonce);
  ASSERT_NE(nonce, nullptr);
  EXPECT_EQ(nonce->data, pattern(32, 0x10));

  const auto* nat_src = findNotify(m.payloads, notify::kNatDetectionSourceIp);
  const auto* nat_dst = findNotify(m.payloads, notify::kNatDetectionDestinationIp);
  ASSERT_NE(nat_src, nullptr);
  ASSERT_NE(nat_dst, nullptr);
  EXPECT_EQ(nat_src->data, pattern(20, 0x60));
  EXPECT_EQ(nat_dst->data, pattern(20, 0x80));
  EXPECT_EQ(findErrorNotify(m.payloads), nullptr);
}

TEST(Encode, ProposalAndTransformLastFlags) {
  // SA of the IKE_SA_INIT request: proposal 1 (4 transforms) then proposal 2 (5 transforms).
  Bytes wire = encodePayloadChain({samples::ikeSaInitRequest().payloads[0]});
  size_t p1 = 4;
  EXPECT_EQ(wire[p1], 2);  // more proposals follow
  size_t t = p1 + 8;
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(wire[t], i == 3 ? 0 : 3) << "transform " << i;
    t += loadU16(&wire[t + 2]);
  }
  size_t p2 = p1 + loadU16(&wire[p1 + 2]);
  EXPECT_EQ(p2, t);
  EXPECT_EQ(wire[p2], 0);  // last proposal
  EXPECT_EQ(p2 + loadU16(&wire[p2 + 2]), wire.size());
}

TEST(Encode, KeyLengthIsATvAttribute) {
  Bytes wire = encodePayloadChain({{.type = payload::kSa,
                                    .body = SaPayload{{{.number = 1,
                                                        .protocol = ProtocolId::Ike,
                                                        .transforms = {{.type = transform::kEncr,
                                                                        .id = encr::kAesCbc,
                                                                        .key_length = 192}}}}}}});
  // generic(4) proposal(8) transform header(8) then the attribute: 0x800e 0x00c0
  ASSERT_EQ(wire.size(), 24u);
  EXPECT_EQ(toHex(ByteView(wire).subspan(12)),
            "0000000c"
            "0100000c"
            "800e00c0");
}

TEST(Encode, HeaderComputesNextPayloadAndLength) {
  Message m = samples::cookieResponse();
  m.header.next_payload = 99;  // ignored: encode() derives it from the payloads
  m.header.length = 1;
  Bytes wire = encode(m);
  EXPECT_EQ(wire[16], payload::kNotify);
  EXPECT_EQ(loadU32(&wire[24]), wire.size());
  EXPECT_EQ(wire[17], kIkev2Version);
}

TEST(Encode, EmptyChainIsEmpty) {
  EXPECT_TRUE(encodePayloadChain({}).empty());
  auto decoded = decodePayloadChain(payload::kNone, {});
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded->empty());
}

TEST(Encode, SkNotLastIsAProgrammingError) {
  std::vector<Payload> chain{
      {.type = payload::kSk, .body = EncryptedPayload{.data = {1}}},
      {.type = payload::kNonce, .body = NoncePayload{pattern(16, 0)}},
  };
  EXPECT_THROW(encodePayloadChain(chain), std::logic_error);
}

TEST(Encode, OversizedPayloadIsAProgrammingError) {
  EXPECT_THROW(encodePayloadChain({{.type = payload::kCert, .body = RawPayload{Bytes(65532)}}}),
               std::length_error);
  EXPECT_NO_THROW(encodePayloadChain({{.type = payload::kCert, .body = RawPayload{Bytes(65531)}}}));
}

TEST(Decode, SixtyFourPayloadsAreAccepted) {
  std::vector<Payload> chain(64, {.type = payload::kVendorId, .body = VendorIdPayload{{1}}});
  auto decoded = decodePayloadChain(payload::kVendorId, encodePayloadChain(chain));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->size(), 64u);
}

}  // namespace
}  // namespace vpngw::wire::v2
