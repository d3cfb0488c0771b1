// The daemon's ike::Output: which socket a message leaves from, the non-ESP marker on the
// NAT-T port, and the data-plane backend calls.
#include "engine/runtime_output.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace vpngw::engine {
namespace {

const Ipv4 kLoopback{0x7f000001};

class CapturingLogger final : public Logger {
 public:
  void write(LogLevel, std::string_view sub, std::string_view msg) override {
    lines.push_back(std::string(sub) + " " + std::string(msg));
  }
  bool enabled(LogLevel) const override { return true; }
  std::vector<std::string> lines;
};

class RuntimeOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<IkeSockets> s = IkeSockets::bind({kLoopback}, {0, 0});
    ASSERT_TRUE(s.ok()) << s.error().message;
    sockets_ = std::move(*s);
    Result<UdpSocket> p = UdpSocket::bind({kLoopback, 0});
    ASSERT_TRUE(p.ok());
    peer_.emplace(std::move(*p));
  }
  Endpoint ikeLocal() { return sockets_.entries()[0].socket.local(); }
  Endpoint nattLocal() { return sockets_.entries()[1].socket.local(); }
  // The next datagram the peer receives, and the local endpoint it came from.
  std::pair<Endpoint, Bytes> peerReceive() {
    std::pair<Endpoint, Bytes> got;
    for (int i = 0; i < 200 && got.second.empty(); ++i) {
      peer_->receive([&got](const Endpoint& from, ByteView d) { got = {from, toBytes(d)}; });
      if (got.second.empty()) {
        std::this_thread::sleep_for(5ms);
      }
    }
    return got;
  }

  IkeSockets sockets_;
  std::optional<UdpSocket> peer_;
  dataplane::RecordingBackend backend_;
  CapturingLogger logger_;
  RuntimeCounters counters_;
  RuntimeOutput output_{sockets_, backend_, logger_, counters_};
};

TEST_F(RuntimeOutputTest, IkePortSendsTheMessageAsIs) {
  Bytes msg{0x82, 0x85, 0x78, 0x7a, 1, 2, 3};
  output_.send({ikeLocal(), peer_->local(), msg});
  auto [from, data] = peerReceive();
  EXPECT_EQ(from, ikeLocal());
  EXPECT_EQ(data, msg);
  EXPECT_EQ(counters_.send_errors + counters_.send_no_socket, 0u);
}

TEST_F(RuntimeOutputTest, NattPortPrependsTheNonEspMarker) {
  Bytes msg{0x82, 0x85, 0x78, 0x7a};
  output_.send({nattLocal(), peer_->local(), msg});
  auto [from, data] = peerReceive();
  EXPECT_EQ(from, nattLocal());
  EXPECT_EQ(data, (Bytes{0, 0, 0, 0, 0x82, 0x85, 0x78, 0x7a}));
}

TEST_F(RuntimeOutputTest, UnknownLocalEndpointIsCountedAndLogged) {
  output_.send({{Ipv4{0x7f000009}, 500}, peer_->local(), Bytes{1}});
  output_.send({{Ipv4{0x7f000009}, 500}, peer_->local(), Bytes{1}});
  EXPECT_EQ(counters_.send_no_socket, 2u);
  ASSERT_FALSE(logger_.lines.empty());
  EXPECT_NE(logger_.lines[0].find("127.0.0.9:500"), std::string::npos);
}

TEST_F(RuntimeOutputTest, ChildSasGoToTheBackendWithoutKeysInTheLog) {
  dataplane::ChildSa sa;
  sa.tunnel = "t1";
  sa.in.spi = 0xc22520e2;
  sa.out.spi = 0xc30646c8;
  sa.in.encr_key = SecureBytes{0xde, 0xad, 0xbe, 0xef};
  output_.installChildSa(sa);
  EXPECT_TRUE(backend_.has(0xc22520e2));
  output_.removeChildSa("t1", 0xc22520e2);
  EXPECT_FALSE(backend_.has(0xc22520e2));
  EXPECT_EQ(backend_.installs(), 1u);
  EXPECT_EQ(backend_.removals(), 1u);
  for (const std::string& line : logger_.lines) {
    EXPECT_EQ(line.find("deadbeef"), std::string::npos) << line;
  }
}

TEST_F(RuntimeOutputTest, PeerMoveReachesTheBackend) {
  dataplane::ChildSa sa;
  sa.tunnel = "t1";
  sa.in.spi = 0xc22520e2;
  sa.udp_encap = true;
  sa.remote = {Ipv4{0xc6120102}, 4500};
  output_.installChildSa(sa);
  // RFC 7296 §2.23: the NAT in front of the peer gave it a new port; ESP must follow.
  output_.childSaPeerMoved("t1", 0xc22520e2, {Ipv4{0xc6120101}, 4500}, {Ipv4{0xc6120102}, 31000});
  std::optional<dataplane::ChildSa> moved = backend_.find(0xc22520e2);
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->remote.toString(), "198.18.1.2:31000");
  // An SA that is gone is left alone.
  output_.childSaPeerMoved("t1", 0x12345678, {Ipv4{0xc6120101}, 4500}, {Ipv4{1}, 1});
  EXPECT_FALSE(backend_.find(0x12345678).has_value());
}

TEST_F(RuntimeOutputTest, StatusChangeIsLoggedWithDiagnosis) {
  ike::TunnelStatus s;
  s.name = "t1";
  s.status = ike::ConnectionStatus::Phase1Failed;
  s.diagnosis = {ike::DiagnosisCode::PskMismatch, "keys differ"};
  output_.statusChanged(s);
  ASSERT_EQ(logger_.lines.size(), 1u);
  EXPECT_NE(logger_.lines[0].find("tunnel t1: status phase1_failed"), std::string::npos);
  EXPECT_NE(logger_.lines[0].find("psk_mismatch"), std::string::npos);
}

}  // namespace
}  // namespace vpngw::engine
