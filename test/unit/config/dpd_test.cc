// tunnels[].dpd: defaults, every field, and the refusals.
#include "config/loader.h"
#include "config_test_util.h"

namespace vpngw::config::testing {
namespace {

TEST(Dpd, DefaultsAreTheSeedValuesWithRestart) {
  auto c = configOf(withTunnel(Tunnel()));
  ASSERT_EQ(c.tunnels.size(), 1u);
  const auto& d = c.tunnels[0].dpd;
  EXPECT_TRUE(d.enabled);
  EXPECT_EQ(d.delay.count(), 8);
  EXPECT_EQ(d.timeout.count(), 13);
  EXPECT_EQ(d.action, ike::DpdAction::Restart);
}

TEST(Dpd, EveryField) {
  auto c = configOf(
      withTunnel(Tunnel().set("dpd", "{enabled: true, delay: 3, timeout: 15, action: hold}")));
  ASSERT_EQ(c.tunnels.size(), 1u);
  const auto& d = c.tunnels[0].dpd;
  EXPECT_EQ(d.delay.count(), 3);
  EXPECT_EQ(d.timeout.count(), 15);
  EXPECT_EQ(d.action, ike::DpdAction::Hold);
  auto off = configOf(withTunnel(Tunnel().set("dpd", "{enabled: false}")));
  EXPECT_FALSE(off.tunnels.at(0).dpd.enabled);
  auto clear = configOf(withTunnel(Tunnel().set("dpd", "{action: clear}")));
  EXPECT_EQ(clear.tunnels.at(0).dpd.action, ike::DpdAction::Clear);
}

TEST(Dpd, Refusals) {
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("dpd", "{delay: 0}"))),
                        "tunnels[0].dpd.delay", "1-3600 seconds"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("dpd", "{timeout: 3601}"))),
                        "tunnels[0].dpd.timeout", "1-3600 seconds"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("dpd", "{action: reboot}"))),
                        "tunnels[0].dpd.action", "restart, clear, hold"));
  EXPECT_TRUE(hasError(errorsOf(withTunnel(Tunnel().set("dpd", "{interval: 5}"))),
                       "tunnels[0].dpd.interval", ""));
}

}  // namespace
}  // namespace vpngw::config::testing
