// The enum names, DH group list, identities and lookups of the domain model (ike/config.h).
#include <gtest/gtest.h>

#include "ike/config.h"

namespace vpngw::ike {
namespace {

template <typename E, typename Parse>
void expectRoundTrip(std::initializer_list<std::pair<E, std::string_view>> table, Parse parse) {
  for (const auto& [value, name] : table) {
    EXPECT_EQ(toString(value), name);
    auto parsed = parse(name);
    ASSERT_TRUE(parsed) << name;
    EXPECT_EQ(*parsed, value) << name;
  }
}

TEST(IkeConfigEnums, RoundTripEveryName) {
  expectRoundTrip<IkeVersion>({{IkeVersion::V1, "v1"}, {IkeVersion::V2, "v2"}}, parseIkeVersion);
  expectRoundTrip<V1Mode>({{V1Mode::Main, "main"}, {V1Mode::Aggressive, "aggressive"}},
                          parseV1Mode);
  expectRoundTrip<Encryption>({{Encryption::Des3, "3des"},
                               {Encryption::Aes128, "aes128"},
                               {Encryption::Aes192, "aes192"},
                               {Encryption::Aes256, "aes256"},
                               {Encryption::Aes128Gcm16, "aes128gcm16"},
                               {Encryption::Aes256Gcm16, "aes256gcm16"}},
                              parseEncryption);
  expectRoundTrip<Hash>({{Hash::Md5, "md5"},
                         {Hash::Sha1, "sha1"},
                         {Hash::Sha256, "sha2-256"},
                         {Hash::Sha384, "sha2-384"},
                         {Hash::Sha512, "sha2-512"}},
                        parseHash);
  expectRoundTrip<IpsecProtocol>({{IpsecProtocol::Esp, "esp"}, {IpsecProtocol::Ah, "ah"}},
                                 parseIpsecProtocol);
  expectRoundTrip<RouteMode>({{RouteMode::Policy, "policy"}, {RouteMode::Route, "route"}},
                             parseRouteMode);
}

TEST(IkeConfigEnums, RefusesUnknownAndMiscasedNames) {
  EXPECT_FALSE(parseIkeVersion("V2"));
  EXPECT_FALSE(parseIkeVersion("2"));
  EXPECT_FALSE(parseV1Mode("Main"));
  EXPECT_FALSE(parseEncryption("aes"));
  EXPECT_FALSE(parseEncryption("aes128 "));
  EXPECT_FALSE(parseEncryption(""));
  EXPECT_FALSE(parseHash("sha256"));
  EXPECT_FALSE(parseIpsecProtocol("ESP"));
  EXPECT_FALSE(parseRouteMode("routed"));
}

TEST(IkeConfigEnums, AeadIsOnlyGcm) {
  EXPECT_TRUE(isAead(Encryption::Aes128Gcm16));
  EXPECT_TRUE(isAead(Encryption::Aes256Gcm16));
  EXPECT_FALSE(isAead(Encryption::Des3));
  EXPECT_FALSE(isAead(Encryption::Aes128));
  EXPECT_FALSE(isAead(Encryption::Aes192));
  EXPECT_FALSE(isAead(Encryption::Aes256));
}

TEST(IkeConfigEnums, SupportedDhGroupsAreExactlyTheImplementedOnes) {
  std::vector<uint16_t> supported;
  for (uint32_t g = 0; g <= 0xffff; ++g) {
    if (isSupportedDhGroup(static_cast<uint16_t>(g))) {
      supported.push_back(static_cast<uint16_t>(g));
    }
  }
  EXPECT_EQ(supported, (std::vector<uint16_t>{1, 2, 5, 14, 15, 16, 19, 20, 21, 24, 31}));
}

TEST(Identity, Ipv4LiteralIsAnAddress) {
  auto id = Identity::parse("198.18.1.1");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->type, Identity::Type::Ipv4);
  EXPECT_EQ(id->value, "198.18.1.1");
  EXPECT_EQ(id->toString(), "198.18.1.1");
  EXPECT_EQ(*id, Identity::ofAddress(*Ipv4::parse("198.18.1.1")));
}

TEST(Identity, HostnameIsAnFqdnKeptAsWritten) {
  for (const char* name : {"peer.example.com", "Peer-1.Example.COM", "localhost", "a", "x1.y2",
                           "1a.example.com", "10.0.0.1.example"}) {
    auto id = Identity::parse(name);
    ASSERT_TRUE(id) << name;
    EXPECT_EQ(id->type, Identity::Type::Fqdn) << name;
    EXPECT_EQ(id->value, name);
  }
}

TEST(Identity, LabelAndTotalLengthLimits) {
  const std::string label63(63, 'a');
  EXPECT_TRUE(Identity::parse(label63 + ".com"));
  EXPECT_FALSE(Identity::parse(label63 + "a.com"));
  // 4 labels of 63 plus 3 dots = 255 characters: too long; trimming to 253 is fine.
  std::string long_name = label63 + "." + label63 + "." + label63 + "." + label63;
  EXPECT_FALSE(Identity::parse(long_name));
  long_name.resize(253);
  EXPECT_TRUE(Identity::parse(long_name));
}

TEST(Identity, RefusesWhatIsNeitherAddressNorName) {
  for (const char* bad :
       {"", ".", "peer..example.com", ".example.com", "example.com.", "-peer.example.com",
        "peer-.example.com", "peer_1.example.com", "peer example.com", "user@example.com",
        "10.0.0.256", "1.2.3", "1.2.3.4.5", "198.18.1.1/32", "ex*mple.com"}) {
    EXPECT_FALSE(Identity::parse(bad)) << bad;
  }
}

TEST(Config, FindsGatewaysByName) {
  Config c;
  c.gateways.push_back({"gw-a", *Ipv4::parse("198.18.1.1"), *Ipv4::parse("198.18.1.1"), {}, {}});
  c.gateways.push_back({"gw-b", *Ipv4::parse("198.18.1.3"), *Ipv4::parse("10.0.0.5"), {}, {}});
  c.customer_gateways.push_back({"site-b", *Ipv4::parse("198.18.1.2")});
  ASSERT_NE(c.findGateway("gw-b"), nullptr);
  EXPECT_EQ(c.findGateway("gw-b")->bind_ip.toString(), "10.0.0.5");
  EXPECT_EQ(c.findGateway("gw-c"), nullptr);
  EXPECT_EQ(c.findGateway(""), nullptr);
  ASSERT_NE(c.findCustomerGateway("site-b"), nullptr);
  EXPECT_EQ(c.findCustomerGateway("site-b")->ip.toString(), "198.18.1.2");
  EXPECT_EQ(c.findCustomerGateway("gw-a"), nullptr);
}

}  // namespace
}  // namespace vpngw::ike
