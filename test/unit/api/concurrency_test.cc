// Many clients at once: group commit of concurrent creates gives every client the answer it
// would get alone (duplicates and invalid bodies refused, the rest created), and the socket
// accepts a burst of simultaneous connections.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "api_harness.h"

namespace vpngw::api::testing {
namespace {

TEST(ApiConcurrency, ConcurrentCreatesEachGetTheirOwnAnswer) {
  ApiHarness h;
  std::string token = h.newTenant("acme");
  makeTopology(h, token);
  constexpr int kClients = 16;  // with t1, under the 20 tunnels per gateway
  std::vector<Response> replies(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      // Clients 0 and 1 want the same name; client 2 an invalid subnet; client 3 a missing
      // customer gateway; the rest distinct valid tunnels.
      std::string name = i == 1 ? "n0" : "n" + std::to_string(i);
      std::string local = i == 2 ? "10.1.0.1/24" : "10.1." + std::to_string(10 + i) + ".0/24";
      Json body{{"name", name},
                {"gateway", "gw-a"},
                {"customer_gateway", i == 3 ? "no-such-cgw" : "site-b"},
                {"local_subnets", {local}},
                {"remote_subnets", {"10.2." + std::to_string(10 + i) + ".0/24"}}};
      replies[i] = h.call("POST", "/v1/tunnels", token, body);
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  int created = 0;
  for (int i = 0; i < kClients; ++i) {
    if (i == 2 || i == 3) {
      EXPECT_EQ(replies[i].status / 100, 4) << i << ": " << replies[i].body;
      continue;
    }
    created += replies[i].status == 201 ? 1 : 0;
  }
  // Of the two clients wanting "n0", exactly one got it.
  EXPECT_NE(replies[0].status == 201, replies[1].status == 201)
      << replies[0].body << " / " << replies[1].body;
  EXPECT_EQ(created, kClients - 3);
  auto list = h.call("GET", "/v1/tunnels?per_page=100", token);
  EXPECT_EQ(list.json["total"], kClients - 3 + 1);  // + t1 of the topology
  // What is stored survives a restart as acknowledged.
  h.restart();
  EXPECT_EQ(h.call("GET", "/v1/tunnels?per_page=100", token).json["total"], kClients - 3 + 1);
}

TEST(ApiConcurrency, ABurstOfSimultaneousConnectionsIsServed) {
  ApiHarness h;
  constexpr int kClients = 100;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&] {
      auto c = h.client();
      auto r = c->Get("/v1/tunnels", {{"Authorization", "Bearer " + h.operatorToken()}});
      ok += r && r->status == 200 ? 1 : 0;
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(ok.load(), kClients);
}

}  // namespace
}  // namespace vpngw::api::testing
