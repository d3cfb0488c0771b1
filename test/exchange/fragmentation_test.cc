// IKE fragmentation (RFC 7383): negotiated in IKE_SA_INIT, large protected messages leave as
// SKF fragments, each fragment is verified before it is kept, and lost fragments are recovered
// by retransmission of the whole set.
#include <gtest/gtest.h>

#include "exchange/exchange_harness.h"
#include "wire/ikev2_message.h"

namespace vpngw::ike::testing {
namespace {

EngineOptions smallFragments() {
  EngineOptions o;
  o.fragment_size = 200;  // IKE_AUTH with several selectors is well above this
  return o;
}

TunnelSpec manySubnets() {
  TunnelSpec s;
  s.local_subnets = {"10.1.0.0/24", "10.1.1.0/24", "10.1.2.0/24", "10.1.3.0/24"};
  s.remote_subnets = {"10.2.0.0/24", "10.2.1.0/24", "10.2.2.0/24", "10.2.3.0/24"};
  return s;
}

bool isFragment(const Datagram& d) {
  auto m = wire::v2::decode(d.data);
  return m && !m->payloads.empty() && m->payloads.back().type == wire::payload::kSkf;
}

TEST(Fragmentation, LargeMessagesTravelInFragments) {
  Exchange x(smallFragments());
  TunnelSpec a = manySubnets();
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  size_t largest = 0;
  auto watch = [&](Datagram& d, bool) {
    auto h = wire::v2::decodeHeader(d.data);
    if (h && h->exchange != 34) {  // IKE_SA_INIT is never fragmented (RFC 7383 §2.5.3)
      largest = std::max(largest, d.data.size());
    }
    return true;
  };
  x.deliver(watch);
  ASSERT_EQ(x.a.tunnel().status, ConnectionStatus::Connected);
  EXPECT_GT(x.a.engine.counters().fragments_sent, 2u);
  EXPECT_GT(x.b.engine.counters().fragments_sent, 2u);
  EXPECT_EQ(x.a.engine.counters().messages_reassembled, 1u);
  EXPECT_EQ(x.b.engine.counters().messages_reassembled, 1u);
  EXPECT_LE(largest, 200u) << "no protected datagram over the fragment size";
  EXPECT_EQ(x.a.tunnel().child_sas.at(0).local_ts.size(), 4u);
}

TEST(Fragmentation, LostFragmentIsRecoveredByRetransmission) {
  Exchange x(smallFragments());
  TunnelSpec a = manySubnets();
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  int fragments_from_a = 0;
  auto lose_second = [&](Datagram& d, bool from_a) {
    if (from_a && isFragment(d) && ++fragments_from_a == 2) {
      return false;
    }
    return true;
  };
  x.advance(5s, 100ms, lose_second);
  EXPECT_EQ(x.a.tunnel().status, ConnectionStatus::Connected);
  EXPECT_GE(x.a.engine.counters().retransmits, 1u);
}

TEST(Fragmentation, ForgedFragmentIsDroppedWithoutHarm) {
  Exchange x(smallFragments());
  TunnelSpec a = manySubnets();
  TunnelSpec b = mirror(a);
  b.initiator = false;
  x.load(a, b);
  bool forged = false;
  auto forge = [&](Datagram& d, bool from_a) {
    if (from_a && isFragment(d) && !forged) {
      forged = true;
      Datagram copy = d;
      copy.data[copy.data.size() - 3] ^= 0x40;  // breaks the ICV
      x.b.engine.handleDatagram(Datagram{copy.remote, copy.local, copy.data}, x.now);
    }
    return true;
  };
  x.deliver(forge);
  EXPECT_TRUE(forged);
  EXPECT_EQ(x.b.engine.counters().dropped_integrity, 1u);
  EXPECT_EQ(x.a.tunnel().status, ConnectionStatus::Connected);
}

}  // namespace
}  // namespace vpngw::ike::testing
