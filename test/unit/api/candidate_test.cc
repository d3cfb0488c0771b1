// The validation scope: the loader sees every resource a change can affect.
#include "api/candidate.h"

#include <gtest/gtest.h>

namespace vpngw::api {
namespace {

using store::Kind;
using store::Resource;

Resource make(const std::string& id, Kind kind, nlohmann::json doc, int64_t seq) {
  Resource r;
  r.id = id;
  r.kind = kind;
  r.name = "n-" + id;
  r.doc = std::move(doc);
  r.seq = seq;
  return r;
}

ResourceMap world() {
  ResourceMap m;
  auto add = [&](Resource r) { m[r.id] = std::move(r); };
  add(make("vpc-1", Kind::Vpc, {{"subnets", {"10.1.0.0/16"}}}, 1));
  add(make("vgw-a", Kind::Gateway, {{"vpc", "vpc-1"}, {"public_ip", "198.18.1.1"}}, 2));
  add(make("vgw-b", Kind::Gateway, {{"vpc_subnets", {"10.9.0.0/16"}}, {"public_ip", "198.18.1.3"}},
           3));
  add(make("cgw-x", Kind::CustomerGateway, {{"ip", "198.18.1.2"}}, 4));
  add(make("cgw-y", Kind::CustomerGateway, {{"ip", "198.18.1.4"}}, 5));
  auto tunnel = [&](const std::string& id, const char* gw, const char* cgw, const char* local,
                    int64_t seq) {
    add(make(id, Kind::Tunnel,
             {{"gateway", gw},
              {"customer_gateway", cgw},
              {"local_subnets", {local}},
              {"remote_subnets", {"10.2.0.0/24"}},
              {"psk", "k"}},
             seq));
  };
  tunnel("tun-1", "vgw-a", "cgw-x", "10.1.1.0/24", 6);
  tunnel("tun-2", "vgw-b", "cgw-x", "10.9.1.0/24", 7);
  tunnel("tun-3", "vgw-b", "cgw-y", "10.9.2.0/24", 8);
  return m;
}

TEST(ValidationScope, TunnelBringsItsGatewaysAndTheirNeighbours) {
  auto scope = validationScope(world(), {"tun-1"});
  // tun-2 shares cgw-x (limits, phase-1 sharing), so it and its gateway come too; tun-3 shares
  // nothing with tun-1.
  EXPECT_EQ(scope, (std::set<std::string>{"tun-1", "vgw-a", "cgw-x", "tun-2", "vgw-b"}));
}

TEST(ValidationScope, VpcBringsItsGatewaysAndTheirTunnels) {
  auto scope = validationScope(world(), {"vpc-1"});
  EXPECT_EQ(scope, (std::set<std::string>{"vpc-1", "vgw-a", "tun-1", "cgw-x"}));
}

TEST(ValidationScope, DeletedIdsAreIgnored) {
  EXPECT_TRUE(validationScope(world(), {"tun-9"}).empty());
}

TEST(Validate, ScopedAndFullValidationAgree) {
  auto m = world();
  auto all = validateResources(m, nullptr, {});
  ASSERT_TRUE(std::holds_alternative<ParsedEntries>(all));
  auto scope = validationScope(m, {"tun-3"});
  auto part = validateResources(m, &scope, {});
  ASSERT_TRUE(std::holds_alternative<ParsedEntries>(part));
  const auto& p = std::get<ParsedEntries>(part);
  EXPECT_EQ(p.tunnels.size(), 2u);  // tun-3 and tun-2 (same gateway)
  EXPECT_EQ(p.tunnels.at("tun-3").gateway, "vgw-b");
  EXPECT_EQ(p.tunnels.at("tun-3").customer_gateway, "cgw-y");
  EXPECT_EQ(p.gateways.count("vgw-b"), 1u);
  // Errors name resource ids and the resource's own field paths; a VPC's are on "subnets".
  m["vpc-1"].doc["subnets"] = {"10.1.0.1/16"};
  auto bad = validateResources(m, nullptr, {});
  ASSERT_TRUE(std::holds_alternative<std::vector<FieldError>>(bad));
  const auto& errors = std::get<std::vector<FieldError>>(bad);
  ASSERT_EQ(errors.size(), 1u) << "the gateway's copy of the VPC subnets is not reported twice";
  EXPECT_EQ(errors[0].resource, "vpc-1");
  EXPECT_EQ(errors[0].field, "subnets[0]");
}

TEST(Fingerprint, ChangesWithWhatTheEngineUsesOnly) {
  auto m = world();
  const std::string before = tunnelFingerprint(m.at("tun-1"), m);
  m["tun-1"].name = "renamed";
  m["tun-1"].remark = "x";
  EXPECT_EQ(tunnelFingerprint(m.at("tun-1"), m), before);
  m["vpc-1"].doc["subnets"] = {"10.1.0.0/16", "10.3.0.0/16"};
  EXPECT_NE(tunnelFingerprint(m.at("tun-1"), m), before);
}

}  // namespace
}  // namespace vpngw::api
