// Tunnel rules: pre-shared key, lifetimes, algorithm choices, references and limits, 0.0.0.0
// customer gateways, v1-only fields and IKEv1 phase-1 sharing (spec §2, §4).
#include <gtest/gtest.h>

#include "config/loader.h"
#include "config_test_util.h"

namespace vpngw::config {
namespace {

using testing::configOf;
using testing::errorsOf;
using testing::hasError;
using testing::onlyError;
using testing::Tunnel;
using testing::withTunnel;
using testing::withTunnels;

// Every error's text, for checks that a secret never appears.
std::string allText(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const auto& e : errors) {
    out += e.toString() + "\n" + e.field + e.value + e.rule + "\n";
  }
  return out;
}

TEST(Psk, LengthLimits) {
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("psk", "''"))), "tunnels[0].psk",
                        "1-128 characters"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("psk", std::string(129, 'k')))),
                        "tunnels[0].psk", "at most 128"));
  auto c = configOf(withTunnel(Tunnel().set("psk", std::string(128, 'k'))));
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_EQ(c.tunnels[0].psk.size(), 128u);
}

TEST(Psk, NoQuestionMarkNoSpace) {
  EXPECT_TRUE(
      onlyError(errorsOf(withTunnel(Tunnel().set("psk", "'why?not'"))), "tunnels[0].psk", "'?'"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("psk", "'two words'"))), "tunnels[0].psk",
                        "space"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("psk", "\"tab\\there\""))),
                        "tunnels[0].psk", "printable ASCII"));
  // Special characters are allowed.
  auto c = configOf(withTunnel(Tunnel().set("psk", "'!@#$%^&*()_+-=[]{};:,.<>/|~`\"'")));
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_EQ(std::string(c.tunnels[0].psk.begin(), c.tunnels[0].psk.end()),
            "!@#$%^&*()_+-=[]{};:,.<>/|~`\"");
}

TEST(Psk, NeverEchoedInErrors) {
  for (const char* psk :
       {"'Secret Value'", "'SecretValue?'", "[SecretValue]", "{SecretValue: 1}"}) {
    auto errors = errorsOf(withTunnel(Tunnel().set("psk", psk)));
    ASSERT_FALSE(errors.empty()) << psk;
    EXPECT_EQ(errors[0].field, "tunnels[0].psk");
    EXPECT_EQ(errors[0].value, "<redacted>");
    EXPECT_EQ(allText(errors).find("SecretValue"), std::string::npos) << allText(errors);
  }
  std::string long_psk(129, 'Q');
  auto errors = errorsOf(withTunnel(Tunnel().set("psk", long_psk)));
  EXPECT_EQ(allText(errors).find(long_psk.substr(0, 20)), std::string::npos);
}

TEST(Lifetime, IkeAndIpsecWithinRange) {
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("ike", "{lifetime: 3599}"))),
                        "tunnels[0].ike.lifetime", "3600-86400 seconds"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("ike", "{lifetime: 86401}"))),
                        "tunnels[0].ike.lifetime", "out of range"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("ipsec", "{lifetime: 60}"))),
                        "tunnels[0].ipsec.lifetime", "3600-86400 seconds"));
  EXPECT_TRUE(
      onlyError(errorsOf(withTunnel(Tunnel().set("ipsec", "{lifetime: 99999999999999999999999}"))),
                "tunnels[0].ipsec.lifetime", "seconds"));
  auto c = configOf(
      withTunnel(Tunnel().set("ike", "{lifetime: 3600}").set("ipsec", "{lifetime: 86400}")));
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_EQ(c.tunnels[0].ike.lifetime.count(), 3600);
}

TEST(Lifetime, WholeSecondsOnly) {
  for (const char* bad : {"3600.5", "1h", "-3600", "'+3600'", "0x1000"}) {
    EXPECT_TRUE(
        onlyError(errorsOf(withTunnel(Tunnel().set("ike", std::string("{lifetime: ") + bad + "}"))),
                  "tunnels[0].ike.lifetime", "whole number of seconds"))
        << bad;
  }
}

TEST(Algorithms, UnknownNamesListTheAllowedOnes) {
  struct Case {
    const char* block;
    const char* field;
    const char* fragment;
  };
  for (const Case& c :
       {Case{"ike", "encryption: aes512", "aes256gcm16"},
        Case{"ike", "authentication: sha256", "sha2-256"}, Case{"ike", "version: ikev2", "v1, v2"},
        Case{"ipsec", "encryption: des", "3des"}, Case{"ipsec", "authentication: sha3", "sha2-512"},
        Case{"ipsec", "protocol: gre", "esp, ah"}}) {
    std::string field(c.field);
    std::string name = field.substr(0, field.find(':'));
    auto errors = errorsOf(withTunnel(Tunnel().set(c.block, "{" + field + "}")));
    EXPECT_TRUE(onlyError(errors, "tunnels[0]." + std::string(c.block) + "." + name, c.fragment));
  }
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("route_mode", "vti"))),
                        "tunnels[0].route_mode", "policy, route"));
}

TEST(Algorithms, DhAndPfsGroups) {
  for (const char* bad : {"3", "0", "22", "65536", "modp2048", "-2"}) {
    EXPECT_TRUE(
        onlyError(errorsOf(withTunnel(Tunnel().set("ike", std::string("{dh_group: ") + bad + "}"))),
                  "tunnels[0].ike.dh_group", "not a supported DH group"))
        << bad;
  }
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("ike", "{dh_group: disable}"))),
                        "tunnels[0].ike.dh_group", "not a supported DH group"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("ipsec", "{pfs: 3}"))),
                        "tunnels[0].ipsec.pfs", "or disable"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("ipsec", "{pfs: none}"))),
                        "tunnels[0].ipsec.pfs", "or disable"));
  auto c = configOf(withTunnel(Tunnel().set("ipsec", "{pfs: disable}")));
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_EQ(c.tunnels[0].ipsec.pfs_group, std::nullopt);
}

TEST(Algorithms, AeadIpsecTakesNoAuthentication) {
  auto errors = errorsOf(
      withTunnel(Tunnel().set("ipsec", "{encryption: aes256gcm16, authentication: sha1}")));
  EXPECT_TRUE(onlyError(errors, "tunnels[0].ipsec.authentication", "AEAD"));
}

TEST(Algorithms, AeadIsIkev2OnlyInPhase1) {
  EXPECT_TRUE(
      onlyError(errorsOf(withTunnel(Tunnel().set("ike", "{version: v1, encryption: aes128gcm16}"))),
                "tunnels[0].ike.encryption", "IKEv1"));
  // Phase 2 (ESP) GCM is fine under IKEv1 (RFC 4106).
  EXPECT_EQ(
      configOf(withTunnel(
                   Tunnel().set("ike", "{version: v1}").set("ipsec", "{encryption: aes128gcm16}")))
          .tunnels.size(),
      1u);
}

TEST(Algorithms, AhTakesNoEncryption) {
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("ipsec",
                                                         "{protocol: ah, encryption: "
                                                         "aes128}"))),
                        "tunnels[0].ipsec.encryption", "protocol ah"));
}

TEST(V1Only, ModeWithV2IsAnError) {
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("ike", "{version: v2, mode: main}"))),
                        "tunnels[0].ike.mode", "v1-only field"));
  // v2 is the default version.
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("ike", "{mode: aggressive}"))),
                        "tunnels[0].ike.mode", "v1-only field"));
  // The version is read first whatever the key order.
  EXPECT_EQ(
      configOf(withTunnel(Tunnel().set("ike", "{mode: aggressive, version: v1}"))).tunnels.size(),
      1u);
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("ike", "{version: v1, mode: quick}"))),
                        "tunnels[0].ike.mode", "main, aggressive"));
}

TEST(Identities, LocalAndRemoteIdsAreChecked) {
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("ike", "{local_id: 'bad name'}"))),
                        "tunnels[0].ike.local_id", "not a valid identity"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("ike", "{remote_id: 10.0.0.300}"))),
                        "tunnels[0].ike.remote_id", "not a valid identity"));
}

TEST(References, GatewayAndCustomerGatewayMustExist) {
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("gateway", "gw-x"))), "tunnels[0].gateway",
                        "does not name a gateway"));
  EXPECT_TRUE(onlyError(errorsOf(withTunnel(Tunnel().set("customer_gateway", "site-x"))),
                        "tunnels[0].customer_gateway", "does not name a customer gateway"));
}

TEST(Limits, TunnelsPerGateway) {
  LoadOptions opts;
  opts.max_tunnels_per_gateway = 2;
  std::vector<Tunnel> tunnels;
  for (int i = 0; i < 3; ++i) {
    tunnels.push_back(Tunnel("t" + std::to_string(i))
                          .set("customer_gateway", i == 1 ? "site-c" : "site-b")
                          .set("remote_subnets", "[10.2." + std::to_string(i) + ".0/24]"));
  }
  auto errors = errorsOf(withTunnels(tunnels), opts);
  EXPECT_TRUE(onlyError(errors, "tunnels[2].gateway", "at most 2 tunnels per gateway"));
}

TEST(Limits, TunnelsPerCustomerGateway) {
  LoadOptions opts;
  opts.max_tunnels_per_gateway = 1;
  auto errors = errorsOf(withTunnels({Tunnel("t1"), Tunnel("t2").set("gateway", "gw-b")}), opts);
  EXPECT_TRUE(
      onlyError(errors, "tunnels[1].customer_gateway", "at most 1 tunnels per customer gateway"));
}

TEST(Limits, TwentyByDefault) {
  std::vector<Tunnel> tunnels;
  for (int i = 0; i < 21; ++i) {
    tunnels.push_back(Tunnel("t" + std::to_string(i))
                          .set("customer_gateway", i % 2 ? "site-c" : "site-b")
                          .set("remote_subnets", "[10.2." + std::to_string(i) + ".0/24]"));
  }
  auto errors = errorsOf(withTunnels(tunnels));
  EXPECT_TRUE(onlyError(errors, "tunnels[20].gateway", "at most 20 tunnels per gateway"));
  tunnels.pop_back();
  EXPECT_EQ(configOf(withTunnels(tunnels)).tunnels.size(), 20u);
}

TEST(AnyAddressPeer, CanOnlyRespond) {
  Tunnel t = Tunnel().set("customer_gateway", "roaming").set("ike", "{remote_id: peer.example}");
  auto errors = errorsOf(withTunnel(Tunnel(t).set("initiator", "true")));
  EXPECT_TRUE(
      onlyError(errors, "tunnels[0].initiator", "a customer gateway of 0.0.0.0 can only respond"));
  auto c = configOf(withTunnel(t));
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_FALSE(c.tunnels[0].initiator);
  c = configOf(withTunnel(Tunnel(t).set("initiator", "false")));
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_FALSE(c.tunnels[0].initiator);
}

TEST(AnyAddressPeer, NeedsTheRemoteId) {
  auto errors = errorsOf(withTunnel(Tunnel().set("customer_gateway", "roaming")));
  EXPECT_TRUE(onlyError(errors, "tunnels[0].ike.remote_id", "peer's real id"));
  // An invalid remote id is reported once, as invalid.
  errors = errorsOf(
      withTunnel(Tunnel().set("customer_gateway", "roaming").set("ike", "{remote_id: 'a b'}")));
  EXPECT_TRUE(onlyError(errors, "tunnels[0].ike.remote_id", "not a valid identity"));
}

Tunnel v1(const std::string& name, const std::string& remote, const std::string& ike_extra = "") {
  return Tunnel(name)
      .set("remote_subnets", "[" + remote + "]")
      .set("ike", "{version: v1" + ike_extra + "}");
}

TEST(Ikev1Sharing, IdenticalParametersAreFine) {
  auto c = configOf(withTunnels(
      {v1("t1", "10.2.0.0/24", ", dh_group: 14"), v1("t2", "10.3.0.0/24", ", dh_group: 14")}));
  EXPECT_EQ(c.tunnels.size(), 2u);
  // Written out or left to the defaults, the ids are the same.
  c = configOf(withTunnels({v1("t1", "10.2.0.0/24"), v1("t2", "10.3.0.0/24",
                                                        ", local_id: 198.18.1.1, remote_id: "
                                                        "198.18.1.2")}));
  EXPECT_EQ(c.tunnels.size(), 2u);
}

TEST(Ikev1Sharing, PskMustMatchAndStaysSecret) {
  auto errors = errorsOf(
      withTunnels({v1("t1", "10.2.0.0/24"), v1("t2", "10.3.0.0/24").set("psk", "OtherSecret")}));
  EXPECT_TRUE(onlyError(errors, "tunnels[1].psk", "differs from tunnel 't1'"));
  EXPECT_EQ(allText(errors).find("OtherSecret"), std::string::npos);
  EXPECT_EQ(allText(errors).find("s3cret-Key"), std::string::npos);
}

TEST(Ikev1Sharing, EveryIkeParameterMustMatch) {
  struct Case {
    const char* extra;
    const char* field;
  };
  for (const Case& c :
       {Case{", encryption: aes256", "encryption"},
        Case{", authentication: sha2-256", "authentication"}, Case{", dh_group: 5", "dh_group"},
        Case{", mode: aggressive", "mode"}, Case{", local_id: gw.example.com", "local_id"},
        Case{", remote_id: peer.example.com", "remote_id"}, Case{", lifetime: 3600", "lifetime"}}) {
    auto errors =
        errorsOf(withTunnels({v1("t1", "10.2.0.0/24"), v1("t2", "10.3.0.0/24", c.extra)}));
    EXPECT_TRUE(
        onlyError(errors, std::string("tunnels[1].ike.") + c.field, "differs from tunnel 't1'"))
        << c.extra;
  }
}

TEST(Ikev1Sharing, NoFollowOnErrorsWhenTheFirstTunnelIsInvalid) {
  auto errors = errorsOf(withTunnels(
      {v1("t1", "10.2.0.0/24", ", dh_group: 3"), v1("t2", "10.3.0.0/24", ", dh_group: 14")}));
  EXPECT_TRUE(onlyError(errors, "tunnels[0].ike.dh_group", "not a supported DH group"));
}

TEST(Ikev1Sharing, OnlyTunnelsSharingAPhase1) {
  // IKEv2 tunnels, or IKEv1 tunnels to other customer gateways, may differ.
  EXPECT_EQ(configOf(withTunnels({Tunnel("t1"), Tunnel("t2")
                                                    .set("remote_subnets", "[10.3.0.0/24]")
                                                    .set("psk", "other")
                                                    .set("ike", "{dh_group: 14}")}))
                .tunnels.size(),
            2u);
  EXPECT_EQ(configOf(withTunnels({v1("t1", "10.2.0.0/24"), v1("t2", "10.3.0.0/24", ", dh_group: 14")
                                                               .set("customer_gateway", "site-c")}))
                .tunnels.size(),
            2u);
  // Behind 0.0.0.0, peers with different ids are different phase 1s.
  EXPECT_EQ(
      configOf(
          withTunnels(
              {v1("t1", "10.2.0.0/24", ", remote_id: a.example").set("customer_gateway", "roaming"),
               v1("t2", "10.3.0.0/24", ", remote_id: b.example, dh_group: 5")
                   .set("customer_gateway", "roaming")}))
          .tunnels.size(),
      2u);
  auto errors = errorsOf(withTunnels(
      {v1("t1", "10.2.0.0/24", ", remote_id: a.example").set("customer_gateway", "roaming"),
       v1("t2", "10.3.0.0/24", ", remote_id: a.example, dh_group: 5")
           .set("customer_gateway", "roaming")}));
  EXPECT_TRUE(onlyError(errors, "tunnels[1].ike.dh_group", "share one phase 1"));
  EXPECT_TRUE(hasError(errors, "tunnels[1].ike.dh_group", "(2)"));
}

}  // namespace
}  // namespace vpngw::config
