// The fast Internet checksum against the naive RFC 1071 reference, for every length up to
// 300 and a few large ones, at every alignment.
#include "dataplane/userspace/checksum.h"

#include <gtest/gtest.h>

#include <random>

#include "packet_builder.h"

namespace vpngw::dataplane::userspace {
namespace {

// The stored (memory order) checksum as the big-endian number a reader of the packet sees.
uint16_t asStored(uint16_t memory_order) {
  uint8_t b[2];
  std::memcpy(b, &memory_order, 2);
  return test::get16(b);
}

TEST(Checksum, MatchesNaiveReferenceForEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::vector<uint8_t> buf(70000 + 8);
  for (auto& b : buf) {
    b = static_cast<uint8_t>(rng());
  }
  std::vector<size_t> lengths;
  for (size_t n = 0; n <= 300; ++n) {
    lengths.push_back(n);
  }
  for (size_t n : {1399u, 1400u, 1500u, 9001u, 65535u, 70000u}) {
    lengths.push_back(n);
  }
  for (size_t align = 0; align < 8; ++align) {
    for (size_t n : lengths) {
      const uint8_t* p = buf.data() + align;
      uint16_t ours = asStored(checksumFinish(checksumAdd(p, n)));
      uint16_t ref = static_cast<uint16_t>(~test::naiveSum(p, n));
      ASSERT_EQ(ours, ref) << "length " << n << " alignment " << align;
    }
  }
}

TEST(Checksum, AllOnesAndAllZeros) {
  std::vector<uint8_t> ones(64, 0xff);
  std::vector<uint8_t> zeros(64, 0);
  EXPECT_EQ(asStored(checksumFinish(checksumAdd(zeros.data(), zeros.size()))), 0xffff);
  EXPECT_EQ(asStored(checksumFold(checksumAdd(ones.data(), ones.size()))), 0xffff);
}

TEST(Checksum, RunningSumsChainAcrossEvenSplits) {
  std::vector<uint8_t> data(1000);
  for (size_t i = 0; i < data.size(); ++i) {
    data[i] = static_cast<uint8_t>(i * 7 + 3);
  }
  uint64_t whole = checksumAdd(data.data(), data.size());
  for (size_t split = 0; split <= data.size(); split += 2) {
    uint64_t parts =
        checksumAdd(data.data() + split, data.size() - split, checksumAdd(data.data(), split));
    ASSERT_EQ(checksumFold(parts), checksumFold(whole)) << split;
  }
}

TEST(Checksum, PseudoHeaderMatchesReference) {
  auto pkt = test::tcpPacket(37);
  uint16_t ours = asStored(checksumFold(pseudoHeaderSum(pkt.data(), 6, 57)));
  uint32_t ref = test::naivePseudo(pkt.data(), 6, 57);
  while (ref > 0xffff) {
    ref = (ref & 0xffff) + (ref >> 16);
  }
  EXPECT_EQ(ours, ref);
}

TEST(Checksum, Ipv4HeaderChecksumVerifies) {
  auto pkt = test::tcpPacket({});
  pkt[10] = 0x12;
  pkt[11] = 0x34;
  setIpv4HeaderChecksum(pkt.data(), 20);
  EXPECT_TRUE(test::ipv4ChecksumOk(pkt.data()));
  // A worked example (192.168.0.1 -> 192.168.0.199, UDP, 115 bytes): checksum b861.
  auto h = *fromHex("450000730000400040110000c0a80001c0a800c7");
  setIpv4HeaderChecksum(h.data(), 20);
  EXPECT_EQ(test::get16(&h[10]), 0xb861);
}

}  // namespace
}  // namespace vpngw::dataplane::userspace
