// Listeners: the unix socket always, TCP when asked; a stale socket file is replaced; a bad
// TLS certificate is a start-up error.
#include <gtest/gtest.h>

#include <fstream>

#include "unit/api/api_harness.h"

namespace vpngw::api::testing {
namespace {

TEST(ApiTransport, TcpListenerServesTheSameApi) {
  HttpOptions http;
  http.listen = "127.0.0.1:0";
  ApiHarness h({}, http);
  ASSERT_GT(h.server().tcpPort(), 0);
  httplib::Client tcp("127.0.0.1", h.server().tcpPort());
  auto res = tcp.Get("/v1/tenants", {{"Authorization", "Bearer " + h.operatorToken()}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = tcp.Get("/v1/tenants");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
}

TEST(ApiTransport, StaleSocketIsReplacedAndOtherFilesAreNot) {
  ApiHarness h;
  h.stop();
  // A socket file left by a killed daemon.
  {
    httplib::Server stale;
    stale.set_address_family(AF_UNIX);
    ASSERT_TRUE(stale.bind_to_port(apiSocketPath(h.dir().path()).string(), 80));
  }
  h.start();
  EXPECT_EQ(h.op("GET", "/v1/tenants").status, 200);
  h.stop();
  std::ofstream(apiSocketPath(h.dir().path())) << "not a socket";
  auto store = store::Store::open(h.dir().path());
  ASSERT_TRUE(store.ok());
  EventBus bus;
  FakeHooks hooks;
  ApiService service(*store.value(), hooks, bus);
  HttpOptions http;
  http.state_dir = h.dir().path();
  HttpServer server(service, bus, http);
  auto s = server.start();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("not a socket"), std::string::npos);
}

TEST(ApiTransport, UnreadableTlsCertificateFailsStart) {
  engine::testing::TempDir dir;
  auto store = store::Store::open(dir.path());
  ASSERT_TRUE(store.ok());
  EventBus bus;
  FakeHooks hooks;
  ApiService service(*store.value(), hooks, bus);
  HttpOptions http;
  http.state_dir = dir.path();
  http.listen = "127.0.0.1:0";
  http.tls_cert = dir.file("missing.pem");
  http.tls_key = dir.file("missing.key");
  HttpServer server(service, bus, http);
  auto s = server.start();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("TLS"), std::string::npos);
}

TEST(OperatorToken, CreatedOnceWithMode0600) {
  engine::testing::TempDir dir;
  auto first = loadOrCreateOperatorToken(dir.path());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size(), 64u);
  auto again = loadOrCreateOperatorToken(dir.path());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
  EXPECT_EQ(std::filesystem::status(operatorTokenPath(dir.path())).permissions() &
                std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::ofstream(operatorTokenPath(dir.path()), std::ios::trunc) << "\n";
  EXPECT_FALSE(loadOrCreateOperatorToken(dir.path()).ok());
}

}  // namespace
}  // namespace vpngw::api::testing
