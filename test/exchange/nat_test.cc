// NAT traversal (RFC 7296 §2.23): detection, the move to port 4500 and UDP encapsulation, and
// a NAT mapping change followed without renegotiation.
#include <gtest/gtest.h>

#include "exchange/exchange_harness.h"

namespace vpngw::ike::testing {
namespace {

// A source NAT in front of A: A's packets leave as nat_ip:nat_port; replies are mapped back.
struct Nat {
  Ipv4 nat_ip = *Ipv4::parse("198.51.100.1");
  uint16_t nat_port = 40000;
  bool keep_ports = false;  // a port-preserving NAT with 500 and 4500 forwarded to A
  std::map<uint16_t, uint16_t> inside_port_of;  // public port -> A's port
  std::function<bool(Datagram&, bool)> filter() {
    return [this](Datagram& d, bool from_a) {
      if (from_a) {
        uint16_t public_port =
            keep_ports ? d.local.port
                       : static_cast<uint16_t>(nat_port + (d.local.port == 4500 ? 1 : 0));
        inside_port_of[public_port] = d.local.port;
        d.local = {nat_ip, public_port};
      } else if (d.remote.address == nat_ip) {
        auto it = inside_port_of.find(d.remote.port);
        if (it == inside_port_of.end()) {
          return false;  // no mapping (expired): dropped by the NAT
        }
        d.remote = {kAddrA, it->second};
      }
      return true;
    };
  }
};

std::pair<TunnelSpec, TunnelSpec> natSpecs() {
  TunnelSpec a;
  a.ike.local_id = Identity{Identity::Type::Fqdn, "branch.example.net"};
  TunnelSpec b = mirror(a);
  b.initiator = false;
  b.customer_ip = "0.0.0.0";
  b.ike.remote_id = Identity{Identity::Type::Fqdn, "branch.example.net"};
  return {a, b};
}

TEST(Nat, DetectedAndUdpEncapsulated) {
  Exchange x;
  auto [a, b] = natSpecs();
  x.load(a, b);
  Nat nat;
  x.deliver(nat.filter());
  ASSERT_EQ(x.a.tunnel().status, ConnectionStatus::Connected);
  ASSERT_EQ(x.b.out.installed.size(), 1u);
  const auto& at_b = x.b.out.installed.begin()->second;
  EXPECT_TRUE(at_b.udp_encap);
  EXPECT_EQ(at_b.remote.address, nat.nat_ip) << "B sends ESP to the NAT's public side";
  const auto& at_a = x.a.out.installed.begin()->second;
  EXPECT_TRUE(at_a.udp_encap);
  EXPECT_EQ(at_a.local.port, 4500);
  EXPECT_EQ(x.a.tunnel().ike_sa->local.port, 4500) << "IKE moved to 4500 after NAT detection";
}

TEST(Nat, MappingChangeIsFollowedWithoutRenegotiation) {
  Exchange x;
  auto [a, b] = natSpecs();
  x.load(a, b);
  Nat nat;
  x.deliver(nat.filter());
  ASSERT_EQ(x.b.tunnel().status, ConnectionStatus::Connected);
  auto spi = x.b.tunnel().ike_sa->spi_i;
  // The NAT reboots and hands out another port; A's next message (a liveness check) shows it.
  nat.nat_port = 41000;
  nat.inside_port_of.clear();
  x.advance(10s, 100ms, nat.filter());
  auto s = x.b.tunnel();
  EXPECT_EQ(s.status, ConnectionStatus::Connected);
  EXPECT_EQ(s.ike_sa->spi_i, spi) << "no renegotiation";
  EXPECT_EQ(s.ike_sa->remote.port, 41001);
  ASSERT_FALSE(x.b.out.moved.empty());
  EXPECT_EQ(x.b.out.moved.back().second.port, 41001);
  EXPECT_EQ(x.b.engine.counters().nat_mapping_changes, 1u);
}

TEST(Nat, UnauthenticatedSourceChangeIsIgnored) {
  Exchange x;
  auto [a, b] = natSpecs();
  x.load(a, b);
  Nat nat;
  x.deliver(nat.filter());
  // Garbage "from" another port must not move anything.
  Bytes junk(80, 0x42);
  x.b.engine.handleDatagram(Datagram{{kAddrB, 4500}, {nat.nat_ip, 9999}, junk}, x.now);
  EXPECT_TRUE(x.b.out.moved.empty());
  EXPECT_EQ(x.b.tunnel().ike_sa->remote.port, 40001);
}

}  // namespace
}  // namespace vpngw::ike::testing

namespace vpngw::ike::testing {
namespace {

TEST(Nat, PeerOnUnknownNatAddressIsDiagnosed) {
  // B expects A at A's real address, but A sits behind a NAT pool: B cannot match A's
  // IKE_SA_INIT and says what to change.
  Exchange x;
  TunnelSpec a;
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  Nat nat;
  x.advance(3s, 100ms, nat.filter());
  auto s = x.b.tunnel();
  EXPECT_EQ(s.diagnosis.code, DiagnosisCode::NatPeerMustInitiate) << s.diagnosis.text;
  EXPECT_NE(s.diagnosis.text.find("0.0.0.0"), std::string::npos);
}

TEST(Nat, PeerSeenBehindNatAndNowSilentMustInitiate) {
  Exchange x;
  auto [a, b] = natSpecs();
  // Here B is the one that initiates once the SA is gone (it knows A's public NAT address).
  b.customer_ip = "198.51.100.1";
  b.initiator = true;
  a.initiator = false;
  b.dpd.enabled = true;
  x.load(a, b);
  Nat nat;
  nat.keep_ports = true;
  nat.inside_port_of = {{500, 500}, {4500, 4500}};
  x.advance(2s, 100ms, nat.filter());
  ASSERT_EQ(x.b.tunnel().status, ConnectionStatus::Connected) << x.b.tunnel().last_error;
  // The NAT forgets everything and accepts nothing from outside any more.
  auto closed = [](Datagram&, bool from_a) { return from_a; };
  x.advance(60s, 100ms, closed);
  auto s = x.b.tunnel();
  EXPECT_EQ(s.diagnosis.code, DiagnosisCode::NatPeerMustInitiate) << s.diagnosis.text;
}

}  // namespace
}  // namespace vpngw::ike::testing
