// Batched sending on a real UDP socket over the loopback: equal-size ESP-in-UDP datagrams go
// out as one UDP GSO send and arrive as the individual datagrams they were.
#include "dataplane/userspace/tx_batch.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include "base/unique_fd.h"
#include "dataplane/userspace/counters.h"

namespace vpngw::dataplane::userspace {
namespace {

struct Loopback {
  UniqueFd tx{::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)};
  UniqueFd rx{::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)};
  Endpoint rx_at;

  Loopback() {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(rx.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
    socklen_t len = sizeof sa;
    EXPECT_EQ(::getsockname(rx.get(), reinterpret_cast<sockaddr*>(&sa), &len), 0);
    rx_at = {Ipv4{ntohl(sa.sin_addr.s_addr)}, ntohs(sa.sin_port)};
  }

  std::vector<std::vector<uint8_t>> receive(size_t expected) {
    std::vector<std::vector<uint8_t>> out;
    while (out.size() < expected) {
      pollfd p{rx.get(), POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0) {
        break;
      }
      std::vector<uint8_t> buf(70000);
      ssize_t n = ::recv(rx.get(), buf.data(), buf.size(), 0);
      if (n < 0) {
        break;
      }
      buf.resize(static_cast<size_t>(n));
      out.push_back(std::move(buf));
    }
    return out;
  }
};

void queue(TxBatch& tx, const Destination& d, size_t len, uint8_t tag) {
  std::span<uint8_t> b = tx.buffer();
  ASSERT_GE(b.size(), len);
  for (size_t i = 0; i < len; ++i) {
    b[i] = static_cast<uint8_t>(tag + i);
  }
  tx.commit(d, len);
}

void expectPattern(const std::vector<uint8_t>& got, size_t len, uint8_t tag) {
  ASSERT_EQ(got.size(), len);
  for (size_t i = 0; i < len; ++i) {
    ASSERT_EQ(got[i], static_cast<uint8_t>(tag + i)) << i;
  }
}

TEST(TxBatch, EqualSizeDatagramsGoAsOneGsoSend) {
  Loopback lo;
  CounterSet counters;
  TxBatch tx(counters, 64, 2048, /*udp_gso=*/true);
  Destination d{lo.tx.get(), lo.rx_at, true};
  for (uint8_t i = 0; i < 10; ++i) {
    queue(tx, d, 1444, i);
  }
  queue(tx, d, 500, 10);   // a shorter last one may end a GSO send
  queue(tx, d, 1444, 11);  // ... and then a new one starts
  tx.flush();
  EXPECT_EQ(tx.pending(), 0u);
  auto got = lo.receive(12);
  ASSERT_EQ(got.size(), 12u);
  for (uint8_t i = 0; i < 10; ++i) {
    expectPattern(got[i], 1444, i);
  }
  expectPattern(got[10], 500, 10);
  expectPattern(got[11], 1444, 11);
  EXPECT_EQ(counters.get(Counter::kSendCalls), 1u) << "one sendmmsg for the whole batch";
  EXPECT_EQ(counters.get(Counter::kUdpGsoSends), 1u);
  EXPECT_EQ(counters.get(Counter::kDroppedSendFailed), 0u);
}

TEST(TxBatch, WithoutGsoEveryDatagramIsItsOwnMessage) {
  Loopback lo;
  CounterSet counters;
  TxBatch tx(counters, 64, 2048, /*udp_gso=*/false);
  Destination d{lo.tx.get(), lo.rx_at, true};
  for (uint8_t i = 0; i < 5; ++i) {
    queue(tx, d, 1000, i);
  }
  tx.flush();
  auto got = lo.receive(5);
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(counters.get(Counter::kSendCalls), 1u);
  EXPECT_EQ(counters.get(Counter::kUdpGsoSends), 0u);
}

TEST(TxBatch, FlushesOnItsOwnWhenTheSlotsRunOut) {
  Loopback lo;
  CounterSet counters;
  TxBatch tx(counters, 4, 2048, true);
  Destination d{lo.tx.get(), lo.rx_at, true};
  for (uint8_t i = 0; i < 10; ++i) {
    queue(tx, d, 100, i);
  }
  tx.flush();
  auto got = lo.receive(10);
  ASSERT_EQ(got.size(), 10u);
  for (uint8_t i = 0; i < 10; ++i) {
    expectPattern(got[i], 100, i);
  }
}

TEST(TxBatch, CountsWhatTheKernelRefuses) {
  CounterSet counters;
  TxBatch tx(counters, 8, 2048, true);
  Destination bad{-1, {Ipv4{0x7f000001}, 9}, true};
  queue(tx, bad, 100, 0);
  queue(tx, bad, 100, 1);
  tx.flush();
  EXPECT_EQ(counters.get(Counter::kDroppedSendFailed), 2u);
}

TEST(Counters, SummarizeSumsEverySetWithStableNames) {
  CounterSet a;
  CounterSet b;
  a.add(Counter::kPacketsIn, 3);
  b.add(Counter::kPacketsIn, 4);
  b.add(esp::PacketError::kAuthFailed);
  auto all = summarize({&a, &b});
  std::map<std::string, uint64_t> m(all.begin(), all.end());
  EXPECT_EQ(m.size(), all.size()) << "names are unique";
  EXPECT_EQ(m["packets_in"], 7u);
  EXPECT_EQ(m["dropped_auth_failed"], 1u);
  EXPECT_EQ(m["dropped_selector_violation"], 0u);
  EXPECT_EQ(m.count("dropped_none"), 0u);
  EXPECT_EQ(all.front().first, "packets_out");
}

}  // namespace
}  // namespace vpngw::dataplane::userspace
