// Authentication failures and tenant isolation on every route the server has.
#include <gtest/gtest.h>

#include "unit/api/api_harness.h"

namespace vpngw::api::testing {
namespace {

std::string withId(std::string path, const std::string& id) {
  auto at = path.find("{id}");
  if (at != std::string::npos) {
    path.replace(at, 4, id);
  }
  return path;
}

// The id of tenant A's resource that a route's {id} (or batch body) refers to.
std::string idFor(const std::string& path, const Topology& t, const std::string& tenant_id) {
  if (path.find("/v1/tunnels") == 0) {
    return t.tunnel;
  }
  if (path.find("/v1/gateways") == 0) {
    return t.gateway;
  }
  if (path.find("/v1/customer-gateways") == 0) {
    return t.customer_gateway;
  }
  if (path.find("/v1/vpcs") == 0) {
    return t.vpc;
  }
  return tenant_id;
}

TEST(ApiAuth, EveryRouteRefusesMissingOrBadCredentials) {
  ApiHarness h;
  std::string token = h.newTenant("acme");
  Topology t = makeTopology(h, token);
  const std::string before = h.storeSnapshot();
  for (const auto& route : h.server().routes()) {
    const std::string path = withId(route.path, idFor(route.path, t, "acme"));
    SCOPED_TRACE(route.method + " " + path);
    for (const httplib::Headers& headers :
         {httplib::Headers{}, httplib::Headers{{"Authorization", "Basic dXNlcjpwYXNz"}},
          httplib::Headers{{"Authorization", "Bearer " + std::string(64, 'a')}},
          httplib::Headers{{"Authorization", "Bearer"}},
          httplib::Headers{{"Authorization", "Bearer " + token + "x"}}}) {
      auto c = h.client();
      auto res = route.method == "GET"     ? c->Get(path, headers)
                 : route.method == "POST"  ? c->Post(path, headers, "{}", "application/json")
                 : route.method == "PATCH" ? c->Patch(path, headers, "{}", "application/json")
                                           : c->Delete(path, headers);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 401) << res->body;
      EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer");
      auto body = Json::parse(res->body, nullptr, false);
      ASSERT_TRUE(body.is_object()) << res->body;
      EXPECT_EQ(body["error"]["field"], "Authorization");
      EXPECT_EQ(res->body.find(token), std::string::npos);  // never echoes a token
    }
  }
  EXPECT_EQ(h.storeSnapshot(), before);
}

TEST(ApiAuth, TenantTokensCannotManageTenants) {
  ApiHarness h;
  std::string token = h.newTenant("acme");
  for (const auto& route : h.server().routes()) {
    if (route.path.find("/v1/tenants") != 0) {
      continue;
    }
    SCOPED_TRACE(route.method + " " + route.path);
    auto r = h.call(route.method, withId(route.path, "acme"), token,
                    std::string(route.method == "POST" ? R"({"name":"evil"})" : ""));
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(r.json["error"]["field"], "Authorization");
  }
  // A tenant's X-Tenant header is ignored: it still sees only its own resources.
  makeTopology(h, token);
  auto list = h.call("GET", "/v1/tunnels", token, "", "default");
  EXPECT_EQ(list.json["total"], 1);
}

TEST(ApiIsolation, AnotherTenantsIdsAnswer404OnEveryRoute) {
  ApiHarness h;
  std::string token_a = h.newTenant("alpha");
  std::string token_b = h.newTenant("beta");
  Topology a = makeTopology(h, token_a);
  // Beta has resources of the same names: names resolve within the caller's tenant only.
  Topology b = makeTopology(h, token_b);
  const std::string before = h.storeSnapshot();
  const size_t applies = h.hooks().applyCount();
  size_t checked = 0;
  for (const auto& route : h.server().routes()) {
    const std::string& p = route.path;
    if (p.find("{id}") == std::string::npos || p.find("/v1/tenants") == 0) {
      continue;
    }
    const std::string path = withId(p, idFor(p, a, ""));
    SCOPED_TRACE(route.method + " " + path);
    auto r = h.call(route.method, path, token_b,
                    std::string(route.method == "PATCH" ? R"({"remark":"pwned"})" : ""));
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(r.json["error"]["value"], idFor(p, a, ""));
    ++checked;
  }
  EXPECT_EQ(checked, 4u * 3u + 3u);  // get/patch/delete per collection + tunnel operations
  // Batch delete with alpha's ids.
  for (const auto& [coll, id] :
       std::vector<std::pair<std::string, std::string>>{{"tunnels", a.tunnel},
                                                        {"gateways", a.gateway},
                                                        {"customer-gateways", a.customer_gateway},
                                                        {"vpcs", a.vpc}}) {
    auto r = h.call("POST", "/v1/" + coll + ":batch-delete", token_b, Json{{"ids", {id}}}.dump());
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(r.json["error"]["field"], "ids[0]");
  }
  // References to alpha's resources in beta's bodies do not resolve.
  auto r = h.call("POST", "/v1/tunnels", token_b,
                  Json{{"name", "sneaky"},
                       {"gateway", a.gateway},
                       {"customer_gateway", "site-b"},
                       {"local_subnets", {"10.1.5.0/24"}},
                       {"remote_subnets", {"10.8.0.0/24"}}}
                      .dump());
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.json["error"]["field"], "gateway");
  auto g = h.call("POST", "/v1/gateways", token_b,
                  Json{{"name", "g9"}, {"vpc", a.vpc}, {"public_ip", "198.18.5.5"}}.dump());
  EXPECT_EQ(g.status, 422);
  EXPECT_EQ(g.json["error"]["field"], "vpc");
  // Lists and exports show only the caller's own resources.
  for (const char* coll : {"tunnels", "gateways", "customer-gateways", "vpcs"}) {
    for (const char* suffix : {"", "/export.csv"}) {
      auto list = h.call("GET", std::string("/v1/") + coll + suffix, token_b);
      ASSERT_EQ(list.status, 200);
      for (const auto& id : {a.tunnel, a.gateway, a.customer_gateway, a.vpc}) {
        EXPECT_EQ(list.body.find(id), std::string::npos) << coll << suffix;
      }
    }
  }
  EXPECT_EQ(h.call("GET", "/v1/tunnels/" + b.tunnel, token_b).status, 200);
  EXPECT_EQ(h.storeSnapshot(), before);
  EXPECT_EQ(h.hooks().applyCount(), applies);
  EXPECT_TRUE(h.hooks().resets().empty());
}

TEST(ApiIsolation, ApplyOfAFileOnlyTouchesTheCallersTenant) {
  ApiHarness h;
  std::string token_a = h.newTenant("alpha");
  std::string token_b = h.newTenant("beta");
  Topology a = makeTopology(h, token_a);
  auto r = h.call("POST", "/v1/apply?prune=true", token_b, "{}", "", "application/yaml");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(h.call("GET", "/v1/tunnels/" + a.tunnel, token_a).status, 200);
}

}  // namespace
}  // namespace vpngw::api::testing
