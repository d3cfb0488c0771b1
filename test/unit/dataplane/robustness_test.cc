// Garbage in, counters out: random and mutated packets on every entry point of the packet
// path never crash (the sanitizer build checks every access) and are all counted as drops.
#include <gtest/gtest.h>

#include <random>

#include "dataplane/userspace/packet_path.h"
#include "packet_builder.h"
#include "tunnel_fixture.h"

namespace vpngw::dataplane::userspace {
namespace {

using test::Side;

uint64_t totalDrops(const CounterSet& c) {
  uint64_t n = 0;
  for (size_t i = static_cast<size_t>(Counter::kDroppedNoPolicy); i < kCounterCount; ++i) {
    n += c.get(static_cast<Counter>(i));
  }
  for (size_t i = 1; i < esp::kPacketErrorCount; ++i) {
    n += c.get(static_cast<esp::PacketError>(i));
  }
  return n;
}

TEST(Robustness, RandomAndMutatedInboundPackets) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Sha1(), true);
  Side a(a_sa);
  Side b(b_sa, /*vnet_hdr=*/true);
  for (int i = 0; i < 20; ++i) {
    a.fromTun(test::tcpPacket(static_cast<size_t>(100 + i * 50)));
  }
  std::mt19937 rng(1234);
  size_t fed = 0;
  for (int round = 0; round < 4000; ++round) {
    std::vector<uint8_t> p;
    if (round % 2 == 0) {
      // A genuine packet with a few bytes flipped, truncated or extended.
      p = a.out.sent[rng() % a.out.sent.size()].bytes;
      for (int k = 0; k < 1 + static_cast<int>(rng() % 3); ++k) {
        p[rng() % p.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
      }
      if (rng() % 4 == 0) {
        p.resize(rng() % (p.size() + 1));
      }
    } else {
      p.resize(rng() % 200);
      for (auto& x : p) {
        x = static_cast<uint8_t>(rng());
      }
      if (p.size() >= 4 && rng() % 2 == 0) {
        test::set32(p.data(), 0xa1a1a1a1);  // our SPI: reaches the transforms
      }
    }
    TcpCoalescer tun(b.tun, 64);
    std::vector<uint8_t> ip = p;
    processInboundEsp(*b.tables, b.ctx, p, tun);
    processInboundRawEsp(*b.tables, b.ctx, ip, tun);
    std::vector<uint8_t> ah = ip;
    processInboundAh(*b.tables, b.ctx, ah, tun);
    tun.flush();
    fed += 3;
  }
  // Flipping bytes can leave a packet intact only where nothing checks them; nearly all are
  // refused, and every refusal is counted.
  EXPECT_GE(totalDrops(b.counters) + b.counters.get(Counter::kPacketsIn), fed - 10);
  EXPECT_LE(b.counters.get(Counter::kPacketsIn), 10u);
}

TEST(Robustness, RandomReadsFromTheTun) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Gcm(), false);
  Side a(a_sa, /*vnet_hdr=*/true);
  std::mt19937 rng(99);
  for (int round = 0; round < 4000; ++round) {
    VnetHdr h;
    h.flags = static_cast<uint8_t>(rng() % 4);
    h.gso_type = static_cast<uint8_t>(rng() % 2 == 0 ? kVnetGsoTcpv4 : rng() % 256);
    h.hdr_len = static_cast<uint16_t>(rng() % 100);
    h.gso_size = static_cast<uint16_t>(rng() % 1500);
    h.csum_start = static_cast<uint16_t>(rng() % 200);
    h.csum_offset = static_cast<uint16_t>(rng() % 40);
    std::vector<uint8_t> p;
    if (rng() % 2 == 0) {
      p = test::tcpPacket(rng() % 3000);
      p[rng() % p.size()] = static_cast<uint8_t>(rng());
    } else {
      p.resize(rng() % 300);
      for (auto& x : p) {
        x = static_cast<uint8_t>(rng());
      }
    }
    a.fromTunWithHdr(h, p);
    a.out.sent.clear();
  }
  SUCCEED() << "no crash; drops counted: " << totalDrops(a.counters);
  EXPECT_GT(totalDrops(a.counters), 1000u);
}

}  // namespace
}  // namespace vpngw::dataplane::userspace
