// IKE_SA_INIT + IKE_AUTH (+ CREATE_CHILD_SA) between two engines: success for every
// algorithm the configuration offers, in both roles, with the SAs installed on both sides
// agreeing on SPIs, selectors and keys.
#include <gtest/gtest.h>

#include "exchange/exchange_harness.h"
#include "wire/registry.h"

namespace vpngw::ike::testing {
namespace {

// Both sides agree on SPIs (crossed) and keys (A's outbound = B's inbound).
void expectMatchingChildren(const Side& a, const Side& b, size_t count) {
  ASSERT_EQ(a.out.installed.size(), count);
  ASSERT_EQ(b.out.installed.size(), count);
  for (const auto& [spi_in, sa] : a.out.installed) {
    auto it = b.out.installed.find(sa.out.spi);
    ASSERT_NE(it, b.out.installed.end()) << "B has no inbound SA for A's outbound SPI";
    const auto& peer = it->second;
    EXPECT_EQ(peer.out.spi, spi_in);
    EXPECT_EQ(peer.in.encr_key, sa.out.encr_key);
    EXPECT_EQ(peer.in.integ_key, sa.out.integ_key);
    EXPECT_EQ(peer.out.encr_key, sa.in.encr_key);
    EXPECT_EQ(peer.out.integ_key, sa.in.integ_key);
    EXPECT_EQ(peer.local_ts, sa.remote_ts);
    EXPECT_EQ(peer.remote_ts, sa.local_ts);
    EXPECT_EQ(sa.encr_id, peer.encr_id);
    EXPECT_EQ(sa.integ_id, peer.integ_id);
    EXPECT_NE(sa.in.encr_key, sa.out.encr_key);
  }
}

void expectConnected(const Exchange& x) {
  auto sa = x.a.tunnel();
  auto sb = x.b.tunnel();
  ASSERT_EQ(sa.status, ConnectionStatus::Connected) << sa.last_error;
  ASSERT_EQ(sb.status, ConnectionStatus::Connected) << sb.last_error;
  ASSERT_TRUE(sa.ike_sa && sb.ike_sa);
  EXPECT_EQ(sa.ike_sa->spi_i, sb.ike_sa->spi_i);
  EXPECT_EQ(sa.ike_sa->spi_r, sb.ike_sa->spi_r);
  EXPECT_NE(sa.ike_sa->initiator, sb.ike_sa->initiator);
  EXPECT_EQ(sa.ike_sa->algorithms, sb.ike_sa->algorithms);
  EXPECT_EQ(sa.diagnosis.code, DiagnosisCode::None);
  ASSERT_EQ(sa.child_sas.size(), sb.child_sas.size());
  for (size_t i = 0; i < sa.child_sas.size(); ++i) {
    EXPECT_EQ(sa.child_sas[i].algorithms, sb.child_sas[i].algorithms);
  }
}

TEST(Establish, SpecDefaultsInitiatorA) {
  Exchange x;
  TunnelSpec spec;
  TunnelSpec other = mirror(spec);
  other.initiator = false;
  x.load(spec, other);
  x.deliver();
  expectConnected(x);
  EXPECT_EQ(x.a.tunnel().ike_sa->algorithms, "aes128-sha1-modp1024");
  EXPECT_TRUE(x.a.tunnel().ike_sa->initiator);
  ASSERT_EQ(x.a.tunnel().child_sas.size(), 1u);
  EXPECT_EQ(x.a.tunnel().child_sas[0].algorithms, "aes128-sha1");
  EXPECT_EQ(x.a.tunnel().child_sas[0].local_ts, std::vector<std::string>{"10.1.0.0/24"});
  EXPECT_EQ(x.a.tunnel().child_sas[0].remote_ts, std::vector<std::string>{"10.2.0.0/24"});
  expectMatchingChildren(x.a, x.b, 1);
  // Exactly four messages: IKE_SA_INIT and IKE_AUTH, request and response.
  EXPECT_EQ(x.a.engine.counters().sent, 2u);
  EXPECT_EQ(x.b.engine.counters().sent, 2u);
}

TEST(Establish, ResponderOnlySideWaits) {
  Exchange x;
  TunnelSpec spec;
  spec.initiator = false;
  TunnelSpec other = mirror(spec);
  other.initiator = true;
  x.load(spec, other);  // B initiates, A only responds
  x.deliver();
  expectConnected(x);
  EXPECT_FALSE(x.a.tunnel().ike_sa->initiator);
  expectMatchingChildren(x.a, x.b, 1);
}

struct Algo {
  Encryption ike_encr;
  Hash ike_hash;
  uint16_t dh;
  std::optional<Encryption> esp_encr;
  std::optional<Hash> esp_hash;
  std::optional<uint16_t> pfs;
  const char* ike_name;
  const char* esp_name;
};

class EveryAlgorithm : public ::testing::TestWithParam<Algo> {};

TEST_P(EveryAlgorithm, EstablishesBothRoles) {
  const Algo& p = GetParam();
  for (bool a_initiates : {true, false}) {
    Exchange x;
    TunnelSpec spec;
    spec.ike.encryption = p.ike_encr;
    spec.ike.authentication = p.ike_hash;
    spec.ike.dh_group = p.dh;
    spec.ipsec.encryption = p.esp_encr;
    spec.ipsec.authentication = p.esp_hash;
    spec.ipsec.pfs_group = p.pfs;
    // Two remote subnets, one CHILD SA each, so CREATE_CHILD_SA (with PFS) is covered too.
    spec.remote_subnets = {"10.2.0.0/24", "10.3.0.0/24"};
    spec.per_pair = true;
    spec.initiator = a_initiates;
    TunnelSpec other = mirror(spec);
    other.initiator = !a_initiates;
    x.load(spec, other);
    x.deliver();
    expectConnected(x);
    EXPECT_EQ(x.a.tunnel().ike_sa->algorithms, p.ike_name);
    ASSERT_EQ(x.a.tunnel().child_sas.size(), 2u);
    EXPECT_EQ(x.a.tunnel().child_sas[0].algorithms, std::string(p.esp_name));
    if (p.pfs) {
      // The first CHILD SA comes from IKE_AUTH (no KE there), the second used PFS.
      EXPECT_EQ(x.a.tunnel().child_sas[1].algorithms,
                std::string(p.esp_name) + "-" +
                    std::string(x.a.tunnel().ike_sa->algorithms.substr(
                        x.a.tunnel().ike_sa->algorithms.rfind('-') + 1)));
    }
    expectMatchingChildren(x.a, x.b, 2);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Algorithms, EveryAlgorithm,
    ::testing::Values(Algo{Encryption::Aes128, Hash::Sha1, 2, Encryption::Aes128, Hash::Sha1, 2,
                           "aes128-sha1-modp1024", "aes128-sha1"},
                      Algo{Encryption::Des3, Hash::Md5, 1, Encryption::Des3, Hash::Md5, 1,
                           "3des-md5-modp768", "3des-md5"},
                      Algo{Encryption::Aes192, Hash::Sha256, 5, Encryption::Aes192, Hash::Sha256, 5,
                           "aes192-sha256-modp1536", "aes192-sha256"},
                      Algo{Encryption::Aes256, Hash::Sha256, 14, Encryption::Aes256, Hash::Sha1, 14,
                           "aes256-sha256-modp2048", "aes256-sha1"},
                      Algo{Encryption::Aes256, Hash::Sha384, 15, Encryption::Aes128, Hash::Sha384,
                           15, "aes256-sha384-modp3072", "aes128-sha384"},
                      Algo{Encryption::Aes128, Hash::Sha512, 16, Encryption::Aes256, Hash::Sha512,
                           16, "aes128-sha512-modp4096", "aes256-sha512"},
                      Algo{Encryption::Aes128, Hash::Sha256, 19, Encryption::Aes128, Hash::Sha256,
                           19, "aes128-sha256-ecp256", "aes128-sha256"},
                      Algo{Encryption::Aes256, Hash::Sha384, 20, Encryption::Aes256, Hash::Sha384,
                           20, "aes256-sha384-ecp384", "aes256-sha384"},
                      Algo{Encryption::Aes256, Hash::Sha512, 21, Encryption::Aes256, Hash::Sha512,
                           21, "aes256-sha512-ecp521", "aes256-sha512"},
                      Algo{Encryption::Aes128, Hash::Sha256, 24, Encryption::Aes128, Hash::Sha256,
                           24, "aes128-sha256-modp2048s256", "aes128-sha256"},
                      Algo{Encryption::Aes128Gcm16, Hash::Sha256, 31, Encryption::Aes128Gcm16,
                           std::nullopt, 31, "aes128gcm16-prfsha256-curve25519", "aes128gcm16"},
                      Algo{Encryption::Aes256Gcm16, Hash::Sha384, 20, Encryption::Aes256Gcm16,
                           std::nullopt, std::nullopt, "aes256gcm16-prfsha384-ecp384",
                           "aes256gcm16"},
                      Algo{Encryption::Aes128, Hash::Sha1, 2, Encryption::Aes128, Hash::Sha1,
                           std::nullopt, "aes128-sha1-modp1024", "aes128-sha1"}));

TEST(Establish, SeveralSubnetsInOneChild) {
  Exchange x;
  TunnelSpec spec;
  spec.local_subnets = {"10.1.0.0/24", "10.1.1.0/24"};
  spec.remote_subnets = {"10.2.0.0/24", "10.3.0.0/24", "10.4.0.0/24"};
  TunnelSpec other = mirror(spec);
  other.initiator = false;
  x.load(spec, other);
  x.deliver();
  expectConnected(x);
  ASSERT_EQ(x.a.tunnel().child_sas.size(), 1u);
  EXPECT_EQ(x.a.tunnel().child_sas[0].local_ts,
            (std::vector<std::string>{"10.1.0.0/24", "10.1.1.0/24"}));
  EXPECT_EQ(x.a.tunnel().child_sas[0].remote_ts,
            (std::vector<std::string>{"10.2.0.0/24", "10.3.0.0/24", "10.4.0.0/24"}));
  expectMatchingChildren(x.a, x.b, 1);
}

TEST(Establish, OneChildPerSubnetPair) {
  Exchange x;
  TunnelSpec spec;
  spec.local_subnets = {"10.1.0.0/24", "10.1.1.0/24"};
  spec.remote_subnets = {"10.2.0.0/24", "10.3.0.0/24", "10.4.0.0/24"};
  spec.per_pair = true;
  TunnelSpec other = mirror(spec);
  other.initiator = false;
  other.per_pair = false;  // the responder narrows each request to the pair asked for
  x.load(spec, other);
  x.deliver();
  expectConnected(x);
  auto s = x.a.tunnel();
  ASSERT_EQ(s.child_sas.size(), 6u);
  for (const auto& c : s.child_sas) {
    EXPECT_EQ(c.local_ts.size(), 1u);
    EXPECT_EQ(c.remote_ts.size(), 1u);
  }
  expectMatchingChildren(x.a, x.b, 6);
}

TEST(Establish, ResponderNarrowsASupersetProposal) {
  Exchange x;
  TunnelSpec spec;
  spec.local_subnets = {"10.1.0.0/16"};
  spec.remote_subnets = {"10.2.0.0/16"};
  TunnelSpec other;  // B is configured with smaller subnets
  other.local_subnets = {"10.2.5.0/24"};
  other.remote_subnets = {"10.1.7.0/24"};
  other.initiator = false;
  x.load(spec, other);
  x.deliver();
  expectConnected(x);
  EXPECT_EQ(x.a.tunnel().child_sas[0].local_ts, std::vector<std::string>{"10.1.7.0/24"});
  EXPECT_EQ(x.a.tunnel().child_sas[0].remote_ts, std::vector<std::string>{"10.2.5.0/24"});
}

TEST(Establish, RouteModeUsesAnySelectors) {
  Exchange x;
  TunnelSpec spec;
  spec.route_mode = RouteMode::Route;
  TunnelSpec other = mirror(spec);
  other.initiator = false;
  x.load(spec, other);
  x.deliver();
  expectConnected(x);
  EXPECT_EQ(x.a.tunnel().child_sas[0].local_ts, std::vector<std::string>{"0.0.0.0/0"});
  EXPECT_EQ(x.b.tunnel().child_sas[0].remote_ts, std::vector<std::string>{"0.0.0.0/0"});
}

TEST(Establish, FqdnIdentities) {
  Exchange x;
  TunnelSpec spec;
  spec.ike.local_id = Identity{Identity::Type::Fqdn, "a.example.net"};
  spec.ike.remote_id = Identity{Identity::Type::Fqdn, "b.example.net"};
  TunnelSpec other = mirror(spec);
  other.initiator = false;
  x.load(spec, other);
  x.deliver();
  expectConnected(x);
}

TEST(Establish, AnyAddressCustomerGatewayFindsPeerByIdentity) {
  Exchange x;
  TunnelSpec spec;
  spec.ike.local_id = Identity{Identity::Type::Fqdn, "branch.example.net"};
  TunnelSpec other = mirror(spec);
  other.initiator = false;
  other.customer_ip = "0.0.0.0";
  other.ike.remote_id = Identity{Identity::Type::Fqdn, "branch.example.net"};
  x.load(spec, other);
  x.deliver();
  expectConnected(x);
}

TEST(Establish, BothSidesInitiating) {
  Exchange x;
  TunnelSpec spec;
  x.load(spec, mirror(spec));
  x.advance(5s);
  auto sa = x.a.tunnel();
  auto sb = x.b.tunnel();
  EXPECT_EQ(sa.status, ConnectionStatus::Connected);
  EXPECT_EQ(sb.status, ConnectionStatus::Connected);
  ASSERT_TRUE(sa.ike_sa && sb.ike_sa);
  // Whatever IKE SA each side ended up with, every CHILD SA installed on one side has its
  // partner on the other.
  for (const auto& [spi, c] : x.a.out.installed) {
    EXPECT_TRUE(x.b.out.installed.count(c.out.spi)) << "orphan CHILD SA on A";
  }
}

}  // namespace
}  // namespace vpngw::ike::testing
