// IKE SA rekeying (RFC 7296 §1.3.2, §2.8.2): the CHILD SAs move to the new IKE SA untouched,
// later work (CHILD SA rekeys, liveness checks) runs on the new SA, and simultaneous rekeys
// settle on one IKE SA.
#include <gtest/gtest.h>

#include "exchange/exchange_harness.h"
#include "wire/ikev2_message.h"

namespace vpngw::ike::testing {
namespace {

TunnelSpec ikeShortLived() {
  TunnelSpec s;
  s.ike.lifetime = std::chrono::seconds(100);
  s.ipsec.lifetime = std::chrono::seconds(1000);
  s.dpd.enabled = false;
  return s;
}

void expectSameIkeSa(const Exchange& x) {
  auto a = x.a.tunnel();
  auto b = x.b.tunnel();
  ASSERT_TRUE(a.ike_sa && b.ike_sa);
  EXPECT_EQ(a.ike_sa->spi_i, b.ike_sa->spi_i);
  EXPECT_EQ(a.ike_sa->spi_r, b.ike_sa->spi_r);
}

TEST(IkeRekey, ChildSasMoveUntouched) {
  Exchange x;
  TunnelSpec a = ikeShortLived();
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  x.deliver();
  auto before = x.a.tunnel().ike_sa->spi_i;
  int installs_a = x.a.out.installs;
  int installs_b = x.b.out.installs;
  x.advance(100s);
  auto sa = x.a.tunnel();
  ASSERT_EQ(sa.status, ConnectionStatus::Connected);
  EXPECT_NE(sa.ike_sa->spi_i, before) << "the IKE SA must have been rekeyed";
  expectSameIkeSa(x);
  EXPECT_GE(sa.rekeys + x.b.tunnel().rekeys, 2u);
  // The CHILD SAs were neither removed nor installed again.
  EXPECT_EQ(x.a.out.installs, installs_a);
  EXPECT_EQ(x.b.out.installs, installs_b);
  EXPECT_EQ(x.a.out.removals, 0);
  EXPECT_EQ(x.b.out.removals, 0);
  EXPECT_EQ(sa.child_sas.size(), 1u);
  // And the new IKE SA works: another rekey later, also of the CHILD SA, over it.
  x.advance(100s);
  EXPECT_EQ(x.a.tunnel().status, ConnectionStatus::Connected);
  expectSameIkeSa(x);
}

TEST(IkeRekey, ChildRekeyAndLivenessRunOnTheNewIkeSa) {
  Exchange x;
  TunnelSpec a = ikeShortLived();
  a.ipsec.lifetime = std::chrono::seconds(150);
  a.dpd.enabled = true;
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  x.deliver();
  auto child_before = x.a.out.installed.begin()->first;
  x.advance(160s);
  auto s = x.a.tunnel();
  ASSERT_EQ(s.status, ConnectionStatus::Connected);
  ASSERT_EQ(x.a.out.installed.size(), 1u);
  EXPECT_NE(x.a.out.installed.begin()->first, child_before) << "CHILD SA rekeyed";
  EXPECT_GT(x.a.engine.counters().dpd_checks, 5u);
  EXPECT_EQ(s.dpd_failures, 0u);
  expectSameIkeSa(x);
}

TEST(IkeRekey, SimultaneousRekeysSettleOnOneIkeSa) {
  Exchange x;
  TunnelSpec a = ikeShortLived();
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  x.deliver();
  RequestCrosser crosser(x);
  x.advance(100s, 100ms, crosser.filter());
  ASSERT_TRUE(crosser.crossed()) << "the two rekeys did not cross";
  auto sa = x.a.tunnel();
  ASSERT_EQ(sa.status, ConnectionStatus::Connected);
  expectSameIkeSa(x);
  EXPECT_EQ(x.a.out.installed.size(), 1u);
  EXPECT_EQ(x.b.out.installed.size(), 1u);
  // The loser's and the old IKE SA are gone; further exchanges work on the survivor.
  x.advance(50s);
  expectSameIkeSa(x);
  EXPECT_EQ(x.a.tunnel().status, ConnectionStatus::Connected);
}

}  // namespace
}  // namespace vpngw::ike::testing
