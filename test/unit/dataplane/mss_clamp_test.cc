// MSS clamping on SYNs: the option is lowered, the checksum stays valid (incremental update
// checked against a full recomputation), and nothing else is touched.
#include "dataplane/userspace/mss_clamp.h"

#include <gtest/gtest.h>

#include "packet_builder.h"

namespace vpngw::dataplane::userspace {
namespace {

using test::get16;

std::vector<uint8_t> syn(std::vector<uint8_t> options, uint8_t flags = 0x02) {
  return test::tcpPacket(0, flags, std::move(options));
}

// Linux's SYN options: MSS, SACK permitted, timestamps, NOP, window scale.
std::vector<uint8_t> linuxSynOptions(uint16_t mss) {
  return {2,
          4,
          static_cast<uint8_t>(mss >> 8),
          static_cast<uint8_t>(mss),
          4,
          2,
          8,
          10,
          0,
          1,
          2,
          3,
          0,
          0,
          0,
          0,
          1,
          3,
          3,
          7};
}

TEST(MssClamp, MssForMtu) {
  EXPECT_EQ(mssForMtu(1400), 1360);
  EXPECT_EQ(mssForMtu(1500), 1460);
}

TEST(MssClamp, LowersLargeMssOnSyn) {
  for (uint8_t flags : {uint8_t{0x02}, uint8_t{0x12}}) {  // SYN, SYN-ACK
    auto pkt = syn(linuxSynOptions(1460), flags);
    ASSERT_TRUE(test::l4ChecksumOk(pkt));
    EXPECT_TRUE(clampMss(pkt, 1360));
    EXPECT_EQ(get16(&pkt[42]), 1360);
    EXPECT_TRUE(test::l4ChecksumOk(pkt));
    EXPECT_TRUE(test::ipv4ChecksumOk(pkt.data()));
  }
}

TEST(MssClamp, LeavesSmallerMssAlone) {
  auto pkt = syn(linuxSynOptions(1200));
  auto copy = pkt;
  EXPECT_FALSE(clampMss(pkt, 1360));
  EXPECT_EQ(pkt, copy);
  auto equal = syn(linuxSynOptions(1360));
  EXPECT_FALSE(clampMss(equal, 1360));
}

TEST(MssClamp, IgnoresNonSynAndNonTcp) {
  auto ack = test::tcpPacket(10, 0x10, linuxSynOptions(1460));
  auto copy = ack;
  EXPECT_FALSE(clampMss(ack, 1360));
  EXPECT_EQ(ack, copy);
  auto udp = test::udpPacket("10.1.0.2", "10.2.0.2", 40);
  EXPECT_FALSE(clampMss(udp, 1360));
}

TEST(MssClamp, FindsMssAfterOtherOptionsAndAtOddOffsets) {
  // NOP then MSS at offset 1 (odd): the checksum is recomputed, not updated.
  auto odd = syn({1, 2, 4, 0x05, 0xb4, 1, 1, 0});
  ASSERT_TRUE(test::l4ChecksumOk(odd));
  EXPECT_TRUE(clampMss(odd, 1360));
  EXPECT_EQ(get16(&odd[41 + 2]), 1360);
  EXPECT_TRUE(test::l4ChecksumOk(odd));
  // Window scale first, MSS later at an even offset.
  auto later = syn({1, 3, 3, 7, 2, 4, 0x05, 0xb4});
  EXPECT_TRUE(clampMss(later, 1000));
  EXPECT_EQ(get16(&later[44 + 2]), 1000);
  EXPECT_TRUE(test::l4ChecksumOk(later));
}

TEST(MssClamp, LeavesMalformedOptionsAlone) {
  auto zero_len = syn({8, 0, 2, 4, 0x05, 0xb4, 0, 0});
  auto copy = zero_len;
  EXPECT_FALSE(clampMss(zero_len, 1360));
  EXPECT_EQ(zero_len, copy);
  auto overlong = syn({2, 12, 0x05, 0xb4});
  EXPECT_FALSE(clampMss(overlong, 1360));
  auto end_first = syn({0, 0, 0, 0, 2, 4, 0x05, 0xb4});
  EXPECT_FALSE(clampMss(end_first, 1360));
  std::vector<uint8_t> truncated = syn(linuxSynOptions(1460));
  truncated.resize(30);  // shorter than its own IPv4 total length
  EXPECT_FALSE(clampMss(truncated, 1360));
}

}  // namespace
}  // namespace vpngw::dataplane::userspace
