// Traps (DPD action hold): a tunnel without an SA keeps attracting its traffic; the first
// packets raise one acquire per second towards the control plane and are dropped, counted;
// an SA, when there is one, always wins over the trap.
#include <gtest/gtest.h>
#include <poll.h>

#include <atomic>
#include <thread>

#include "dataplane/userspace/acquire_queue.h"
#include "dataplane/userspace/packet_path.h"
#include "dataplane/userspace/route_manager.h"
#include "dataplane/userspace/tables.h"
#include "dataplane/userspace/trap_set.h"
#include "fake_routes.h"
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

TEST(AcquireQueue, StaysPendingUntilTakenEvenAfterTheInterval) {
  auto q = AcquireQueue::create();
  ASSERT_TRUE(q.ok());
  AcquireQueue& queue = **q;
  EXPECT_TRUE(queue.raise("t1", 0));
  EXPECT_FALSE(queue.raise("t1", 5000)) << "the control loop has not taken the first yet";
  std::vector<std::string> got;
  queue.take(got);
  EXPECT_EQ(got, std::vector<std::string>{"t1"});
  EXPECT_TRUE(queue.raise("t1", 5000));
}

TEST(AcquireQueue, BoundedAndARefusedTunnelIsNotRateLimited) {
  auto q = AcquireQueue::create();
  ASSERT_TRUE(q.ok());
  AcquireQueue& queue = **q;
  for (size_t i = 0; i < AcquireQueue::kCapacity; ++i) {
    ASSERT_TRUE(queue.raise("t" + std::to_string(i), 0));
  }
  EXPECT_FALSE(queue.raise("late", 0)) << "full";
  std::vector<std::string> got;
  queue.take(got);
  EXPECT_EQ(got.size(), AcquireQueue::kCapacity);
  EXPECT_EQ(got.front(), "t0");
  EXPECT_EQ(got.back(), "t" + std::to_string(AcquireQueue::kCapacity - 1));
  EXPECT_TRUE(queue.raise("late", 1)) << "refused while full: nothing was remembered for it";
}

TEST(AcquireQueue, ForgetsExpiredTunnelsWithoutLooseningTheLimit) {
  auto q = AcquireQueue::create();
  ASSERT_TRUE(q.ok());
  AcquireQueue& queue = **q;
  std::vector<std::string> got;
  for (size_t i = 0; i < AcquireQueue::kCapacity; ++i) {
    ASSERT_TRUE(queue.raise("t" + std::to_string(i), 0));
  }
  queue.take(got);
  EXPECT_TRUE(queue.raise("recent", 600));
  queue.take(got);
  EXPECT_EQ(queue.remembered(), AcquireQueue::kCapacity + 1) << "nothing expired yet at 600";
  EXPECT_TRUE(queue.raise("now", 1000));
  queue.take(got);
  EXPECT_EQ(queue.remembered(), 2u) << "the tunnels of time 0 are past their interval";
  EXPECT_FALSE(queue.raise("recent", 1500)) << "still within its second";
  EXPECT_TRUE(queue.raise("t0", 1500)) << "forgotten, and allowed anyway";
}

TEST(AcquireQueue, ConcurrentWorkersRaiseOnce) {
  auto q = AcquireQueue::create();
  ASSERT_TRUE(q.ok());
  AcquireQueue& queue = **q;
  std::atomic<int> raised{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (queue.raise("t1", 100 + i % 500)) {
          raised.fetch_add(1);
        }
      }
    });
  }
  for (auto& t : workers) {
    t.join();
  }
  EXPECT_EQ(raised.load(), 1);
  std::vector<std::string> got;
  queue.take(got);
  EXPECT_EQ(got, std::vector<std::string>{"t1"});
}

TEST(Traps, AnSaCoversOnlyItsOwnSelectors) {
  // t1 has an SA for 10.2.0.0/24; t2 (another tunnel from the same LAN) is trapped.
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Sha1(), false);
  test::Side a(a_sa);
  auto q = AcquireQueue::create();
  ASSERT_TRUE(q.ok());
  a.ctx.acquires = q->get();
  a.tables =
      std::make_shared<Tables>(2, a.tables->sas(), a.tables->nattSockets(),
                               std::vector<Trap>{trapFor("t2", "10.1.0.0/24", "10.5.0.0/24")});
  a.fromTun(test::udpPacket("10.1.0.2", "10.2.0.2", 64));
  a.fromTun(test::udpPacket("10.1.0.2", "10.5.0.2", 64));
  EXPECT_EQ(a.out.sent.size(), 1u);
  EXPECT_EQ(a.counters.get(Counter::kDroppedAcquire), 1u);
  std::vector<std::string> got;
  (*q)->take(got);
  EXPECT_EQ(got, std::vector<std::string>{"t2"});
}

TEST(Traps, WithoutAnAcquireQueueTrappedPacketsAreStillDropped) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Sha1(), false);
  test::Side a(a_sa);
  a.tables = std::make_shared<Tables>(
      2, std::vector<std::shared_ptr<SaState>>{}, std::vector<NattSocket>{},
      std::vector<Trap>{trapFor("t1", "10.1.0.0/24", "10.2.0.0/24")});
  a.fromTun(test::udpPacket("10.1.0.2", "10.2.0.2", 64));
  EXPECT_TRUE(a.out.sent.empty());
  EXPECT_EQ(a.counters.get(Counter::kDroppedAcquire), 1u);
  EXPECT_EQ(a.counters.get(Counter::kAcquiresRaised), 0u);
}

// The userspace backend's setTraps(): TrapSet over the route manager, as the backend holds it.
class TrapRoutes : public ::testing::Test {
 protected:
  std::shared_ptr<SaState> sa() {
    auto [a_sa, b_sa] = test::childSaPair(test::aes128Sha1(), false);
    a_sa.route_source = Ipv4::parse("10.1.0.1");
    auto s = SaState::create(a_sa, 1);
    EXPECT_TRUE(s.ok());
    return std::move(*s);
  }
  static Trap trap(const std::string& tunnel, const char* remote) {
    Trap t = trapFor(tunnel, "10.1.0.0/24", remote);
    t.route_source = Ipv4::parse("10.1.0.1");
    return t;
  }
  test::FakeRoutes ops;
  NullLogger logger;
  RouteManager routes{ops, 5, logger};
  TrapSet traps;
};

TEST_F(TrapRoutes, ARouteStaysWhileTheTrapHoldsItAfterTheSaGoes) {
  auto s = sa();
  routes.acquire(s->routes(), s->routeSource());  // install()
  EXPECT_TRUE(traps.replace({trap("t1", "10.2.0.0/24")}, routes));
  EXPECT_EQ(ops.log, std::vector<std::string>{"add 10.2.0.0/24 src 10.1.0.1"});
  routes.release(s->routes());  // remove(): DPD declared the peer dead
  EXPECT_TRUE(routes.has(*Subnet::parse("10.2.0.0/24")));
  EXPECT_EQ(ops.log.size(), 1u) << "no route removed";
  routes.acquire(s->routes(), s->routeSource());  // renegotiated on traffic
  EXPECT_EQ(ops.log.size(), 1u);
  EXPECT_TRUE(traps.replace({}, routes));  // the tunnel's action changed: no trap
  EXPECT_TRUE(routes.has(*Subnet::parse("10.2.0.0/24"))) << "the SA still holds it";
  routes.release(s->routes());
  EXPECT_EQ(ops.log.back(), "del 10.2.0.0/24");
  EXPECT_EQ(routes.size(), 0u);
}

TEST_F(TrapRoutes, ATrapAloneRoutesItsSubnetsUntilRemoved) {
  EXPECT_TRUE(traps.replace({trap("t1", "10.2.0.0/24")}, routes));
  EXPECT_EQ(ops.log, std::vector<std::string>{"add 10.2.0.0/24 src 10.1.0.1"});
  EXPECT_EQ(traps.traps().size(), 1u);
  EXPECT_TRUE(traps.replace({}, routes));
  EXPECT_EQ(ops.log.back(), "del 10.2.0.0/24");
  EXPECT_EQ(routes.size(), 0u);
  EXPECT_TRUE(traps.traps().empty());
}

TEST_F(TrapRoutes, ReplacingKeepsSharedRoutesAndIgnoresAnUnchangedSet) {
  EXPECT_TRUE(traps.replace({trap("t1", "10.2.0.0/24"), trap("t2", "10.3.0.0/24")}, routes));
  ASSERT_EQ(ops.log.size(), 2u);
  EXPECT_FALSE(traps.replace({trap("t1", "10.2.0.0/24"), trap("t2", "10.3.0.0/24")}, routes));
  EXPECT_EQ(ops.log.size(), 2u) << "the same configuration again: nothing touched";
  // t1 goes, t3 comes: 10.3.0.0/24 (t2's) is never removed in between.
  EXPECT_TRUE(traps.replace({trap("t2", "10.3.0.0/24"), trap("t3", "10.4.0.0/24")}, routes));
  EXPECT_EQ(ops.log, (std::vector<std::string>{"add 10.2.0.0/24 src 10.1.0.1",
                                               "add 10.3.0.0/24 src 10.1.0.1",
                                               "add 10.4.0.0/24 src 10.1.0.1", "del 10.2.0.0/24"}));
  EXPECT_EQ(routes.size(), 2u);
  // The data path sees the replaced set: t1's traffic is no longer trapped, t3's is.
  Tables t(1, {}, {}, traps.traps());
  EXPECT_EQ(t.trapped(*Ipv4::parse("10.1.0.5"), *Ipv4::parse("10.2.0.9")), nullptr);
  const std::string* hit = t.trapped(*Ipv4::parse("10.1.0.5"), *Ipv4::parse("10.4.0.9"));
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(*hit, "t3");
}

}  // namespace
}  // namespace vpngw::dataplane::userspace
