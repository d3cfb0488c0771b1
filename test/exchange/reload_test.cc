// Reloading a configuration on a running engine (the API's apply, SIGHUP): unchanged tunnels
// keep their SAs, changed ones reconnect with the new settings, removed ones are deleted on
// both sides; reset tears a tunnel down and renegotiates.
#include <gtest/gtest.h>

#include "exchange/exchange_harness.h"

namespace vpngw::ike::testing {
namespace {

// Site A's configuration with a second tunnel "t2" to the same peer for 10.1.1.0/24 <->
// 10.2.1.0/24 (B is given the mirror).
Config withSecondTunnel(Config c, bool site_a) {
  TunnelConfig t2 = c.tunnels.front();
  t2.name = "t2";
  t2.local_subnets = {*Subnet::parse(site_a ? "10.1.1.0/24" : "10.2.1.0/24")};
  t2.remote_subnets = {*Subnet::parse(site_a ? "10.2.1.0/24" : "10.1.1.0/24")};
  c.tunnels.push_back(t2);
  return c;
}

struct TwoTunnels : ::testing::Test {
  void SetUp() override {
    TunnelSpec spec;
    TunnelSpec other = mirror(spec);
    other.initiator = false;
    cfg_a = withSecondTunnel(siteConfig(kAddrA, kAddrB, spec), true);
    cfg_b = withSecondTunnel(siteConfig(kAddrB, kAddrA, other), false);
    x.b.engine.load(cfg_b, x.now);
    x.a.engine.load(cfg_a, x.now);
    x.deliver();
    ASSERT_EQ(x.a.tunnel("t1").status, ConnectionStatus::Connected);
    ASSERT_EQ(x.a.tunnel("t2").status, ConnectionStatus::Connected);
    t1_spi = x.a.tunnel("t1").ike_sa->spi_i;
    t2_spi = x.a.tunnel("t2").ike_sa->spi_i;
  }
  Exchange x;
  Config cfg_a;
  Config cfg_b;
  uint64_t t1_spi = 0;
  uint64_t t2_spi = 0;
};

TEST_F(TwoTunnels, ReloadingTheSameConfigurationKeepsEverySa) {
  int installs = x.a.out.installs;
  x.a.engine.load(cfg_a, x.now);
  x.deliver();
  EXPECT_EQ(x.a.out.installs, installs);
  EXPECT_EQ(x.a.out.removals, 0);
  EXPECT_EQ(x.a.tunnel("t1").ike_sa->spi_i, t1_spi);
  EXPECT_EQ(x.a.tunnel("t2").ike_sa->spi_i, t2_spi);
  EXPECT_TRUE(x.a.out.sent.empty());
}

TEST_F(TwoTunnels, AChangedTunnelReconnectsWithTheNewSettingsAndTheOtherStays) {
  cfg_a.tunnels[1].remote_subnets.push_back(*Subnet::parse("10.2.2.0/24"));
  cfg_b.tunnels[1].local_subnets.push_back(*Subnet::parse("10.2.2.0/24"));
  x.b.engine.load(cfg_b, x.now);
  x.a.engine.load(cfg_a, x.now);
  x.deliver();
  auto t1 = x.a.tunnel("t1");
  auto t2 = x.a.tunnel("t2");
  ASSERT_EQ(t1.status, ConnectionStatus::Connected);
  ASSERT_EQ(t2.status, ConnectionStatus::Connected) << t2.last_error;
  EXPECT_EQ(t1.ike_sa->spi_i, t1_spi);  // untouched
  EXPECT_NE(t2.ike_sa->spi_i, t2_spi);  // renegotiated
  // The new CHILD SA carries both remote subnets.
  bool found = false;
  for (const auto& [spi, sa] : x.a.out.installed) {
    if (sa.tunnel == "t2") {
      found = true;
      EXPECT_EQ(sa.remote_ts.size(), 2u);
    }
  }
  EXPECT_TRUE(found);
  // Nothing of the old t2 remains on either side: one CHILD SA per tunnel.
  EXPECT_EQ(x.a.out.installed.size(), 2u);
  EXPECT_EQ(x.b.out.installed.size(), 2u);
}

TEST_F(TwoTunnels, ARemovedTunnelIsDeletedOnBothSides) {
  cfg_a.tunnels.pop_back();
  x.a.engine.load(cfg_a, x.now);
  x.deliver();
  EXPECT_FALSE(x.a.engine.status("t2").has_value());
  EXPECT_EQ(x.a.out.installed.size(), 1u);
  // B got the Delete: its t2 has no SA any more, t1 still does.
  EXPECT_EQ(x.b.out.installed.size(), 1u);
  EXPECT_EQ(x.b.tunnel("t1").status, ConnectionStatus::Connected);
  EXPECT_FALSE(x.b.tunnel("t2").ike_sa.has_value());
}

TEST_F(TwoTunnels, ResetRenegotiatesOnlyThatTunnel) {
  x.a.engine.reset("t2", x.now);
  x.deliver();
  ASSERT_EQ(x.a.tunnel("t2").status, ConnectionStatus::Connected);
  EXPECT_NE(x.a.tunnel("t2").ike_sa->spi_i, t2_spi);
  EXPECT_EQ(x.a.tunnel("t1").ike_sa->spi_i, t1_spi);
  EXPECT_EQ(x.a.out.installed.size(), 2u);
  EXPECT_EQ(x.b.out.installed.size(), 2u);
  x.a.engine.reset("no-such-tunnel", x.now);  // ignored
  EXPECT_TRUE(x.a.out.sent.empty());
}

}  // namespace
}  // namespace vpngw::ike::testing
