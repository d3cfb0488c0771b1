// Inbound ESP refuses every modification, truncation and malformed trailer, with the right
// reason code.
#include <gtest/gtest.h>

#include "esp/esp_inbound.h"
#include "esp/esp_outbound.h"
#include "esp_test_util.h"

namespace vpngw::esp {
namespace {

using test::Suite;

constexpr uint32_t kTamperSpi = 0x01020304;

std::vector<Suite> authenticatedSuites() {
  std::vector<Suite> out;
  for (auto& s : test::allEspSuites()) {
    if (s.encr_id == encr::kAesGcm16 || s.integ_id != integ::kNone) {
      out.push_back(s);
    }
  }
  return out;
}

class EspTamperTest : public ::testing::TestWithParam<Suite> {
 protected:
  Bytes seal(uint64_t seq, bool esn, ByteView payload) {
    auto out = EspOutbound::create(GetParam().params(kTamperSpi, esn));
    EXPECT_TRUE(out.ok());
    Bytes buf(payload.size() + out->maxOverhead());
    auto n = out->encapsulate(seq, payload, buf);
    EXPECT_TRUE(n.ok());
    buf.resize(*n);
    return buf;
  }
};

TEST_P(EspTamperTest, EveryBitFlipIsRefused) {
  for (bool esn : {false, true}) {
    const uint64_t seq = esn ? 0x300000007ull : 7;
    Bytes inner = test::ipv4Packet(61);
    Bytes packet = seal(seq, esn, view(inner));
    auto in = EspInbound::create(GetParam().params(kTamperSpi, esn));
    ASSERT_TRUE(in.ok());
    {
      Bytes copy = packet;
      ASSERT_TRUE(in->decapsulate(seq, copy).ok());
    }
    for (size_t bit = 0; bit < packet.size() * 8; ++bit) {
      Bytes copy = packet;
      copy[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      auto r = in->decapsulate(seq, copy);
      ASSERT_FALSE(r.ok()) << "bit " << bit;
      PacketError expected = bit < 32   ? PacketError::kSpiMismatch
                             : bit < 64 ? PacketError::kInvalidSeq
                                        : PacketError::kAuthFailed;
      ASSERT_EQ(r.error(), expected) << "bit " << bit;
    }
    if (esn) {
      // The high half is authenticated although it is never sent (RFC 4303 §2.2.1).
      Bytes copy = packet;
      EXPECT_EQ(in->decapsulate(seq + (uint64_t{1} << 32), copy).error(), PacketError::kAuthFailed);
    }
  }
}

TEST_P(EspTamperTest, TruncatedOrExtendedPacketsAreRefused) {
  Bytes inner = test::ipv4Packet(100);
  Bytes packet = seal(3, false, view(inner));
  auto in = EspInbound::create(GetParam().params(kTamperSpi, false));
  ASSERT_TRUE(in.ok());
  for (size_t len = 0; len < packet.size(); ++len) {
    Bytes copy(packet.begin(), packet.begin() + static_cast<long>(len));
    auto r = in->decapsulate(3, copy);
    ASSERT_FALSE(r.ok()) << "len " << len;
    if (len < in->minPacketSize()) {
      ASSERT_EQ(r.error(), PacketError::kTooShort);
    }
  }
  for (size_t extra : {1, 3, 4, 8, 16}) {
    Bytes copy = packet;
    copy.resize(copy.size() + extra, 0);
    EXPECT_FALSE(in->decapsulate(3, copy).ok()) << "extra " << extra;
  }
}

TEST_P(EspTamperTest, AnotherKeyIsRefused) {
  Suite other = GetParam();
  other.encr_key[0] ^= 1;
  if (!other.integ_key.empty()) {
    other.integ_key[0] ^= 1;
  }
  Bytes inner = test::ipv4Packet(50);
  Bytes packet = seal(1, false, view(inner));
  auto in = EspInbound::create(other.params(kTamperSpi, false));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->decapsulate(1, packet).error(), PacketError::kAuthFailed);
}

INSTANTIATE_TEST_SUITE_P(Authenticated, EspTamperTest, ::testing::ValuesIn(authenticatedSuites()),
                         [](const ::testing::TestParamInfo<Suite>& p) { return p.param.name; });

// Trailer checks, with packets whose ICV is valid (built by the reference sealer).
class EspTrailerTest : public ::testing::TestWithParam<Suite> {
 protected:
  EncrSpec spec() const { return *encrSpec(GetParam().encr_id, GetParam().key_bits); }
  // Seals plaintext (which must be aligned) and decapsulates it.
  PacketResult<Bytes> open(const Bytes& plaintext, bool require_ip = true) {
    Bytes iv = test::pattern(spec().iv_size, 3);
    Bytes packet = test::referenceSeal(GetParam(), kTamperSpi, 9, false, view(iv), view(plaintext));
    auto in = EspInbound::create(GetParam().params(kTamperSpi, false),
                                 InboundOptions{.require_ip_payload = require_ip});
    EXPECT_TRUE(in.ok());
    auto r = in->decapsulate(9, packet);
    if (!r.ok()) {
      return r.error();
    }
    return Bytes(r->data.begin(), r->data.end());
  }
  // payload | given padding bytes | pad length | next header, then zero-filled at the front
  // of the payload so the total is aligned.
  Bytes trailer(Bytes payload, const Bytes& padding, uint8_t pad_length, uint8_t next_header) {
    size_t align = spec().block_size;
    while ((payload.size() + padding.size() + 2) % align != 0) {
      payload.push_back(0);
    }
    payload.insert(payload.end(), padding.begin(), padding.end());
    payload.push_back(pad_length);
    payload.push_back(next_header);
    return payload;
  }
};

TEST_P(EspTrailerTest, AcceptsLongerThanMinimalPadding) {
  Bytes inner = test::ipv4Packet(40);
  Bytes padding;
  for (uint8_t i = 1; i <= 32; ++i) {
    padding.push_back(i);
  }
  Bytes pt = inner;
  // Pad to alignment with a monotonic run longer than needed.
  while ((pt.size() + padding.size() + 2) % spec().block_size != 0) {
    padding.push_back(static_cast<uint8_t>(padding.size() + 1));
  }
  pt.insert(pt.end(), padding.begin(), padding.end());
  pt.push_back(static_cast<uint8_t>(padding.size()));
  pt.push_back(kNextHeaderIpv4);
  auto r = open(pt);
  ASSERT_TRUE(r.ok()) << toString(r.error());
  EXPECT_EQ(*r, inner);
}

TEST_P(EspTrailerTest, RefusesNonMonotonicPadding) {
  Bytes inner = test::ipv4Packet(40);
  size_t align = spec().block_size;
  size_t pad = (align - (inner.size() + 2) % align) % align;
  if (pad < 2) {
    pad += align;
  }
  for (size_t wrong = 0; wrong < pad; ++wrong) {
    Bytes pt = inner;
    for (size_t i = 1; i <= pad; ++i) {
      pt.push_back(static_cast<uint8_t>(i == wrong + 1 ? 0xee : i));
    }
    pt.push_back(static_cast<uint8_t>(pad));
    pt.push_back(kNextHeaderIpv4);
    ASSERT_EQ(pt.size() % align, 0u);
    EXPECT_EQ(open(pt).error(), PacketError::kBadPadding) << "byte " << wrong;
  }
}

TEST_P(EspTrailerTest, RefusesPadLengthBeyondThePayload) {
  size_t align = spec().block_size;
  Bytes pt(align, 0);
  pt[align - 2] = static_cast<uint8_t>(align - 1);  // needs align + 1 bytes
  pt[align - 1] = kNextHeaderIpv4;
  EXPECT_EQ(open(pt).error(), PacketError::kBadPadLength);
  pt[align - 2] = 255;
  EXPECT_EQ(open(pt).error(), PacketError::kBadPadLength);
  // Exactly filling the payload with padding is well-formed (an empty payload).
  Bytes exact(align, 0);
  for (size_t i = 0; i + 2 < align; ++i) {
    exact[i] = static_cast<uint8_t>(i + 1);
  }
  exact[align - 2] = static_cast<uint8_t>(align - 2);
  exact[align - 1] = 17;
  auto r = open(exact, false);
  ASSERT_TRUE(r.ok()) << toString(r.error());
  EXPECT_TRUE(r->empty());
}

TEST_P(EspTrailerTest, ChecksTheNextHeaderAndInnerPacket) {
  Bytes inner = test::ipv4Packet(40);
  auto e = spec();
  EXPECT_EQ(open(test::padded(view(inner), e.block_size, 17)).error(), PacketError::kBadNextHeader);
  EXPECT_EQ(open(test::padded(view(inner), e.block_size, kNextHeaderNone)).error(),
            PacketError::kDummyPacket);
  // Without the tunnel-mode requirement any next header is returned as is.
  auto any = open(test::padded(view(inner), e.block_size, 17), false);
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(*any, inner);
  // Next header 4 but not an IPv4 packet.
  Bytes v6 = inner;
  v6[0] = 0x65;
  EXPECT_EQ(open(test::padded(view(v6), e.block_size, 4)).error(), PacketError::kBadInnerPacket);
  Bytes longer = inner;
  storeU16(longer.data() + 2, 41);
  EXPECT_EQ(open(test::padded(view(longer), e.block_size, 4)).error(),
            PacketError::kBadInnerPacket);
  Bytes tiny = test::pattern(19);
  tiny[0] = 0x45;
  EXPECT_EQ(open(test::padded(view(tiny), e.block_size, 4)).error(), PacketError::kBadInnerPacket);
  Bytes bad_ihl = inner;
  bad_ihl[0] = 0x44;
  EXPECT_EQ(open(test::padded(view(bad_ihl), e.block_size, 4)).error(),
            PacketError::kBadInnerPacket);
  // TFC padding after the inner packet (RFC 4303 §2.7) is trimmed by the IPv4 length.
  Bytes tfc = inner;
  tfc.resize(tfc.size() + 23, 0xab);
  auto trimmed = open(test::padded(view(tfc), e.block_size, 4));
  ASSERT_TRUE(trimmed.ok());
  EXPECT_EQ(*trimmed, inner);
  // IPv6 inner packets are accepted and trimmed by their payload length.
  Bytes ipv6(40 + 16, 0);
  ipv6[0] = 0x60;
  storeU16(ipv6.data() + 4, 16);
  Bytes ipv6_tfc = ipv6;
  ipv6_tfc.resize(ipv6.size() + 5);
  auto v6ok = open(test::padded(view(ipv6_tfc), e.block_size, kNextHeaderIpv6));
  ASSERT_TRUE(v6ok.ok()) << toString(v6ok.error());
  EXPECT_EQ(*v6ok, ipv6);
  storeU16(ipv6.data() + 4, 17);
  EXPECT_EQ(open(test::padded(view(ipv6), e.block_size, kNextHeaderIpv6)).error(),
            PacketError::kBadInnerPacket);
}

TEST_P(EspTrailerTest, RefusesUnalignedCiphertext) {
  auto s = GetParam();
  auto e = spec();
  Bytes inner = test::ipv4Packet(40);
  Bytes iv = test::pattern(e.iv_size);
  Bytes packet = test::referenceSeal(s, kTamperSpi, 9, false, view(iv),
                                     view(test::padded(view(inner), e.block_size, 4)));
  auto in = EspInbound::create(s.params(kTamperSpi, false));
  ASSERT_TRUE(in.ok());
  // Removing 2 bytes breaks every alignment; removing 4 breaks CBC block alignment.
  Bytes two(packet.begin(), packet.end() - 2);
  EXPECT_EQ(in->decapsulate(9, two).error(), PacketError::kBadLength);
  if (e.block_size > 4) {
    Bytes four(packet.begin(), packet.end() - 4);
    EXPECT_EQ(in->decapsulate(9, four).error(), PacketError::kBadLength);
  }
}

TEST_P(EspTrailerTest, RefusesAWrongSpiOrSequenceNumber) {
  Bytes inner = test::ipv4Packet(40);
  auto e = spec();
  Bytes iv = test::pattern(e.iv_size);
  Bytes packet = test::referenceSeal(GetParam(), kTamperSpi, 9, false, view(iv),
                                     view(test::padded(view(inner), e.block_size, 4)));
  auto in = EspInbound::create(GetParam().params(kTamperSpi + 1, false));
  ASSERT_TRUE(in.ok());
  Bytes copy = packet;
  EXPECT_EQ(in->decapsulate(9, copy).error(), PacketError::kSpiMismatch);
  auto right = EspInbound::create(GetParam().params(kTamperSpi, false));
  copy = packet;
  EXPECT_EQ(right->decapsulate(10, copy).error(), PacketError::kInvalidSeq);
  copy = packet;
  // Without ESN a 64-bit sequence number is a caller bug.
  EXPECT_EQ(right->decapsulate(9 + (uint64_t{1} << 32), copy).error(), PacketError::kInvalidSeq);
}

INSTANTIATE_TEST_SUITE_P(All, EspTrailerTest, ::testing::ValuesIn(test::allEspSuites()),
                         [](const ::testing::TestParamInfo<Suite>& p) { return p.param.name; });

}  // namespace
}  // namespace vpngw::esp
