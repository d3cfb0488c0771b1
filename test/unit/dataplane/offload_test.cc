// TSO segmentation of TCP super-packets and completion of partial checksums, checked against
// the naive checksum reference and by reassembling the payload.
#include "dataplane/userspace/offload.h"

#include <gtest/gtest.h>

#include "dataplane/userspace/checksum.h"
#include "packet_builder.h"

namespace vpngw::dataplane::userspace {
namespace {

using test::get16;
using test::get32;

// Stores the partial checksum the kernel hands over with NEEDS_CSUM: the folded pseudo-header
// sum, not complemented (memory order).
void makePartial(std::vector<uint8_t>& pkt, size_t csum_field) {
  size_t ihl = 20;
  size_t l4 = pkt.size() - ihl;
  pkt[csum_field] = 0;
  pkt[csum_field + 1] = 0;
  storeChecksum(&pkt[csum_field],
                checksumFold(pseudoHeaderSum(pkt.data(), pkt[9], static_cast<uint16_t>(l4))));
}

TEST(Offload, VnetHeaderRoundTrips) {
  VnetHdr h{kVnetFlagNeedsCsum, kVnetGsoTcpv4, 52, 1360, 20, 16};
  uint8_t buf[kVnetHdrSize];
  storeVnetHdr(h, buf);
  VnetHdr back = loadVnetHdr(buf);
  EXPECT_EQ(back.flags, h.flags);
  EXPECT_EQ(back.gso_type, h.gso_type);
  EXPECT_EQ(back.hdr_len, 52);
  EXPECT_EQ(back.gso_size, 1360);
  EXPECT_EQ(back.csum_start, 20);
  EXPECT_EQ(back.csum_offset, 16);
}

TEST(Offload, CompletesPartialTcpChecksum) {
  auto pkt = test::tcpPacket(333, 0x10, {}, 9);
  ASSERT_TRUE(test::l4ChecksumOk(pkt));
  const uint16_t expected = get16(&pkt[36]);
  makePartial(pkt, 36);
  EXPECT_FALSE(test::l4ChecksumOk(pkt));
  ASSERT_TRUE(completeChecksum(pkt, 20, 16));
  EXPECT_EQ(get16(&pkt[36]), expected);
  EXPECT_TRUE(test::l4ChecksumOk(pkt));
}

TEST(Offload, CompletesPartialUdpChecksumWithOddLength) {
  auto pkt = test::udpPacket("10.1.0.2", "10.2.0.2", 101, 3);
  ASSERT_TRUE(test::l4ChecksumOk(pkt));
  makePartial(pkt, 26);
  ASSERT_TRUE(completeChecksum(pkt, 20, 6));
  EXPECT_TRUE(test::l4ChecksumOk(pkt));
}

TEST(Offload, RefusesChecksumOffsetsOutsideThePacket) {
  auto pkt = test::tcpPacket(10);
  auto copy = pkt;
  EXPECT_FALSE(completeChecksum(pkt, 60, 16));
  EXPECT_FALSE(completeChecksum(pkt, 20, 40));
  EXPECT_FALSE(completeChecksum(pkt, static_cast<uint16_t>(pkt.size()), 0));
  EXPECT_EQ(pkt, copy);
}

struct SuperPacket {
  std::vector<uint8_t> packet;
  test::TcpSpec spec;
};

SuperPacket superPacket(size_t payload, uint8_t flags, bool with_options) {
  SuperPacket s;
  s.spec.payload = payload;
  s.spec.flags = flags;
  s.spec.seq = 0xfffff000;  // wraps within the super-packet
  s.spec.ip_id = 0xfffe;    // so does the IP ID
  s.spec.fill = 5;
  if (with_options) {
    s.spec.options = test::timestampOption(123456, 654321);
  }
  s.packet = test::tcpPacket(s.spec);
  // As the kernel hands it over: total length as for one packet, partial checksum.
  makePartial(s.packet, 36);
  return s;
}

void checkSegments(const SuperPacket& sp, uint16_t mss) {
  auto segs = TcpSegments::parse(sp.packet, mss);
  ASSERT_TRUE(segs.has_value());
  const size_t thl = 20 + sp.spec.options.size();
  const size_t expected_count = (sp.spec.payload + mss - 1) / mss;
  ASSERT_EQ(segs->count(), expected_count);
  ASSERT_EQ(segs->headerSize(), 20 + thl);
  std::vector<uint8_t> payload;
  for (size_t i = 0; i < segs->count(); ++i) {
    std::vector<uint8_t> out(segs->segmentSize(i), 0xee);
    segs->write(i, out.data());
    SCOPED_TRACE("segment " + std::to_string(i));
    ASSERT_EQ(get16(&out[2]), out.size());
    EXPECT_TRUE(test::ipv4ChecksumOk(out.data()));
    EXPECT_TRUE(test::l4ChecksumOk(out));
    EXPECT_EQ(get16(&out[4]), static_cast<uint16_t>(sp.spec.ip_id + i));
    EXPECT_EQ(get32(&out[24]), static_cast<uint32_t>(sp.spec.seq + i * mss));
    EXPECT_EQ(get32(&out[28]), sp.spec.ack);
    const bool last = i + 1 == segs->count();
    const uint8_t flags = out[33];
    EXPECT_EQ((flags & 0x01) != 0, last && (sp.spec.flags & 0x01) != 0) << "FIN";
    EXPECT_EQ((flags & 0x08) != 0, last && (sp.spec.flags & 0x08) != 0) << "PSH";
    EXPECT_EQ((flags & 0x80) != 0, i == 0 && (sp.spec.flags & 0x80) != 0) << "CWR";
    EXPECT_TRUE(std::equal(out.begin() + 40, out.begin() + 20 + static_cast<long>(thl),
                           sp.packet.begin() + 40))
        << "options copied";
    if (!last) {
      EXPECT_EQ(out.size() - 20 - thl, mss);
    }
    payload.insert(payload.end(), out.begin() + 20 + static_cast<long>(thl), out.end());
  }
  ASSERT_EQ(payload.size(), sp.spec.payload);
  for (size_t i = 0; i < payload.size(); ++i) {
    ASSERT_EQ(payload[i], static_cast<uint8_t>(sp.spec.fill + i)) << i;
  }
}

TEST(Offload, SegmentsSuperPacketLikeTheKernel) {
  checkSegments(superPacket(65000, 0x10 | 0x08 | 0x80, true), 1348);  // ACK PSH CWR
  checkSegments(superPacket(13600, 0x10 | 0x01, false), 1360);        // exact multiple, FIN
  checkSegments(superPacket(1361, 0x10, true), 1360);                 // one byte over
  checkSegments(superPacket(7, 0x10 | 0x08, false), 1360);            // fits one segment
  checkSegments(superPacket(4001, 0x10, false), 1);                   // tiny MSS
}

TEST(Offload, RefusesMalformedSuperPackets) {
  auto sp = superPacket(5000, 0x10, false);
  EXPECT_FALSE(TcpSegments::parse(sp.packet, 0).has_value());
  auto udp = test::udpPacket("10.1.0.2", "10.2.0.2", 3000);
  EXPECT_FALSE(TcpSegments::parse(udp, 1360).has_value());
  auto bad_ihl = sp.packet;
  bad_ihl[0] = 0x44;
  EXPECT_FALSE(TcpSegments::parse(bad_ihl, 1360).has_value());
  auto bad_doff = sp.packet;
  bad_doff[32] = 0x40;  // data offset 16 bytes
  EXPECT_FALSE(TcpSegments::parse(bad_doff, 1360).has_value());
  auto fragment = sp.packet;
  fragment[6] = 0x20;  // MF
  EXPECT_FALSE(TcpSegments::parse(fragment, 1360).has_value());
  std::vector<uint8_t> tiny(sp.packet.begin(), sp.packet.begin() + 30);
  EXPECT_FALSE(TcpSegments::parse(tiny, 1360).has_value());
  auto v6 = sp.packet;
  v6[0] = 0x60;
  EXPECT_FALSE(TcpSegments::parse(v6, 1360).has_value());
}

}  // namespace
}  // namespace vpngw::dataplane::userspace
