// Lost and repeated messages, garbage and tampering: dropped and counted, never a state change.
#include <gtest/gtest.h>

#include "exchange/exchange_harness.h"
#include "wire/ikev2_message.h"

namespace vpngw::ike::testing {
namespace {

TunnelSpec responder(TunnelSpec s) {
  s.initiator = false;
  return s;
}

TEST(Robustness, LostResponsesAreRetransmittedAndAnsweredFromCache) {
  Exchange x;
  TunnelSpec a;
  x.load(a, responder(mirror(a)));
  int dropped = 0;
  // Drop the first IKE_SA_INIT response and the first IKE_AUTH response.
  auto lossy = [&](Datagram& d, bool from_a) {
    auto h = wire::v2::decodeHeader(d.data);
    if (!from_a && h && h->isResponse() && dropped < 2 &&
        h->message_id == static_cast<uint32_t>(dropped)) {
      ++dropped;
      return false;
    }
    return true;
  };
  x.advance(5s, 100ms, lossy);
  EXPECT_EQ(dropped, 2);
  EXPECT_EQ(x.a.tunnel().status, ConnectionStatus::Connected);
  EXPECT_EQ(x.b.tunnel().status, ConnectionStatus::Connected);
  EXPECT_EQ(x.a.engine.counters().retransmits, 2u);
  EXPECT_EQ(x.b.engine.counters().retransmitted_responses, 2u);
  // The responder kept a single IKE SA: the retransmitted IKE_SA_INIT did not create another.
  EXPECT_EQ(x.b.out.installed.size(), 1u);
  EXPECT_EQ(x.a.out.installed.size(), 1u);
}

TEST(Robustness, GarbageNeverChangesState) {
  Exchange x;
  TunnelSpec a;
  x.load(a, responder(mirror(a)));
  x.deliver();
  ASSERT_EQ(x.a.tunnel().status, ConnectionStatus::Connected);
  auto before = x.a.tunnel();
  SeededRandom rnd(7);
  for (int i = 0; i < 2000; ++i) {
    Bytes junk(rnd.below(200));
    rnd.fill(junk);
    if (junk.size() >= 28 && i % 2 == 0) {
      // Make some of it look like IKEv2 for the established SA so deeper code runs.
      for (int k = 0; k < 8; ++k) {
        junk[k] = static_cast<uint8_t>(before.ike_sa->spi_i >> (56 - 8 * k));
        junk[8 + k] = static_cast<uint8_t>(before.ike_sa->spi_r >> (56 - 8 * k));
      }
      junk[17] = 0x20;
    }
    x.a.engine.handleDatagram(Datagram{{kAddrA, 500}, {kAddrB, 500}, junk}, x.now);
  }
  auto after = x.a.tunnel();
  EXPECT_EQ(after.status, ConnectionStatus::Connected);
  EXPECT_EQ(after.ike_sa->spi_i, before.ike_sa->spi_i);
  EXPECT_EQ(after.child_sas.size(), 1u);
  const auto& c = x.a.engine.counters();
  EXPECT_GT(
      c.dropped_malformed + c.dropped_unknown_spi + c.dropped_unexpected + c.dropped_integrity,
      1000u);
  EXPECT_TRUE(x.a.out.sent.empty()) << "garbage must not draw replies";
}

TEST(Robustness, TamperedProtectedMessageIsDroppedAndCounted) {
  Exchange x;
  TunnelSpec a;
  x.load(a, responder(mirror(a)));
  bool flipped = false;
  // Flip one bit in A's IKE_AUTH request: B must drop it (ICV) and A retransmits it intact.
  auto tamper = [&](Datagram& d, bool from_a) {
    auto h = wire::v2::decodeHeader(d.data);
    if (from_a && h && h->message_id == 1 && !flipped) {
      d.data[d.data.size() - 20] ^= 0x01;
      flipped = true;
    }
    return true;
  };
  x.advance(3s, 100ms, tamper);
  EXPECT_TRUE(flipped);
  EXPECT_EQ(x.b.engine.counters().dropped_integrity, 1u);
  EXPECT_EQ(x.a.tunnel().status, ConnectionStatus::Connected);
  EXPECT_EQ(x.b.tunnel().status, ConnectionStatus::Connected);
}

TEST(Robustness, ReplayedOldRequestGetsCachedResponseOnly) {
  Exchange x;
  TunnelSpec a;
  x.load(a, responder(mirror(a)));
  Datagram auth_request;
  auto capture = [&](Datagram& d, bool from_a) {
    auto h = wire::v2::decodeHeader(d.data);
    if (from_a && h && h->message_id == 1) {
      auth_request = d;
    }
    return true;
  };
  x.deliver(capture);
  ASSERT_FALSE(auth_request.data.empty());
  size_t installs = x.b.out.installs;
  x.b.engine.handleDatagram(Datagram{auth_request.remote, auth_request.local, auth_request.data},
                            x.now);
  EXPECT_EQ(x.b.engine.counters().retransmitted_responses, 1u);
  EXPECT_EQ(x.b.out.installs, installs) << "a replayed IKE_AUTH must not install again";
  EXPECT_EQ(x.b.out.sent.size(), 1u);
}

TEST(Robustness, UnknownSpiIsCounted) {
  Exchange x;
  TunnelSpec a;
  x.load(a, responder(mirror(a)));
  x.deliver();
  wire::v2::Message m;
  m.header.spi_i = 0x1111;
  m.header.spi_r = 0x2222;
  m.header.exchange = static_cast<uint8_t>(wire::ExchangeType::Informational);
  m.header.flags = wire::flags::kInitiator;
  m.header.message_id = 5;
  x.b.engine.handleDatagram(Datagram{{kAddrB, 500}, {kAddrA, 500}, wire::v2::encode(m)}, x.now);
  EXPECT_EQ(x.b.engine.counters().dropped_unknown_spi, 1u);
}

TEST(Robustness, ShutdownDeletesOnBothSides) {
  Exchange x;
  TunnelSpec a;
  x.load(a, responder(mirror(a)));
  x.deliver();
  ASSERT_EQ(x.b.out.installed.size(), 1u);
  x.a.engine.shutdown(x.now);
  EXPECT_TRUE(x.a.out.installed.empty());
  x.deliver();
  EXPECT_TRUE(x.b.out.installed.empty());
  EXPECT_EQ(x.b.tunnel().status, ConnectionStatus::Connecting);
  EXPECT_FALSE(x.b.tunnel().ike_sa);
}

TEST(Robustness, PeerRestartIsAdoptedAndStaleSaReplaced) {
  Exchange x;
  TunnelSpec a;
  x.load(a, responder(mirror(a)));
  x.deliver();
  auto first = x.b.tunnel().ike_sa->spi_i;
  // A "reboots": a fresh engine with the same configuration, no Delete sent.
  x.advance(2s);
  // (Reloading the same configuration keeps the SAs; an empty one in between forgets them,
  // and its Deletes are lost as a crash would lose them.)
  x.a.engine.load(Config{}, x.now);
  x.a.out.sent.clear();
  x.a.out.installed.clear();
  x.a.engine.load(siteConfig(kAddrA, kAddrB, a), x.now);
  x.advance(2s);
  auto s = x.b.tunnel();
  ASSERT_EQ(s.status, ConnectionStatus::Connected);
  EXPECT_NE(s.ike_sa->spi_i, first);
  EXPECT_EQ(x.b.out.installed.size(), 1u) << "the stale CHILD SA must be gone";
}

}  // namespace
}  // namespace vpngw::ike::testing
