// kill -9 of the server in the middle of a burst of creates: every create that got a 2xx is
// present after reopening the store, and no row is half-written.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "unit/api/api_harness.h"

namespace vpngw::api::testing {
namespace {

// Runs store + service + server on `dir` in this (forked) process until killed.
[[noreturn]] void serve(const std::filesystem::path& dir, int ready_fd) {
  auto store = store::Store::open(dir);
  if (!store.ok()) {
    _exit(2);
  }
  EventBus bus;
  FakeHooks hooks;
  ApiService service(*store.value(), hooks, bus);
  auto token = loadOrCreateOperatorToken(dir);
  if (!service.start().ok() || !token.ok()) {
    _exit(3);
  }
  service.setOperatorToken(token.value());
  HttpOptions http;
  http.state_dir = dir;
  http.threads = 8;
  HttpServer server(service, bus, http);
  if (!server.start().ok()) {
    _exit(4);
  }
  char c = 'r';
  (void)::write(ready_fd, &c, 1);
  for (;;) {
    ::pause();
  }
}

TEST(ApiCrash, Kill9DuringBurstOfCreatesLosesNoAcknowledgedCreate) {
  engine::testing::TempDir dir;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    serve(dir.path(), fds[1]);
  }
  ::close(fds[1]);
  char c = 0;
  ASSERT_EQ(::read(fds[0], &c, 1), 1) << "the server process did not start";
  ::close(fds[0]);
  auto token = loadOrCreateOperatorToken(dir.path());
  ASSERT_TRUE(token.ok());

  constexpr int kClients = 4;
  constexpr int kPerClient = 125;  // a burst of 500 creates
  constexpr int kKillAfter = 200;
  std::mutex mu;
  std::map<std::string, std::string> acked;  // id -> name
  std::atomic<int> ack_count{0};
  std::vector<std::thread> clients;
  for (int k = 0; k < kClients; ++k) {
    clients.emplace_back([&, k] {
      httplib::Client cli(apiSocketPath(dir.path()).string(), 80);
      cli.set_address_family(AF_UNIX);
      cli.set_read_timeout(5, 0);
      const httplib::Headers headers{{"Authorization", "Bearer " + token.value()}};
      for (int i = 0; i < kPerClient; ++i) {
        const std::string name = "c" + std::to_string(k) + "-" + std::to_string(i);
        const Json body = {{"name", name},
                           {"ip", "198.18." + std::to_string(k) + "." + std::to_string(i + 1)}};
        auto res = cli.Post("/v1/customer-gateways", headers, body.dump(), "application/json");
        if (!res) {
          return;  // the server is gone
        }
        if (res->status == 201) {
          auto reply = Json::parse(res->body, nullptr, false);
          std::lock_guard lock(mu);
          acked[reply.value("id", "")] = name;
          ++ack_count;
        }
      }
    });
  }
  while (ack_count < kKillAfter) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  for (auto& t : clients) {
    t.join();
  }
  ASSERT_GE(acked.size(), static_cast<size_t>(kKillAfter));
  EXPECT_LT(acked.size(), static_cast<size_t>(kClients * kPerClient)) << "killed too late";

  auto store = store::Store::open(dir.path());
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto rows = store.value()->loadResources();
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  std::map<std::string, const store::Resource*> by_id;
  for (const auto& r : rows.value()) {
    by_id[r.id] = &r;
    // Complete rows only: a name we sent, its own address, a valid status.
    ASSERT_EQ(r.kind, store::Kind::CustomerGateway);
    ASSERT_EQ(r.name.front(), 'c');
    const std::string k = r.name.substr(1, r.name.find('-') - 1);
    const int i = std::stoi(r.name.substr(r.name.find('-') + 1));
    EXPECT_EQ(r.doc, Json({{"ip", "198.18." + k + "." + std::to_string(i + 1)}})) << r.name;
    EXPECT_TRUE(r.status == "creating" || r.status == "running") << r.status;
  }
  for (const auto& [id, name] : acked) {
    auto it = by_id.find(id);
    ASSERT_NE(it, by_id.end()) << "acknowledged create " << id << " (" << name << ") lost";
    EXPECT_EQ(it->second->name, name);
  }
  // At most the creates in flight when the process died are extra.
  EXPECT_LE(rows->size(), acked.size() + kClients);

  // The service starts on what is left.
  EventBus bus;
  FakeHooks hooks;
  ApiService service(*store.value(), hooks, bus);
  auto started = service.start();
  ASSERT_TRUE(started.ok());
  EXPECT_TRUE(started->empty());
  EXPECT_EQ(hooks.lastApplied().config.customer_gateways.size(), rows->size());
}

}  // namespace
}  // namespace vpngw::api::testing
