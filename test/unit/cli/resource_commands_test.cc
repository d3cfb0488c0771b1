// The CLI resource commands against the real API in-process (store, service, HTTP server on a
// temp state dir's api.sock, fake daemon hooks): every kind's create/list/show/update/delete,
// batch delete, search and CSV, --json, apply -f (twice: the second changes nothing; --prune),
// and the exit codes scripts rely on.
#include "cli/resource_commands.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cli/exit_codes.h"
#include "unit/api/api_harness.h"

namespace vpngw::cli {
namespace {

using api::testing::ApiHarness;
using ApiJson = nlohmann::json;

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

class CliTest : public ::testing::Test {
 protected:
  CliTest() { api_.state_dir = h_.dir().path().string(); }

  CliRun run(ResourceKind kind, const std::string& verb, std::vector<std::string> refs = {},
             std::function<void(ResourceCommand&)> edit = nullptr) {
    ResourceCommand c;
    c.kind = kind;
    c.verb = verb;
    c.refs = std::move(refs);
    if (edit) {
      edit(c);
    }
    std::ostringstream out;
    std::ostringstream err;
    int code = runResource(api_, c, out, err);
    return {code, out.str(), err.str()};
  }
  CliRun apply(const std::string& yaml, bool prune) {
    std::string path = h_.dir().file("apply.yaml");
    std::ofstream(path) << yaml;
    std::ostringstream out;
    std::ostringstream err;
    int code = runApply(api_, {path, prune, false}, out, err);
    return {code, out.str(), err.str()};
  }
  void topology() {
    ASSERT_EQ(run(ResourceKind::Vpc, "create", {},
                  [](auto& c) {
                    c.scalars["name"] = "vpc-a";
                    c.lists["subnets"] = {"10.1.0.0/16"};
                  })
                  .code,
              kExitOk);
    ASSERT_EQ(run(ResourceKind::Gateway, "create", {},
                  [](auto& c) {
                    c.scalars = {{"name", "gw-a"}, {"vpc", "vpc-a"}, {"public_ip", "198.18.1.1"}};
                  })
                  .code,
              kExitOk);
    ASSERT_EQ(run(ResourceKind::CustomerGateway, "create", {},
                  [](auto& c) {
                    c.scalars = {{"name", "site-b"}, {"ip", "198.18.1.2"}};
                  })
                  .code,
              kExitOk);
  }
  CliRun tunnel(const std::string& name, const std::string& local, const std::string& remote) {
    return run(ResourceKind::Tunnel, "create", {}, [&](auto& c) {
      c.scalars = {{"name", name}, {"gateway", "gw-a"}, {"customer_gateway", "site-b"}};
      c.lists = {{"local_subnets", {local}}, {"remote_subnets", {remote}}};
      c.sets = {"ike.dh_group=14", "dpd.delay=10"};
    });
  }

  ApiHarness h_;
  ApiOptions api_;
};

TEST_F(CliTest, CreateListShowUpdateDeleteEveryKind) {
  topology();
  CliRun t = tunnel("t1", "10.1.0.0/24", "10.2.0.0/24");
  ASSERT_EQ(t.code, kExitOk) << t.err;
  EXPECT_NE(t.out.find("created tun-"), std::string::npos);
  CliRun list = run(ResourceKind::Tunnel, "list");
  ASSERT_EQ(list.code, kExitOk);
  EXPECT_NE(list.out.find("NAME"), std::string::npos);
  EXPECT_NE(list.out.find("t1"), std::string::npos);
  EXPECT_NE(list.out.find("10.2.0.0/24"), std::string::npos);
  CliRun shown = run(ResourceKind::Tunnel, "show", {"t1"}, [](auto& c) { c.json = true; });
  ASSERT_EQ(shown.code, kExitOk);
  ApiJson j = ApiJson::parse(shown.out);
  EXPECT_EQ(j["ike"]["dh_group"], 14);  // --set with a dotted key, typed
  EXPECT_FALSE(j.contains("psk"));
  CliRun upd = run(ResourceKind::Tunnel, "update", {"t1"}, [](auto& c) {
    c.lists["remote_subnets"] = {"10.2.0.0/24", "10.3.0.0/24"};
  });
  ASSERT_EQ(upd.code, kExitOk) << upd.err;
  EXPECT_EQ(h_.hooks().lastApplied().change.changed.size(), 1u);  // reconnects
  CliRun gws = run(ResourceKind::Gateway, "list", {}, [](auto& c) { c.json = true; });
  EXPECT_EQ(ApiJson::parse(gws.out)["items"][0]["tunnel_count"], 1);
  EXPECT_EQ(run(ResourceKind::Tunnel, "delete", {"t1"}).code, kExitOk);
  EXPECT_EQ(run(ResourceKind::Gateway, "delete", {"gw-a"}).code, kExitOk);
  EXPECT_EQ(run(ResourceKind::CustomerGateway, "delete", {"site-b"}).code, kExitOk);
  EXPECT_EQ(run(ResourceKind::Vpc, "delete", {"vpc-a"}).code, kExitOk);
}

TEST_F(CliTest, ExitCodesAndErrorsNameTheFieldAndRule) {
  topology();
  CliRun bad = tunnel("t1", "10.9.0.0/24", "10.2.0.0/24");  // outside the VPC
  EXPECT_EQ(bad.code, kExitConfigError);
  EXPECT_NE(bad.err.find("local_subnets[0]: value '10.9.0.0/24'"), std::string::npos) << bad.err;
  EXPECT_EQ(run(ResourceKind::Tunnel, "show", {"nope"}).code, kExitNotFound);
  ASSERT_EQ(tunnel("t1", "10.1.0.0/24", "10.2.0.0/24").code, kExitOk);
  CliRun conflict = run(ResourceKind::Gateway, "delete", {"gw-a"});
  EXPECT_EQ(conflict.code, kExitConflict);
  EXPECT_NE(conflict.err.find("cannot be deleted"), std::string::npos);
  api_.token = "not-a-token";
  EXPECT_EQ(run(ResourceKind::Tunnel, "list").code, kExitFailure);  // 401
  api_.token.clear();
  api_.state_dir = h_.dir().file("no-daemon-here");
  CliRun none = run(ResourceKind::Tunnel, "list");
  EXPECT_EQ(none.code, kExitNoDaemon);
  EXPECT_NE(none.err.find("no daemon answers"), std::string::npos);
}

TEST_F(CliTest, BatchDeleteSearchCsvAndTenantScope) {
  topology();
  ASSERT_EQ(tunnel("alpha", "10.1.0.0/24", "10.2.0.0/24").code, kExitOk);
  ASSERT_EQ(tunnel("beta", "10.1.1.0/24", "10.2.1.0/24").code, kExitOk);
  ASSERT_EQ(tunnel("gamma", "10.1.2.0/24", "10.2.2.0/24").code, kExitOk);
  CliRun found = run(ResourceKind::Tunnel, "list", {}, [](auto& c) {
    c.search = "10.2.1.";
    c.json = true;
  });
  ASSERT_EQ(found.code, kExitOk);
  EXPECT_EQ(ApiJson::parse(found.out)["total"], 1);
  CliRun csv = run(ResourceKind::Tunnel, "list", {}, [](auto& c) {
    c.csv = true;
    c.sort = "-name";
  });
  ASSERT_EQ(csv.code, kExitOk);
  EXPECT_EQ(csv.out.rfind("id,name,", 0), 0u);
  EXPECT_LT(csv.out.find("gamma"), csv.out.find("alpha"));
  EXPECT_EQ(run(ResourceKind::Tunnel, "delete", {"alpha", "nope"}).code, kExitNotFound);
  EXPECT_EQ(run(ResourceKind::Tunnel, "delete", {"alpha", "beta"}).code, kExitOk);  // batch
  CliRun left = run(ResourceKind::Tunnel, "list", {}, [](auto& c) { c.json = true; });
  EXPECT_EQ(ApiJson::parse(left.out)["total"], 1);
  // The operator acting on another tenant sees that tenant's (empty) world.
  h_.newTenant("acme");
  api_.tenant = "acme";
  CliRun other = run(ResourceKind::Tunnel, "list", {}, [](auto& c) { c.json = true; });
  EXPECT_EQ(ApiJson::parse(other.out)["total"], 0);
}

TEST_F(CliTest, TunnelConfigAndReset) {
  topology();
  ASSERT_EQ(tunnel("t1", "10.1.0.0/24", "10.2.0.0/24").code, kExitOk);
  CliRun reset = run(ResourceKind::Tunnel, "reset", {"t1"});
  EXPECT_EQ(reset.code, kExitOk) << reset.err;
  // This harness has no renderer: the API's refusal comes through as a failure.
  CliRun config =
      run(ResourceKind::Tunnel, "config", {"t1"}, [](auto& c) { c.format = "swanctl"; });
  EXPECT_EQ(config.code, kExitFailure);
  EXPECT_NE(config.err.find("format"), std::string::npos);
}

TEST_F(CliTest, ApplyIsIdempotentAndPrunes) {
  const std::string file = R"(gateways:
  - name: gw-f
    public_ip: 198.18.2.1
    vpc_subnets: [10.5.0.0/16]
customer_gateways:
  - name: peer-f
    ip: 198.18.2.2
tunnels:
  - name: tf
    gateway: gw-f
    customer_gateway: peer-f
    local_subnets: [10.5.0.0/24]
    remote_subnets: [10.6.0.0/24]
    psk: "apply-psk-0123456789"
)";
  CliRun first = apply(file, false);
  ASSERT_EQ(first.code, kExitOk) << first.err;
  EXPECT_NE(first.out.find("created tunnel tf"), std::string::npos) << first.out;
  CliRun second = apply(file, false);
  ASSERT_EQ(second.code, kExitOk);
  EXPECT_EQ(second.out.find("created"), std::string::npos);
  EXPECT_EQ(second.out.find("updated"), std::string::npos);
  EXPECT_NE(second.out.find("unchanged tunnel tf"), std::string::npos);
  // Pruning with a file that names nothing removes what apply created.
  CliRun pruned = apply("{}\n", true);
  ASSERT_EQ(pruned.code, kExitOk) << pruned.err;
  EXPECT_NE(pruned.out.find("deleted tunnel tf"), std::string::npos) << pruned.out;
}

}  // namespace
}  // namespace vpngw::cli
