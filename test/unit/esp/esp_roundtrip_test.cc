// Round trips for every algorithm combination and inner sizes 0..1500, cross-checked against a
// reference sealer built from one-shot OpenSSL calls (which covers the HMAC variants and the
// ESN high bits, for which there are no published ESP packet vectors).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "esp/esp_header.h"
#include "esp/esp_inbound.h"
#include "esp/esp_outbound.h"
#include "esp_test_util.h"

namespace vpngw::esp {
namespace {

using test::Suite;

constexpr uint32_t kRoundtripSpi = 0xc0ffee01;

std::vector<size_t> sizes() {
  std::vector<size_t> out;
  for (size_t n = 0; n <= 300; ++n) {
    out.push_back(n);
  }
  for (size_t n = 301; n <= 1500; n += 13) {
    out.push_back(n);
  }
  out.push_back(1400);
  out.push_back(1500);
  return out;
}

class EspSuiteTest : public ::testing::TestWithParam<Suite> {};

TEST_P(EspSuiteTest, RoundTripsEverySize) {
  const Suite& s = GetParam();
  for (bool esn : {false, true}) {
    auto out = EspOutbound::create(s.params(kRoundtripSpi, esn));
    ASSERT_TRUE(out.ok()) << out.error().message;
    auto in = EspInbound::create(s.params(kRoundtripSpi, esn),
                                 InboundOptions{.require_ip_payload = false});
    ASSERT_TRUE(in.ok()) << in.error().message;
    uint64_t seq = esn ? 0xfffffff0ull : 1;  // crosses the 2^32 boundary with ESN
    for (size_t n : sizes()) {
      Bytes payload = test::pattern(n, static_cast<uint8_t>(n));
      Bytes buf(n + out->maxOverhead() + 32, 0xcc);
      auto len = out->encapsulate(seq, view(payload), buf, 0x11);
      ASSERT_TRUE(len.ok()) << toString(len.error());
      ASSERT_EQ(*len, out->packetSize(n));
      ASSERT_LE(*len, n + out->maxOverhead());
      ASSERT_EQ(*len % 4, 0u);  // RFC 4303 §2.4: the ICV starts and ends 4-byte aligned
      auto header = peekEspHeader(ByteView(buf.data(), *len));
      ASSERT_TRUE(header.ok());
      EXPECT_EQ(header->spi, kRoundtripSpi);
      EXPECT_EQ(header->seq, static_cast<uint32_t>(seq));
      auto r = in->decapsulate(seq, std::span(buf.data(), *len));
      ASSERT_TRUE(r.ok()) << s.name << " n=" << n << " esn=" << esn << ": " << toString(r.error());
      ASSERT_EQ(r->next_header, 0x11);
      ASSERT_TRUE(std::equal(r->data.begin(), r->data.end(), payload.begin(), payload.end()))
          << s.name << " n=" << n;
      ++seq;
    }
  }
}

TEST_P(EspSuiteTest, MatchesTheReferenceConstruction) {
  const Suite& s = GetParam();
  auto e = *encrSpec(s.encr_id, s.key_bits);
  for (bool esn : {false, true}) {
    auto out = EspOutbound::create(s.params(kRoundtripSpi, esn));
    ASSERT_TRUE(out.ok());
    Bytes iv = test::pattern(e.iv_size, 0x42);
    out->setIvForTesting(view(iv));
    for (uint64_t seq : {uint64_t{1}, uint64_t{0x12345678}, uint64_t{0x1ffffffff}}) {
      if (!esn && seq > UINT32_MAX) {
        continue;
      }
      for (size_t n : {0, 1, 20, 61, 100, 1400}) {
        Bytes payload = test::ipv4Packet(std::max<size_t>(n, 20));
        payload.resize(n);
        Bytes buf(n + out->maxOverhead());
        auto len = out->encapsulate(seq, view(payload), buf);
        ASSERT_TRUE(len.ok());
        buf.resize(*len);
        Bytes expected = test::referenceSeal(s, kRoundtripSpi, seq, esn, view(iv),
                                             view(test::padded(view(payload), e.block_size, 4)));
        ASSERT_EQ(toHex(view(buf)), toHex(view(expected))) << s.name << " n=" << n;
      }
    }
  }
}

TEST_P(EspSuiteTest, EncryptsInPlace) {
  const Suite& s = GetParam();
  auto out = EspOutbound::create(s.params(kRoundtripSpi, false));
  auto in = EspInbound::create(s.params(kRoundtripSpi, false));
  ASSERT_TRUE(out.ok() && in.ok());
  Bytes inner = test::ipv4Packet(333, 9);
  // The zero-copy layout: the inner packet already sits at payloadOffset().
  Bytes buf(out->payloadOffset() + inner.size() + out->maxOverhead());
  std::copy(inner.begin(), inner.end(), buf.begin() + static_cast<long>(out->payloadOffset()));
  auto len = out->encapsulate(7, ByteView(buf.data() + out->payloadOffset(), inner.size()), buf);
  ASSERT_TRUE(len.ok());
  // The IV is random, so the result is checked by decrypting it.
  auto r = in->decapsulate(7, std::span(buf.data(), *len));
  ASSERT_TRUE(r.ok()) << toString(r.error());
  EXPECT_EQ(Bytes(r->data.begin(), r->data.end()), inner);
  // An overlapping but shifted payload is moved correctly, too.
  Bytes buf2(inner.size() + out->maxOverhead() + 64);
  std::copy(inner.begin(), inner.end(), buf2.begin() + 3);
  len = out->encapsulate(8, ByteView(buf2.data() + 3, inner.size()), buf2);
  ASSERT_TRUE(len.ok());
  r = in->decapsulate(8, std::span(buf2.data(), *len));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Bytes(r->data.begin(), r->data.end()), inner);
}

TEST_P(EspSuiteTest, CbcIvsAreFreshPerPacket) {
  const Suite& s = GetParam();
  auto e = *encrSpec(s.encr_id, s.key_bits);
  auto out = EspOutbound::create(s.params(kRoundtripSpi, false));
  auto other = EspOutbound::create(s.params(kRoundtripSpi, false));
  ASSERT_TRUE(out.ok() && other.ok());
  Bytes payload = test::ipv4Packet(40);
  std::set<Bytes> ivs;
  for (uint64_t seq = 1; seq <= 200; ++seq) {
    Bytes buf(200);
    ASSERT_TRUE(out->encapsulate(seq, view(payload), buf).ok());
    ivs.insert(Bytes(buf.begin() + 8, buf.begin() + 8 + static_cast<long>(e.iv_size)));
  }
  EXPECT_EQ(ivs.size(), 200u);
  // Another object for the same SA uses its own IV key: same seq, different IV (CBC).
  Bytes a(200);
  Bytes b(200);
  ASSERT_TRUE(out->encapsulate(500, view(payload), a).ok());
  ASSERT_TRUE(other->encapsulate(500, view(payload), b).ok());
  if (e.mode == CipherMode::Cbc) {
    EXPECT_NE(Bytes(a.begin() + 8, a.begin() + 24), Bytes(b.begin() + 8, b.begin() + 24));
  } else {
    EXPECT_EQ(Bytes(a.begin() + 8, a.begin() + 16), Bytes(b.begin() + 8, b.begin() + 16));
  }
}

INSTANTIATE_TEST_SUITE_P(All, EspSuiteTest, ::testing::ValuesIn(test::allEspSuites()),
                         [](const ::testing::TestParamInfo<Suite>& p) { return p.param.name; });

TEST(EspOutbound, OverheadAndSizes) {
  auto cbc = test::makeSuite("cbc", encr::kAesCbc, 128, integ::kHmacSha1_96);
  auto out = EspOutbound::create(cbc.params(1, false));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->payloadOffset(), 24u);
  EXPECT_EQ(out->maxOverhead(), 8u + 16 + 15 + 2 + 12);
  EXPECT_EQ(out->packetSize(1400), 8u + 16 + 1408 + 12);
  EXPECT_EQ(out->packetSize(14), 8u + 16 + 16 + 12);
  EXPECT_EQ(out->packetSize(15), 8u + 16 + 32 + 12);
  auto gcm = test::makeSuite("gcm", encr::kAesGcm16, 256, integ::kNone);
  auto g = EspOutbound::create(gcm.params(1, false));
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->payloadOffset(), 16u);
  EXPECT_EQ(g->maxOverhead(), 8u + 8 + 3 + 2 + 16);
  EXPECT_EQ(g->packetSize(1400), 8u + 8 + 1404 + 16);
  auto des = test::makeSuite("3des", encr::k3Des, 0, integ::kHmacSha256_128);
  auto d = EspOutbound::create(des.params(1, false));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->maxOverhead(), 8u + 8 + 7 + 2 + 16);
}

TEST(EspOutbound, RefusesBadSequenceNumbersAndBuffers) {
  auto s = test::makeSuite("gcm", encr::kAesGcm16, 128, integ::kNone);
  auto out = EspOutbound::create(s.params(1, false));
  ASSERT_TRUE(out.ok());
  Bytes payload = test::ipv4Packet(100);
  Bytes buf(200);
  EXPECT_EQ(out->encapsulate(0, view(payload), buf).error(), PacketError::kSeqExhausted);
  EXPECT_EQ(out->encapsulate(0x100000000ull, view(payload), buf).error(),
            PacketError::kSeqExhausted);
  EXPECT_TRUE(out->encapsulate(0xffffffffull, view(payload), buf).ok());
  Bytes small(out->packetSize(100) - 1);
  EXPECT_EQ(out->encapsulate(1, view(payload), small).error(), PacketError::kBufferTooSmall);
  Bytes huge(70000);
  Bytes big(80000);
  EXPECT_EQ(out->encapsulate(1, view(huge), big).error(), PacketError::kPayloadTooLarge);
  auto esn = EspOutbound::create(s.params(1, true));
  ASSERT_TRUE(esn.ok());
  EXPECT_TRUE(esn->encapsulate(0x100000000ull, view(payload), buf).ok());
  EXPECT_EQ(esn->encapsulate(0, view(payload), buf).error(), PacketError::kSeqExhausted);
}

TEST(EspCreate, RefusesBadParameters) {
  Bytes k16 = test::pattern(16);
  Bytes k20 = test::pattern(20);
  Bytes k32 = test::pattern(32);
  auto bad = [](const SaParams& p) {
    return !EspOutbound::create(p).ok() && !EspInbound::create(p).ok();
  };
  EXPECT_TRUE(bad({1, 99, 128, integ::kHmacSha1_96, false, view(k16), view(k20)}));  // encr
  EXPECT_TRUE(bad({1, encr::kAesCbc, 100, integ::kHmacSha1_96, false, view(k16), view(k20)}));
  EXPECT_TRUE(bad({1, encr::kAesCbc, 256, integ::kHmacSha1_96, false, view(k16), view(k20)}));
  EXPECT_TRUE(bad({1, encr::kAesCbc, 128, 77, false, view(k16), view(k20)}));  // integ
  EXPECT_TRUE(bad({1, encr::kAesCbc, 128, integ::kHmacSha1_96, false, view(k16), view(k16)}));
  // AES-GCM key without its salt, and GCM with an integrity transform.
  EXPECT_TRUE(bad({1, encr::kAesGcm16, 128, integ::kNone, false, view(k16), {}}));
  EXPECT_TRUE(bad({1, encr::kAesGcm16, 128, integ::kHmacSha1_96, false, view(k20), view(k20)}));
  EXPECT_TRUE(bad({1, encr::kNone, 0, integ::kHmacSha1_96, false, {}, view(k20)}));
  EXPECT_FALSE(bad({1, encr::kAesGcm16, 128, integ::kNone, false, view(k20), {}}));
  EXPECT_FALSE(bad({1, encr::kAesCbc, 256, integ::kHmacSha256_128, false, view(k32), view(k32)}));
}

TEST(EspHeader, PeekNeedsEightBytes) {
  Bytes p = test::hex("0000432100000001");
  auto h = peekEspHeader(view(p));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->spi, 0x4321u);
  EXPECT_EQ(h->seq, 1u);
  EXPECT_EQ(peekEspHeader(ByteView(p).first(7)).error(), PacketError::kTooShort);
}

TEST(PacketError, EveryCodeHasAName) {
  std::set<std::string_view> names;
  for (size_t i = 0; i < kPacketErrorCount; ++i) {
    auto name = toString(static_cast<PacketError>(i));
    EXPECT_NE(name, "unknown");
    names.insert(name);
  }
  EXPECT_EQ(names.size(), kPacketErrorCount);
}

}  // namespace
}  // namespace vpngw::esp
