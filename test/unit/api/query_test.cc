// Listing: fuzzy search, sorting, paging, CSV export; batch delete; server-sent events.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "unit/api/api_harness.h"

namespace vpngw::api::testing {
namespace {

std::vector<std::string> names(const Json& list) {
  std::vector<std::string> out;
  for (const auto& item : list["items"]) {
    out.push_back(item["name"]);
  }
  return out;
}

class ApiQuery : public ::testing::Test {
 protected:
  void SetUp() override {
    token_ = h_.newTenant("acme");
    // Created in this order: creation order is the default sort.
    const std::vector<std::pair<std::string, std::string>> cgws = {{"paris", "198.18.0.30"},
                                                                   {"berlin", "198.18.0.10"},
                                                                   {"oslo", "198.18.0.20"},
                                                                   {"Lisbon", "203.0.113.7"},
                                                                   {"rome", "198.18.0.40"}};
    for (const auto& [name, ip] : cgws) {
      auto r = h_.call("POST", "/v1/customer-gateways", token_,
                       Json{{"name", name}, {"ip", ip}, {"remark", "office " + name}});
      ASSERT_EQ(r.status, 201) << r.body;
      ids_.push_back(r.json["id"]);
    }
  }
  Json list(const std::string& query) {
    auto r = h_.call("GET", "/v1/customer-gateways" + query, token_);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json;
  }

  ApiHarness h_;
  std::string token_;
  std::vector<std::string> ids_;
};

TEST_F(ApiQuery, DefaultOrderIsCreationOrder) {
  Json all = list("");
  EXPECT_EQ(names(all), (std::vector<std::string>{"paris", "berlin", "oslo", "Lisbon", "rome"}));
  EXPECT_EQ(all["total"], 5);
  EXPECT_EQ(all["page"], 1);
  EXPECT_EQ(all["per_page"], 50);
}

TEST_F(ApiQuery, SortAscendingAndDescending) {
  EXPECT_EQ(names(list("?sort=ip")),
            (std::vector<std::string>{"berlin", "oslo", "paris", "rome", "Lisbon"}));
  EXPECT_EQ(names(list("?sort=-ip")),
            (std::vector<std::string>{"Lisbon", "rome", "paris", "oslo", "berlin"}));
  EXPECT_EQ(names(list("?sort=name")),
            (std::vector<std::string>{"Lisbon", "berlin", "oslo", "paris", "rome"}));
  auto bad = h_.call("GET", "/v1/customer-gateways?sort=psk", token_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json["error"]["field"], "sort");
}

TEST_F(ApiQuery, FuzzySearchOnNameIdAndAddress) {
  EXPECT_EQ(names(list("?q=LIS")), std::vector<std::string>{"Lisbon"});  // case-insensitive
  EXPECT_EQ(names(list("?q=198.18.0.2")), std::vector<std::string>{"oslo"});
  EXPECT_EQ(names(list("?q=" + ids_[2].substr(4, 10))), std::vector<std::string>{"oslo"});
  EXPECT_EQ(names(list("?q=office")).size(), 5u);  // the remark is searched too
  EXPECT_EQ(names(list("?q=ar")), std::vector<std::string>{"paris"});
  EXPECT_EQ(list("?q=nothing-like-this")["total"], 0);
}

TEST_F(ApiQuery, Paging) {
  Json p1 = list("?per_page=2&page=1&sort=name");
  EXPECT_EQ(names(p1), (std::vector<std::string>{"Lisbon", "berlin"}));
  EXPECT_EQ(p1["total"], 5);
  EXPECT_EQ(names(list("?per_page=2&page=3&sort=name")), std::vector<std::string>{"rome"});
  EXPECT_TRUE(names(list("?per_page=2&page=4")).empty());
  for (const char* bad : {"?page=0", "?page=x", "?per_page=0", "?per_page=1001", "?page=-1"}) {
    auto r = h_.call("GET", std::string("/v1/customer-gateways") + bad, token_);
    EXPECT_EQ(r.status, 400) << bad;
  }
}

TEST_F(ApiQuery, CsvExport) {
  auto r = h_.call("GET", "/v1/customer-gateways/export.csv?sort=name&q=o", token_);
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.content_type.find("text/csv"), std::string::npos);
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < r.body.size()) {
    size_t end = r.body.find("\r\n", start);
    lines.push_back(r.body.substr(start, end - start));
    start = end + 2;
  }
  ASSERT_EQ(lines.size(), 1u + 5u);  // every remark contains "o" ("office")
  EXPECT_EQ(lines[0], "id,name,remark,status,ip,tunnel_count,created_at,updated_at");
  EXPECT_EQ(lines[1].substr(0, ids_[3].size() + 8), ids_[3] + ",Lisbon,");
  EXPECT_NE(lines[1].find(",office Lisbon,running,203.0.113.7,0,"), std::string::npos) << lines[1];
  // ?format=csv is the same export.
  auto same = h_.call("GET", "/v1/customer-gateways?format=csv&sort=name&q=o", token_);
  EXPECT_EQ(same.body, r.body);
}

TEST_F(ApiQuery, CsvQuotesAndNeutralisesFormulas) {
  auto r = h_.call("PATCH", "/v1/customer-gateways/paris", token_,
                   Json{{"remark", "=HYPERLINK(\"x\"), \"quoted\""}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto csv = h_.call("GET", "/v1/customer-gateways/export.csv?q=paris", token_);
  EXPECT_NE(csv.body.find(",\"'=HYPERLINK(\"\"x\"\"), \"\"quoted\"\"\","), std::string::npos)
      << csv.body;
}

TEST_F(ApiQuery, BatchDeleteIsAllOrNothing) {
  const std::string before = h_.storeSnapshot();
  auto missing = h_.call("POST", "/v1/customer-gateways:batch-delete", token_,
                         Json{{"ids", {ids_[0], "no-such", ids_[1]}}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json["error"]["field"], "ids[1]");
  EXPECT_EQ(missing.json["error"]["value"], "no-such");
  EXPECT_EQ(h_.storeSnapshot(), before);
  for (const Json& bad : {Json{{"ids", Json::array()}}, Json{{"ids", "x"}}, Json::object(),
                          Json{{"ids", {ids_[0]}}, {"force", true}}}) {
    auto r = h_.call("POST", "/v1/customer-gateways:batch-delete", token_, bad);
    EXPECT_EQ(r.status, 422) << bad.dump();
  }
  // Ids and names mixed.
  auto r = h_.call("POST", "/v1/customer-gateways:batch-delete", token_,
                   Json{{"ids", {ids_[0], "berlin", "oslo"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["deleted"], Json::array({ids_[0], ids_[1], ids_[2]}));
  EXPECT_EQ(names(list("")), (std::vector<std::string>{"Lisbon", "rome"}));
  auto all = h_.store().loadResources();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
}

TEST(ApiBatch, GatewayAndItsTunnelsInTwoBatches) {
  ApiHarness h;
  std::string token = h.newTenant("acme");
  Topology t = makeTopology(h, token);
  auto r = h.call("POST", "/v1/tunnels:batch-delete", token, Json{{"ids", {"t1"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  r = h.call("POST", "/v1/gateways:batch-delete", token, Json{{"ids", {t.gateway}}});
  EXPECT_EQ(r.status, 200) << r.body;
}

// Reads an event stream until `want` has been seen (or the stream ends / times out).
class StreamReader {
 public:
  StreamReader(const ApiHarness& h, const std::string& token) {
    thread_ = std::thread([this, &h, token] {
      auto c = h.client();
      c->Get("/v1/events", httplib::Headers{{"Authorization", "Bearer " + token}},
             [this](const char* data, size_t n) {
               std::lock_guard lock(mu_);
               text_.append(data, n);
               cv_.notify_all();
               return !stop_;
             });
    });
  }
  ~StreamReader() {
    stop_ = true;
    thread_.join();
  }
  bool waitFor(const std::string& needle, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return text_.find(needle) != std::string::npos; });
  }
  std::string text() {
    std::lock_guard lock(mu_);
    return text_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::string text_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(ApiEvents, StreamDeliversResourceAndConnectionChangesOfTheOwnTenantOnly) {
  HttpOptions http;
  http.sse_keepalive = std::chrono::milliseconds(100);
  ApiHarness h({}, http);
  std::string token_a = h.newTenant("alpha");
  std::string token_b = h.newTenant("beta");
  {
    StreamReader a(h, token_a);
    StreamReader b(h, token_b);
    ASSERT_TRUE(a.waitFor(": ready", std::chrono::seconds(5)));
    ASSERT_TRUE(b.waitFor(": ready", std::chrono::seconds(5)));
    Topology t = makeTopology(h, token_a);
    const std::string running =
        Json{{"id", t.tunnel}, {"kind", "tunnel"}, {"name", "t1"}, {"status", "running"}}.dump();
    ASSERT_TRUE(a.waitFor("event: resource\ndata: " + running + "\n\n", std::chrono::seconds(5)))
        << a.text();
    EXPECT_NE(a.text().find("\"status\":\"creating\""), std::string::npos);
    // The daemon reports a connection change.
    h.service().onConnectionStatus(t.tunnel, {{"connection_status", "connected"}, {"health", 1}});
    ASSERT_TRUE(a.waitFor("event: connection", std::chrono::seconds(5)));
    EXPECT_NE(a.text().find("\"connection_status\":\"connected\""), std::string::npos);
    ASSERT_EQ(h.call("DELETE", "/v1/tunnels/t1", token_a).status, 204);
    ASSERT_TRUE(a.waitFor("\"status\":\"deleted\"", std::chrono::seconds(5)));
    EXPECT_NE(a.text().find("\"status\":\"deleting\""), std::string::npos);
    // Keep-alive comments flow while nothing happens.
    ASSERT_TRUE(b.waitFor(": keepalive", std::chrono::seconds(5)));
    EXPECT_EQ(b.text().find("event:"), std::string::npos) << b.text();
    EXPECT_EQ(b.text().find(t.tunnel), std::string::npos);
  }
  // Subscriptions end with their streams.
  for (int i = 0; i < 50 && h.events().subscriberCount() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(h.events().subscriberCount(), 0u);
}

TEST(EventBusTest, SlowSubscriberIsClosedNotBuffered) {
  EventBus bus(2);
  auto sub = bus.subscribe("t");
  auto other = bus.subscribe("u");
  for (int i = 0; i < 3; ++i) {
    bus.publish("t", Event{"resource", {{"i", i}}});
  }
  EXPECT_TRUE(sub->closed());
  EXPECT_FALSE(sub->next(std::chrono::milliseconds(1)));
  EXPECT_FALSE(other->closed());
  EXPECT_FALSE(other->next(std::chrono::milliseconds(1)));  // another tenant's events
  bus.publish("u", Event{"resource", {{"x", 1}}});
  auto e = other->next(std::chrono::milliseconds(1));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->toSse(), "event: resource\ndata: {\"x\":1}\n\n");
}

}  // namespace
}  // namespace vpngw::api::testing
