// Durable state: restart with everything intact, crash leftovers finished at start, the
// configuration file upserted into the tenant "default" (idempotent, --prune).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "unit/api/api_harness.h"

namespace vpngw::api::testing {
namespace {

unsigned fileMode(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

TEST(ApiRestart, StateTokensAndEngineComeBack) {
  ApiHarness h;
  std::string token = h.newTenant("acme");
  Topology t = makeTopology(h, token);
  ASSERT_EQ(h.call("PATCH", "/v1/tunnels/t1", token, Json{{"remark", "keep me"}}).status, 200);
  const std::string op_token = h.operatorToken();
  EXPECT_EQ(fileMode(operatorTokenPath(h.dir().path())), 0600u);
  EXPECT_EQ(fileMode(apiSocketPath(h.dir().path())), 0600u);
  auto before = h.call("GET", "/v1/tunnels/t1", token).json;

  h.restart();
  EXPECT_EQ(h.operatorToken(), op_token);  // read back from operator.token
  auto after = h.call("GET", "/v1/tunnels/t1", token);
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(after.json, before);
  EXPECT_EQ(after.json["remark"], "keep me");
  EXPECT_EQ(after.json["status"], "running");
  EXPECT_EQ(h.op("GET", "/v1/tenants/acme").status, 200);
  // The engine got everything back at start, each tunnel as added.
  auto applied = h.hooks().lastApplied();
  EXPECT_EQ(applied.change.added, std::vector<std::string>{t.tunnel});
  EXPECT_EQ(applied.config.tunnels.size(), 1u);
  EXPECT_EQ(applied.config.gateways.size(), 1u);
  EXPECT_TRUE(h.warnings().empty());
}

TEST(ApiRestart, InterruptedCreateAndDeleteAreFinishedAtStart) {
  ApiHarness h;
  std::string token = h.newTenant("acme");
  Topology t = makeTopology(h, token);
  h.stop();
  {
    // As a crash would leave them: the tunnel acknowledged as deleting, the customer gateway
    // still creating.
    auto store = store::Store::open(h.dir().path());
    ASSERT_TRUE(store.ok());
    auto all = store.value()->loadResources();
    ASSERT_TRUE(all.ok());
    std::vector<store::Change> changes;
    for (auto r : all.value()) {
      if (r.id == t.tunnel) {
        r.status = "deleting";
        changes.push_back({store::Change::Op::Update, r});
      } else if (r.id == t.customer_gateway) {
        r.status = "creating";
        changes.push_back({store::Change::Op::Update, r});
      }
    }
    ASSERT_TRUE(store.value()->commit(changes).ok());
  }
  h.start();
  EXPECT_EQ(h.call("GET", "/v1/tunnels/" + t.tunnel, token).status, 404);
  EXPECT_EQ(h.call("GET", "/v1/customer-gateways/site-b", token).json["status"], "running");
  EXPECT_TRUE(h.hooks().lastApplied().config.tunnels.empty());
}

TEST(ApiRestart, TenantThatNoLongerValidatesIsReportedAndLeftOut) {
  ServiceOptions strict;
  strict.limits.max_subnets_per_side = 1;
  ApiHarness h;
  std::string token = h.newTenant("acme");
  makeTopology(h, token);
  ASSERT_EQ(h.call("PATCH", "/v1/tunnels/t1", token,
                   Json{{"remote_subnets", {"10.2.0.0/24", "10.3.0.0/24"}}})
                .status,
            200);
  ApiHarness* p = &h;
  p->stop();
  // Same state dir, stricter operator limit.
  auto store = store::Store::open(h.dir().path());
  ASSERT_TRUE(store.ok());
  EventBus bus;
  FakeHooks hooks;
  ApiService service(*store.value(), hooks, bus, strict);
  auto warnings = service.start();
  ASSERT_TRUE(warnings.ok());
  ASSERT_EQ(warnings->size(), 1u);
  EXPECT_NE(warnings->front().find("remote_subnets: "), std::string::npos) << warnings->front();
  EXPECT_TRUE(hooks.lastApplied().config.tunnels.empty());
}

constexpr const char* kFile = R"(gateways:
  - name: gw-a
    public_ip: 198.18.1.1
    vpc_subnets: [10.1.0.0/16]
customer_gateways:
  - name: site-b
    ip: 198.18.1.2
tunnels:
  - name: t1
    gateway: gw-a
    customer_gateway: site-b
    local_subnets: [10.1.0.0/24]
    remote_subnets: [10.2.0.0/24]
    psk: "0123456"
    ike: {version: v2, lifetime: 3600}
  - name: t2
    gateway: gw-a
    customer_gateway: site-b
    local_subnets: [10.1.1.0/24]
    remote_subnets: [10.3.0.0/24]
    psk: secret
)";

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

Json kinds(const Json& items) {
  Json out = Json::array();
  for (const auto& i : items) {
    out.push_back(i["kind"].get<std::string>() + ":" + i["name"].get<std::string>());
  }
  return out;
}

TEST(ApiConfigFile, UpsertIntoDefaultIsIdempotent) {
  ApiHarness h;
  const std::string path = h.dir().file("vpngw.yaml");
  writeFile(path, kFile);
  auto first = h.service().applyConfigFile(path, false);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(kinds((*first)["created"]),
            Json::array({"gateway:gw-a", "customer_gateway:site-b", "tunnel:t1", "tunnel:t2"}));
  auto applied = h.hooks().lastApplied();
  ASSERT_EQ(applied.config.tunnels.size(), 2u);
  // A PSK of digits with a leading zero stays text.
  EXPECT_EQ(std::string(applied.config.tunnels[0].psk.begin(), applied.config.tunnels[0].psk.end()),
            "0123456");
  const std::string snapshot = h.storeSnapshot();
  const size_t applies = h.hooks().applyCount();

  auto second = h.service().applyConfigFile(path, false);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE((*second)["created"].empty());
  EXPECT_TRUE((*second)["updated"].empty());
  EXPECT_EQ((*second)["unchanged"].size(), 4u);
  EXPECT_EQ(h.storeSnapshot(), snapshot);
  EXPECT_EQ(h.hooks().applyCount(), applies);

  // The operator sees them in "default"; a restart upserting again changes nothing either.
  auto t1 = h.op("GET", "/v1/tunnels/t1");
  ASSERT_EQ(t1.status, 200);
  EXPECT_EQ(t1.json["ike"]["lifetime"], 3600);
  h.restart();
  ASSERT_TRUE(h.service().applyConfigFile(path, false).ok());
  EXPECT_EQ(h.op("GET", "/v1/tunnels/t1").json["id"], t1.json["id"]);
}

TEST(ApiConfigFile, FileIsTheSourceOfTruthForItsNamesOnly) {
  ApiHarness h;
  const std::string path = h.dir().file("vpngw.yaml");
  writeFile(path, kFile);
  ASSERT_TRUE(h.service().applyConfigFile(path, false).ok());
  // Resources made through the API in "default".
  ASSERT_EQ(
      h.op("POST", "/v1/customer-gateways", Json{{"name", "api-cgw"}, {"ip", "198.18.3.3"}}).status,
      201);
  ASSERT_EQ(
      h.op("POST", "/v1/vpcs", Json{{"name", "api-vpc"}, {"subnets", {"10.50.0.0/16"}}}).status,
      201);
  const std::string t1_id = h.op("GET", "/v1/tunnels/t1").json["id"];
  // The API edits t1; the file puts it back. t2 is dropped from the file.
  ASSERT_EQ(h.op("PATCH", "/v1/tunnels/t1", Json{{"remote_subnets", {"10.9.0.0/24"}}}).status, 200);
  std::string edited = kFile;
  edited = edited.substr(0, edited.find("  - name: t2"));
  writeFile(path, edited);
  auto r = h.service().applyConfigFile(path, false);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(kinds((*r)["updated"]), Json::array({"tunnel:t1"}));
  EXPECT_TRUE((*r)["deleted"].empty());
  EXPECT_EQ(h.op("GET", "/v1/tunnels/t1").json["remote_subnets"], Json::array({"10.2.0.0/24"}));
  EXPECT_EQ(h.op("GET", "/v1/tunnels/t1").json["id"], t1_id);
  EXPECT_EQ(h.op("GET", "/v1/tunnels/t2").status, 200);  // kept without --prune
  // With prune: t2 and the API's customer gateway go; the VPC (not expressible in a file) stays.
  r = h.service().applyConfigFile(path, true);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(kinds((*r)["deleted"]), Json::array({"customer_gateway:api-cgw", "tunnel:t2"}))
      << r->dump();
  EXPECT_EQ(h.op("GET", "/v1/tunnels/t2").status, 404);
  EXPECT_EQ(h.op("GET", "/v1/customer-gateways/api-cgw").status, 404);
  EXPECT_EQ(h.op("GET", "/v1/vpcs/api-vpc").status, 200);
  // A second prune changes nothing.
  const size_t applies = h.hooks().applyCount();
  r = h.service().applyConfigFile(path, true);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)["deleted"].empty());
  EXPECT_TRUE((*r)["updated"].empty());
  EXPECT_EQ(h.hooks().applyCount(), applies);
}

TEST(ApiConfigFile, InvalidFileChangesNothing) {
  ApiHarness h;
  const std::string path = h.dir().file("vpngw.yaml");
  writeFile(path, kFile);
  ASSERT_TRUE(h.service().applyConfigFile(path, false).ok());
  const std::string snapshot = h.storeSnapshot();
  std::string bad = kFile;
  bad.replace(bad.find("lifetime: 3600"), 14, "lifetime: 60");
  writeFile(path, bad);
  auto r = h.service().applyConfigFile(path, true);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("tunnels[0].ike.lifetime"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(h.storeSnapshot(), snapshot);
  EXPECT_FALSE(h.service().applyConfigFile(h.dir().file("missing.yaml"), false).ok());
}

TEST(ApiConfigFile, ApplyOverHttp) {
  ApiHarness h;
  std::string token = h.newTenant("acme");
  auto r = h.call("POST", "/v1/apply", token, kFile, "", "application/yaml");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["created"].size(), 4u);
  EXPECT_EQ(h.call("GET", "/v1/tunnels/t2", token).status, 200);
  EXPECT_EQ(h.op("GET", "/v1/tunnels/t2").status, 404);  // acme's, not default's
  r = h.call("POST", "/v1/apply", token, kFile, "", "application/yaml");
  EXPECT_EQ(r.json["unchanged"].size(), 4u);
  r = h.call("POST", "/v1/apply?prune=maybe", token, kFile, "", "application/yaml");
  EXPECT_EQ(r.status, 400);
  r = h.call("POST", "/v1/apply", token, "tunnels: [", "", "application/yaml");
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.json["error"]["rule"].get<std::string>().find("YAML syntax"), std::string::npos);
}

}  // namespace
}  // namespace vpngw::api::testing
