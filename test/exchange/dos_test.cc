// Resistance (RFC 7296 §2.6): under a flood of IKE_SA_INIT from many addresses the responder
// keeps at most a bounded number of half-open SAs, answers the rest with stateless cookies,
// and a legitimate initiator still gets through by returning its cookie.
#include <gtest/gtest.h>

#include "exchange/exchange_harness.h"
#include "wire/ikev2_message.h"

namespace vpngw::ike::testing {
namespace {

EngineOptions lowThresholds() {
  EngineOptions o;
  o.cookie_threshold = 5;
  o.cookie_threshold_per_address = 3;
  return o;
}

// B answers anyone (0.0.0.0 customer gateway) and knows A by its FQDN.
std::pair<TunnelSpec, TunnelSpec> anyPeer() {
  TunnelSpec a;
  a.ike.local_id = Identity{Identity::Type::Fqdn, "branch.example.net"};
  TunnelSpec b = mirror(a);
  b.initiator = false;
  b.customer_ip = "0.0.0.0";
  b.ike.remote_id = Identity{Identity::Type::Fqdn, "branch.example.net"};
  return {a, b};
}

TEST(Cookies, FloodGetsCookiesAndLegitimatePeerStillConnects) {
  Exchange x(lowThresholds());
  auto [a, b] = anyPeer();
  x.b.engine.load(siteConfig(kAddrB, kAddrA, b), x.now);
  // A template IKE_SA_INIT: what A would send.
  SeededRandom r(5);
  NullLogger log;
  RecordingOutput sink;
  Engine probe({}, r, sink, log);
  probe.load(siteConfig(kAddrA, kAddrB, a), x.now);
  ASSERT_EQ(sink.sent.size(), 1u);
  Bytes init = sink.sent.front().data;
  // 200 spoofed copies from 200 addresses, each with its own SPI.
  for (uint32_t i = 0; i < 200; ++i) {
    Bytes spoof = init;
    spoof[0] = static_cast<uint8_t>(i);
    spoof[1] = static_cast<uint8_t>(i >> 8);
    Endpoint from{Ipv4{0xc6130000u + i}, 500};  // 198.19.0.x
    x.b.engine.handleDatagram(Datagram{{kAddrB, 500}, from, spoof}, x.now);
  }
  const auto& c = x.b.engine.counters();
  EXPECT_GE(c.cookies_sent, 190u) << "only the first few may create state";
  x.b.out.sent.clear();  // the answers went to the spoofed addresses
  // The real A now connects: it gets a cookie, repeats its request with it, and succeeds.
  x.a.engine.load(siteConfig(kAddrA, kAddrB, a), x.now);
  x.deliver();
  EXPECT_EQ(x.a.tunnel().status, ConnectionStatus::Connected) << x.a.tunnel().last_error;
  EXPECT_EQ(x.b.tunnel().status, ConnectionStatus::Connected);
}

TEST(Cookies, PerAddressThresholdAsksOneSourceForCookies) {
  Exchange x(lowThresholds());
  auto [a, b] = anyPeer();
  x.b.engine.load(siteConfig(kAddrB, kAddrA, b), x.now);
  SeededRandom r(6);
  NullLogger log;
  RecordingOutput sink;
  Engine probe({}, r, sink, log);
  probe.load(siteConfig(kAddrA, kAddrB, a), x.now);
  Bytes init = sink.sent.front().data;
  for (uint8_t i = 0; i < 4; ++i) {
    Bytes copy = init;
    copy[7] = i;  // another SPIi
    x.b.engine.handleDatagram(Datagram{{kAddrB, 500}, {kAddrA, 500}, copy}, x.now);
  }
  EXPECT_EQ(x.b.engine.counters().cookies_sent, 1u) << "the fourth from one address";
}

TEST(Cookies, ForgedOrStaleCookieIsRefused) {
  EngineOptions o;
  o.cookie_threshold = 0;  // always demand a cookie
  Exchange x(o);
  auto [a, b] = anyPeer();
  x.b.engine.load(siteConfig(kAddrB, kAddrA, b), x.now);
  // Tamper with the cookie A returns: B must answer with a fresh cookie, never with state.
  int tampered = 0;
  auto forge = [&](Datagram& d, bool from_a) {
    auto m = wire::v2::decode(d.data);
    if (from_a && m && !m->payloads.empty() && tampered < 3) {
      if (auto* n = std::get_if<wire::v2::NotifyPayload>(&m->payloads.front().body);
          n != nullptr && n->type == wire::notify::kCookie) {
        n->data.back() ^= 1;
        d.data = wire::v2::encode(*m);
        ++tampered;
      }
    }
    return true;
  };
  x.a.engine.load(siteConfig(kAddrA, kAddrB, a), x.now);
  x.deliver(forge);
  EXPECT_EQ(tampered, 3);
  EXPECT_GE(x.b.engine.counters().dropped_bad_cookie, 3u);
  EXPECT_EQ(x.a.tunnel().status, ConnectionStatus::Connected) << "the untampered retry works";
}

}  // namespace
}  // namespace vpngw::ike::testing
