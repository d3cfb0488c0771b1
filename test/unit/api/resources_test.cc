// Create, get, list, update, delete through the HTTP API; the PSK never shown; statuses; the
// engine configuration handed to the daemon.
#include <gtest/gtest.h>

#include "store/resource.h"
#include "unit/api/api_harness.h"

namespace vpngw::api::testing {
namespace {

TEST(ApiResources, CreateReturns201WithPrefixedIdsAndResourcesRun) {
  ApiHarness h;
  std::string token = h.newTenant("acme");
  Topology t = makeTopology(h, token);
  EXPECT_EQ(t.vpc.substr(0, 4), "vpc-");
  EXPECT_EQ(t.gateway.substr(0, 4), "vgw-");
  EXPECT_EQ(t.customer_gateway.substr(0, 4), "cgw-");
  EXPECT_EQ(t.tunnel.substr(0, 4), "tun-");
  for (const auto& id : {t.vpc, t.gateway, t.customer_gateway, t.tunnel}) {
    EXPECT_TRUE(store::looksLikeResourceId(id)) << id;
  }

  auto gw = h.call("GET", "/v1/gateways/" + t.gateway, token);
  ASSERT_EQ(gw.status, 200) << gw.body;
  EXPECT_EQ(gw.json["name"], "gw-a");
  EXPECT_EQ(gw.json["vpc"], t.vpc);  // the reference by name is stored as the id
  EXPECT_EQ(gw.json["vpc_subnets"], Json::array({"10.1.0.0/16"}));
  EXPECT_EQ(gw.json["status"], "running");
  EXPECT_EQ(gw.json["tunnel_count"], 1);
  EXPECT_TRUE(gw.json.contains("created_at"));

  // A name works wherever an id does.
  auto by_name = h.call("GET", "/v1/tunnels/t1", token);
  ASSERT_EQ(by_name.status, 200) << by_name.body;
  EXPECT_EQ(by_name.json["id"], t.tunnel);
  EXPECT_EQ(by_name.json["gateway"], t.gateway);
  EXPECT_EQ(by_name.json["customer_gateway"], t.customer_gateway);
  EXPECT_EQ(by_name.json["connection_status"], "unknown");

  auto vpc = h.call("GET", "/v1/vpcs/vpc-main", token);
  EXPECT_EQ(vpc.json["gateway_count"], 1);
}

TEST(ApiResources, EngineGetsIdNamedConfigWithGeneratedPsk) {
  ApiHarness h;
  std::string token = h.newTenant("acme");
  Topology t = makeTopology(h, token);
  auto applied = h.hooks().lastApplied();
  ASSERT_EQ(applied.config.tunnels.size(), 1u);
  const auto& tc = applied.config.tunnels[0];
  EXPECT_EQ(tc.name, t.tunnel);
  EXPECT_EQ(tc.gateway, t.gateway);
  EXPECT_EQ(tc.customer_gateway, t.customer_gateway);
  ASSERT_EQ(applied.config.gateways.size(), 1u);
  EXPECT_EQ(applied.config.gateways[0].name, t.gateway);
  EXPECT_EQ(applied.config.gateways[0].vpc_subnets.size(), 1u);  // from the VPC
  ASSERT_EQ(applied.config.customer_gateways.size(), 1u);
  EXPECT_EQ(applied.config.customer_gateways[0].name, t.customer_gateway);
  EXPECT_EQ(applied.change.added, std::vector<std::string>{t.tunnel});
  // Spec §2: a PSK is generated when none is given: 32 random characters.
  ASSERT_EQ(tc.psk.size(), 32u);
  const std::string psk(tc.psk.begin(), tc.psk.end());
  for (char c : psk) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)));
  }
  // ... and it is never shown by get, list or the CSV export.
  for (const std::string& path :
       {"/v1/tunnels/" + t.tunnel, std::string("/v1/tunnels"),
        std::string("/v1/tunnels?format=csv"), std::string("/v1/tunnels/export.csv")}) {
    auto r = h.call("GET", path, token);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body.find(psk), std::string::npos) << path;
    EXPECT_EQ(r.body.find("psk"), std::string::npos) << path;
  }
}

TEST(ApiResources, GivenPskIsKeptButNeverReturned) {
  ApiHarness h;
  std::string token = h.newTenant("acme");
  Topology t = makeTopology(h, token);
  auto r = h.call("PATCH", "/v1/tunnels/t1", token, Json{{"psk", "My-Own_Secret!"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find("My-Own_Secret!"), std::string::npos);
  auto applied = h.hooks().lastApplied();
  const auto& tc = applied.config.tunnels.at(0);
  EXPECT_EQ(std::string(tc.psk.begin(), tc.psk.end()), "My-Own_Secret!");
  EXPECT_EQ(h.hooks().lastApplied().change.changed, std::vector<std::string>{t.tunnel});
}

TEST(ApiResources, GatewayWithInlineVpcSubnets) {
  ApiHarness h;
  std::string token = h.newTenant("acme");
  auto r = h.call("POST", "/v1/gateways", token,
                  Json{{"name", "gw-inline"},
                       {"public_ip", "198.18.1.1"},
                       {"bind_ip", "10.0.0.5"},
                       {"vpc_subnets", {"10.9.0.0/16"}},
                       {"mtu", 1380}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["vpc_subnets"], Json::array({"10.9.0.0/16"}));
  EXPECT_EQ(r.json["mtu"], 1380);
  EXPECT_FALSE(r.json.contains("vpc"));
  auto applied = h.hooks().lastApplied();
  const auto& gw = applied.config.gateways.at(0);
  EXPECT_EQ(gw.mtu, 1380u);
  EXPECT_EQ(gw.bind_ip.toString(), "10.0.0.5");
}

TEST(ApiResources, PatchRenamesAndRemarksWithoutReconnecting) {
  ApiHarness h;
  std::string token = h.newTenant("acme");
  Topology t = makeTopology(h, token);
  size_t applies = h.hooks().applyCount();
  auto r = h.call("PATCH", "/v1/tunnels/" + t.tunnel, token,
                  Json{{"name", "t1-renamed"}, {"remark", "to the branch office"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["name"], "t1-renamed");
  EXPECT_EQ(r.json["remark"], "to the branch office");
  // The engine hears of it (status shows the new name) but nothing reconnects.
  EXPECT_EQ(h.hooks().applyCount(), applies + 1);
  auto applied = h.hooks().lastApplied();
  EXPECT_TRUE(applied.change.added.empty());
  EXPECT_TRUE(applied.change.changed.empty());
  EXPECT_TRUE(applied.change.removed.empty());
  EXPECT_EQ(applied.change.names.at(t.tunnel), "acme/t1-renamed");
  EXPECT_EQ(h.call("GET", "/v1/tunnels/t1", token).status, 404);
  EXPECT_EQ(h.call("GET", "/v1/tunnels/t1-renamed", token).json["id"], t.tunnel);
}

TEST(ApiResources, PatchSubnetsAndPoliciesReconnectsTheTunnel) {
  ApiHarness h;
  std::string token = h.newTenant("acme");
  Topology t = makeTopology(h, token);
  auto r = h.call("PATCH", "/v1/tunnels/t1", token,
                  Json{{"remote_subnets", {"10.2.0.0/24", "10.3.0.0/24"}},
                       {"ike", {{"lifetime", 7200}, {"dh_group", 14}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["remote_subnets"], Json::array({"10.2.0.0/24", "10.3.0.0/24"}));
  auto applied = h.hooks().lastApplied();
  EXPECT_EQ(applied.change.changed, std::vector<std::string>{t.tunnel});
  EXPECT_TRUE(applied.change.added.empty());
  const auto& tc = applied.config.tunnels.at(0);
  EXPECT_EQ(tc.remote_subnets.size(), 2u);
  EXPECT_EQ(tc.ike.lifetime.count(), 7200);
  EXPECT_EQ(tc.ike.dh_group, 14);
  // Merge patch: a second PATCH of ike keeps the other ike fields.
  r = h.call("PATCH", "/v1/tunnels/t1", token, Json{{"ike", {{"encryption", "aes256"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["ike"], Json({{"lifetime", 7200}, {"dh_group", 14}, {"encryption", "aes256"}}));
  // Changing the gateway's VPC subnets changes the tunnel's engine view too.
  r = h.call("PATCH", "/v1/vpcs/vpc-main", token,
             Json{{"subnets", {"10.1.0.0/16", "10.5.0.0/16"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(h.hooks().lastApplied().change.changed, std::vector<std::string>{t.tunnel});
}

TEST(ApiResources, GatewaySwitchesBetweenVpcAndInlineSubnets) {
  ApiHarness h;
  std::string token = h.newTenant("acme");
  Topology t = makeTopology(h, token);
  auto r = h.call("PATCH", "/v1/gateways/gw-a", token, Json{{"vpc_subnets", {"10.1.0.0/16"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json.contains("vpc"));
  EXPECT_EQ(h.call("GET", "/v1/vpcs/vpc-main", token).json["gateway_count"], 0);
  r = h.call("PATCH", "/v1/gateways/gw-a", token, Json{{"vpc", t.vpc}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["vpc"], t.vpc);
}

TEST(ApiResources, DeleteRemovesFromEngineAndStore) {
  ApiHarness h;
  std::string token = h.newTenant("acme");
  Topology t = makeTopology(h, token);
  auto r = h.call("DELETE", "/v1/tunnels/t1", token);
  EXPECT_EQ(r.status, 204) << r.body;
  auto applied = h.hooks().lastApplied();
  EXPECT_TRUE(applied.config.tunnels.empty());
  EXPECT_EQ(applied.change.removed, std::vector<std::string>{t.tunnel});
  EXPECT_EQ(h.call("GET", "/v1/tunnels/" + t.tunnel, token).status, 404);
  EXPECT_EQ(h.call("DELETE", "/v1/tunnels/" + t.tunnel, token).status, 404);
  // Now the gateway and customer gateway have no tunnel and can go, then the VPC.
  EXPECT_EQ(h.call("DELETE", "/v1/gateways/gw-a", token).status, 204);
  EXPECT_EQ(h.call("DELETE", "/v1/customer-gateways/site-b", token).status, 204);
  EXPECT_EQ(h.call("DELETE", "/v1/vpcs/vpc-main", token).status, 204);
  auto all = h.store().loadResources();
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
}

TEST(ApiResources, TunnelOperations) {
  ApiHarness h;
  std::string token = h.newTenant("acme");
  Topology t = makeTopology(h, token);
  h.hooks().setStatus(t.tunnel, {{"connection_status", "connected"}, {"health", 1}});
  auto got = h.call("GET", "/v1/tunnels/t1", token);
  EXPECT_EQ(got.json["connection_status"], "connected");
  EXPECT_EQ(got.json["health"], 1);
  EXPECT_EQ(got.json["status"], "running");

  auto reset = h.call("POST", "/v1/tunnels/t1/reset", token);
  EXPECT_EQ(reset.status, 202) << reset.body;
  EXPECT_EQ(h.hooks().resets(), std::vector<std::string>{t.tunnel});

  auto diag = h.call("GET", "/v1/tunnels/t1/diagnose", token);
  ASSERT_EQ(diag.status, 200) << diag.body;
  EXPECT_EQ(diag.json["id"], t.tunnel);
  EXPECT_EQ(diag.json["diagnosis"]["code"], "ok");

  auto config = h.call("GET", "/v1/tunnels/t1/config?format=strongswan", token);
  EXPECT_EQ(config.status, 501) << config.body;
  EXPECT_EQ(config.json["error"]["field"], "format");
  EXPECT_EQ(config.json["error"]["value"], "strongswan");
}

// A renderer, when the daemon sets one, gets the tenant's names and the PSK.
class EchoRenderer final : public PeerConfigRenderer {
 public:
  std::vector<std::string> formats() const override { return {"echo"}; }
  Result<std::string> render(const PeerConfigInput& in, const std::string& format) override {
    if (format != "echo") {
      return makeError("is not a supported format");
    }
    return in.tunnel.name + " " + in.gateway.name + " " + in.customer_gateway.name + " " +
           std::string(in.tunnel.psk.begin(), in.tunnel.psk.end());
  }
};

TEST(ApiResources, PeerConfigThroughRenderer) {
  ApiHarness h;
  EchoRenderer renderer;
  h.service().setPeerConfigRenderer(&renderer);
  std::string token = h.newTenant("acme");
  makeTopology(h, token);
  ASSERT_EQ(h.call("PATCH", "/v1/tunnels/t1", token, Json{{"psk", "k3y"}}).status, 200);
  auto r = h.call("GET", "/v1/tunnels/t1/config?format=echo", token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "t1 gw-a site-b k3y");
  auto bad = h.call("GET", "/v1/tunnels/t1/config?format=nope", token);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json["error"]["field"], "format");
}

TEST(ApiResources, OperatorActsOnDefaultTenantOrTheNamedOne) {
  ApiHarness h;
  std::string token = h.newTenant("acme");
  auto r = h.op("POST", "/v1/customer-gateways", Json{{"name", "op-cgw"}, {"ip", "198.18.7.7"}});
  ASSERT_EQ(r.status, 201) << r.body;
  // Created in "default": acme does not see it.
  EXPECT_EQ(h.call("GET", "/v1/customer-gateways/op-cgw", token).status, 404);
  EXPECT_EQ(h.op("GET", "/v1/customer-gateways/op-cgw").status, 200);
  // X-Tenant selects acme.
  r = h.op("POST", "/v1/customer-gateways", Json{{"name", "for-acme"}, {"ip", "198.18.7.8"}},
           "acme");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(h.call("GET", "/v1/customer-gateways/for-acme", token).status, 200);
  EXPECT_EQ(h.op("GET", "/v1/customer-gateways", Json(), "no-such-tenant").status, 404);
}

TEST(ApiResources, Tenants) {
  ApiHarness h;
  auto r = h.op("POST", "/v1/tenants", Json{{"name", "acme"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["id"].get<std::string>().substr(0, 4), "ten-");
  EXPECT_EQ(r.json["token"].get<std::string>().size(), 64u);
  EXPECT_EQ(h.op("POST", "/v1/tenants", Json{{"name", "acme"}}).status, 409);
  EXPECT_EQ(h.op("POST", "/v1/tenants", Json{{"name", "bad name"}}).status, 422);
  auto list = h.op("GET", "/v1/tenants");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json["total"], 2);  // default and acme
  EXPECT_EQ(h.op("GET", "/v1/tenants/acme").json["id"], r.json["id"]);
  const std::string token = r.json["token"];
  makeTopology(h, token);
  auto refused = h.op("DELETE", "/v1/tenants/acme");
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(h.op("DELETE", "/v1/tenants/default").status, 409);
  for (const char* path : {"/v1/tunnels/t1", "/v1/gateways/gw-a", "/v1/customer-gateways/site-b",
                           "/v1/vpcs/vpc-main"}) {
    ASSERT_EQ(h.call("DELETE", path, token).status, 204) << path;
  }
  EXPECT_EQ(h.op("DELETE", "/v1/tenants/acme").status, 204);
  // Its token stops working.
  EXPECT_EQ(h.call("GET", "/v1/tunnels", token).status, 401);
}

}  // namespace
}  // namespace vpngw::api::testing
