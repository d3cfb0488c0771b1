// Each configuration mismatch ends in the right failed phase and diagnosis on both sides,
// within the spec's timing: three tries end within 40 s, then a retry every 12 s.
#include <gtest/gtest.h>

#include "exchange/exchange_harness.h"
#include "wire/ikev2_message.h"

namespace vpngw::ike::testing {
namespace {

struct Outcome {
  TunnelStatus a;
  TunnelStatus b;
};

// Runs 40 s of negotiation with A initiating and B responding.
Outcome run(const TunnelSpec& a, TunnelSpec b) {
  Exchange x;
  b.initiator = false;
  x.load(a, b);
  x.advance(40s);
  return {x.a.tunnel(), x.b.tunnel()};
}

void expectFailed(const TunnelStatus& s, ConnectionStatus status, DiagnosisCode code) {
  EXPECT_EQ(s.status, status) << s.name << ": " << s.last_error;
  EXPECT_EQ(s.diagnosis.code, code) << s.diagnosis.text;
  EXPECT_FALSE(s.diagnosis.text.empty());
  EXPECT_FALSE(s.ike_sa && s.status == ConnectionStatus::Phase1Failed);
  EXPECT_GE(s.failures, 3u);
}

TEST(Mismatch, PreSharedKey) {
  TunnelSpec a;
  TunnelSpec b = mirror(a);
  b.psk = "another-secret";
  auto o = run(a, b);
  expectFailed(o.a, ConnectionStatus::Phase1Failed, DiagnosisCode::PskMismatch);
  expectFailed(o.b, ConnectionStatus::Phase1Failed, DiagnosisCode::PskMismatch);
  EXPECT_EQ(o.a.diagnosis.text.find("shared-secret"), std::string::npos) << "PSK leaked";
}

TEST(Mismatch, IkeEncryption) {
  TunnelSpec a;
  TunnelSpec b = mirror(a);
  b.ike.encryption = Encryption::Aes256;
  auto o = run(a, b);
  expectFailed(o.a, ConnectionStatus::Phase1Failed, DiagnosisCode::ProposalMismatch);
  expectFailed(o.b, ConnectionStatus::Phase1Failed, DiagnosisCode::ProposalMismatch);
  // The responder sees both proposals and names them.
  EXPECT_NE(o.b.diagnosis.text.find("aes128-sha1-modp1024"), std::string::npos)
      << o.b.diagnosis.text;
  EXPECT_NE(o.b.diagnosis.text.find("aes256-sha1-modp1024"), std::string::npos)
      << o.b.diagnosis.text;
  // The initiator's probe learnt what the peer accepts.
  EXPECT_NE(o.a.diagnosis.text.find("accepts aes256-sha1-modp1024"), std::string::npos)
      << o.a.diagnosis.text;
}

TEST(Mismatch, IkeIntegrity) {
  TunnelSpec a;
  TunnelSpec b = mirror(a);
  b.ike.authentication = Hash::Sha256;
  auto o = run(a, b);
  expectFailed(o.a, ConnectionStatus::Phase1Failed, DiagnosisCode::ProposalMismatch);
  expectFailed(o.b, ConnectionStatus::Phase1Failed, DiagnosisCode::ProposalMismatch);
}

TEST(Mismatch, DhGroup) {
  TunnelSpec a;
  TunnelSpec b = mirror(a);
  b.ike.dh_group = 14;
  auto o = run(a, b);
  expectFailed(o.a, ConnectionStatus::Phase1Failed, DiagnosisCode::DhMismatch);
  expectFailed(o.b, ConnectionStatus::Phase1Failed, DiagnosisCode::DhMismatch);
  EXPECT_NE(o.a.diagnosis.text.find("accepts IKE aes128-sha1-modp2048"), std::string::npos)
      << o.a.diagnosis.text;
}

TEST(Mismatch, ResponderRefusesUnconfiguredGroupWithNoProposalChosen) {
  // RFC 7296 §1.2: INVALID_KE_PAYLOAD only names a group from a proposal the responder would
  // accept; an offer without our group is NO_PROPOSAL_CHOSEN.
  Exchange x;
  TunnelSpec a;
  TunnelSpec b = mirror(a);
  b.initiator = false;
  b.ike.dh_group = 14;
  x.load(a, b);
  bool saw_invalid_ke_for_original = false;
  auto watch = [&](Datagram& d, bool from_a) {
    auto m = wire::v2::decode(d.data);
    if (!from_a && m && m->header.exchange == 34 &&
        wire::v2::findNotify(m->payloads, wire::notify::kInvalidKePayload) != nullptr &&
        x.a.engine.counters().sent == 1) {
      saw_invalid_ke_for_original = true;
    }
    return true;
  };
  x.deliver(watch);
  EXPECT_FALSE(saw_invalid_ke_for_original);
}

TEST(Mismatch, RemoteIdOnInitiator) {
  TunnelSpec a;
  a.ike.remote_id = Identity{Identity::Type::Fqdn, "wrong.example.net"};
  TunnelSpec b = mirror(TunnelSpec{});
  auto o = run(a, b);
  expectFailed(o.a, ConnectionStatus::Phase1Failed, DiagnosisCode::IdMismatch);
}

TEST(Mismatch, RemoteIdOnResponder) {
  TunnelSpec a;
  TunnelSpec b = mirror(a);
  b.ike.remote_id = Identity{Identity::Type::Fqdn, "someone-else.example.net"};
  auto o = run(a, b);
  expectFailed(o.b, ConnectionStatus::Phase1Failed, DiagnosisCode::IdMismatch);
  // The initiator only learns that authentication was refused.
  EXPECT_EQ(o.a.status, ConnectionStatus::Phase1Failed);
  EXPECT_EQ(o.a.diagnosis.code, DiagnosisCode::PskMismatch);
}

TEST(Mismatch, SubnetsNotMirrored) {
  TunnelSpec a;
  TunnelSpec b = mirror(a);
  b.local_subnets = {"10.9.0.0/24"};
  auto o = run(a, b);
  expectFailed(o.a, ConnectionStatus::Phase2Failed, DiagnosisCode::TsMismatch);
  expectFailed(o.b, ConnectionStatus::Phase2Failed, DiagnosisCode::TsMismatch);
}

TEST(Mismatch, EspEncryption) {
  TunnelSpec a;
  TunnelSpec b = mirror(a);
  b.ipsec.encryption = Encryption::Aes256;
  auto o = run(a, b);
  expectFailed(o.a, ConnectionStatus::Phase2Failed, DiagnosisCode::ProposalMismatch);
  expectFailed(o.b, ConnectionStatus::Phase2Failed, DiagnosisCode::ProposalMismatch);
}

TEST(Mismatch, EspIntegrity) {
  TunnelSpec a;
  TunnelSpec b = mirror(a);
  b.ipsec.authentication = Hash::Md5;
  auto o = run(a, b);
  expectFailed(o.a, ConnectionStatus::Phase2Failed, DiagnosisCode::ProposalMismatch);
  expectFailed(o.b, ConnectionStatus::Phase2Failed, DiagnosisCode::ProposalMismatch);
}

TEST(Mismatch, PfsGroupOnlyShowsInCreateChildSa) {
  TunnelSpec a;
  a.remote_subnets = {"10.2.0.0/24", "10.3.0.0/24"};
  a.per_pair = true;
  TunnelSpec b = mirror(a);
  b.ipsec.pfs_group = 14;
  auto o = run(a, b);
  // IKE_AUTH's CHILD SA has no KE, so the first pair comes up; the second (with PFS) fails.
  EXPECT_EQ(o.b.diagnosis.code, DiagnosisCode::DhMismatch) << o.b.diagnosis.text;
  EXPECT_EQ(o.a.diagnosis.code, DiagnosisCode::DhMismatch) << o.a.diagnosis.text;
}

TEST(Mismatch, EspVersusAh) {
  TunnelSpec a;
  TunnelSpec b = mirror(a);
  b.ipsec.protocol = IpsecProtocol::Ah;
  b.ipsec.encryption = std::nullopt;
  auto o = run(a, b);
  expectFailed(o.b, ConnectionStatus::Phase2Failed, DiagnosisCode::ProtocolMismatch);
  EXPECT_EQ(o.a.status, ConnectionStatus::Phase2Failed);
}

TEST(Mismatch, PeerUnreachableTimingAndRetryInterval) {
  Exchange x;
  TunnelSpec a;
  x.a.engine.load(siteConfig(kAddrA, kAddrB, a), x.now);
  auto drop_all = [](Datagram&, bool) { return false; };
  // Three tries, each 1+2+4+4 s of retransmission, starting at 0, 12 and 24 s: all over
  // within 40 s (the third gives up at 35 s).
  x.advance(35500ms, 100ms, drop_all);
  auto s = x.a.tunnel();
  EXPECT_EQ(s.status, ConnectionStatus::Phase1Failed);
  EXPECT_EQ(s.diagnosis.code, DiagnosisCode::PeerUnreachable);
  EXPECT_EQ(s.attempts, 3u);
  EXPECT_NE(s.diagnosis.text.find("UDP 500"), std::string::npos) << s.diagnosis.text;
  // Then a try starts every 12 s, start to start: 36, 48, 60, 72 s.
  x.advance(46500ms, 100ms, drop_all);
  EXPECT_EQ(x.a.tunnel().attempts, 7u);
}

TEST(Mismatch, FastFailuresRetryEvery12Seconds) {
  Exchange x;
  TunnelSpec a;
  TunnelSpec b = mirror(a);
  b.initiator = false;
  b.psk = "different";
  x.load(a, b);
  x.advance(3s);
  EXPECT_EQ(x.a.tunnel().status, ConnectionStatus::Phase1Failed);
  EXPECT_EQ(x.a.tunnel().attempts, 3u);
  // The third try failed at 2 s; the next one starts 12 s later.
  x.advance(10900ms);
  EXPECT_EQ(x.a.tunnel().attempts, 3u);
  x.advance(200ms);
  EXPECT_EQ(x.a.tunnel().attempts, 4u);
}

TEST(Mismatch, RecoversWhenTheCauseIsFixed) {
  Exchange x;
  TunnelSpec a;
  TunnelSpec b = mirror(a);
  b.initiator = false;
  b.psk = "different";
  x.load(a, b);
  x.advance(5s);
  ASSERT_EQ(x.a.tunnel().status, ConnectionStatus::Phase1Failed);
  TunnelSpec fixed = mirror(a);
  fixed.initiator = false;
  x.b.engine.load(siteConfig(kAddrB, kAddrA, fixed), x.now);
  x.advance(13s);
  EXPECT_EQ(x.a.tunnel().status, ConnectionStatus::Connected);
  EXPECT_EQ(x.a.tunnel().diagnosis.code, DiagnosisCode::None);
  EXPECT_FALSE(x.a.tunnel().last_error.empty()) << "the last error stays for the record";
}

TEST(Mismatch, Ikev1MessageAtIkev2Tunnel) {
  Exchange x;
  TunnelSpec b;
  b.initiator = false;
  x.b.engine.load(siteConfig(kAddrB, kAddrA, b), x.now);
  // An ISAKMP (IKEv1) main mode header: version 0x10, exchange 2 (identity protection).
  Bytes v1(28, 0);
  v1[0] = 0x11;
  v1[16] = 1;  // next payload: SA
  v1[17] = 0x10;
  v1[18] = 2;
  v1[27] = 28;
  for (int i = 0; i < 3; ++i) {
    x.b.engine.handleDatagram(Datagram{{kAddrB, 500}, {kAddrA, 500}, v1}, x.now);
  }
  auto s = x.b.tunnel();
  EXPECT_EQ(s.diagnosis.code, DiagnosisCode::VersionMismatch);
  EXPECT_EQ(s.status, ConnectionStatus::Phase1Failed);
  EXPECT_EQ(x.b.engine.counters().dropped_version, 3u);
}

}  // namespace
}  // namespace vpngw::ike::testing
