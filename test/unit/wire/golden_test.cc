// Hand-annotated wire images (in the manner of OpenBSD iked regress/parser): the decoder must
// read every field from the right offset and the encoder must reproduce the bytes exactly.
#include <gtest/gtest.h>

#include "unit/wire/samples.h"
#include "wire/ikev2_message.h"

namespace vpngw::wire::v2 {
namespace {

using samples::pattern;

// IKE_SA_INIT request: SA(1 proposal), KE(Curve25519), Ni, N(NAT_D src), N(NAT_D dst),
// N(IKEV2_FRAGMENTATION_SUPPORTED).
const uint8_t kIkeSaInit[] = {
    // IKE header (RFC 7296 §3.1)
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,  // initiator SPI
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // responder SPI
    0x21, 0x20, 0x22, 0x08,  // next SA, version 2.0, IKE_SA_INIT, flags Initiator
    0x00, 0x00, 0x00, 0x00,  // message ID 0
    0x00, 0x00, 0x00, 0xd8,  // length 216
    // SA (§3.3)
    0x22, 0x00, 0x00, 0x30,  // next KE, length 48
    0x00, 0x00, 0x00, 0x2c,  //   proposal: last, length 44
    0x01, 0x01, 0x00, 0x04,  //   #1, protocol IKE, SPI size 0, 4 transforms
    0x03, 0x00, 0x00, 0x0c,  //     transform: more, length 12
    0x01, 0x00, 0x00, 0x0c,  //     ENCR, AES-CBC
    0x80, 0x0e, 0x01, 0x00,  //     TV attribute Key Length = 256
    0x03, 0x00, 0x00, 0x08,  //     transform: more, length 8
    0x02, 0x00, 0x00, 0x05,  //     PRF, HMAC-SHA2-256
    0x03, 0x00, 0x00, 0x08,  //     transform: more, length 8
    0x03, 0x00, 0x00, 0x0c,  //     INTEG, HMAC-SHA2-256-128
    0x00, 0x00, 0x00, 0x08,  //     transform: last, length 8
    0x04, 0x00, 0x00, 0x1f,  //     DH, Curve25519
    // KE (§3.4)
    0x28, 0x00, 0x00, 0x28,  // next Nonce, length 40
    0x00, 0x1f, 0x00, 0x00,  // group 31, reserved
    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
    0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
    // Nonce (§3.9)
    0x29, 0x00, 0x00, 0x24,  // next Notify, length 36
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
    0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
    // Notify (§3.10)
    0x29, 0x00, 0x00, 0x1c,  // next Notify, length 28
    0x00, 0x00, 0x40, 0x04,  // protocol 0, SPI size 0, NAT_DETECTION_SOURCE_IP
    0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,  // SHA-1 digest
    0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x29, 0x00, 0x00,
    0x1c,                    // next Notify, length 28
    0x00, 0x00, 0x40, 0x05,  // protocol 0, SPI size 0, NAT_DETECTION_DESTINATION_IP
    0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,  // SHA-1 digest
    0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x00, 0x00, 0x00,
    0x08,                    // next none, length 8
    0x00, 0x00, 0x40, 0x2e,  // protocol 0, SPI size 0, IKEV2_FRAGMENTATION_SUPPORTED
};

// Decrypted IKE_AUTH request content (first payload IDi): IDi, AUTH, SA(ESP), TSi, TSr,
// N(INITIAL_CONTACT).
const uint8_t kIkeAuthInner[] = {
    // IDi (§3.5)
    0x27, 0x00, 0x00, 0x0c,  // next AUTH, length 12
    0x01, 0x00, 0x00, 0x00,  // ID_IPV4_ADDR, reserved
    0xc0, 0x00, 0x02, 0x01,  // 192.0.2.1
    // AUTH (§3.8)
    0x21, 0x00, 0x00, 0x28,  // next SA, length 40
    0x02, 0x00, 0x00, 0x00,  // Shared Key MIC, reserved
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f,
    0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
    // SA
    0x2c, 0x00, 0x00, 0x2c,  // next TSi, length 44
    0x00, 0x00, 0x00, 0x28,  //   proposal: last, length 40
    0x01, 0x03, 0x04, 0x03,  //   #1, protocol ESP, SPI size 4, 3 transforms
    0xc1, 0xc2, 0xc3, 0xc4,  //   SPI
    0x03, 0x00, 0x00, 0x0c,  //     transform: more, length 12
    0x01, 0x00, 0x00, 0x0c,  //     ENCR, AES-CBC
    0x80, 0x0e, 0x00, 0x80,  //     Key Length = 128
    0x03, 0x00, 0x00, 0x08,  //     transform: more, length 8
    0x03, 0x00, 0x00, 0x0c,  //     INTEG, HMAC-SHA2-256-128
    0x00, 0x00, 0x00, 0x08,  //     transform: last, length 8
    0x05, 0x00, 0x00, 0x00,  //     ESN, no
    // TSi (§3.13)
    0x2d, 0x00, 0x00, 0x18,  // next TSr, length 24
    0x01, 0x00, 0x00, 0x00,  // 1 selector, reserved
    0x07, 0x00, 0x00, 0x10,  // TS_IPV4_ADDR_RANGE, any protocol, selector length 16
    0x00, 0x00, 0xff, 0xff,  // ports 0-65535
    0x0a, 0x01, 0x00, 0x00,  // 10.1.0.0
    0x0a, 0x01, 0x00, 0xff,  // 10.1.0.255
    // TSr
    0x29, 0x00, 0x00, 0x18,  // next Notify, length 24
    0x01, 0x00, 0x00, 0x00,  // 1 selector
    0x07, 0x00, 0x00, 0x10,  // TS_IPV4_ADDR_RANGE, any protocol, selector length 16
    0x00, 0x00, 0xff, 0xff,  // ports 0-65535
    0x0a, 0x02, 0x00, 0x00,  // 10.2.0.0
    0x0a, 0x02, 0x00, 0xff,  // 10.2.0.255
    // Notify
    0x00, 0x00, 0x00, 0x08,  // next none, length 8
    0x00, 0x00, 0x40, 0x00,  // INITIAL_CONTACT
};

// IKE_AUTH response protected by SK (§3.14).
const uint8_t kIkeAuthSk[] = {
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,  // initiator SPI
    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,  // responder SPI
    0x2e, 0x20, 0x23, 0x20,  // next SK, version 2.0, IKE_AUTH, flags Response
    0x00, 0x00, 0x00, 0x01,  // message ID 1
    0x00, 0x00, 0x00, 0x38,  // length 56
    0x24, 0x00, 0x00, 0x1c,  // SK: next = first inner payload IDr, length 28
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,  // IV | ciphertext | ICV (opaque)
    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
};

// Second of three IKE_AUTH fragments (RFC 7383 §2.5).
const uint8_t kIkeAuthSkf[] = {
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,  // initiator SPI
    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,  // responder SPI
    0x35, 0x20, 0x23, 0x08,  // next SKF, version 2.0, IKE_AUTH, flags Initiator
    0x00, 0x00, 0x00, 0x01,  // message ID 1
    0x00, 0x00, 0x00, 0x28,  // length 40
    0x00, 0x00, 0x00, 0x0c,  // SKF: next 0 (not the first fragment), length 12
    0x00, 0x02, 0x00, 0x03,  // fragment 2 of 3
    0xde, 0xad, 0xbe, 0xef,  // IV | ciphertext | ICV (opaque)
};

// IKEv1 Main Mode first message header: decodeHeader reads it, decode refuses it.
const uint8_t kIkev1MainMode[] = {
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,  // initiator cookie
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // responder cookie
    0x01, 0x10, 0x02, 0x00,  // next SA (v1), version 1.0, Identity Protection, flags 0
    0x00, 0x00, 0x00, 0x00,  // message ID
    0x00, 0x00, 0x00, 0x24,  // length 36
    0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01,  // v1 SA payload (DOI 1, truncated)
};

Bytes bytesOf(ByteView v) { return toBytes(v); }

TEST(Golden, IkeSaInitDecodesEveryField) {
  auto m = decode(kIkeSaInit);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->header.spi_i, 0x0102030405060708ull);
  EXPECT_EQ(m->header.spi_r, 0u);
  EXPECT_EQ(m->header.next_payload, payload::kSa);
  EXPECT_EQ(m->header.version, kIkev2Version);
  EXPECT_EQ(m->header.exchange, 34);
  EXPECT_TRUE(m->header.isInitiator());
  EXPECT_EQ(m->header.message_id, 0u);
  EXPECT_EQ(m->header.length, 216u);
  ASSERT_EQ(m->payloads.size(), 6u);

  const Payload& sa = m->payloads[0];
  EXPECT_EQ(sa.type, payload::kSa);
  EXPECT_FALSE(sa.critical);
  const auto& proposals = std::get<SaPayload>(sa.body).proposals;
  ASSERT_EQ(proposals.size(), 1u);
  EXPECT_EQ(proposals[0].number, 1);
  EXPECT_EQ(proposals[0].protocol, ProtocolId::Ike);
  EXPECT_TRUE(proposals[0].spi.empty());
  std::vector<Transform> want{
      {.type = transform::kEncr, .id = encr::kAesCbc, .key_length = 256},
      {.type = transform::kPrf, .id = prf::kHmacSha256},
      {.type = transform::kInteg, .id = integ::kHmacSha256_128},
      {.type = transform::kDh, .id = dh::kCurve25519},
  };
  EXPECT_EQ(proposals[0].transforms, want);

  EXPECT_EQ(m->payloads[1].type, payload::kKe);
  const auto& ke = std::get<KePayload>(m->payloads[1].body);
  EXPECT_EQ(ke.group, dh::kCurve25519);
  EXPECT_EQ(ke.data, pattern(32, 0xa0));
  EXPECT_EQ(std::get<NoncePayload>(m->payloads[2].body).data, pattern(32, 0x10));
  const auto& src = std::get<NotifyPayload>(m->payloads[3].body);
  EXPECT_EQ(src.type, notify::kNatDetectionSourceIp);
  EXPECT_EQ(src.protocol, ProtocolId::None);
  EXPECT_TRUE(src.spi.empty());
  EXPECT_EQ(src.data, pattern(20, 0x60));
  EXPECT_EQ(std::get<NotifyPayload>(m->payloads[4].body).type, notify::kNatDetectionDestinationIp);
  EXPECT_EQ(std::get<NotifyPayload>(m->payloads[4].body).data, pattern(20, 0x80));
  const auto& frag = std::get<NotifyPayload>(m->payloads[5].body);
  EXPECT_EQ(frag.type, notify::kIkev2FragmentationSupported);
  EXPECT_TRUE(frag.data.empty());
}

TEST(Golden, IkeSaInitEncodesFromHandBuiltMessage) {
  Message m{
      .header = {.spi_i = 0x0102030405060708ull,
                 .exchange = static_cast<uint8_t>(ExchangeType::IkeSaInit),
                 .flags = flags::kInitiator},
      .payloads = {
          {.type = payload::kSa,
           .body =
               SaPayload{{{.number = 1,
                           .protocol = ProtocolId::Ike,
                           .transforms =
                               {{.type = transform::kEncr, .id = encr::kAesCbc, .key_length = 256},
                                {.type = transform::kPrf, .id = prf::kHmacSha256},
                                {.type = transform::kInteg, .id = integ::kHmacSha256_128},
                                {.type = transform::kDh, .id = dh::kCurve25519}}}}}},
          {.type = payload::kKe,
           .body = KePayload{.group = dh::kCurve25519, .data = pattern(32, 0xa0)}},
          {.type = payload::kNonce, .body = NoncePayload{pattern(32, 0x10)}},
          {.type = payload::kNotify,
           .body = NotifyPayload{.type = notify::kNatDetectionSourceIp, .data = pattern(20, 0x60)}},
          {.type = payload::kNotify,
           .body = NotifyPayload{.type = notify::kNatDetectionDestinationIp,
                                 .data = pattern(20, 0x80)}},
          {.type = payload::kNotify,
           .body = NotifyPayload{.type = notify::kIkev2FragmentationSupported}},
      }};
  EXPECT_EQ(toHex(encode(m)), toHex(kIkeSaInit));
  auto decoded = decode(kIkeSaInit);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(encode(*decoded), bytesOf(kIkeSaInit));
}

TEST(Golden, IkeAuthInnerChain) {
  auto chain = decodePayloadChain(payload::kIdi, kIkeAuthInner);
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  ASSERT_EQ(chain->size(), 6u);
  const auto& idi = std::get<IdPayload>((*chain)[0].body);
  EXPECT_EQ(idi.id_type, id::kIpv4);
  EXPECT_EQ(idi.data, (Bytes{192, 0, 2, 1}));
  const auto& auth = std::get<AuthPayload>((*chain)[1].body);
  EXPECT_EQ(auth.method, auth::kSharedKey);
  EXPECT_EQ(auth.data, pattern(32, 0x70));
  const auto& sa = std::get<SaPayload>((*chain)[2].body);
  ASSERT_EQ(sa.proposals.size(), 1u);
  EXPECT_EQ(sa.proposals[0].protocol, ProtocolId::Esp);
  EXPECT_EQ(sa.proposals[0].spi, (Bytes{0xc1, 0xc2, 0xc3, 0xc4}));
  ASSERT_EQ(sa.proposals[0].transforms.size(), 3u);
  EXPECT_EQ(sa.proposals[0].transforms[0].key_length, 128);
  EXPECT_EQ(sa.proposals[0].transforms[2], (Transform{.type = transform::kEsn, .id = esn::kNo}));
  const auto& tsi = std::get<TsPayload>((*chain)[3].body);
  ASSERT_EQ(tsi.selectors.size(), 1u);
  EXPECT_EQ(tsi.selectors[0], (TrafficSelector{.ts_type = ts::kIpv4AddrRange,
                                               .ip_protocol = 0,
                                               .start_port = 0,
                                               .end_port = 65535,
                                               .start_address = {10, 1, 0, 0},
                                               .end_address = {10, 1, 0, 255}}));
  EXPECT_EQ((*chain)[4].type, payload::kTsr);
  EXPECT_EQ(std::get<TsPayload>((*chain)[4].body).selectors[0].start_address, (Bytes{10, 2, 0, 0}));
  EXPECT_EQ(std::get<NotifyPayload>((*chain)[5].body).type, notify::kInitialContact);

  EXPECT_EQ(encodePayloadChain(*chain), bytesOf(kIkeAuthInner));
  // The shared sample builder describes this chain except for its two-proposal SA.
  auto sample = samples::ikeAuthInner();
  EXPECT_EQ((*chain)[0], sample[0]);
  EXPECT_EQ((*chain)[1], sample[1]);
  EXPECT_EQ((*chain)[3], sample[3]);
  EXPECT_EQ((*chain)[4], sample[4]);
  EXPECT_EQ((*chain)[5], sample[5]);
}

TEST(Golden, IkeAuthSk) {
  auto m = decode(kIkeAuthSk);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->header.spi_r, 0x1112131415161718ull);
  EXPECT_EQ(m->header.exchange, 35);
  EXPECT_TRUE(m->header.isResponse());
  EXPECT_FALSE(m->header.isInitiator());
  EXPECT_EQ(m->header.message_id, 1u);
  ASSERT_EQ(m->payloads.size(), 1u);
  EXPECT_EQ(m->payloads[0].type, payload::kSk);
  const auto& sk = std::get<EncryptedPayload>(m->payloads[0].body);
  EXPECT_EQ(sk.inner_first, payload::kIdr);
  EXPECT_EQ(sk.data, pattern(24, 0));
  EXPECT_EQ(encode(*m), bytesOf(kIkeAuthSk));
}

TEST(Golden, IkeAuthSkf) {
  auto m = decode(kIkeAuthSkf);
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->payloads.size(), 1u);
  const auto& f = std::get<EncryptedFragmentPayload>(m->payloads[0].body);
  EXPECT_EQ(f.inner_first, 0);
  EXPECT_EQ(f.number, 2);
  EXPECT_EQ(f.total, 3);
  EXPECT_EQ(f.data, (Bytes{0xde, 0xad, 0xbe, 0xef}));
  EXPECT_EQ(encode(*m), bytesOf(kIkeAuthSkf));
}

TEST(Golden, Ikev1HeaderReadableButRefused) {
  auto h = decodeHeader(kIkev1MainMode);
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->version, kIkev1Version);
  EXPECT_EQ(h->exchange, 2);
  EXPECT_EQ(h->next_payload, 1);
  EXPECT_EQ(h->length, 36u);
  auto m = decode(kIkev1MainMode);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "unsupported major version");
}

TEST(Golden, HigherMinorVersionAccepted) {
  Bytes wire = bytesOf(kIkeAuthSk);
  wire[17] = 0x21;  // version 2.1: §3.1 says the minor version is not checked
  auto m = decode(wire);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->header.version, 0x21);
  EXPECT_EQ(encode(*m), wire);
}

TEST(Golden, CriticalBitKeptReservedBitsIgnored) {
  const uint8_t chain[] = {
      0x28, 0x81, 0x00, 0x06,  // type 200 (unknown): next Nonce, C=1 plus a reserved bit
      0xab, 0xcd,              // opaque body
      0x00, 0x7f, 0x00, 0x14,  // Nonce: next none, C=0 with all reserved bits set
      0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
      0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
  };
  auto decoded = decodePayloadChain(200, chain);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  ASSERT_EQ(decoded->size(), 2u);
  EXPECT_EQ((*decoded)[0],
            (Payload{.type = 200, .critical = true, .body = RawPayload{{0xab, 0xcd}}}));
  EXPECT_EQ((*decoded)[1],
            (Payload{.type = payload::kNonce, .body = NoncePayload{pattern(16, 0)}}));
  Bytes canonical = bytesOf(chain);
  canonical[1] = 0x80;  // reserved bits are sent as zero
  canonical[7] = 0x00;
  EXPECT_EQ(encodePayloadChain(*decoded), canonical);
}

TEST(Golden, HeaderOnlyMessageHasNoPayloads) {
  Bytes wire(kIkeAuthSk, kIkeAuthSk + 28);
  wire[16] = payload::kNone;
  wire[27] = 28;
  auto m = decode(wire);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE(m->payloads.empty());
  EXPECT_EQ(encode(*m), wire);
}

}  // namespace
}  // namespace vpngw::wire::v2
