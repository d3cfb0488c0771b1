// Document structure: unknown and repeated fields at every level, required fields, value
// types, names and addresses of gateways and customer gateways.
#include <gtest/gtest.h>

#include "config/loader.h"
#include "config_test_util.h"

namespace vpngw::config {
namespace {

using testing::errorsOf;
using testing::hasError;
using testing::kResources;
using testing::onlyError;
using testing::Tunnel;
using testing::withTunnel;
using testing::withTunnels;

std::string resources() { return std::string(kResources); }

// kResources with the first occurrence of `from` replaced by `to`.
std::string resourcesWith(std::string_view from, std::string_view to) {
  std::string out = resources();
  auto pos = out.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return out.replace(pos, from.size(), to);
}

TEST(UnknownField, TopLevel) {
  EXPECT_TRUE(onlyError(errorsOf(resources() + "tunnel:\n  - name: t1\n"), "tunnel",
                        "is not a known field"));
}

TEST(UnknownField, Gateway) {
  auto errors = errorsOf(resourcesWith("    public_ip: 198.18.1.1\n",
                                       "    public_ip: 198.18.1.1\n    publicip: 1.2.3.4\n"));
  EXPECT_TRUE(onlyError(errors, "gateways[0].publicip", "is not a known field"));
  // The rule lists what is allowed, to point at the typo.
  EXPECT_NE(errors[0].rule.find("public_ip"), std::string::npos);
}

TEST(UnknownField, CustomerGateway) {
  EXPECT_TRUE(onlyError(
      errorsOf(resourcesWith("    ip: 198.18.1.2\n", "    ip: 198.18.1.2\n    remark: office\n")),
      "customer_gateways[0].remark", "is not a known field"));
}

TEST(UnknownField, TunnelIkeAndIpsec) {
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("keepalive", "true"))),
                        "tunnels[0].keepalive", "is not a known field"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("dpd", "true"))), "tunnels[0].dpd",
                        "must be a map"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("ike", "{dh: 2}"))), "tunnels[0].ike.dh",
                        "is not a known field"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("ipsec", "{pfs_group: 2}"))),
                        "tunnels[0].ipsec.pfs_group", "is not a known field"));
}

TEST(UnknownField, RepeatedKeyIsAnError) {
  auto errors = errorsOf(withTunnel(Tunnel().set("route_mode", "policy\n    route_mode: route")));
  EXPECT_TRUE(onlyError(errors, "tunnels[0].route_mode", "more than once"));
}

TEST(Required, GatewayFields) {
  EXPECT_TRUE(onlyError(errorsOf(resourcesWith("  - name: gw-a\n    public_ip: 198.18.1.1\n",
                                               "  - public_ip: 198.18.1.1\n")),
                        "gateways[0].name", "required"));
  EXPECT_TRUE(onlyError(errorsOf(resourcesWith("    public_ip: 198.18.1.1\n", "")),
                        "gateways[0].public_ip", "required"));
  EXPECT_TRUE(onlyError(errorsOf(resourcesWith("    vpc_subnets: [10.1.0.0/16]\n", "")),
                        "gateways[0].vpc_subnets", "required"));
}

TEST(Required, CustomerGatewayFields) {
  EXPECT_TRUE(onlyError(
      errorsOf(resourcesWith("  - name: site-b\n    ip: 198.18.1.2\n", "  - ip: 198.18.1.2\n")),
      "customer_gateways[0].name", "required"));
  EXPECT_TRUE(onlyError(
      errorsOf(resourcesWith("  - name: site-b\n    ip: 198.18.1.2\n", "  - name: site-b\n")),
      "customer_gateways[0].ip", "required"));
}

TEST(Required, TunnelFields) {
  for (const char* field :
       {"name", "gateway", "customer_gateway", "local_subnets", "remote_subnets", "psk"}) {
    auto errors = errorsOf(withTunnel(Tunnel().erase(field)));
    EXPECT_TRUE(onlyError(errors, std::string("tunnels[0].") + field, "required")) << field;
  }
}

TEST(Required, NullCountsAsMissing) {
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("gateway", "~"))), "tunnels[0].gateway",
                        "required"));
}

TEST(Structure, TopLevelMustBeAMap) {
  auto errors = errorsOf("- gateways\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].rule.find("top level must be a map"), std::string::npos);
  EXPECT_EQ(errorsOf("just text\n").size(), 1u);
}

TEST(Structure, ListsAndMapsWhereExpected) {
  EXPECT_TRUE(onlyError(errorsOf("gateways: gw-a\n"), "gateways", "must be a list"));
  EXPECT_TRUE(
      onlyError(errorsOf("customer_gateways: {a: 1}\n"), "customer_gateways", "must be a list"));
  EXPECT_TRUE(onlyError(errorsOf("tunnels: [t1]\n"), "tunnels[0]", "must be a map"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("ike", "v2"))), "tunnels[0].ike",
                        "must be a map"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("local_subnets", "10.1.0.0/24"))),
                        "tunnels[0].local_subnets", "must be a list"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("name", "[a, b]"))), "tunnels[0].name",
                        "single value"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("local_subnets", "[[10.1.0.0/24]]"))),
                        "tunnels[0].local_subnets[0]", "must be a CIDR"));
}

TEST(Structure, BooleansAreTrueOrFalse) {
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("initiator", "yes"))),
                        "tunnels[0].initiator", "true or false"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("child_sa_per_subnet_pair", "1"))),
                        "tunnels[0].child_sa_per_subnet_pair", "true or false"));
}

TEST(Structure, CollectsEveryErrorInOnePass) {
  auto errors = errorsOf(withTunnels({Tunnel().set("ike", "{lifetime: 10}"),
                                      Tunnel("t2").set("gateway", "nope").set("psk", "a b")}) +
                         "extra: 1\n");
  EXPECT_TRUE(hasError(errors, "tunnels[0].ike.lifetime", "out of range"));
  EXPECT_TRUE(hasError(errors, "tunnels[1].gateway", "does not name a gateway"));
  EXPECT_TRUE(hasError(errors, "tunnels[1].psk", "space"));
  EXPECT_TRUE(hasError(errors, "extra", "is not a known field"));
  EXPECT_EQ(errors.size(), 4u) << testing::describe(errors);
}

TEST(Names, CharactersAndLength) {
  for (const char* bad : {"'t 1'", "t/1", "'tünnel'", "''", "t:1"}) {
    EXPECT_TRUE(
        onlyError(errorsOf(withTunnel(Tunnel().set("name", bad))), "tunnels[0].name", "name"))
        << bad;
  }
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel(std::string(65, 'a')))), "tunnels[0].name",
                        "1-64 characters"));
}

TEST(Names, SixtyFourCharactersAndAllAllowedSymbolsAreFine) {
  auto result = parseConfig(withTunnel(Tunnel(std::string(62, 'a') + "._")));
  EXPECT_TRUE(std::holds_alternative<ike::Config>(result));
  result = parseConfig(withTunnel(Tunnel("Tun-1.a_B")));
  EXPECT_TRUE(std::holds_alternative<ike::Config>(result));
}

TEST(Names, GatewayNameIsChecked) {
  EXPECT_TRUE(
      onlyError(errorsOf(resourcesWith("name: gw-a\n", "name: gw a\n").append("tunnels: []\n")),
                "gateways[0].name", "not a valid name"));
}

TEST(Names, UniquePerKind) {
  EXPECT_TRUE(onlyError(errorsOf(resourcesWith("name: gw-b", "name: gw-a")), "gateways[1].name",
                        "already used by gateways[0]"));
  EXPECT_TRUE(onlyError(errorsOf(resourcesWith("name: site-c", "name: site-b")),
                        "customer_gateways[1].name", "already used by customer_gateways[0]"));
  EXPECT_TRUE(onlyError(
      errorsOf(withTunnels(
          {Tunnel("t1"), Tunnel("t1").set("gateway", "gw-b").set("customer_gateway", "site-c")})),
      "tunnels[1].name", "already used by tunnels[0]"));
}

TEST(Names, SameNameInDifferentKindsIsFine) {
  auto result = parseConfig(withTunnel(Tunnel("gw-a")));
  EXPECT_TRUE(std::holds_alternative<ike::Config>(result));
}

TEST(Addresses, MustBeDottedQuads) {
  EXPECT_TRUE(onlyError(errorsOf(resourcesWith("public_ip: 198.18.1.1", "public_ip: 198.18.1")),
                        "gateways[0].public_ip", "not a valid IPv4 address"));
  EXPECT_TRUE(onlyError(errorsOf(resourcesWith("ip: 198.18.1.2", "ip: gw.example.com")),
                        "customer_gateways[0].ip", "not a valid IPv4 address"));
  EXPECT_TRUE(onlyError(errorsOf(resourcesWith("    public_ip: 198.18.1.1\n",
                                               "    public_ip: 198.18.1.1\n"
                                               "    bind_ip: 10.0.0.256\n")),
                        "gateways[0].bind_ip", "not a valid IPv4 address"));
}

TEST(Addresses, GatewayPublicIpIsNotAny) {
  EXPECT_TRUE(onlyError(errorsOf(resourcesWith("public_ip: 198.18.1.1", "public_ip: 0.0.0.0")),
                        "gateways[0].public_ip", "0.0.0.0"));
  EXPECT_TRUE(onlyError(errorsOf(resourcesWith("    public_ip: 198.18.1.1\n",
                                               "    public_ip: 198.18.1.1\n"
                                               "    bind_ip: 0.0.0.0\n")),
                        "gateways[0].bind_ip", "0.0.0.0"));
}

TEST(Addresses, LanIpBelongsToTheVpc) {
  EXPECT_TRUE(onlyError(errorsOf(resourcesWith("    public_ip: 198.18.1.1\n",
                                               "    public_ip: 198.18.1.1\n"
                                               "    lan_ip: 10.9.0.1\n")),
                        "gateways[0].lan_ip", "vpc_subnets"));
}

TEST(Addresses, VpcSubnetsDoNotOverlap) {
  EXPECT_TRUE(onlyError(errorsOf(resourcesWith("vpc_subnets: [10.1.0.0/16]",
                                               "vpc_subnets: [10.0.0.0/8, 10.1.0.0/16]")),
                        "gateways[0].vpc_subnets[1]", "overlaps gateways[0].vpc_subnets[0]"));
  EXPECT_TRUE(onlyError(errorsOf(resourcesWith("vpc_subnets: [10.1.0.0/16]", "vpc_subnets: []")),
                        "gateways[0].vpc_subnets", "at least one"));
}

}  // namespace
}  // namespace vpngw::config
