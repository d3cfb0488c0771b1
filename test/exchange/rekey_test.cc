// CHILD SA rekeying (RFC 7296 §1.3.3, §2.8): before the lifetime ends, make-before-break, with
// and without PFS, and the simultaneous-rekey collision settled by the nonce rule (§2.8.1).
#include <gtest/gtest.h>

#include <set>

#include "exchange/exchange_harness.h"
#include "wire/ikev2_message.h"

namespace vpngw::ike::testing {
namespace {

TunnelSpec shortLived(std::optional<uint16_t> pfs = 2) {
  TunnelSpec s;
  s.ipsec.lifetime = std::chrono::seconds(100);
  s.ipsec.pfs_group = pfs;
  s.dpd.enabled = false;
  return s;
}

// Every outbound SA of one side has its inbound partner on the other side, with equal keys.
::testing::AssertionResult pairsMatch(const Side& from, const Side& to) {
  if (from.out.installed.empty()) {
    return ::testing::AssertionFailure() << "no CHILD SA installed";
  }
  for (const auto& [spi, sa] : from.out.installed) {
    auto it = to.out.installed.find(sa.out.spi);
    if (it == to.out.installed.end()) {
      return ::testing::AssertionFailure() << "outbound SPI " << sa.out.spi << " has no partner";
    }
    if (it->second.in.encr_key != sa.out.encr_key || it->second.in.integ_key != sa.out.integ_key) {
      return ::testing::AssertionFailure() << "keys differ for SPI " << sa.out.spi;
    }
  }
  return ::testing::AssertionSuccess();
}

std::set<uint32_t> spis(const Side& s) {
  std::set<uint32_t> out;
  for (const auto& [spi, sa] : s.out.installed) {
    out.insert(spi);
  }
  return out;
}

void runRekey(std::optional<uint16_t> pfs) {
  Exchange x;
  TunnelSpec a = shortLived(pfs);
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  x.deliver();
  auto first = spis(x.a);
  ASSERT_EQ(first.size(), 1u);
  // Make-before-break: at every step each side's outbound SAs have their inbound partner.
  for (int i = 0; i < 1000; ++i) {
    x.advance(100ms);
    ASSERT_TRUE(pairsMatch(x.a, x.b)) << "at " << i * 100 << " ms";
    ASSERT_TRUE(pairsMatch(x.b, x.a)) << "at " << i * 100 << " ms";
  }
  auto after = spis(x.a);
  EXPECT_EQ(after.size(), 1u) << "the old SA must be deleted after the rekey";
  EXPECT_NE(after, first);
  EXPECT_GE(x.a.tunnel().rekeys + x.b.tunnel().rekeys, 2u);
  EXPECT_EQ(x.a.tunnel().status, ConnectionStatus::Connected);
  EXPECT_EQ(x.a.tunnel().child_sas.size(), 1u);
  EXPECT_EQ(x.b.tunnel().child_sas.size(), 1u);
}

TEST(ChildRekey, BeforeLifetimeWithPfs) { runRekey(14); }
TEST(ChildRekey, BeforeLifetimeWithoutPfs) { runRekey(std::nullopt); }

TEST(ChildRekey, SimultaneousRekeysSettleOnOnePair) {
  Exchange x;
  TunnelSpec a = shortLived();
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  x.deliver();
  // Hold back whichever rekey request comes first until the other side has sent its own, so
  // both are in flight at once.
  RequestCrosser crosser(x);
  // Each side rekeys at 85-90 s of the 100 s lifetime, so the second request comes within
  // 5 s of the first, before the first one's retransmissions give up (11 s).
  x.advance(100s, 100ms, crosser.filter());
  ASSERT_TRUE(crosser.held());
  ASSERT_TRUE(crosser.crossed()) << "the other side never rekeyed while the first request was held";
  EXPECT_TRUE(pairsMatch(x.a, x.b));
  EXPECT_TRUE(pairsMatch(x.b, x.a));
  EXPECT_EQ(x.a.out.installed.size(), 1u) << "exactly one SA pair survives the collision";
  EXPECT_EQ(x.b.out.installed.size(), 1u);
  EXPECT_EQ(x.a.tunnel().status, ConnectionStatus::Connected);
}

// The side that answers a CHILD SA rekey keeps sending on the old SA until the initiator,
// which installs the new SA only when it reads the answer, deletes the old one.
TEST(ChildRekey, AnsweringSideDefersOutboundToTheNewSa) {
  Exchange x;
  TunnelSpec a = shortLived();
  TunnelSpec b = mirror(a);
  b.ipsec.lifetime = std::chrono::seconds(86400);  // only A rekeys
  b.initiator = false;
  x.load(a, b);
  x.deliver();
  ASSERT_EQ(x.b.out.installed.size(), 1u);
  EXPECT_FALSE(x.b.out.installed.begin()->second.outbound_after_peer) << "a new SA, no rekey";
  const auto first_b = spis(x.b);
  x.advance(95s);
  ASSERT_EQ(x.b.out.installed.size(), 1u) << "the old SA was deleted";
  const auto& [spi_b, sa_b] = *x.b.out.installed.begin();
  EXPECT_EQ(first_b.count(spi_b), 0u);
  EXPECT_TRUE(sa_b.outbound_after_peer) << "B answered the rekey";
  ASSERT_EQ(x.a.out.installed.size(), 1u);
  EXPECT_FALSE(x.a.out.installed.begin()->second.outbound_after_peer) << "A initiated it";
}

// After a rekey the old SA leaves the outbound path at once on both sides but keeps decrypting
// for kRetiredChildGrace (a peer such as strongSwan's libipsec sends on it until its own Delete
// exchange ends), then it is removed.
TEST(ChildRekey, ReplacedSaDecryptsForAGracePeriod) {
  Exchange x;
  TunnelSpec a = shortLived();
  TunnelSpec b = mirror(a);
  b.ipsec.lifetime = std::chrono::seconds(86400);  // only A rekeys
  b.initiator = false;
  x.load(a, b);
  x.deliver();
  const auto first_a = spis(x.a);
  const auto first_b = spis(x.b);
  // Step until the rekey has happened on both sides.
  for (int i = 0; i < 1000 && (spis(x.a) == first_a || spis(x.b) == first_b); ++i) {
    x.advance(100ms, 100ms);
  }
  ASSERT_NE(spis(x.a), first_a);
  ASSERT_NE(spis(x.b), first_b);
  EXPECT_EQ(x.a.out.retired, first_a) << "the initiator of the rekey keeps its old inbound SA";
  EXPECT_EQ(x.b.out.retired, first_b) << "so does the side that answered";
  EXPECT_EQ(x.a.tunnel().child_sas.size(), 1u) << "a retired SA is not shown";
  x.advance(kRetiredChildGrace + 200ms);
  EXPECT_TRUE(x.a.out.retired.empty());
  EXPECT_TRUE(x.b.out.retired.empty());
  EXPECT_EQ(x.a.out.installed.size(), 1u);
  EXPECT_EQ(x.b.out.installed.size(), 1u);
}

// A CHILD SA that is deleted without a successor (here: the tunnel's IKE SA is torn down) is
// removed at once, not retired.
TEST(ChildRekey, DeletedSaWithoutSuccessorIsRemovedAtOnce) {
  Exchange x;
  TunnelSpec a = shortLived();
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  x.deliver();
  ASSERT_EQ(x.b.out.installed.size(), 1u);
  x.a.engine.shutdown(x.now);
  x.deliver();
  EXPECT_TRUE(x.a.out.installed.empty());
  EXPECT_TRUE(x.b.out.installed.empty());
  EXPECT_TRUE(x.a.out.retired.empty());
  EXPECT_TRUE(x.b.out.retired.empty());
}

// A traffic-volume lifetime: the CHILD SA is rekeyed once 90% of it has been carried (long
// before its time lifetime), and an SA that reaches 100% without a rekey is dropped.
TEST(ChildRekey, VolumeLifetimeTriggersRekeyAtNinetyPercent) {
  Exchange x;
  TunnelSpec a;
  a.ipsec.lifetime_kilobytes = 1024;  // 1 MiB
  a.dpd.enabled = false;
  TunnelSpec b = mirror(a);
  b.ipsec.lifetime_kilobytes = 0;  // only A counts volume
  b.initiator = false;
  x.load(a, b);
  x.deliver();
  auto first = spis(x.a);
  ASSERT_EQ(first.size(), 1u);
  const uint32_t spi = *first.begin();
  x.a.out.bytes[spi] = 900 * 1024;  // 88%: below the soft limit
  x.advance(3s);
  EXPECT_EQ(spis(x.a), first) << "no rekey below 90%";
  x.a.out.bytes[spi] = 950 * 1024;  // 93%
  x.advance(3s);
  auto after = spis(x.a);
  ASSERT_EQ(after.size(), 1u) << "the old SA is deleted after the rekey";
  EXPECT_NE(*after.begin(), spi);
  EXPECT_TRUE(pairsMatch(x.a, x.b));
  EXPECT_TRUE(pairsMatch(x.b, x.a));
  EXPECT_EQ(x.a.engine.status()[0].rekeys, 1u);
  // The new SA starts from zero bytes: no further rekey.
  x.advance(5s);
  EXPECT_EQ(spis(x.a), after);
}

TEST(ChildRekey, VolumeLifetimeHardLimitDropsTheSa) {
  Exchange x;
  TunnelSpec a;
  a.ipsec.lifetime_kilobytes = 1024;
  a.dpd.enabled = false;
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  x.deliver();
  auto first = spis(x.a);
  ASSERT_EQ(first.size(), 1u);
  const uint32_t spi = *first.begin();
  // The SA crosses the hard limit between two checks (no soft-limit rekey happened).
  x.a.out.bytes[spi] = 1024 * 1024;
  x.advance(2s);
  EXPECT_EQ(x.a.out.installed.count(spi), 0u) << "the SA whose keys carried the limit is gone";
  for (const auto& [peer_spi, peer_sa] : x.b.out.installed) {
    EXPECT_NE(peer_sa.out.spi, spi) << "the peer deleted its half too";
  }
}

}  // namespace
}  // namespace vpngw::ike::testing
