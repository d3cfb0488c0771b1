// Every validation rule through the API: the request is refused with a 4xx naming the field,
// the value and the rule, and nothing changes (store and engine).
#include <gtest/gtest.h>

#include "unit/api/api_harness.h"

namespace vpngw::api::testing {
namespace {

struct Case {
  std::string label;
  std::string method;
  std::string path;
  std::string body;  // raw text
  int status;
  std::string field;  // expected "error.field"
  std::string rule;   // substring of "error.rule"
};

Json tunnelBody(Json changes) {
  Json body = {{"name", "t-new"},
               {"gateway", "gw-a"},
               {"customer_gateway", "site-b"},
               {"local_subnets", {"10.1.1.0/24"}},
               {"remote_subnets", {"10.4.0.0/24"}}};
  for (auto& [k, v] : changes.items()) {
    if (v.is_null()) {
      body.erase(k);
    } else {
      body[k] = v;
    }
  }
  return body;
}

Case tunnelCase(std::string label, Json changes, std::string field, std::string rule,
                int status = 422) {
  return Case{
      std::move(label), "POST",           "/v1/tunnels",  tunnelBody(std::move(changes)).dump(),
      status,           std::move(field), std::move(rule)};
}

class ApiValidation : public ::testing::Test {
 protected:
  static ServiceOptions limits() {
    ServiceOptions o;
    o.limits.max_tunnels_per_gateway = 3;  // operator-configurable limits, small for the test
    o.limits.max_subnets_per_side = 3;
    return o;
  }

  void SetUp() override {
    token_ = h_.newTenant("acme");
    topo_ = makeTopology(h_, token_);
    auto post = [&](const std::string& path, const Json& body) {
      auto r = h_.call("POST", path, token_, body);
      ASSERT_EQ(r.status, 201) << r.body;
    };
    post("/v1/customer-gateways", {{"name", "site-c"}, {"ip", "198.18.1.4"}});
    post("/v1/customer-gateways", {{"name", "roaming"}, {"ip", "0.0.0.0"}});
    // An IKEv1 tunnel to site-c: later v1 tunnels to site-c share its phase 1.
    post("/v1/tunnels", tunnelBody({{"name", "v1-a"},
                                    {"customer_gateway", "site-c"},
                                    {"local_subnets", {"10.1.2.0/24"}},
                                    {"remote_subnets", {"10.6.0.0/24"}},
                                    {"psk", "Shared-Key1"},
                                    {"ike", {{"version", "v1"}, {"encryption", "aes256"}}}}));
  }

  void expectRefused(const Case& c) {
    SCOPED_TRACE(c.label);
    const std::string before = h_.storeSnapshot();
    const size_t applies = h_.hooks().applyCount();
    auto r = h_.call(c.method, c.path, token_, c.body);
    EXPECT_EQ(r.status, c.status) << r.body;
    ASSERT_TRUE(r.json.is_object()) << r.body;
    const Json& e = r.json["error"];
    EXPECT_EQ(e.value("field", "?"), c.field) << r.body;
    EXPECT_NE(e.value("rule", "").find(c.rule), std::string::npos) << r.body;
    EXPECT_TRUE(e.contains("value"));
    EXPECT_TRUE(r.json["errors"].is_array() && !r.json["errors"].empty());
    EXPECT_EQ(h_.storeSnapshot(), before) << "the store changed";
    EXPECT_EQ(h_.hooks().applyCount(), applies) << "the engine was reconfigured";
  }

  ApiHarness h_{limits()};
  std::string token_;
  Topology topo_;
};

TEST_F(ApiValidation, TunnelRulesOfTheConfigurationFile) {
  const std::string long_psk(129, 'k');
  const std::vector<Case> cases = {
      tunnelCase("CIDR not canonical", {{"local_subnets", {"10.1.1.1/24"}}}, "local_subnets[0]",
                 "canonical form '10.1.1.0/24'"),
      tunnelCase("CIDR syntax", {{"remote_subnets", {"10.4.0.0/33"}}}, "remote_subnets[0]",
                 "not a valid IPv4 CIDR"),
      tunnelCase("local subnet outside the VPC", {{"local_subnets", {"10.7.0.0/24"}}},
                 "local_subnets[0]", "inside the VPC subnets"),
      tunnelCase("local/remote overlap", {{"remote_subnets", {"10.1.1.0/25"}}}, "remote_subnets[0]",
                 "overlap"),
      tunnelCase("subnet pair claimed by t1",
                 {{"local_subnets", {"10.1.0.0/24"}}, {"remote_subnets", {"10.2.0.0/24"}}},
                 "remote_subnets[0]", "t1"),
      tunnelCase("too many local subnets",
                 {{"local_subnets", {"10.1.4.0/24", "10.1.5.0/24", "10.1.6.0/24", "10.1.7.0/24"}}},
                 "local_subnets", "at most 3"),
      tunnelCase("no local subnets", {{"local_subnets", nullptr}}, "local_subnets", "required"),
      tunnelCase("PSK with a space", {{"psk", "has space"}}, "psk", "'?' or a space"),
      tunnelCase("PSK with ?", {{"psk", "what?"}}, "psk", "'?' or a space"),
      tunnelCase("PSK too long", {{"psk", long_psk}}, "psk", "at most 128"),
      tunnelCase("IKE lifetime", {{"ike", {{"lifetime", 60}}}}, "ike.lifetime", "3600-86400"),
      tunnelCase("IPsec lifetime", {{"ipsec", {{"lifetime", 100000}}}}, "ipsec.lifetime",
                 "3600-86400"),
      tunnelCase("encryption name", {{"ike", {{"encryption", "blowfish"}}}}, "ike.encryption",
                 "aes128"),
      tunnelCase("DH group", {{"ike", {{"dh_group", 3}}}}, "ike.dh_group", "14"),
      tunnelCase("PFS group", {{"ipsec", {{"pfs", 7}}}}, "ipsec.pfs", "disable"),
      tunnelCase("v1-only mode with v2", {{"ike", {{"mode", "aggressive"}}}}, "ike.mode", "v1"),
      tunnelCase("AH with encryption", {{"ipsec", {{"protocol", "ah"}, {"encryption", "aes128"}}}},
                 "ipsec.encryption", "ah"),
      tunnelCase("unknown field", {{"colour", "blue"}}, "colour", "not a known field"),
      tunnelCase("boolean", {{"initiator", "yes"}}, "initiator", "true or false"),
      tunnelCase("0.0.0.0 peer needs a remote id", {{"customer_gateway", "roaming"}},
                 "ike.remote_id", ""),
      tunnelCase("0.0.0.0 peer cannot be called",
                 {{"customer_gateway", "roaming"},
                  {"initiator", true},
                  {"ike", {{"remote_id", "peer.example.com"}}}},
                 "initiator", "0.0.0.0"),
      tunnelCase("IKEv1 phase 1 shared: PSK differs",
                 {{"customer_gateway", "site-c"},
                  {"psk", "Other-Key"},
                  {"ike", {{"version", "v1"}, {"encryption", "aes256"}}},
                  {"local_subnets", {"10.1.3.0/24"}}},
                 "psk", "v1-a"),
      tunnelCase("IKEv1 phase 1 shared: encryption differs",
                 {{"customer_gateway", "site-c"},
                  {"psk", "Shared-Key1"},
                  {"ike", {{"version", "v1"}, {"encryption", "aes128"}}},
                  {"local_subnets", {"10.1.3.0/24"}}},
                 "ike.encryption", "v1-a"),
      // API-only rules.
      tunnelCase("gateway does not exist", {{"gateway", "nope"}}, "gateway", "does not name"),
      tunnelCase("customer gateway does not exist", {{"customer_gateway", "cgw-0123456789abcdef"}},
                 "customer_gateway", "does not name"),
      tunnelCase("reference not a string", {{"gateway", 5}}, "gateway", "id or name"),
      tunnelCase("name already used", {{"name", "t1"}}, "name", "already used", 409),
      tunnelCase("invalid name", {{"name", "bad name"}}, "name", "not a valid name"),
      tunnelCase("name looks like an id", {{"name", "tun-0123456789abcdef"}}, "name",
                 "looks like a resource id"),
      tunnelCase("name missing", {{"name", nullptr}}, "name", "required"),
      tunnelCase("read-only field", {{"status", "running"}}, "status", "read-only"),
      tunnelCase("remark too long", {{"remark", std::string(300, 'r')}}, "remark", "at most 256"),
  };
  for (const auto& c : cases) {
    expectRefused(c);
  }
}

TEST_F(ApiValidation, TunnelLimitPerGatewayAndCustomerGateway) {
  // gw-a has t1 and v1-a; a third fills it to the limit of 3.
  ASSERT_EQ(h_.call("POST", "/v1/tunnels", token_, tunnelBody({{"name", "t2"}})).status, 201);
  expectRefused(tunnelCase("fourth tunnel on gw-a", {{"local_subnets", {"10.1.9.0/24"}}}, "gateway",
                           "at most 3"));
  auto r = h_.call("POST", "/v1/gateways", token_,
                   Json{{"name", "gw-b"}, {"vpc", "vpc-main"}, {"public_ip", "198.18.1.3"}});
  ASSERT_EQ(r.status, 201) << r.body;
  // site-b has t1 and t2; t3 on gw-b fills it.
  ASSERT_EQ(
      h_.call("POST", "/v1/tunnels", token_, tunnelBody({{"name", "t3"}, {"gateway", "gw-b"}}))
          .status,
      201);
  expectRefused(tunnelCase("fourth tunnel on site-b",
                           {{"gateway", "gw-b"}, {"local_subnets", {"10.1.9.0/24"}}},
                           "customer_gateway", "at most 3"));
}

TEST_F(ApiValidation, OtherResources) {
  const std::vector<Case> cases = {
      {"VPC CIDR", "POST", "/v1/vpcs", Json{{"name", "v2"}, {"subnets", {"10.0.0.1/8"}}}.dump(),
       422, "subnets[0]", "canonical"},
      {"VPC subnets overlap", "POST", "/v1/vpcs",
       Json{{"name", "v2"}, {"subnets", {"10.0.0.0/8", "10.1.0.0/16"}}}.dump(), 422, "subnets[1]",
       "overlap"},
      {"VPC without subnets", "POST", "/v1/vpcs", Json{{"name", "v2"}}.dump(), 422, "subnets",
       "required"},
      {"VPC unknown field", "POST", "/v1/vpcs",
       Json{{"name", "v2"}, {"subnets", {"10.0.0.0/8"}}, {"public_ip", "1.2.3.4"}}.dump(), 422,
       "public_ip", "not a known field"},
      {"VPC name taken", "POST", "/v1/vpcs",
       Json{{"name", "vpc-main"}, {"subnets", {"10.0.0.0/8"}}}.dump(), 409, "name", "already used"},
      {"gateway public IP 0.0.0.0", "POST", "/v1/gateways",
       Json{{"name", "g2"}, {"vpc", "vpc-main"}, {"public_ip", "0.0.0.0"}}.dump(), 422, "public_ip",
       "0.0.0.0"},
      {"gateway VPC and inline subnets", "POST", "/v1/gateways",
       Json{{"name", "g2"},
            {"vpc", "vpc-main"},
            {"vpc_subnets", {"10.0.0.0/8"}},
            {"public_ip", "198.18.9.9"}}
           .dump(),
       422, "vpc", "not both"},
      {"gateway VPC missing", "POST", "/v1/gateways",
       Json{{"name", "g2"}, {"vpc", "vpc-nope"}, {"public_ip", "198.18.9.9"}}.dump(), 422, "vpc",
       "does not name a VPC"},
      {"gateway MTU", "POST", "/v1/gateways",
       Json{{"name", "g2"}, {"vpc", "vpc-main"}, {"public_ip", "198.18.9.9"}, {"mtu", 100}}.dump(),
       422, "mtu", "576"},
      {"gateway LAN IP outside the VPC", "POST", "/v1/gateways",
       Json{{"name", "g2"},
            {"vpc", "vpc-main"},
            {"public_ip", "198.18.9.9"},
            {"lan_ip", "10.200.0.1"}}
           .dump(),
       422, "lan_ip", "vpc_subnets"},
      {"customer gateway address", "POST", "/v1/customer-gateways",
       Json{{"name", "c2"}, {"ip", "300.1.1.1"}}.dump(), 422, "ip", "IPv4"},
      {"customer gateway without address", "POST", "/v1/customer-gateways",
       Json{{"name", "c2"}}.dump(), 422, "ip", "required"},
      // A VPC change that would leave a tunnel's local subnet outside it is refused on the
      // tunnel (and the error names the tunnel).
      {"VPC shrunk under a tunnel", "PATCH", "/v1/vpcs/vpc-main",
       Json{{"subnets", {"10.1.1.0/24", "10.1.2.0/24"}}}.dump(), 422, "local_subnets[0]",
       "inside the VPC subnets"},
      {"PATCH lifetime", "PATCH", "/v1/tunnels/t1", Json{{"ike", {{"lifetime", 1}}}}.dump(), 422,
       "ike.lifetime", "3600"},
      {"PATCH name clash", "PATCH", "/v1/tunnels/t1", Json{{"name", "v1-a"}}.dump(), 409, "name",
       "already used"},
      {"PATCH id", "PATCH", "/v1/tunnels/t1", Json{{"id", "tun-0000000000000000"}}.dump(), 422,
       "id", "read-only"},
      // Deleting what tunnels still use.
      {"delete gateway with tunnels", "DELETE", "/v1/gateways/gw-a", "", 409, "id",
       "cannot be deleted"},
      {"delete customer gateway with tunnels", "DELETE", "/v1/customer-gateways/site-b", "", 409,
       "id", "cannot be deleted"},
      {"delete VPC with gateways", "DELETE", "/v1/vpcs/vpc-main", "", 409, "id",
       "cannot be deleted"},
      {"batch delete gateway with tunnels", "POST", "/v1/gateways:batch-delete",
       Json{{"ids", {"gw-a"}}}.dump(), 409, "id", "cannot be deleted"},
      // Malformed requests.
      {"malformed JSON", "POST", "/v1/tunnels", "{\"name\": ", 400, "", "not valid JSON"},
      {"not an object", "POST", "/v1/tunnels", "[1, 2]", 400, "", "JSON object"},
      {"empty body", "POST", "/v1/vpcs", "", 400, "", "not valid JSON"},
      {"nested too deep", "POST", "/v1/vpcs", std::string(100, '[') + std::string(100, ']'), 400,
       "", "deeper"},
      {"body too large", "POST", "/v1/vpcs", "{\"name\": \"" + std::string(2 << 20, 'x') + "\"}",
       413, "path", "too large"},
  };
  for (const auto& c : cases) {
    expectRefused(c);
  }
  // The VPC-shrink refusal names the tunnel it would break.
  auto r = h_.call("PATCH", "/v1/vpcs/vpc-main", token_,
                   Json{{"subnets", {"10.1.1.0/24", "10.1.2.0/24"}}});
  EXPECT_EQ(r.json["error"]["resource"], topo_.tunnel) << r.body;
}

TEST_F(ApiValidation, EveryErrorIsReported) {
  auto r = h_.call("POST", "/v1/tunnels", token_,
                   tunnelBody({{"local_subnets", {"10.1.1.1/24"}},
                               {"ike", {{"lifetime", 5}, {"dh_group", 3}}}}));
  EXPECT_EQ(r.status, 422);
  std::set<std::string> fields;
  for (const auto& e : r.json["errors"]) {
    fields.insert(e["field"].get<std::string>());
    EXPECT_TRUE(e.contains("message"));
  }
  EXPECT_EQ(fields, (std::set<std::string>{"local_subnets[0]", "ike.lifetime", "ike.dh_group"}));
}

TEST_F(ApiValidation, PskIsRedactedInErrors) {
  auto r = h_.call("POST", "/v1/tunnels", token_, tunnelBody({{"psk", "secret with space"}}));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body.find("secret with space"), std::string::npos);
  EXPECT_EQ(r.json["error"]["value"], "<redacted>");
}

}  // namespace
}  // namespace vpngw::api::testing
