// Subnet rules (spec §2): canonical CIDRs, local subnets inside the VPC, no overlap between
// the sides, no repeats, per-side limits, and one tunnel per (local, remote) pair per gateway.
#include <gtest/gtest.h>

#include "config/loader.h"
#include "config_test_util.h"

namespace vpngw::config {
namespace {

using testing::configOf;
using testing::errorsOf;
using testing::onlyError;
using testing::Tunnel;
using testing::withTunnel;
using testing::withTunnels;

TEST(Cidr, SyntaxMustBeValid) {
  for (const char* bad : {"10.2.0.0", "10.2.0.0/33", "10.2.0/24", "10.2.0.0/-1", "any"}) {
    auto errors =
        errorsOf(withTunnel(Tunnel().set("remote_subnets", std::string("[") + bad + "]")));
    EXPECT_TRUE(onlyError(errors, "tunnels[0].remote_subnets[0]", "not a valid IPv4 CIDR")) << bad;
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].value, bad);
  }
}

TEST(Cidr, HostBitsSuggestTheCanonicalForm) {
  auto errors = errorsOf(withTunnel(Tunnel().set("local_subnets", "[10.1.0.1/24]")));
  EXPECT_TRUE(onlyError(errors, "tunnels[0].local_subnets[0]", "host bits set"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].rule.find("'10.1.0.0/24'"), std::string::npos) << errors[0].rule;
  EXPECT_EQ(errors[0].value, "10.1.0.1/24");
}

TEST(Cidr, VpcSubnetsAreCheckedToo) {
  auto errors = errorsOf(std::string(
      "gateways:\n  - name: g\n    public_ip: 198.18.1.1\n    vpc_subnets: [10.1.0.1/16]\n"));
  EXPECT_TRUE(onlyError(errors, "gateways[0].vpc_subnets[0]", "'10.1.0.0/16'"));
}

TEST(Subnets, LocalMustLieInsideTheVpc) {
  auto errors = errorsOf(withTunnel(Tunnel().set("local_subnets", "[10.1.0.0/24, 10.9.0.0/24]")));
  EXPECT_TRUE(onlyError(errors, "tunnels[0].local_subnets[1]", "not inside the VPC subnets"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].rule.find("gw-a"), std::string::npos);
  // Partly inside is not inside.
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("local_subnets", "[10.0.0.0/15]"))),
                        "tunnels[0].local_subnets[0]", "not inside the VPC subnets"));
  // The whole VPC is fine.
  EXPECT_EQ(configOf(withTunnel(Tunnel().set("local_subnets", "[10.1.0.0/16]"))).tunnels.size(),
            1u);
}

TEST(Subnets, LocalAndRemoteMustNotOverlap) {
  auto errors =
      errorsOf(withTunnel(Tunnel().set("remote_subnets", "[10.2.0.0/24, 10.1.0.128/25]")));
  EXPECT_TRUE(
      onlyError(errors, "tunnels[0].remote_subnets[1]", "overlaps local subnet 10.1.0.0/24"));
  errors = errorsOf(withTunnel(Tunnel().set("remote_subnets", "[10.1.0.0/24]")));
  EXPECT_TRUE(onlyError(errors, "tunnels[0].remote_subnets[0]", "must not overlap"));
}

TEST(Subnets, NoRepeatsWithinASide) {
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set(
                            "remote_subnets", "[10.2.0.0/24, 10.3.0.0/24, 10.2.0.0/24]"))),
                        "tunnels[0].remote_subnets[2]", "listed twice"));
  EXPECT_TRUE(
      onlyError(errorsOf(withTunnel(Tunnel().set("local_subnets", "[10.1.0.0/24, 10.1.0.0/24]"))),
                "tunnels[0].local_subnets[1]", "listed twice"));
}

TEST(Subnets, AtLeastOnePerSide) {
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("local_subnets", "[]"))),
                        "tunnels[0].local_subnets", "at least one"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("remote_subnets", "[]"))),
                        "tunnels[0].remote_subnets", "at least one"));
}

TEST(Subnets, AtMostTheLimitPerSide) {
  std::string twenty = "[";
  std::string twenty_one = "[";
  for (int i = 0; i < 21; ++i) {
    std::string s = "10.2." + std::to_string(i) + ".0/24";
    if (i < 20) {
      twenty += (i ? ", " : "") + s;
    }
    twenty_one += (i ? ", " : "") + s;
  }
  twenty += "]";
  twenty_one += "]";
  EXPECT_EQ(configOf(withTunnel(Tunnel().set("remote_subnets", twenty))).tunnels.size(), 1u);
  auto errors = errorsOf(withTunnel(Tunnel().set("remote_subnets", twenty_one)));
  EXPECT_TRUE(onlyError(errors, "tunnels[0].remote_subnets", "at most 20 per side"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].value, "21");

  LoadOptions opts;
  opts.max_subnets_per_side = 1;
  EXPECT_TRUE(onlyError(
      errorsOf(withTunnel(Tunnel().set("local_subnets", "[10.1.0.0/24, 10.1.1.0/24]")), opts),
      "tunnels[0].local_subnets", "at most 1 per side"));
}

TEST(SubnetPairs, OneTunnelPerPairOnAGateway) {
  auto errors =
      errorsOf(withTunnels({Tunnel("t1"), Tunnel("t2").set("customer_gateway", "site-c")}));
  EXPECT_TRUE(onlyError(errors, "tunnels[1].remote_subnets[0]", "claimed by one tunnel only"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].rule.find("tunnel 't1'"), std::string::npos) << errors[0].rule;
}

TEST(SubnetPairs, OverlappingPairsConflict) {
  auto errors = errorsOf(withTunnels({Tunnel("t1").set("remote_subnets", "[10.2.0.0/16]"),
                                      Tunnel("t2")
                                          .set("customer_gateway", "site-c")
                                          .set("local_subnets", "[10.1.0.0/25]")
                                          .set("remote_subnets", "[10.9.0.0/24, 10.2.3.0/24]")}));
  EXPECT_TRUE(onlyError(errors, "tunnels[1].remote_subnets[1]", "claimed by one tunnel only"));
}

TEST(SubnetPairs, DisjointPairsAndOtherGatewaysAreFine) {
  // Same local subnet, different remote subnets.
  EXPECT_EQ(configOf(withTunnels({Tunnel("t1"), Tunnel("t2")
                                                    .set("customer_gateway", "site-c")
                                                    .set("remote_subnets", "[10.3.0.0/24]")}))
                .tunnels.size(),
            2u);
  // Same pair on another gateway of the same VPC (an HA pair, spec §8).
  EXPECT_EQ(
      configOf(withTunnels({Tunnel("t1"), Tunnel("t2").set("gateway", "gw-b")})).tunnels.size(),
      2u);
}

}  // namespace
}  // namespace vpngw::config
