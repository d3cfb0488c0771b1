// Dead peer detection (RFC 7296 §2.4) with its three actions, and INITIAL_CONTACT.
#include <gtest/gtest.h>

#include "exchange/exchange_harness.h"

namespace vpngw::ike::testing {
namespace {

TunnelSpec withDpd(DpdAction action) {
  TunnelSpec s;
  s.dpd = DpdPolicy{true, std::chrono::seconds(8), std::chrono::seconds(13), action};
  return s;
}

struct Link {
  bool up = true;
  std::function<bool(Datagram&, bool)> filter() {
    return [this](Datagram&, bool) { return up; };
  }
};

TEST(Dpd, QuietPeerIsProbedAndAnswers) {
  Exchange x;
  TunnelSpec a = withDpd(DpdAction::Restart);
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  x.deliver();
  ASSERT_EQ(x.a.tunnel().status, ConnectionStatus::Connected);
  x.advance(30s);
  EXPECT_GE(x.a.engine.counters().dpd_checks, 2u);
  EXPECT_EQ(x.a.tunnel().status, ConnectionStatus::Connected);
  EXPECT_EQ(x.a.tunnel().dpd_failures, 0u);
}

TEST(Dpd, EspTrafficCountsAsLife) {
  Exchange x;
  TunnelSpec a = withDpd(DpdAction::Restart);
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  x.deliver();
  for (int i = 0; i < 30; ++i) {
    x.a.out.espArrived(x.now);
    x.b.out.espArrived(x.now);
    x.advance(1s);
  }
  EXPECT_EQ(x.a.engine.counters().dpd_checks, 0u);
  EXPECT_EQ(x.b.engine.counters().dpd_checks, 0u);
}

TEST(Dpd, DeadPeerDetectedWithinDelayPlusTimeoutThenRestart) {
  Exchange x;
  TunnelSpec a = withDpd(DpdAction::Restart);
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  x.deliver();
  Link link;
  link.up = false;
  x.advance(21100ms, 100ms, link.filter());  // delay 8 s + timeout 13 s
  auto s = x.a.tunnel();
  EXPECT_NE(s.status, ConnectionStatus::Connected);
  EXPECT_EQ(s.diagnosis.code, DiagnosisCode::PeerUnreachable);
  EXPECT_NE(s.diagnosis.text.find("dead peer detection"), std::string::npos) << s.diagnosis.text;
  EXPECT_EQ(s.dpd_failures, 1u);
  EXPECT_TRUE(x.a.out.installed.empty()) << "CHILD SAs must be removed";
  EXPECT_GE(x.a.tunnel().attempts, 2u) << "restart renegotiates at once";
  // The peer comes back: traffic can flow again within seconds.
  link.up = true;
  x.advance(6s, 100ms, link.filter());
  EXPECT_EQ(x.a.tunnel().status, ConnectionStatus::Connected);
  EXPECT_EQ(x.b.tunnel().status, ConnectionStatus::Connected);
  EXPECT_EQ(x.a.out.installed.size(), 1u);
  EXPECT_EQ(x.b.out.installed.size(), 1u);
}

TEST(Dpd, ClearDropsAndWaits) {
  Exchange x;
  TunnelSpec a = withDpd(DpdAction::Clear);
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  x.deliver();
  Link link;
  link.up = false;
  x.advance(22s, 100ms, link.filter());
  uint32_t attempts = x.a.tunnel().attempts;
  EXPECT_EQ(x.a.tunnel().dpd_failures, 1u);
  EXPECT_TRUE(x.a.out.installed.empty());
  link.up = true;
  x.advance(60s, 100ms, link.filter());
  EXPECT_EQ(x.a.tunnel().attempts, attempts) << "clear must not renegotiate on its own";
  EXPECT_NE(x.a.tunnel().status, ConnectionStatus::Connected);
}

TEST(Dpd, HoldRenegotiatesWhenTrafficAsks) {
  Exchange x;
  TunnelSpec a = withDpd(DpdAction::Hold);
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  x.deliver();
  Link link;
  link.up = false;
  x.advance(22s, 100ms, link.filter());
  uint32_t attempts = x.a.tunnel().attempts;
  link.up = true;
  x.advance(20s, 100ms, link.filter());
  EXPECT_EQ(x.a.tunnel().attempts, attempts);
  x.a.engine.acquire("t1", x.now);
  x.deliver();
  EXPECT_EQ(x.a.tunnel().status, ConnectionStatus::Connected);
}

TEST(Dpd, ResponderSideAlsoDetectsAndClears) {
  Exchange x;
  TunnelSpec a = withDpd(DpdAction::Restart);
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  x.deliver();
  Link link;
  link.up = false;
  x.advance(22s, 100ms, link.filter());
  EXPECT_EQ(x.b.tunnel().dpd_failures, 1u);
  EXPECT_TRUE(x.b.out.installed.empty());
  EXPECT_EQ(x.b.tunnel().diagnosis.code, DiagnosisCode::PeerUnreachable);
}

TEST(InitialContact, PeerRebootDropsStaleSasAtOnce) {
  Exchange x;
  TunnelSpec a;
  a.dpd.enabled = false;
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  x.deliver();
  auto old_spi = x.b.tunnel().ike_sa->spi_i;
  // A reboots: a new engine with no memory of the old SA and no Delete sent.
  Side rebooted(99);
  rebooted.engine.load(siteConfig(kAddrA, kAddrB, a), x.now);
  for (int round = 0; round < 10; ++round) {
    while (!rebooted.out.sent.empty()) {
      Datagram d = std::move(rebooted.out.sent.front());
      rebooted.out.sent.pop_front();
      x.b.engine.handleDatagram(Datagram{d.remote, d.local, d.data}, x.now);
    }
    while (!x.b.out.sent.empty()) {
      Datagram d = std::move(x.b.out.sent.front());
      x.b.out.sent.pop_front();
      rebooted.engine.handleDatagram(Datagram{d.remote, d.local, d.data}, x.now);
    }
  }
  EXPECT_EQ(rebooted.tunnel().status, ConnectionStatus::Connected);
  EXPECT_NE(x.b.tunnel().ike_sa->spi_i, old_spi);
  // Both of A's lives announced themselves; only the second found stale state.
  EXPECT_EQ(x.b.engine.counters().initial_contacts, 2u);
  EXPECT_EQ(x.b.out.installed.size(), 1u) << "the stale CHILD SA is gone";
}

}  // namespace
}  // namespace vpngw::ike::testing
