// The lookup tables: SAD and SPD built from SAs, NAT-T sockets, and snapshots swapped while
// other threads read them (run under ASan/TSan-like conditions by the sanitizer build).
#include "dataplane/userspace/tables.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "packet_builder.h"
#include "tunnel_fixture.h"

namespace vpngw::dataplane::userspace {
namespace {

std::shared_ptr<SaState> makeSa(uint32_t spi_in, std::string_view remote_subnet,
                                bool route_mode = false, bool outbound_after_peer = false) {
  auto [a, b] = test::childSaPair(test::aes128Gcm(), false);
  a.in.spi = spi_in;
  a.outbound_after_peer = outbound_after_peer;
  a.remote_ts = test::ranges({remote_subnet});
  a.routes = {*Subnet::parse(remote_subnet)};
  if (route_mode) {
    a.route_mode = true;
    a.local_ts = test::ranges({"0.0.0.0/0"});
    a.remote_ts = test::ranges({"0.0.0.0/0"});
  }
  auto s = SaState::create(a, 2);
  EXPECT_TRUE(s.ok());
  return std::move(*s);
}

using test::ip;

TEST(Tables, LooksUpByInboundSpiAndBySelectors) {
  auto sa1 = makeSa(0x100, "10.2.0.0/24");
  auto sa2 = makeSa(0x200, "10.3.0.0/24");
  Tables t(3, {sa1, sa2}, {{9, {ip("198.18.1.1"), 4500}}});
  EXPECT_EQ(t.version(), 3u);
  EXPECT_EQ(t.inbound(0x100), sa1.get());
  EXPECT_EQ(t.inbound(0x200), sa2.get());
  EXPECT_EQ(t.inbound(0x300), nullptr);
  EXPECT_EQ(t.outbound(ip("10.1.0.5"), ip("10.3.0.5")), sa2.get());
  EXPECT_EQ(t.outbound(ip("10.1.0.5"), ip("10.4.0.5")), nullptr);
  EXPECT_EQ(t.nattFd(ip("198.18.1.1")), 9);
  EXPECT_EQ(t.nattFd(ip("198.18.1.9")), -1);
}

TEST(Tables, RekeyedSaTakesOverOutboundTraffic) {
  auto old_sa = makeSa(0x100, "10.2.0.0/24");
  auto new_sa = makeSa(0x101, "10.2.0.0/24");
  Tables t(1, {old_sa, new_sa}, {});
  EXPECT_EQ(t.outbound(ip("10.1.0.5"), ip("10.2.0.5")), new_sa.get());
  EXPECT_EQ(t.inbound(0x100), old_sa.get()) << "the old SA still receives until removed";
}

TEST(Tables, AnsweredRekeyWaitsUntilTheOldSaIsGone) {
  auto old_sa = makeSa(0x100, "10.2.0.0/24");
  auto answered = makeSa(0x101, "10.2.0.0/24", false, /*outbound_after_peer=*/true);
  Tables both(1, {old_sa, answered}, {});
  EXPECT_EQ(both.outbound(ip("10.1.0.5"), ip("10.2.0.5")), old_sa.get())
      << "the peer may not have installed the new SA yet";
  EXPECT_EQ(both.inbound(0x101), answered.get()) << "but it receives on it already";
  Tables after_delete(2, {answered}, {});
  EXPECT_EQ(after_delete.outbound(ip("10.1.0.5"), ip("10.2.0.5")), answered.get());
  // An SA installed later without the flag (our own rekey) wins over both.
  auto ours = makeSa(0x102, "10.2.0.0/24");
  Tables three(3, {old_sa, answered, ours}, {});
  EXPECT_EQ(three.outbound(ip("10.1.0.5"), ip("10.2.0.5")), ours.get());
}

TEST(Tables, RetiredSaDecryptsButNeverSends) {
  auto old_sa = makeSa(0x100, "10.2.0.0/24");
  auto answered = makeSa(0x101, "10.2.0.0/24", false, /*outbound_after_peer=*/true);
  Tables t(1, {answered}, {}, {}, {old_sa});
  EXPECT_EQ(t.inbound(0x100), old_sa.get()) << "the peer may still send on the old SA";
  EXPECT_EQ(t.inbound(0x101), answered.get());
  EXPECT_EQ(t.outbound(ip("10.1.0.5"), ip("10.2.0.5")), answered.get())
      << "a retired SA leaves the outbound path, even for an SA that waits for the peer";
  Tables alone(2, {}, {}, {}, {old_sa});
  EXPECT_EQ(alone.outbound(ip("10.1.0.5"), ip("10.2.0.5")), nullptr);
}

// Two rekeys in a row answered by us: the SA that answered the first one must outrank the one
// that answers the second once its predecessor is gone, or we would send on an SA the peer has
// not installed yet.
TEST(Tables, AnsweredRekeyIsPromotedWhenItsPredecessorGoes) {
  auto first = makeSa(0x100, "10.2.0.0/24");
  auto second = makeSa(0x101, "10.2.0.0/24", false, /*outbound_after_peer=*/true);
  auto other_tunnel = makeSa(0x200, "10.3.0.0/24", false, true);
  std::vector<std::shared_ptr<SaState>> sas{second, other_tunnel};
  promoteSuccessors(sas, *first);  // the peer deleted the first SA
  EXPECT_FALSE(second->outboundAfterPeer());
  EXPECT_TRUE(other_tunnel->outboundAfterPeer()) << "other selectors: not its successor";
  auto third = makeSa(0x102, "10.2.0.0/24", false, /*outbound_after_peer=*/true);
  Tables t(2, {second, third}, {});
  EXPECT_EQ(t.outbound(ip("10.1.0.5"), ip("10.2.0.5")), second.get())
      << "the next answered rekey waits for the peer again";
}

TEST(Tables, RouteModeSaIsFoundByItsRoutes) {
  auto sa = makeSa(0x100, "10.9.0.0/16", /*route_mode=*/true);
  Tables t(1, {sa}, {});
  EXPECT_EQ(t.outbound(ip("192.168.1.1"), ip("10.9.1.1")), sa.get());
  EXPECT_EQ(t.outbound(ip("192.168.1.1"), ip("10.8.1.1")), nullptr)
      << "0.0.0.0/0 selectors do not capture everything: the routes decide";
}

TEST(Tables, SnapshotsSwapWhileWorkersRead) {
  TableHolder holder;
  auto sa = makeSa(0x100, "10.2.0.0/24");
  std::weak_ptr<SaState> watch = sa;
  std::atomic<bool> done{false};
  std::atomic<uint64_t> lookups{0};
  std::atomic<int> inconsistent{0};
  auto reader = [&] {
    std::shared_ptr<const Tables> mine = holder.load();
    while (!done.load()) {
      if (holder.version() != mine->version()) {
        mine = holder.load();
      }
      // Odd versions hold the SA, even ones do not: a snapshot is always whole.
      bool has = mine->inbound(0x100) != nullptr;
      bool routed = mine->outbound(ip("10.1.0.1"), ip("10.2.0.1")) != nullptr;
      if (has != (mine->version() % 2 == 1) || routed != has) {
        ++inconsistent;
      }
      ++lookups;
    }
  };
  std::thread r1(reader);
  std::thread r2(reader);
  for (uint64_t v = 1; v <= 2000; ++v) {
    std::vector<std::shared_ptr<SaState>> sas;
    if (v % 2 == 1) {
      sas.push_back(sa);
    }
    holder.publish(std::make_shared<const Tables>(v, sas, std::vector<NattSocket>{}));
  }
  sa.reset();
  while (lookups.load() < 10000) {
    std::this_thread::yield();
  }
  done = true;
  r1.join();
  r2.join();
  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_EQ(holder.version(), 2000u);
  EXPECT_EQ(holder.load()->inbound(0x100), nullptr);
  EXPECT_TRUE(watch.expired()) << "the removed SA (and its keyed contexts) is freed";
}

TEST(SaState, SequenceNumbersAreReservedInBlocks) {
  auto sa = makeSa(0x100, "10.2.0.0/24");
  EXPECT_EQ(sa->reserveSeq(1), 1u);
  EXPECT_EQ(sa->reserveSeq(45), 2u);
  EXPECT_EQ(sa->reserveSeq(1), 47u);
}

TEST(SaState, RefusesBadReplayWindows) {
  auto [a, b] = test::childSaPair(test::aes128Gcm(), false);
  for (uint32_t w : {1u, 63u, 100u, 8192u}) {
    a.replay_window = w;
    EXPECT_FALSE(SaState::create(a, 1).ok()) << w;
  }
  for (uint32_t w : {0u, 64u, 1024u, 4096u}) {
    a.replay_window = w;
    EXPECT_TRUE(SaState::create(a, 1).ok()) << w;
  }
}

TEST(SaState, RefusesUnsupportedAlgorithms) {
  auto [a, b] = test::childSaPair(test::aes128Gcm(), false);
  a.encr_id = 99;
  EXPECT_FALSE(SaState::create(a, 1).ok());
}

TEST(SaState, EsnInferenceWithoutAReplayWindow) {
  auto [a, b] = test::childSaPair(test::aes128Gcm(), false, /*replay_window=*/0);
  a.esn = true;
  auto sa = SaState::create(a, 1);
  ASSERT_TRUE(sa.ok());
  auto s = (*sa)->replayCheck(0xfffffff0);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, 0xfffffff0u);
  EXPECT_EQ((*sa)->replayUpdate(*s), esp::PacketError::kNone);
  auto wrapped = (*sa)->replayCheck(5);
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(*wrapped, 0x100000005u) << "past the 2^32 boundary";
  EXPECT_EQ((*sa)->replayUpdate(*wrapped), esp::PacketError::kNone);
  auto late = (*sa)->replayCheck(0xfffffff8);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(*late, 0xfffffff8u) << "a late packet from before the wrap";
}

TEST(SaState, SelectorCheck) {
  auto sa = makeSa(0x100, "10.2.0.0/24");
  EXPECT_TRUE(sa->selectorsAllow(ip("10.2.0.7"), ip("10.1.0.7")));
  EXPECT_FALSE(sa->selectorsAllow(ip("10.3.0.7"), ip("10.1.0.7")));
  EXPECT_FALSE(sa->selectorsAllow(ip("10.2.0.7"), ip("10.5.0.7")));
}

}  // namespace
}  // namespace vpngw::dataplane::userspace
