// API load generator (bench/api.sh drives it): creates a gateway, a customer gateway and N
// tunnels with C concurrent clients over the unix socket, then times GET and list requests
// under the same concurrency once every tunnel is connected (--wait-connected), so reads are
// measured in steady state rather than during 1000 negotiations.
// Prints one line per figure: "name value unit".
#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

struct Options {
  std::string socket;
  std::string token;
  int tunnels = 1000;
  int clients = 50;
  int reads = 5000;
  int wait_connected_s = 0;  // 0: do not wait
  std::string peer_ip = "198.18.0.2";
  std::string public_ip = "198.18.0.1";
};

std::unique_ptr<httplib::Client> client(const Options& o) {
  auto c = std::make_unique<httplib::Client>(o.socket, 80);
  c->set_address_family(AF_UNIX);
  c->set_read_timeout(30, 0);
  c->set_keep_alive(true);
  c->set_default_headers({{"Authorization", "Bearer " + o.token}});
  return c;
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

void printPercentiles(const char* name, std::vector<double> v) {
  if (v.empty()) {
    std::printf("%s_count 0\n", name);
    return;
  }
  std::sort(v.begin(), v.end());
  auto at = [&](double p) { return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))]; };
  std::printf("%s_p50 %.3f ms\n%s_p99 %.3f ms\n%s_max %.3f ms\n%s_count %zu\n", name, at(0.5), name,
              at(0.99), name, v.back(), name, v.size());
}

// Runs `count` requests over `clients` threads; `one(client, i)` returns false on failure.
std::vector<double> load(const Options& o, int count,
                         const std::function<bool(httplib::Client&, int)>& one,
                         std::atomic<int>& failures) {
  std::vector<double> latencies;
  std::mutex mu;
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < o.clients; ++t) {
    threads.emplace_back([&] {
      auto c = client(o);
      std::vector<double> mine;
      for (int i = next++; i < count; i = next++) {
        auto start = Clock::now();
        bool ok = one(*c, i);
        mine.push_back(ms(Clock::now() - start));
        if (!ok) {
          ++failures;
        }
      }
      std::lock_guard lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  return latencies;
}

// Tunnel i: local 10.1.x.y/28 <-> remote 10.2.x.y/28 (unique pairs inside the /16 VPCs).
std::string subnet(int second_octet, int i) {
  return "10." + std::to_string(second_octet) + "." + std::to_string(i / 16) + "." +
         std::to_string((i % 16) * 16) + "/28";
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    std::string v = argv[i + 1];
    if (k == "--socket")
      o.socket = v;
    else if (k == "--token")
      o.token = v;
    else if (k == "--tunnels")
      o.tunnels = std::atoi(v.c_str());
    else if (k == "--clients")
      o.clients = std::atoi(v.c_str());
    else if (k == "--reads")
      o.reads = std::atoi(v.c_str());
    else if (k == "--wait-connected")
      o.wait_connected_s = std::atoi(v.c_str());
    else if (k == "--public-ip")
      o.public_ip = v;
    else if (k == "--peer-ip")
      o.peer_ip = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 64;
    }
  }
  if (o.socket.empty() || o.token.empty() || o.tunnels > 4096) {
    std::fprintf(stderr,
                 "usage: api_bench --socket S --token T [--tunnels N<=4096] [--clients C] "
                 "[--reads R] [--wait-connected SECONDS] [--public-ip A] [--peer-ip B]\n");
    return 64;
  }
  auto c = client(o);
  std::atomic<int> reported{0};
  // The first few failures are shown, so that a failing run says why.
  auto report = [&reported](const httplib::Result& r, const std::string& what) {
    if (reported++ < 5) {
      if (!r) {
        std::fprintf(stderr, "%s: %s\n", what.c_str(), httplib::to_string(r.error()).c_str());
      } else {
        std::fprintf(stderr, "%s: HTTP %d %s\n", what.c_str(), r->status, r->body.c_str());
      }
    }
  };
  auto post = [&report](httplib::Client& cl, const std::string& path, const Json& body) {
    auto r = cl.Post(path, body.dump(), "application/json");
    bool ok = r && r->status == 201;
    if (!ok) {
      report(r, "POST " + path);
    }
    return ok;
  };
  auto get = [&report](httplib::Client& cl, const std::string& path) {
    auto r = cl.Get(path);
    bool ok = r && r->status == 200;
    if (!ok) {
      report(r, "GET " + path);
    }
    return ok;
  };
  if (!post(*c, "/v1/gateways",
            {{"name", "bench-gw"}, {"public_ip", o.public_ip}, {"vpc_subnets", {"10.1.0.0/16"}}}) ||
      !post(*c, "/v1/customer-gateways", {{"name", "bench-peer"}, {"ip", o.peer_ip}})) {
    std::fprintf(stderr, "cannot create the gateway and customer gateway (is the state empty?)\n");
    return 1;
  }

  std::atomic<int> failures{0};
  auto start = Clock::now();
  auto creates = load(
      o, o.tunnels,
      [&](httplib::Client& cl, int i) {
        Json body{{"name", "t" + std::to_string(i)},  {"gateway", "bench-gw"},
                  {"customer_gateway", "bench-peer"}, {"local_subnets", {subnet(1, i)}},
                  {"remote_subnets", {subnet(2, i)}}, {"psk", "bench-psk-0123456789"}};
        return post(cl, "/v1/tunnels", body);
      },
      failures);
  double create_s = ms(Clock::now() - start) / 1000;
  std::printf("create_tunnels %d\ncreate_total %.3f s\ncreate_rate %.1f per_s\n", o.tunnels,
              create_s, o.tunnels / create_s);
  printPercentiles("create", creates);
  std::printf("create_failures %d\n", failures.load());

  if (o.wait_connected_s > 0) {
    auto deadline = start + std::chrono::seconds(o.wait_connected_s);
    int connected = 0;
    while (Clock::now() < deadline) {
      connected = 0;
      for (int page = 1;; ++page) {
        auto r = c->Get("/v1/tunnels?per_page=500&page=" + std::to_string(page));
        if (!r || r->status != 200) {
          break;
        }
        Json j = Json::parse(r->body, nullptr, false);
        if (!j.is_object() || j["items"].empty()) {
          break;
        }
        for (const auto& t : j["items"]) {
          connected += t.value("connection_status", "") == "connected" ? 1 : 0;
        }
      }
      if (connected >= o.tunnels) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    std::printf("connected %d of %d\nconnected_after %.3f s (from the first create)\n", connected,
                o.tunnels, ms(Clock::now() - start) / 1000);
  }
  failures = 0;
  auto gets = load(
      o, o.reads,
      [&](httplib::Client& cl, int i) {
        return get(cl, "/v1/tunnels/t" + std::to_string(i % o.tunnels));
      },
      failures);
  printPercentiles("get", gets);
  auto lists = load(
      o, o.reads,
      [&](httplib::Client& cl, int i) {
        return get(cl, "/v1/tunnels?per_page=20&page=" + std::to_string(1 + i % 10));
      },
      failures);
  printPercentiles("list", lists);
  std::printf("read_failures %d\n", failures.load());

  return failures.load() == 0 ? 0 : 1;
}
