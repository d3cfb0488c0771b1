// Traps (DPD action hold): a tunnel without an SA keeps attracting its traffic; the first
// packets raise one acquire per second towards the control plane and are dropped, counted;
// an SA, when there is one, always wins over the trap.
#include <gtest/gtest.h>
#include <poll.h>

#include "dataplane/userspace/acquire_queue.h"
#include "dataplane/userspace/packet_path.h"
#include "dataplane/userspace/tables.h"
#include "packet_builder.h"
#include "tunnel_fixture.h"

namespace vpngw::dataplane::userspace {
namespace {

Trap trapFor(const std::string& tunnel, const char* local, const char* remote) {
  Trap t;
  t.tunnel = tunnel;
  if (local != nullptr) {
    t.local = test::ranges({local});
  }
  t.remote = test::ranges({remote});
  t.routes = {*Subnet::parse(remote)};
  return t;
}

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

TEST(AcquireQueue, OnePerTunnelPerIntervalAndEachOnceUntilTaken) {
  auto q = AcquireQueue::create();
  ASSERT_TRUE(q.ok());
  AcquireQueue& queue = **q;
  EXPECT_FALSE(readable(queue.fd()));
  EXPECT_TRUE(queue.raise("t1", 1000));
  EXPECT_FALSE(queue.raise("t1", 1500));  // within the second
  EXPECT_TRUE(queue.raise("t2", 1500));
  EXPECT_TRUE(readable(queue.fd()));
  std::vector<std::string> got;
  queue.take(got);
  EXPECT_EQ(got, (std::vector<std::string>{"t1", "t2"}));
  EXPECT_FALSE(readable(queue.fd()));
  EXPECT_FALSE(queue.raise("t1", 1999));
  EXPECT_TRUE(queue.raise("t1", 2000));  // a second later: again
  got.clear();
  queue.take(got);
  EXPECT_EQ(got, std::vector<std::string>{"t1"});
}

TEST(Traps, TablesMatchTrapsBySelectors) {
  Tables t(
      1, {}, {},
      {trapFor("policy", "10.1.0.0/24", "10.2.0.0/24"), trapFor("route", nullptr, "10.7.0.0/16")});
  const std::string* hit = t.trapped(*Ipv4::parse("10.1.0.5"), *Ipv4::parse("10.2.0.9"));
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(*hit, "policy");
  EXPECT_EQ(t.trapped(*Ipv4::parse("10.9.0.5"), *Ipv4::parse("10.2.0.9")), nullptr);  // source
  hit = t.trapped(*Ipv4::parse("172.16.0.1"), *Ipv4::parse("10.7.3.4"));  // route mode: any source
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(*hit, "route");
  EXPECT_EQ(t.trapped(*Ipv4::parse("10.1.0.5"), *Ipv4::parse("10.3.0.1")), nullptr);
}

TEST(Traps, TrappedPacketsRaiseOneAcquireAndAreCounted) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Sha1(), false);
  test::Side a(a_sa);
  auto q = AcquireQueue::create();
  ASSERT_TRUE(q.ok());
  a.ctx.acquires = q->get();
  // No SA at all, a trap for the tunnel's subnets.
  a.tables = std::make_shared<Tables>(
      2, std::vector<std::shared_ptr<SaState>>{}, std::vector<NattSocket>{},
      std::vector<Trap>{trapFor("t1", "10.1.0.0/24", "10.2.0.0/24")});
  for (int i = 0; i < 1000; ++i) {
    a.fromTun(test::udpPacket("10.1.0.2", "10.2.0.2", 64));
  }
  a.fromTun(test::udpPacket("10.1.0.2", "10.3.0.2", 64));  // not the tunnel's
  EXPECT_TRUE(a.out.sent.empty());
  EXPECT_EQ(a.counters.get(Counter::kDroppedAcquire), 1000u);
  EXPECT_EQ(a.counters.get(Counter::kAcquiresRaised), 1u);
  EXPECT_EQ(a.counters.get(Counter::kDroppedNoPolicy), 1u);
  std::vector<std::string> got;
  (*q)->take(got);
  EXPECT_EQ(got, std::vector<std::string>{"t1"});
  a.ctx.now_ms += 1000;  // a second later, still no SA: asked again
  a.fromTun(test::udpPacket("10.1.0.2", "10.2.0.2", 64));
  EXPECT_EQ(a.counters.get(Counter::kAcquiresRaised), 2u);
}

TEST(Traps, AnSaWinsOverTheTrap) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Sha1(), false);
  test::Side a(a_sa);
  auto q = AcquireQueue::create();
  ASSERT_TRUE(q.ok());
  a.ctx.acquires = q->get();
  auto sas = a.tables->sas();
  a.tables =
      std::make_shared<Tables>(2, sas, a.tables->nattSockets(),
                               std::vector<Trap>{trapFor("t1", "10.1.0.0/24", "10.2.0.0/24")});
  a.fromTun(test::udpPacket("10.1.0.2", "10.2.0.2", 64));
  EXPECT_EQ(a.out.sent.size(), 1u);
  EXPECT_EQ(a.counters.get(Counter::kAcquiresRaised), 0u);
  EXPECT_FALSE(readable((*q)->fd()));
}

TEST(Traps, RecordingBackendRecordsTrapsAndSimulatedAcquires) {
  RecordingBackend b;
  b.setTraps({trapFor("t1", "10.1.0.0/24", "10.2.0.0/24")});
  ASSERT_EQ(b.traps().size(), 1u);
  EXPECT_FALSE(readable(b.acquireReadyFd()));
  b.simulateAcquire("t1");
  b.simulateAcquire("t1");
  EXPECT_TRUE(readable(b.acquireReadyFd()));
  std::vector<std::string> got;
  b.takeAcquires(got);
  EXPECT_EQ(got, std::vector<std::string>{"t1"});
  EXPECT_FALSE(readable(b.acquireReadyFd()));
  b.setTraps({});
  EXPECT_TRUE(b.traps().empty());
}

}  // namespace
}  // namespace vpngw::dataplane::userspace
