// GRO towards the TUN device: which segments merge, what the merged packet and its
// virtio-net header look like (checked by completing the partial checksum as the kernel
// would), and that order within a flow is kept.
#include "dataplane/userspace/tcp_coalescer.h"

#include <gtest/gtest.h>

#include "dataplane/userspace/offload.h"
#include "packet_builder.h"

namespace vpngw::dataplane::userspace {
namespace {

using test::get16;
using test::get32;

struct Written {
  VnetHdr hdr;
  std::vector<uint8_t> packet;
  bool coalesced;
};

class RecordingSink final : public TunSink {
 public:
  void writePacket(std::span<const iovec> iov, bool coalesced) override {
    Written w;
    w.hdr = loadVnetHdr(static_cast<const uint8_t*>(iov[0].iov_base));
    for (size_t i = 1; i < iov.size(); ++i) {
      const auto* p = static_cast<const uint8_t*>(iov[i].iov_base);
      w.packet.insert(w.packet.end(), p, p + iov[i].iov_len);
    }
    w.coalesced = coalesced;
    writes.push_back(std::move(w));
  }
  std::vector<Written> writes;
};

// A flow's consecutive segments of mss payload bytes each.
std::vector<std::vector<uint8_t>> flow(size_t count, size_t mss, test::TcpSpec spec = {}) {
  std::vector<std::vector<uint8_t>> out;
  spec.options = test::timestampOption(1000, 2000);
  for (size_t i = 0; i < count; ++i) {
    spec.payload = mss;
    spec.fill = static_cast<uint8_t>(i * 31);
    out.push_back(test::tcpPacket(spec));
    spec.seq += static_cast<uint32_t>(mss);
    ++spec.ip_id;
  }
  return out;
}

// Completes a NEEDS_CSUM packet the way the kernel does and checks the result.
void expectValidAfterCompletion(Written w) {
  ASSERT_EQ(w.hdr.flags, kVnetFlagNeedsCsum);
  ASSERT_TRUE(completeChecksum(w.packet, w.hdr.csum_start, w.hdr.csum_offset));
  EXPECT_TRUE(test::l4ChecksumOk(w.packet));
  EXPECT_TRUE(test::ipv4ChecksumOk(w.packet.data()));
}

TEST(TcpCoalescer, MergesConsecutiveSegmentsIntoOneSuperPacket) {
  RecordingSink sink;
  TcpCoalescer c(sink, 256);
  auto segs = flow(20, 1348);
  for (auto& s : segs) {
    c.add(s);
  }
  c.flush();
  ASSERT_EQ(sink.writes.size(), 1u);
  const Written& w = sink.writes[0];
  EXPECT_TRUE(w.coalesced);
  EXPECT_EQ(w.hdr.gso_type, kVnetGsoTcpv4);
  EXPECT_EQ(w.hdr.gso_size, 1348);
  EXPECT_EQ(w.hdr.hdr_len, 20 + 32);
  EXPECT_EQ(w.hdr.csum_start, 20);
  EXPECT_EQ(w.hdr.csum_offset, 16);
  ASSERT_EQ(w.packet.size(), 52 + 20 * 1348);
  EXPECT_EQ(get16(&w.packet[2]), w.packet.size());
  EXPECT_EQ(get32(&w.packet[24]), 1000u);  // the first segment's sequence number
  for (size_t i = 0; i < 20; ++i) {
    EXPECT_EQ(w.packet[52 + i * 1348], static_cast<uint8_t>(i * 31)) << i;
  }
  expectValidAfterCompletion(w);
  // And segmented again by TSO logic, the original segments come back.
  auto resegmented = TcpSegments::parse(w.packet, w.hdr.gso_size);
  ASSERT_TRUE(resegmented);
  ASSERT_EQ(resegmented->count(), 20u);
  for (size_t i = 0; i < 20; ++i) {
    std::vector<uint8_t> out(resegmented->segmentSize(i));
    resegmented->write(i, out.data());
    std::vector<uint8_t> original = test::tcpPacket([&] {
      test::TcpSpec s;
      s.options = test::timestampOption(1000, 2000);
      s.payload = 1348;
      s.fill = static_cast<uint8_t>(i * 31);
      s.seq = static_cast<uint32_t>(1000 + i * 1348);
      s.ip_id = static_cast<uint16_t>(77 + i);
      return s;
    }());
    EXPECT_EQ(out, original) << i;
  }
}

TEST(TcpCoalescer, ShorterLastSegmentAndPshEndTheSuperPacket) {
  RecordingSink sink;
  TcpCoalescer c(sink, 256);
  auto segs = flow(3, 1000);
  test::TcpSpec short_spec;
  short_spec.options = test::timestampOption(1000, 2000);
  short_spec.seq = 1000 + 3000;
  short_spec.payload = 500;
  auto tail = test::tcpPacket(short_spec);
  short_spec.seq += 500;
  short_spec.payload = 1000;
  auto after = test::tcpPacket(short_spec);
  for (auto* p : {&segs[0], &segs[1], &segs[2], &tail, &after}) {
    c.add(*p);
  }
  c.flush();
  ASSERT_EQ(sink.writes.size(), 2u);
  EXPECT_EQ(sink.writes[0].packet.size(), 52 + 3500u);
  EXPECT_FALSE(sink.writes[1].coalesced);
  EXPECT_EQ(sink.writes[1].packet, after);

  RecordingSink sink2;
  TcpCoalescer c2(sink2, 256);
  test::TcpSpec psh;
  psh.options = test::timestampOption(1000, 2000);
  psh.payload = 1000;
  psh.flags = 0x18;
  auto segs2 = flow(2, 1000);
  psh.seq = 3000;
  auto p3 = test::tcpPacket(psh);
  psh.seq = 4000;
  psh.flags = 0x10;
  auto p4 = test::tcpPacket(psh);
  for (auto* p : {&segs2[0], &segs2[1], &p3, &p4}) {
    c2.add(*p);
  }
  c2.flush();
  ASSERT_EQ(sink2.writes.size(), 2u);
  EXPECT_EQ(sink2.writes[0].packet[33] & 0x08, 0x08) << "PSH carried over";
  expectValidAfterCompletion(sink2.writes[0]);
}

TEST(TcpCoalescer, DoesNotMergeAcrossGapsOrDifferentHeaders) {
  RecordingSink sink;
  TcpCoalescer c(sink, 256);
  auto segs = flow(4, 1000);
  test::TcpSpec other_ack;
  other_ack.options = test::timestampOption(1000, 2000);
  other_ack.payload = 1000;
  other_ack.seq = 5000;
  other_ack.ack = 999;  // different ACK number
  auto different = test::tcpPacket(other_ack);
  c.add(segs[0]);
  c.add(segs[2]);  // gap
  c.add(segs[3]);
  c.add(different);
  c.flush();
  ASSERT_EQ(sink.writes.size(), 3u);
  EXPECT_FALSE(sink.writes[0].coalesced);
  EXPECT_TRUE(sink.writes[1].coalesced);
  EXPECT_FALSE(sink.writes[2].coalesced);
}

TEST(TcpCoalescer, NeverMergesSegmentsWithBadChecksums) {
  RecordingSink sink;
  TcpCoalescer c(sink, 256);
  auto segs = flow(3, 1000);
  segs[1][100] ^= 0x01;  // corrupt the payload
  for (auto& s : segs) {
    c.add(s);
  }
  c.flush();
  ASSERT_EQ(sink.writes.size(), 3u);
  EXPECT_EQ(sink.writes[1].packet, segs[1]) << "written as it came, bad checksum and all";
}

TEST(TcpCoalescer, KeepsOrderWithinAFlowAndInterleavesFlows) {
  RecordingSink sink;
  TcpCoalescer c(sink, 256);
  test::TcpSpec b;
  b.sport = 40001;
  auto fa = flow(4, 1000);
  auto fb = flow(4, 1000, b);
  auto udp = test::udpPacket("10.1.0.2", "10.2.0.2", 50);
  test::TcpSpec fin;
  fin.options = test::timestampOption(1000, 2000);
  fin.flags = 0x11;
  fin.seq = 1000 + 2000;
  fin.payload = 0;
  auto fa_fin_mid = test::tcpPacket(fin);  // not mergeable, and it closes A's first group
  c.add(fa[0]);
  c.add(fb[0]);
  c.add(fa[1]);
  c.add(udp);
  c.add(fb[1]);
  c.add(fa_fin_mid);
  c.add(fa[2]);  // must not join A's first group: that would overtake the FIN
  c.add(fa[3]);
  c.flush();
  ASSERT_EQ(sink.writes.size(), 5u);
  EXPECT_EQ(sink.writes[0].packet.size(), 52 + 2000u);  // A 0-1
  EXPECT_EQ(sink.writes[1].packet.size(), 52 + 2000u);  // B 0-1
  EXPECT_EQ(sink.writes[2].packet, udp);
  EXPECT_EQ(sink.writes[3].packet, fa_fin_mid);
  EXPECT_EQ(get32(&sink.writes[4].packet[24]), 3000u);  // A 2-3 after the FIN
  EXPECT_EQ(sink.writes[4].packet.size(), 52 + 2000u);
}

TEST(TcpCoalescer, LimitsSuperPacketsTo64KiB) {
  RecordingSink sink;
  TcpCoalescer c(sink, 256);
  auto segs = flow(60, 1400);
  for (auto& s : segs) {
    c.add(s);
  }
  c.flush();
  size_t payload = 0;
  for (const Written& w : sink.writes) {
    EXPECT_LE(w.packet.size(), 65535u);
    payload += w.packet.size() - 52;
  }
  EXPECT_EQ(payload, 60u * 1400);
  EXPECT_EQ(sink.writes.size(), 2u);
}

TEST(TcpCoalescer, WithoutMergingEveryPacketGoesAlone) {
  RecordingSink sink;
  TcpCoalescer c(sink, 256, /*merge=*/false);
  auto segs = flow(5, 1000);
  for (auto& s : segs) {
    c.add(s);
  }
  c.flush();
  ASSERT_EQ(sink.writes.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(sink.writes[i].packet, segs[i]);
    EXPECT_EQ(sink.writes[i].hdr.gso_type, kVnetGsoNone);
  }
}

TEST(TcpCoalescer, FlushesOnItsOwnWhenFull) {
  RecordingSink sink;
  TcpCoalescer c(sink, 4);
  auto segs = flow(10, 100);
  for (auto& s : segs) {
    c.add(s);
  }
  EXPECT_LE(c.pending(), 4u);
  c.flush();
  size_t payload = 0;
  for (const Written& w : sink.writes) {
    payload += w.packet.size() - 52;
  }
  EXPECT_EQ(payload, 1000u);
}

}  // namespace
}  // namespace vpngw::dataplane::userspace
