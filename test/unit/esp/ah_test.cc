// AH tunnel mode (RFC 4302): complete outer IPv4 packets, ICV over the immutable outer fields.
#include "esp/ah.h"

#include <gtest/gtest.h>

#include "esp_test_util.h"

namespace vpngw::esp {
namespace {

constexpr uint32_t kAhSpi = 0xa11a0001;

struct AhCase {
  const char* name;
  uint16_t integ_id;
};

const AhCase kCases[] = {{"md5", integ::kHmacMd5_96},
                         {"sha1", integ::kHmacSha1_96},
                         {"sha256", integ::kHmacSha256_128},
                         {"sha384", integ::kHmacSha384_192},
                         {"sha512", integ::kHmacSha512_256}};

void PrintTo(const AhCase& c, std::ostream* os) { *os << c.name; }

OuterIpv4 outer() { return OuterIpv4{Ipv4{0xc0000201}, Ipv4{0xc6336402}, 0xb8, 61, 0x1234, true}; }

uint16_t checksum(const uint8_t* h) {
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) {
    sum += loadU16(h + i);
  }
  while (sum >> 16) {
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<uint16_t>(sum);
}

class AhTest : public ::testing::TestWithParam<AhCase> {
 protected:
  AhTest() : key_(test::pattern(integSpec(GetParam().integ_id)->key_size, 0x77)) {}
  SaParams params(bool esn) const {
    return SaParams{kAhSpi, encr::kNone, 0, GetParam().integ_id, esn, {}, view(key_)};
  }
  size_t icvSize() const { return integSpec(GetParam().integ_id)->icv_size; }
  Bytes seal(uint64_t seq, bool esn, const Bytes& inner) {
    auto out = AhOutbound::create(params(esn));
    EXPECT_TRUE(out.ok());
    Bytes buf(inner.size() + out->maxOverhead());
    auto n = out->encapsulate(seq, outer(), view(inner), buf);
    EXPECT_TRUE(n.ok()) << toString(n.error());
    buf.resize(*n);
    return buf;
  }
  Bytes key_;
};

TEST_P(AhTest, BuildsTheOuterPacket) {
  Bytes inner = test::ipv4Packet(100);
  Bytes p = seal(5, false, inner);
  const size_t ah_len = 12 + icvSize();
  ASSERT_EQ(p.size(), 20 + ah_len + inner.size());
  EXPECT_EQ(p[0], 0x45);
  EXPECT_EQ(p[1], 0xb8);
  EXPECT_EQ(loadU16(p.data() + 2), p.size());
  EXPECT_EQ(loadU16(p.data() + 4), 0x1234);
  EXPECT_EQ(loadU16(p.data() + 6), 0x4000);  // DF
  EXPECT_EQ(p[8], 61);
  EXPECT_EQ(p[9], 51);
  EXPECT_EQ(checksum(p.data()), 0xffff);  // a valid header checksum
  EXPECT_EQ(loadU32(p.data() + 12), 0xc0000201u);
  EXPECT_EQ(loadU32(p.data() + 16), 0xc6336402u);
  EXPECT_EQ(p[20], kNextHeaderIpv4);
  EXPECT_EQ(p[21], ah_len / 4 - 2);
  EXPECT_EQ(loadU16(p.data() + 22), 0);
  EXPECT_EQ(loadU32(p.data() + 24), kAhSpi);
  EXPECT_EQ(loadU32(p.data() + 28), 5u);
  EXPECT_EQ(Bytes(p.begin() + 20 + static_cast<long>(ah_len), p.end()), inner);
  auto head = peekAhPacket(view(p));
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->spi, kAhSpi);
  EXPECT_EQ(head->seq, 5u);
  EXPECT_EQ(head->src.value, 0xc0000201u);
  EXPECT_EQ(head->dst.value, 0xc6336402u);
}

TEST_P(AhTest, IcvMatchesTheReferenceComputation) {
  for (bool esn : {false, true}) {
    const uint64_t seq = esn ? 0x0000000900000003ull : 3;
    Bytes inner = test::ipv4Packet(77);
    Bytes p = seal(seq, esn, inner);
    // RFC 4302 §3.3.3.1: mutable fields and the ICV zeroed; ESN high bits appended.
    Bytes covered = p;
    covered[1] = 0;
    storeU16(covered.data() + 6, 0);
    covered[8] = 0;
    storeU16(covered.data() + 10, 0);
    std::fill(covered.begin() + 32, covered.begin() + 32 + static_cast<long>(icvSize()), 0);
    if (esn) {
      covered.resize(covered.size() + 4);
      storeU32(covered.data() + covered.size() - 4, 9);
    }
    Bytes icv = test::referenceHmac(*integSpec(GetParam().integ_id), view(key_), view(covered));
    EXPECT_EQ(toHex(ByteView(p).subspan(32, icvSize())), toHex(view(icv)));
  }
}

TEST_P(AhTest, RoundTrips) {
  for (bool esn : {false, true}) {
    auto out = AhOutbound::create(params(esn));
    auto in = AhInbound::create(params(esn));
    ASSERT_TRUE(out.ok() && in.ok());
    uint64_t seq = esn ? 0xfffffffeull : 1;
    for (size_t n = 20; n <= 1500; n += 37) {
      Bytes inner = test::ipv4Packet(n, static_cast<uint8_t>(n));
      // Zero-copy layout: the inner packet already at headerSize().
      Bytes buf(out->headerSize() + n + 9, 0xdd);
      std::copy(inner.begin(), inner.end(), buf.begin() + static_cast<long>(out->headerSize()));
      auto len = out->encapsulate(seq, outer(), ByteView(buf.data() + out->headerSize(), n), buf);
      ASSERT_TRUE(len.ok());
      ASSERT_EQ(*len, out->packetSize(n));
      // Trailing bytes past the IPv4 total length (e.g. link padding) are ignored.
      auto r = in->decapsulate(seq, buf);
      ASSERT_TRUE(r.ok()) << n << ": " << toString(r.error());
      EXPECT_EQ(Bytes(r->data.begin(), r->data.end()), inner);
      EXPECT_EQ(r->next_header, kNextHeaderIpv4);
      EXPECT_EQ(r->src.value, outer().src.value);
      EXPECT_EQ(r->dst.value, outer().dst.value);
      ++seq;
    }
  }
}

TEST_P(AhTest, MutableFieldsDoNotAffectTheIcvButEverythingElseDoes) {
  Bytes inner = test::ipv4Packet(64);
  for (bool esn : {false, true}) {
    const uint64_t seq = esn ? 0x200000011ull : 0x11;
    Bytes p = seal(seq, esn, inner);
    auto in = AhInbound::create(params(esn));
    ASSERT_TRUE(in.ok());
    for (size_t bit = 0; bit < p.size() * 8; ++bit) {
      const size_t byte = bit / 8;
      const uint8_t mask = static_cast<uint8_t>(0x80u >> (bit % 8));
      Bytes copy = p;
      copy[byte] ^= mask;
      auto r = in->decapsulate(seq, copy);
      // TOS, TTL, checksum, DF and the reserved flag are mutable: still valid.
      const bool mutable_field = byte == 1 || byte == 8 || byte == 10 || byte == 11 ||
                                 (byte == 6 && (mask == 0x80 || mask == 0x40));
      if (mutable_field) {
        ASSERT_TRUE(r.ok()) << "byte " << byte << " mask " << int{mask} << ": "
                            << toString(r.error());
        continue;
      }
      ASSERT_FALSE(r.ok()) << "byte " << byte << " mask " << int{mask};
      if ((byte >= 4 && byte <= 5) || (byte >= 12 && byte <= 20) || byte == 22 || byte == 23 ||
          byte >= 32) {
        ASSERT_EQ(r.error(), PacketError::kAuthFailed) << "byte " << byte;
      } else if (byte >= 24 && byte < 28) {
        ASSERT_EQ(r.error(), PacketError::kSpiMismatch);
      } else if (byte >= 28 && byte < 32) {
        ASSERT_EQ(r.error(), PacketError::kInvalidSeq);
      } else if (byte == 6 || byte == 7) {
        ASSERT_EQ(r.error(), PacketError::kUnsupported) << "MF or fragment offset";
      }
    }
  }
}

TEST_P(AhTest, EsnHighBitsAreAuthenticated) {
  Bytes inner = test::ipv4Packet(40);
  Bytes p = seal(0x500000001ull, true, inner);
  auto in = AhInbound::create(params(true));
  ASSERT_TRUE(in.ok());
  Bytes copy = p;
  EXPECT_EQ(in->decapsulate(0x600000001ull, copy).error(), PacketError::kAuthFailed);
  EXPECT_TRUE(in->decapsulate(0x500000001ull, p).ok());
}

TEST_P(AhTest, TruncationsAreRefused) {
  Bytes inner = test::ipv4Packet(60);
  Bytes p = seal(2, false, inner);
  auto in = AhInbound::create(params(false));
  ASSERT_TRUE(in.ok());
  for (size_t len = 0; len < p.size(); ++len) {
    Bytes copy(p.begin(), p.begin() + static_cast<long>(len));
    ASSERT_FALSE(in->decapsulate(2, copy).ok()) << len;
  }
  // A consistently shortened packet (total length fixed up) fails the ICV.
  Bytes shorter(p.begin(), p.end() - 4);
  storeU16(shorter.data() + 2, static_cast<uint16_t>(shorter.size()));
  EXPECT_EQ(in->decapsulate(2, shorter).error(), PacketError::kAuthFailed);
}

INSTANTIATE_TEST_SUITE_P(All, AhTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<AhCase>& p) { return p.param.name; });

class AhMalformed : public ::testing::Test {
 protected:
  AhMalformed() : key_(test::pattern(20)) {
    SaParams sa{kAhSpi, encr::kNone, 0, integ::kHmacSha1_96, false, {}, view(key_)};
    auto out = AhOutbound::create(sa);
    Bytes inner = test::ipv4Packet(48);
    packet_.resize(inner.size() + out->maxOverhead());
    packet_.resize(*out->encapsulate(1, outer(), view(inner), packet_));
    in_.emplace(AhInbound::create(sa).value());
  }
  PacketError decap(Bytes p) { return in_->decapsulate(1, p).error(); }
  Bytes key_;
  Bytes packet_;
  std::optional<AhInbound> in_;
};

TEST_F(AhMalformed, OuterHeaderChecks) {
  ASSERT_EQ(decap(packet_), PacketError::kNone);
  Bytes p = packet_;
  p[0] = 0x65;
  EXPECT_EQ(decap(p), PacketError::kBadOuterHeader);  // IPv6 version
  p = packet_;
  p[0] = 0x44;
  EXPECT_EQ(decap(p), PacketError::kBadOuterHeader);  // IHL < 5
  p = packet_;
  p[0] = 0x46;
  EXPECT_EQ(decap(p), PacketError::kUnsupported);  // options
  p = packet_;
  p[9] = 50;
  EXPECT_EQ(decap(p), PacketError::kBadOuterHeader);  // ESP, not AH
  p = packet_;
  storeU16(p.data() + 6, 0x2000);
  EXPECT_EQ(decap(p), PacketError::kUnsupported);  // more fragments
  p = packet_;
  storeU16(p.data() + 6, 0x0001);
  EXPECT_EQ(decap(p), PacketError::kUnsupported);  // fragment offset
  p = packet_;
  storeU16(p.data() + 2, static_cast<uint16_t>(p.size() + 1));
  EXPECT_EQ(decap(p), PacketError::kTooShort);  // total length beyond the buffer
  p = packet_;
  storeU16(p.data() + 2, 19);
  EXPECT_EQ(decap(p), PacketError::kBadOuterHeader);
  p = packet_;
  storeU16(p.data() + 2, 31);
  EXPECT_EQ(decap(p), PacketError::kTooShort);  // no room for the AH header
  p = packet_;
  p[21] = 1;  // 12 bytes is less than the fixed AH header
  EXPECT_EQ(decap(p), PacketError::kBadLength);
  p = packet_;
  p[21] = 5;  // another ICV length than this SA's
  EXPECT_EQ(decap(p), PacketError::kBadLength);
  p = packet_;
  p[21] = 200;
  EXPECT_EQ(decap(p), PacketError::kTooShort);
  EXPECT_EQ(peekAhPacket(ByteView(packet_).first(10)).error(), PacketError::kTooShort);
}

TEST_F(AhMalformed, InnerPacketChecks) {
  // Authenticated packets whose inner part is wrong for tunnel mode.
  Bytes key = test::pattern(20);
  SaParams sa{kAhSpi, encr::kNone, 0, integ::kHmacSha1_96, false, {}, view(key)};
  auto out = AhOutbound::create(sa);
  auto in = AhInbound::create(sa);
  auto lax = AhInbound::create(sa, InboundOptions{.require_ip_payload = false});
  ASSERT_TRUE(out.ok() && in.ok() && lax.ok());
  Bytes junk = test::pattern(30);
  Bytes buf(200);
  buf.resize(*out->encapsulate(1, outer(), view(junk), buf, 17));
  Bytes copy = buf;
  EXPECT_EQ(in->decapsulate(1, copy).error(), PacketError::kBadNextHeader);
  copy = buf;
  auto r = lax->decapsulate(1, copy);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->next_header, 17);
  EXPECT_EQ(Bytes(r->data.begin(), r->data.end()), junk);
  buf.resize(200);
  buf.resize(*out->encapsulate(2, outer(), view(junk), buf, kNextHeaderIpv4));
  EXPECT_EQ(in->decapsulate(2, buf).error(), PacketError::kBadInnerPacket);
}

TEST(AhCreate, RefusesEncryptionOrMissingIntegrity) {
  Bytes k = test::pattern(20);
  EXPECT_FALSE(
      AhOutbound::create({1, encr::kAesCbc, 128, integ::kHmacSha1_96, false, view(k), view(k)})
          .ok());
  EXPECT_FALSE(AhInbound::create({1, encr::kNone, 0, integ::kNone, false, {}, {}}).ok());
  EXPECT_FALSE(
      AhInbound::create({1, encr::kNone, 0, integ::kHmacSha1_96, false, {}, view(k).first(16)})
          .ok());
}

TEST(AhOutbound, RefusesBadSequenceNumbersAndBuffers) {
  Bytes k = test::pattern(32);
  auto out = AhOutbound::create({1, encr::kNone, 0, integ::kHmacSha256_128, false, {}, view(k)});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->maxOverhead(), 20u + 12 + 16);
  Bytes inner = test::ipv4Packet(100);
  Bytes buf(300);
  EXPECT_EQ(out->encapsulate(0, outer(), view(inner), buf).error(), PacketError::kSeqExhausted);
  EXPECT_EQ(out->encapsulate(uint64_t{1} << 32, outer(), view(inner), buf).error(),
            PacketError::kSeqExhausted);
  Bytes small(out->packetSize(100) - 1);
  EXPECT_EQ(out->encapsulate(1, outer(), view(inner), small).error(), PacketError::kBufferTooSmall);
  Bytes huge(65535 - 40);
  Bytes big(70000);
  EXPECT_EQ(out->encapsulate(1, outer(), view(huge), big).error(), PacketError::kPayloadTooLarge);
}

}  // namespace
}  // namespace vpngw::esp
