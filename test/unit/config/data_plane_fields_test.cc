// Data-plane fields of the schema: gateways[].mtu, tunnels[].replay_window and
// tunnels[].ipsec.lifetime_kilobytes (defaults, accepted values, refusals).
#include "config/loader.h"
#include "config_test_util.h"

namespace vpngw::config::testing {
namespace {

TEST(DataPlaneFields, Defaults) {
  auto c = configOf(withTunnel(Tunnel()));
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_EQ(c.tunnels[0].replay_window, 1024u);
  EXPECT_EQ(c.tunnels[0].ipsec.lifetime_kilobytes, 0u) << "unlimited by default";
  EXPECT_EQ(c.gateways.at(0).mtu, 1400u);
}

TEST(DataPlaneFields, VolumeLifetime) {
  auto c = configOf(withTunnel(Tunnel().set("ipsec", "{lifetime_kilobytes: 4608000}")));
  EXPECT_EQ(c.tunnels.at(0).ipsec.lifetime_kilobytes, 4608000u);
  auto zero = configOf(withTunnel(Tunnel().set("ipsec", "{lifetime_kilobytes: 0}")));
  EXPECT_EQ(zero.tunnels.at(0).ipsec.lifetime_kilobytes, 0u);
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("ipsec", "{lifetime_kilobytes: 10}"))),
                        "tunnels[0].ipsec.lifetime_kilobytes", "1024-4294967295 kilobytes"));
  EXPECT_TRUE(
      onlyError(errorsOf(withTunnel(Tunnel().set("ipsec", "{lifetime_kilobytes: 4294967296}"))),
                "tunnels[0].ipsec.lifetime_kilobytes", "1024-4294967295 kilobytes"));
}

TEST(DataPlaneFields, ReplayWindow) {
  auto off = configOf(withTunnel(Tunnel().set("replay_window", "0")));
  EXPECT_EQ(off.tunnels.at(0).replay_window, 0u);
  auto big = configOf(withTunnel(Tunnel().set("replay_window", "4096")));
  EXPECT_EQ(big.tunnels.at(0).replay_window, 4096u);
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("replay_window", "100"))),
                        "tunnels[0].replay_window", "multiple of 64"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("replay_window", "8192"))),
                        "tunnels[0].replay_window", "multiple of 64"));
}

}  // namespace
}  // namespace vpngw::config::testing
