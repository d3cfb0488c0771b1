#pragma once
// A complete API in-process for tests: store, service and HTTP server in a temp state dir,
// driven over <state-dir>/api.sock with httplib's client. FakeHooks stands in for the daemon.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/socket.h>

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/event_bus.h"
#include "api/http_server.h"
#include "api/operator_token.h"
#include "api/service.h"
#include "store/store.h"
#include "unit/engine/temp_dir.h"

namespace vpngw::api::testing {

using Json = nlohmann::json;

// Records what the API asks of the daemon.
class FakeHooks final : public ServiceHooks {
 public:
  struct Applied {
    ike::Config config;
    ConfigChange change;
  };

  void apply(const ike::Config& config, const ConfigChange& change) override {
    std::lock_guard lock(mu_);
    applied_.push_back({config, change});
  }
  void reset(const std::string& tunnel_id) override {
    std::lock_guard lock(mu_);
    resets_.push_back(tunnel_id);
  }
  Json tunnelStatus(const std::string& tunnel_id) override {
    std::lock_guard lock(mu_);
    auto it = status_.find(tunnel_id);
    return it == status_.end() ? Json() : it->second;
  }
  Json diagnose(const std::string& tunnel_id) override {
    return {{"code", "ok"}, {"text", "diagnosis of " + tunnel_id}};
  }

  void setStatus(const std::string& tunnel_id, Json status) {
    std::lock_guard lock(mu_);
    status_[tunnel_id] = std::move(status);
  }
  size_t applyCount() const {
    std::lock_guard lock(mu_);
    return applied_.size();
  }
  Applied lastApplied() const {
    std::lock_guard lock(mu_);
    return applied_.back();
  }
  std::vector<std::string> resets() const {
    std::lock_guard lock(mu_);
    return resets_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Applied> applied_;
  std::vector<std::string> resets_;
  std::map<std::string, Json> status_;
};

struct Response {
  int status = 0;
  Json json;         // parsed body (null when not JSON)
  std::string body;  // raw body
  std::string content_type;
};

class ApiHarness {
 public:
  explicit ApiHarness(ServiceOptions options = {}, HttpOptions http = {}) : options_(options) {
    http_options_ = std::move(http);
    http_options_.state_dir = dir_.path();
    http_options_.threads = 8;
    start();
  }
  ~ApiHarness() { stop(); }

  void start() {
    auto s = store::Store::open(dir_.path());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s.value());
    events_ = std::make_unique<EventBus>();
    service_ = std::make_unique<ApiService>(*store_, hooks_, *events_, options_);
    auto warnings = service_->start();
    ASSERT_TRUE(warnings.ok()) << warnings.error().message;
    warnings_ = warnings.value();
    auto token = loadOrCreateOperatorToken(dir_.path());
    ASSERT_TRUE(token.ok()) << token.error().message;
    operator_token_ = token.value();
    service_->setOperatorToken(operator_token_);
    server_ = std::make_unique<HttpServer>(*service_, *events_, http_options_);
    auto started = server_->start();
    ASSERT_TRUE(started.ok()) << started.error().message;
  }
  void stop() {
    server_.reset();
    service_.reset();
    events_.reset();
    store_.reset();
  }
  void restart() {
    stop();
    start();
  }

  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>(apiSocketPath(dir_.path()).string(), 80);
    c->set_address_family(AF_UNIX);
    c->set_read_timeout(10, 0);
    return c;
  }

  // One request; `token` empty sends no Authorization header.
  Response call(const std::string& method, const std::string& path, const std::string& token,
                const std::string& body = "", const std::string& tenant = "",
                const std::string& content_type = "application/json") const {
    httplib::Headers headers;
    if (!token.empty()) {
      headers.emplace("Authorization", "Bearer " + token);
    }
    if (!tenant.empty()) {
      headers.emplace("X-Tenant", tenant);
    }
    auto c = client();
    httplib::Result res = method == "GET"      ? c->Get(path, headers)
                          : method == "POST"   ? c->Post(path, headers, body, content_type)
                          : method == "PATCH"  ? c->Patch(path, headers, body, content_type)
                          : method == "DELETE" ? c->Delete(path, headers, body, content_type)
                                               : c->Delete(path, headers);
    Response out;
    if (!res) {
      ADD_FAILURE() << method << " " << path << ": " << httplib::to_string(res.error());
      return out;
    }
    out.status = res->status;
    out.body = res->body;
    out.content_type = res->get_header_value("Content-Type");
    out.json = Json::parse(res->body, nullptr, false);
    if (out.json.is_discarded()) {
      out.json = nullptr;
    }
    return out;
  }
  Response call(const std::string& method, const std::string& path, const std::string& token,
                const Json& body) const {
    return call(method, path, token, body.dump());
  }

  // Operator shortcuts (tenant "default" unless a tenant is named).
  Response op(const std::string& method, const std::string& path, const Json& body = nullptr,
              const std::string& tenant = "") const {
    return call(method, path, operator_token_, body.is_null() ? "" : body.dump(), tenant);
  }

  // Creates a tenant; returns its token.
  std::string newTenant(const std::string& name) {
    auto r = op("POST", "/v1/tenants", Json{{"name", name}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.value("token", "");
  }

  // Every stored resource, for "nothing changed" checks.
  std::string storeSnapshot() const {
    auto all = store_->loadResources();
    EXPECT_TRUE(all.ok());
    Json out = Json::array();
    for (const auto& r : all.value()) {
      out.push_back({r.id, r.tenant_id, r.name, r.remark, r.doc, r.status, r.updated_ms});
    }
    return out.dump();
  }

  const engine::testing::TempDir& dir() const { return dir_; }
  FakeHooks& hooks() { return hooks_; }
  ApiService& service() { return *service_; }
  HttpServer& server() { return *server_; }
  EventBus& events() { return *events_; }
  store::Store& store() { return *store_; }
  const std::string& operatorToken() const { return operator_token_; }
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  engine::testing::TempDir dir_;
  ServiceOptions options_;
  HttpOptions http_options_;
  FakeHooks hooks_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<EventBus> events_;
  std::unique_ptr<ApiService> service_;
  std::unique_ptr<HttpServer> server_;
  std::string operator_token_;
  std::vector<std::string> warnings_;
};

// A small valid topology in one tenant: VPC "vpc-main" (10.1.0.0/16), gateway "gw-a" on it,
// customer gateway "site-b", tunnel "t1" (10.1.0.0/24 <-> 10.2.0.0/24, no PSK given).
struct Topology {
  std::string vpc, gateway, customer_gateway, tunnel;
};

inline Topology makeTopology(const ApiHarness& h, const std::string& token,
                             const std::string& tenant = "") {
  Topology t;
  auto post = [&](const std::string& path, const Json& body) {
    auto r = h.call("POST", path, token, body.dump(), tenant);
    EXPECT_EQ(r.status, 201) << path << ": " << r.body;
    return r.json.value("id", "");
  };
  t.vpc = post("/v1/vpcs", {{"name", "vpc-main"}, {"subnets", {"10.1.0.0/16"}}});
  t.gateway =
      post("/v1/gateways", {{"name", "gw-a"}, {"vpc", "vpc-main"}, {"public_ip", "198.18.1.1"}});
  t.customer_gateway = post("/v1/customer-gateways", {{"name", "site-b"}, {"ip", "198.18.1.2"}});
  t.tunnel = post("/v1/tunnels", {{"name", "t1"},
                                  {"gateway", "gw-a"},
                                  {"customer_gateway", t.customer_gateway},
                                  {"local_subnets", {"10.1.0.0/24"}},
                                  {"remote_subnets", {"10.2.0.0/24"}}});
  return t;
}

}  // namespace vpngw::api::testing
