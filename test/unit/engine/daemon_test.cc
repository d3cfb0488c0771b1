// The daemon end to end on the loopback, without privileged ports: start, status over the
// control socket, datagram demultiplexing visible in the counters, and stop.
#include "engine/daemon.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <mutex>
#include <thread>

#include "config/loader.h"
#include "engine/control_client.h"
#include "engine/json.h"
#include "engine/state_dir.h"
#include "temp_dir.h"

namespace vpngw::engine {
namespace {

using testing::TempDir;

// A responder tunnel: the daemon waits for the peer, so it sends nothing on its own.
constexpr std::string_view kConfig = R"(gateways:
  - name: gw-a
    public_ip: 127.0.0.1
    vpc_subnets: [10.1.0.0/16]
customer_gateways:
  - name: site-b
    ip: 127.0.0.2
tunnels:
  - name: t1
    gateway: gw-a
    customer_gateway: site-b
    local_subnets: [10.1.0.0/24]
    remote_subnets: [10.2.0.0/24]
    psk: "s3cret-Key"
    initiator: false
)";

ike::Config loadConfig() {
  config::LoadResult r = config::parseConfig(kConfig);
  if (auto* errors = std::get_if<std::vector<config::ConfigError>>(&r)) {
    ADD_FAILURE() << errors->front().toString();
    return {};
  }
  return std::get<ike::Config>(std::move(r));
}

class DaemonTest : public ::testing::Test {
 protected:
  DaemonTest() {
    options_.state_dir = dir_.file("nested/state");
    options_.ports = {0, 0};
    options_.handle_signals = false;
  }
  ~DaemonTest() override {
    if (runner_.joinable()) {
      daemon_->stop();
      runner_.join();
    }
  }
  void startAndRun() {
    daemon_.emplace(loadConfig(), options_, random_, logger_, backend_);
    Status s = daemon_->start();
    ASSERT_TRUE(s.ok()) << s.error().message;
    runner_ = std::thread([this] { exit_code_ = daemon_->run(); });
  }
  Json status() {
    Result<std::string> r =
        sendControlRequest(controlSocketPath(options_.state_dir), R"({"command":"status"})");
    if (!r) {
      ADD_FAILURE() << r.error().message;
      return {};
    }
    return Json::parse(*r);
  }
  // Polls the status until pred holds (datagrams are handled asynchronously).
  template <typename Pred>
  Json statusWhen(Pred pred) {
    Json j;
    for (int i = 0; i < 200; ++i) {
      j = status();
      if (pred(j)) {
        return j;
      }
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "condition not reached: " << j.dump();
    return j;
  }

  TempDir dir_;
  DaemonOptions options_;
  SeededRandom random_{42};
  NullLogger logger_;
  dataplane::RecordingBackend backend_;
  std::optional<Daemon> daemon_;
  std::thread runner_;
  int exit_code_ = -1;
};

TEST_F(DaemonTest, ServesStatusAndStopsCleanly) {
  startAndRun();
  std::string sock = controlSocketPath(options_.state_dir);
  struct stat st {};
  ASSERT_EQ(::stat(options_.state_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_NE(daemon_->describe().find("1 tunnels on 127.0.0.1:"), std::string::npos)
      << daemon_->describe();

  Json j = status();
  ASSERT_EQ(j["tunnels"].size(), 1u);
  EXPECT_EQ(j["tunnels"][0]["name"], "t1");
  EXPECT_EQ(j["tunnels"][0]["connection_status"], "connecting");
  EXPECT_EQ(j["tunnels"][0]["health"], 0);
  EXPECT_TRUE(j["tunnels"][0]["ike_sa"].is_null());
  EXPECT_TRUE(j["counters"].contains("dropped_malformed"));

  daemon_->stop();
  runner_.join();
  EXPECT_EQ(exit_code_, 0);
  EXPECT_NE(::stat(sock.c_str(), &st), 0) << "control.sock must be removed";
}

TEST_F(DaemonTest, DemultiplexesDatagramsIntoCounters) {
  startAndRun();
  std::vector<Endpoint> local = daemon_->localEndpoints();
  ASSERT_EQ(local.size(), 2u);
  const Endpoint ike = local[0];
  const Endpoint natt = local[1];
  Result<UdpSocket> peer = UdpSocket::bind({Ipv4{0x7f000002}, 0});
  ASSERT_TRUE(peer.ok()) << peer.error().message;

  Bytes keepalive{0xff};
  Bytes runt{0x01, 0x02};
  Bytes esp{0xc2, 0x25, 0x20, 0xe2, 0, 0, 0, 1, 0xaa, 0xbb};
  Bytes marked_garbage{0, 0, 0, 0, 0x01, 0x02, 0x03};  // IKE, but not a valid message
  Bytes garbage{0x01, 0x02, 0x03};
  ASSERT_TRUE(peer->sendTo(natt, {}, view(keepalive)).ok());
  ASSERT_TRUE(peer->sendTo(natt, {}, view(runt)).ok());
  ASSERT_TRUE(peer->sendTo(natt, {}, view(esp)).ok());
  ASSERT_TRUE(peer->sendTo(natt, {}, view(marked_garbage)).ok());
  ASSERT_TRUE(peer->sendTo(ike, {}, view(garbage)).ok());

  Json j = statusWhen([](const Json& s) { return s["counters"]["datagrams_received"] == 5; });
  const Json& c = j["counters"];
  EXPECT_EQ(c["nat_keepalives"], 1);
  EXPECT_EQ(c["dropped_short"], 1);
  EXPECT_EQ(c["esp_received"], 1);
  EXPECT_EQ(c["esp_dropped"], 1);
  // Both undecodable IKE datagrams reached the engine, which dropped them.
  EXPECT_EQ(c["received"], 2);
  EXPECT_EQ(c["dropped_malformed"], 2);
  EXPECT_EQ(c["sent"], 0);
}

TEST_F(DaemonTest, StartFailsWhenThePortIsTaken) {
  Result<UdpSocket> taken = UdpSocket::bind({Ipv4{0x7f000001}, 0});
  ASSERT_TRUE(taken.ok());
  options_.ports = {taken->local().port, 0};
  Daemon d(loadConfig(), options_, random_, logger_, backend_);
  Status s = d.start();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("cannot bind UDP " + taken->local().toString()),
            std::string::npos)
      << s.error().message;
  struct stat st {};
  EXPECT_NE(::stat(options_.state_dir.c_str(), &st), 0) << "state dir must be left alone";
  EXPECT_EQ(d.run(), 1);  // run() without a successful start() does not serve
}

TEST_F(DaemonTest, SecondDaemonOnTheSameStateDirIsRefused) {
  startAndRun();
  DaemonOptions other = options_;
  Daemon d(loadConfig(), other, random_, logger_, backend_);
  Status s = d.start();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("another daemon"), std::string::npos) << s.error().message;
  // The first one still answers.
  EXPECT_EQ(status()["tunnels"].size(), 1u);
}

TEST_F(DaemonTest, ReloadFromAnotherThreadKeepsChangesAndRemovesTunnels) {
  std::vector<Json> events;
  std::mutex events_mu;
  options_.on_status = [&](const Json& t) {
    std::lock_guard lock(events_mu);
    events.push_back(t);
  };
  startAndRun();
  ike::Config two = loadConfig();
  ike::TunnelConfig t2 = two.tunnels.front();
  t2.name = "tun-2";
  t2.local_subnets = {*Subnet::parse("10.1.1.0/24")};
  two.tunnels.push_back(t2);
  // A second gateway on another loopback address: its sockets are bound on reload.
  ike::GatewayConfig gw2 = two.gateways.front();
  gw2.name = "gw-b";
  gw2.public_ip = gw2.bind_ip = Ipv4{0x7f000003};
  two.gateways.push_back(gw2);
  daemon_->reload(two, {{"tun-2", "acme/second"}});
  Json t = daemon_->tunnelStatus("tun-2");
  ASSERT_TRUE(t.is_object());
  EXPECT_EQ(t["id"], "tun-2");
  EXPECT_EQ(t["name"], "acme/second");
  EXPECT_EQ(t["connection_status"], "connecting");
  EXPECT_TRUE(daemon_->tunnelStatus("t1").is_object());
  Json doc = daemon_->statusDocument();
  ASSERT_EQ(doc["tunnels"].size(), 2u);
  size_t bound = 0;
  for (const Endpoint& e : daemon_->localEndpoints()) {
    bound += e.address == Ipv4{0x7f000003} ? 1 : 0;
  }
  EXPECT_EQ(bound, 2u);  // port 500 and 4500 of the new gateway
  daemon_->reset("tun-2");
  daemon_->reload(loadConfig(), {});
  EXPECT_TRUE(daemon_->tunnelStatus("tun-2").is_null());
  EXPECT_EQ(daemon_->statusDocument()["tunnels"].size(), 1u);
}

TEST_F(DaemonTest, CallsAfterTheLoopEndedReturnAtOnce) {
  startAndRun();
  daemon_->stop();
  runner_.join();
  EXPECT_EQ(exit_code_, 0);
  // Neither waits for a loop that is gone.
  daemon_->reload(ike::Config{}, {});
  daemon_->reset("t1");
  EXPECT_TRUE(daemon_->statusDocument().is_null());
}

TEST_F(DaemonTest, TunnelsWithDpdHoldAreTrappedInTheDataPlane) {
  startAndRun();
  EXPECT_TRUE(backend_.traps().empty());  // action restart (the default): no trap
  ike::Config held = loadConfig();
  held.tunnels.front().dpd.action = ike::DpdAction::Hold;
  held.gateways.front().lan_ip = Ipv4{0x0a010001};
  daemon_->reload(held, {});
  auto traps = backend_.traps();
  ASSERT_EQ(traps.size(), 1u);
  EXPECT_EQ(traps[0].tunnel, "t1");
  EXPECT_EQ(traps[0].remote, std::vector<Ipv4Range>{Ipv4Range::of(*Subnet::parse("10.2.0.0/24"))});
  EXPECT_EQ(traps[0].local, std::vector<Ipv4Range>{Ipv4Range::of(*Subnet::parse("10.1.0.0/24"))});
  EXPECT_EQ(traps[0].routes, std::vector<Subnet>{*Subnet::parse("10.2.0.0/24")});
  EXPECT_EQ(traps[0].route_source, Ipv4{0x0a010001});
  // An acquire for a responder-only tunnel is heard and changes nothing (it may not initiate).
  backend_.simulateAcquire("t1");
  Json t = statusWhen([](const Json& j) { return j["tunnels"].size() == 1; });
  EXPECT_EQ(t["tunnels"][0]["attempts"], 0);
  daemon_->reload(loadConfig(), {});
  EXPECT_TRUE(backend_.traps().empty());
}

}  // namespace
}  // namespace vpngw::engine
