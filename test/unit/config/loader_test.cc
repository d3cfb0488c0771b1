// Loading valid documents: every field of the schema lands in ike::Config, defaults follow the
// spec (§2), and the file and syntax paths report where the problem is.
#include "config/loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "config_test_util.h"

namespace vpngw::config {
namespace {

using namespace std::chrono_literals;
using testing::configOf;
using testing::errorsOf;
using testing::onlyError;
using testing::Tunnel;
using testing::withTunnel;

Subnet net(std::string_view s) { return *Subnet::parse(s); }
Ipv4 ip(std::string_view s) { return *Ipv4::parse(s); }
std::string text(const SecureBytes& b) { return std::string(b.begin(), b.end()); }

constexpr std::string_view kFullExample = R"(# every field given
gateways:
  - name: gw-a
    public_ip: 198.18.1.1
    bind_ip: 10.0.0.5
    vpc_subnets: [10.1.0.0/16, 172.16.0.0/24]
    lan_ip: 10.1.0.1
customer_gateways:
  - name: site-b
    ip: 198.18.1.2
  - name: roaming
    ip: 0.0.0.0
tunnels:
  - name: t1
    gateway: gw-a
    customer_gateway: site-b
    local_subnets: [10.1.0.0/24]
    remote_subnets: [10.2.0.0/24, 10.3.0.0/24]
    psk: "secret"
    initiator: false
    route_mode: route
    child_sa_per_subnet_pair: true
    ike: {version: v1, encryption: 3des, authentication: md5, dh_group: 14, mode: aggressive,
          local_id: 198.18.1.1, remote_id: peer.example.com, lifetime: 28800}
    ipsec: {protocol: esp, encryption: aes256, authentication: sha2-256, pfs: disable,
            lifetime: 3600}
  - name: t2.minimal
    gateway: gw-a
    customer_gateway: roaming
    local_subnets: [172.16.0.0/24]
    remote_subnets: [192.168.7.0/24]
    psk: 'p@ss#word!'
    ike:
      remote_id: 203.0.113.9
)";

TEST(Loader, FullExampleFillsEveryField) {
  ike::Config c = configOf(kFullExample);
  ASSERT_EQ(c.gateways.size(), 1u);
  const auto& gw = c.gateways[0];
  EXPECT_EQ(gw.name, "gw-a");
  EXPECT_EQ(gw.public_ip, ip("198.18.1.1"));
  EXPECT_EQ(gw.bind_ip, ip("10.0.0.5"));
  EXPECT_EQ(gw.vpc_subnets, (std::vector<Subnet>{net("10.1.0.0/16"), net("172.16.0.0/24")}));
  EXPECT_EQ(gw.lan_ip, ip("10.1.0.1"));

  ASSERT_EQ(c.customer_gateways.size(), 2u);
  EXPECT_EQ(c.customer_gateways[0].name, "site-b");
  EXPECT_EQ(c.customer_gateways[0].ip, ip("198.18.1.2"));
  EXPECT_EQ(c.customer_gateways[1].name, "roaming");
  EXPECT_TRUE(c.customer_gateways[1].ip.isAny());

  ASSERT_EQ(c.tunnels.size(), 2u);
  const auto& t1 = c.tunnels[0];
  EXPECT_EQ(t1.name, "t1");
  EXPECT_EQ(t1.gateway, "gw-a");
  EXPECT_EQ(t1.customer_gateway, "site-b");
  EXPECT_EQ(t1.local_subnets, std::vector<Subnet>{net("10.1.0.0/24")});
  EXPECT_EQ(t1.remote_subnets, (std::vector<Subnet>{net("10.2.0.0/24"), net("10.3.0.0/24")}));
  EXPECT_EQ(text(t1.psk), "secret");
  EXPECT_FALSE(t1.initiator);
  EXPECT_EQ(t1.route_mode, ike::RouteMode::Route);
  EXPECT_TRUE(t1.child_sa_per_subnet_pair);
  EXPECT_EQ(t1.ike.version, ike::IkeVersion::V1);
  EXPECT_EQ(t1.ike.encryption, ike::Encryption::Des3);
  EXPECT_EQ(t1.ike.authentication, ike::Hash::Md5);
  EXPECT_EQ(t1.ike.dh_group, 14);
  EXPECT_EQ(t1.ike.mode, ike::V1Mode::Aggressive);
  EXPECT_EQ(t1.ike.local_id, (ike::Identity{ike::Identity::Type::Ipv4, "198.18.1.1"}));
  EXPECT_EQ(t1.ike.remote_id, (ike::Identity{ike::Identity::Type::Fqdn, "peer.example.com"}));
  EXPECT_EQ(t1.ike.lifetime, 28800s);
  EXPECT_EQ(t1.ipsec.protocol, ike::IpsecProtocol::Esp);
  EXPECT_EQ(t1.ipsec.encryption, ike::Encryption::Aes256);
  EXPECT_EQ(t1.ipsec.authentication, ike::Hash::Sha256);
  EXPECT_EQ(t1.ipsec.pfs_group, std::nullopt);
  EXPECT_EQ(t1.ipsec.lifetime, 3600s);

  // A 0.0.0.0 customer gateway: the tunnel can only respond, so initiator defaults to false.
  const auto& t2 = c.tunnels[1];
  EXPECT_EQ(t2.name, "t2.minimal");
  EXPECT_EQ(t2.customer_gateway, "roaming");
  EXPECT_EQ(text(t2.psk), "p@ss#word!");
  EXPECT_FALSE(t2.initiator);
  EXPECT_EQ(t2.ike.remote_id, (ike::Identity{ike::Identity::Type::Ipv4, "203.0.113.9"}));
}

TEST(Loader, DefaultsFollowTheSpec) {
  ike::Config c = configOf(withTunnel(Tunnel()));
  ASSERT_EQ(c.gateways.size(), 2u);
  EXPECT_EQ(c.gateways[0].bind_ip, c.gateways[0].public_ip);
  EXPECT_EQ(c.gateways[0].lan_ip, std::nullopt);
  ASSERT_EQ(c.tunnels.size(), 1u);
  const auto& t = c.tunnels[0];
  EXPECT_TRUE(t.initiator);
  EXPECT_EQ(t.route_mode, ike::RouteMode::Policy);
  EXPECT_FALSE(t.child_sa_per_subnet_pair);
  EXPECT_EQ(t.ike.version, ike::IkeVersion::V2);
  EXPECT_EQ(t.ike.encryption, ike::Encryption::Aes128);
  EXPECT_EQ(t.ike.authentication, ike::Hash::Sha1);
  EXPECT_EQ(t.ike.dh_group, 2);
  EXPECT_EQ(t.ike.mode, ike::V1Mode::Main);
  EXPECT_EQ(t.ike.local_id, std::nullopt);   // = the gateway's public IP
  EXPECT_EQ(t.ike.remote_id, std::nullopt);  // = the customer gateway's IP
  EXPECT_EQ(t.ike.lifetime, 86400s);
  EXPECT_EQ(t.ipsec.protocol, ike::IpsecProtocol::Esp);
  EXPECT_EQ(t.ipsec.encryption, ike::Encryption::Aes128);
  EXPECT_EQ(t.ipsec.authentication, ike::Hash::Sha1);
  EXPECT_EQ(t.ipsec.pfs_group, 2);
  EXPECT_EQ(t.ipsec.lifetime, 86400s);
}

TEST(Loader, EmptyBlocksAndListsAreDefaults) {
  ike::Config c = configOf(withTunnel(Tunnel().set("ike", "{}").set("ipsec", "")));
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_EQ(c.tunnels[0].ike.dh_group, 2);
  EXPECT_EQ(c.tunnels[0].ipsec.pfs_group, 2);

  EXPECT_TRUE(configOf(std::string(testing::kResources)).tunnels.empty());
  EXPECT_TRUE(configOf(std::string(testing::kResources) + "tunnels: []\n").tunnels.empty());
  EXPECT_TRUE(configOf(std::string(testing::kResources) + "tunnels:\n").tunnels.empty());
  ike::Config empty = configOf("{}");
  EXPECT_TRUE(empty.gateways.empty());
  EXPECT_TRUE(empty.customer_gateways.empty());
}

TEST(Loader, AeadClearsIpsecAuthenticationAndNamesThePrfInIke) {
  ike::Config c = configOf(withTunnel(Tunnel()
                                          .set("ike",
                                               "{encryption: aes256gcm16, "
                                               "authentication: sha2-384}")
                                          .set("ipsec", "{encryption: aes128gcm16}")));
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_EQ(c.tunnels[0].ike.encryption, ike::Encryption::Aes256Gcm16);
  EXPECT_EQ(c.tunnels[0].ike.authentication, ike::Hash::Sha384);
  EXPECT_EQ(c.tunnels[0].ipsec.encryption, ike::Encryption::Aes128Gcm16);
  EXPECT_EQ(c.tunnels[0].ipsec.authentication, std::nullopt);
}

TEST(Loader, AhHasNoEncryptionAndKeepsAuthentication) {
  ike::Config c = configOf(withTunnel(Tunnel().set("ipsec", "{protocol: ah}")));
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_EQ(c.tunnels[0].ipsec.protocol, ike::IpsecProtocol::Ah);
  EXPECT_EQ(c.tunnels[0].ipsec.encryption, std::nullopt);
  EXPECT_EQ(c.tunnels[0].ipsec.authentication, ike::Hash::Sha1);

  c = configOf(withTunnel(Tunnel().set("ipsec", "{protocol: ah, authentication: sha2-512}")));
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_EQ(c.tunnels[0].ipsec.authentication, ike::Hash::Sha512);
}

TEST(Loader, DhGroupsAndPfsAcceptNumbersQuotedOrNot) {
  ike::Config c =
      configOf(withTunnel(Tunnel().set("ike", "{dh_group: \"14\"}").set("ipsec", "{pfs: 31}")));
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_EQ(c.tunnels[0].ike.dh_group, 14);
  EXPECT_EQ(c.tunnels[0].ipsec.pfs_group, 31);
  for (int group : {1, 2, 5, 14, 15, 16, 19, 20, 21, 24, 31}) {
    const std::string g = std::to_string(group);
    c = configOf(withTunnel(
        Tunnel().set("ike", "{dh_group: " + g + "}").set("ipsec", "{pfs: '" + g + "'}")));
    ASSERT_EQ(c.tunnels.size(), 1u) << group;
    EXPECT_EQ(c.tunnels[0].ike.dh_group, group);
    EXPECT_EQ(c.tunnels[0].ipsec.pfs_group, group);
  }
}

TEST(Loader, V1ModeAndRespondOnlyTunnel) {
  ike::Config c = configOf(
      withTunnel(Tunnel().set("initiator", "false").set("ike", "{version: v1, mode: main}")));
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_FALSE(c.tunnels[0].initiator);
  EXPECT_EQ(c.tunnels[0].ike.version, ike::IkeVersion::V1);
  EXPECT_EQ(c.tunnels[0].ike.mode, ike::V1Mode::Main);
}

TEST(Loader, MinLifetimeOptionLowersTheFloor) {
  Tunnel t = Tunnel().set("ike", "{lifetime: 60}").set("ipsec", "{lifetime: 30}");
  EXPECT_FALSE(errorsOf(withTunnel(t)).empty());
  LoadOptions opts;
  opts.min_lifetime = 30s;
  ike::Config c = configOf(withTunnel(t), opts);
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_EQ(c.tunnels[0].ike.lifetime, 60s);
  EXPECT_EQ(c.tunnels[0].ipsec.lifetime, 30s);
  opts.min_lifetime = 31s;
  EXPECT_TRUE(
      onlyError(errorsOf(withTunnel(t), opts), "tunnels[0].ipsec.lifetime", "31-86400 seconds"));
}

TEST(Loader, InvalidOptionsAreReported) {
  LoadOptions opts;
  opts.min_lifetime = 90000s;
  auto errors = errorsOf("{}", opts);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].rule.find("invalid load options"), std::string::npos);
  opts.min_lifetime = 0s;
  EXPECT_EQ(errorsOf("{}", opts).size(), 1u);
}

TEST(ConfigError, ToStringNamesFieldValueAndRule) {
  ConfigError e{"tunnels[0].ike.lifetime", "60",
                "is out of range: lifetime must be 3600-86400 seconds"};
  EXPECT_EQ(e.toString(),
            "tunnels[0].ike.lifetime: value '60' is out of range: lifetime must be 3600-86400 "
            "seconds");
  EXPECT_EQ((ConfigError{"gateways[0].name", "", "is required but missing"}).toString(),
            "gateways[0].name: is required but missing");
  EXPECT_EQ((ConfigError{"", "/etc/x.yaml", "cannot read file: gone"}).toString(),
            "/etc/x.yaml: cannot read file: gone");
  EXPECT_EQ((ConfigError{"", "", "YAML syntax error"}).toString(), "YAML syntax error");
}

TEST(ConfigError, LifetimeMessageMatchesTheDocumentedForm) {
  auto errors = errorsOf(withTunnel(Tunnel().set("ike", "{lifetime: 60}")));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].toString(),
            "tunnels[0].ike.lifetime: value '60' is out of range: lifetime must be 3600-86400 "
            "seconds");
}

TEST(Syntax, ErrorReportsLineAndColumn) {
  auto errors = errorsOf("gateways:\n  - name: gw-a\n    vpc_subnets: [10.1.0.0/16\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "");
  EXPECT_NE(errors[0].rule.find("YAML syntax error at line"), std::string::npos) << errors[0].rule;
  // Bad indentation on line 3 (1-based).
  errors = errorsOf("gateways:\n  - name: gw-a\n   public_ip: 1.2.3.4\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].rule.find("line 3"), std::string::npos) << errors[0].rule;
}

TEST(Syntax, SyntaxErrorDoesNotEchoThePsk) {
  // "key: a: b" is not valid block YAML; the error must point at its line without the value.
  const std::string yaml = withTunnel(Tunnel().set("psk", "TopSecretValue: oops"));
  const auto line = 1 + std::count(yaml.begin(), yaml.begin() + yaml.find("TopSecretValue"), '\n');
  auto errors = errorsOf(yaml);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rule.rfind("YAML syntax error at line " + std::to_string(line) + ",", 0), 0u)
      << errors[0].rule;
  EXPECT_EQ(errors[0].toString().find("TopSecretValue"), std::string::npos);
}

TEST(Syntax, OneDocumentOnly) {
  auto errors = errorsOf("gateways: []\n---\ntunnels: []\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].rule.find("exactly one YAML document"), std::string::npos);
  errors = errorsOf("");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].rule.find("exactly one YAML document"), std::string::npos);
}

class LoadFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("vpngw_config_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, std::string_view content) {
    auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }
  std::filesystem::path dir_;
};

TEST_F(LoadFile, ReadsAValidFile) {
  auto result = loadConfigFile(write("vpngw.yaml", kFullExample));
  ASSERT_TRUE(std::holds_alternative<ike::Config>(result));
  EXPECT_EQ(std::get<ike::Config>(result).tunnels.size(), 2u);
}

TEST_F(LoadFile, MissingFileNamesThePath) {
  const std::string path = (dir_ / "absent.yaml").string();
  auto result = loadConfigFile(path);
  auto* errors = std::get_if<std::vector<ConfigError>>(&result);
  ASSERT_NE(errors, nullptr);
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0].field, "");
  EXPECT_EQ((*errors)[0].value, path);
  EXPECT_EQ((*errors)[0].rule.rfind("cannot read file: ", 0), 0u) << (*errors)[0].rule;
  EXPECT_NE((*errors)[0].rule.find("No such file"), std::string::npos) << (*errors)[0].rule;
}

TEST_F(LoadFile, DirectoryIsRefused) {
  auto result = loadConfigFile(dir_.string());
  auto* errors = std::get_if<std::vector<ConfigError>>(&result);
  ASSERT_NE(errors, nullptr);
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0].value, dir_.string());
  EXPECT_NE((*errors)[0].rule.find("cannot read file"), std::string::npos);
}

TEST_F(LoadFile, ValidationErrorsComeThrough) {
  auto result = loadConfigFile(write("bad.yaml", "gateways: {}\n"));
  auto* errors = std::get_if<std::vector<ConfigError>>(&result);
  ASSERT_NE(errors, nullptr);
  EXPECT_TRUE(onlyError(*errors, "gateways", "must be a list"));
}

}  // namespace
}  // namespace vpngw::config
