// Peer configuration renderers: every format for representative tunnels, compared byte for
// byte with reviewed golden files (test/unit/render/golden/CASE.FORMAT); the mirroring rules;
// what a format cannot express is refused, never rendered wrong.
// VPNGW_UPDATE_GOLDEN=1 rewrites the golden files (review the diff line by line).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include "render/peer_config_renderers.h"

namespace vpngw::render {
namespace {

const std::string kGolden = std::string(VPNGW_SOURCE_DIR) + "/test/unit/render/golden/";

Subnet net(const char* s) { return *Subnet::parse(s); }

// Our side: gateway gw-a 198.18.1.1 (10.1.0.0/24), customer gateway site-b 198.18.1.2
// (10.2.0.0/24), the spec defaults otherwise.
api::PeerConfigInput base() {
  api::PeerConfigInput in;
  in.gateway.name = "gw-a";
  in.gateway.public_ip = in.gateway.bind_ip = *Ipv4::parse("198.18.1.1");
  in.gateway.vpc_subnets = {net("10.1.0.0/16")};
  in.customer_gateway.name = "site-b";
  in.customer_gateway.ip = *Ipv4::parse("198.18.1.2");
  in.tunnel.name = "t1";
  in.tunnel.gateway = "gw-a";
  in.tunnel.customer_gateway = "site-b";
  in.tunnel.local_subnets = {net("10.1.0.0/24")};
  in.tunnel.remote_subnets = {net("10.2.0.0/24")};
  std::string psk = "golden-psk-0123456789";
  in.tunnel.psk.assign(psk.begin(), psk.end());
  return in;
}

std::map<std::string, api::PeerConfigInput> cases() {
  std::map<std::string, api::PeerConfigInput> c;
  {  // seed 000: IKEv1 main mode, 3des/md5 in both phases, PFS group 2 (libreswan refuses it)
    auto in = base();
    in.tunnel.ike.version = ike::IkeVersion::V1;
    in.tunnel.ike.encryption = ike::Encryption::Des3;
    in.tunnel.ike.authentication = ike::Hash::Md5;
    in.tunnel.ipsec.encryption = ike::Encryption::Des3;
    in.tunnel.ipsec.authentication = ike::Hash::Md5;
    c["seed000-v1-3des-md5"] = in;
  }
  {  // IKEv2 aes128/sha1 DH 14, two remote subnets
    auto in = base();
    in.tunnel.ike.dh_group = 14;
    in.tunnel.ipsec.pfs_group = 14;
    in.tunnel.remote_subnets = {net("10.2.0.0/24"), net("10.3.0.0/16")};
    c["v2-aes128-dh14-two-subnets"] = in;
  }
  {  // IKEv1 aggressive mode with FQDN identities, aes256/sha2-256, DH 14, no PFS
    auto in = base();
    in.tunnel.ike.version = ike::IkeVersion::V1;
    in.tunnel.ike.mode = ike::V1Mode::Aggressive;
    in.tunnel.ike.encryption = ike::Encryption::Aes256;
    in.tunnel.ike.authentication = ike::Hash::Sha256;
    in.tunnel.ike.dh_group = 14;
    in.tunnel.ike.local_id = ike::Identity::parse("vpngw.example.net");
    in.tunnel.ike.remote_id = ike::Identity::parse("branch.example.net");
    in.tunnel.ipsec.encryption = ike::Encryption::Aes256;
    in.tunnel.ipsec.authentication = ike::Hash::Sha256;
    in.tunnel.ipsec.pfs_group = std::nullopt;
    c["v1-aggressive-fqdn"] = in;
  }
  {  // route mode, GCM ESP, DH 19, a 0.0.0.0 customer gateway (the peer initiates)
    auto in = base();
    in.tunnel.route_mode = ike::RouteMode::Route;
    in.tunnel.initiator = false;
    in.customer_gateway.ip = Ipv4{0};
    in.tunnel.ike.remote_id = ike::Identity::parse("branch.example.net");
    in.tunnel.ike.dh_group = 19;
    in.tunnel.ike.authentication = ike::Hash::Sha256;
    in.tunnel.ipsec.encryption = ike::Encryption::Aes256Gcm16;
    in.tunnel.ipsec.authentication = std::nullopt;
    in.tunnel.ipsec.pfs_group = 19;
    in.tunnel.ipsec.lifetime_kilobytes = 4194304;
    in.tunnel.dpd.action = ike::DpdAction::Hold;
    c["v2-route-gcm-any-peer"] = in;
  }
  {  // IKEv2 with AH, DH 20, one SA per subnet pair (two local subnets), shorter lifetimes,
     // DPD action clear with a longer delay
    auto in = base();
    in.tunnel.local_subnets = {net("10.1.0.0/24"), net("10.1.8.0/22")};
    in.tunnel.child_sa_per_subnet_pair = true;
    in.tunnel.ike.encryption = ike::Encryption::Aes256;
    in.tunnel.ike.authentication = ike::Hash::Sha384;
    in.tunnel.ike.dh_group = 20;
    in.tunnel.ike.lifetime = std::chrono::seconds(28800);
    in.tunnel.ipsec.protocol = ike::IpsecProtocol::Ah;
    in.tunnel.ipsec.encryption = std::nullopt;
    in.tunnel.ipsec.authentication = ike::Hash::Sha256;
    in.tunnel.ipsec.pfs_group = 20;
    in.tunnel.ipsec.lifetime = std::chrono::seconds(3600);
    in.tunnel.dpd.delay = std::chrono::seconds(30);
    in.tunnel.dpd.timeout = std::chrono::seconds(120);
    in.tunnel.dpd.action = ike::DpdAction::Clear;
    c["v2-ah-per-pair-dpd-clear"] = in;
  }
  return c;
}

// A fixed "generated" time for the golden files: 2026-03-04T05:06:07Z.
PeerConfigRenderers fixedClock() {
  return PeerConfigRenderers(
      [] { return std::chrono::system_clock::time_point(std::chrono::seconds(1772600767)); });
}

std::string readFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return f ? s.str() : std::string("<missing " + path + ">");
}

TEST(Render, EveryFormatMatchesItsGoldenFile) {
  PeerConfigRenderers r = fixedClock();
  const bool update = std::getenv("VPNGW_UPDATE_GOLDEN") != nullptr;
  int compared = 0;
  for (const auto& [name, in] : cases()) {
    for (const auto& format : r.formats()) {
      auto text = r.render(in, format);
      const std::string path = kGolden + name + "." + format;
      std::string got = text ? *text : "ERROR: " + text.error().message + "\n";
      if (update) {
        std::ofstream(path) << got;
      }
      EXPECT_EQ(got, readFile(path)) << path;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 30);
}

TEST(Render, MirrorsAddressesSubnetsAndIds) {
  PeerConfigRenderers r;
  auto in = base();
  in.tunnel.ike.dh_group = 14;
  auto text = r.render(in, "swanctl");
  ASSERT_TRUE(text.ok());
  // The peer's local side is our customer gateway and remote subnets, and the other way round.
  EXPECT_NE(text->find("local_addrs = 198.18.1.2"), std::string::npos);
  EXPECT_NE(text->find("remote_addrs = 198.18.1.1"), std::string::npos);
  EXPECT_NE(text->find("local_ts = 10.2.0.0/24"), std::string::npos);
  EXPECT_NE(text->find("remote_ts = 10.1.0.0/24"), std::string::npos);
  EXPECT_NE(text->find("secret = \"golden-psk-0123456789\""), std::string::npos);
}

TEST(Render, MirrorsIdentities) {
  PeerConfigRenderers r = fixedClock();
  auto in = base();
  in.tunnel.ike.dh_group = 14;
  in.tunnel.ike.local_id = ike::Identity::parse("vpngw.example.net");  // ours -> peer's remote
  auto text = r.render(in, "strongswan");
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("leftid=198.18.1.2\n"), std::string::npos);  // default: its address
  EXPECT_NE(text->find("rightid=@vpngw.example.net\n"), std::string::npos);
  EXPECT_NE(text->find("198.18.1.2 @vpngw.example.net : PSK"), std::string::npos);
  auto cisco = r.render(in, "cisco-ios");
  ASSERT_TRUE(cisco.ok());
  EXPECT_NE(cisco->find("match identity remote fqdn vpngw.example.net\n"), std::string::npos);
  auto huawei = r.render(in, "huawei");
  ASSERT_TRUE(huawei.ok());
  EXPECT_NE(huawei->find(" remote-id-type fqdn\n remote-id vpngw.example.net\n"),
            std::string::npos);
}

TEST(Render, HeaderNamesTunnelTimeAndSecret) {
  PeerConfigRenderers r;  // the real clock
  auto in = base();
  in.tunnel.name = "branch-7";
  in.tunnel.ike.dh_group = 14;
  in.tunnel.ipsec.pfs_group = 14;
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  const std::string year = "Generated " + std::to_string(tm.tm_year + 1900) + "-";
  for (const auto& format : r.formats()) {
    auto text = r.render(in, format);
    ASSERT_TRUE(text.ok()) << format << ": " << text.error().message;
    const std::string head = text->substr(0, text->find("keep it secret"));
    EXPECT_NE(head.find("for tunnel branch-7"), std::string::npos) << format;
    EXPECT_NE(head.find(year), std::string::npos) << format;
    EXPECT_NE(head.find("contains the pre-shared key"), std::string::npos) << format;
    EXPECT_NE(text->find("golden-psk-0123456789"), std::string::npos) << format;
  }
}

TEST(Render, RefusesWhatAFormatCannotExpress) {
  PeerConfigRenderers r;
  auto in = base();  // DH 2
  auto libreswan = r.render(in, "libreswan");
  ASSERT_FALSE(libreswan.ok());
  EXPECT_NE(libreswan.error().message.find("DH group 2"), std::string::npos);
  in.tunnel.ike.dh_group = 31;
  EXPECT_FALSE(r.render(in, "huawei").ok());
  in.tunnel.ike.version = ike::IkeVersion::V1;
  EXPECT_FALSE(r.render(in, "cisco-ios").ok());  // curve25519 in IKEv1
  auto gcm_v1 = base();
  gcm_v1.tunnel.ike.version = ike::IkeVersion::V1;
  gcm_v1.tunnel.ike.encryption = ike::Encryption::Aes128Gcm16;
  auto cisco_gcm = r.render(gcm_v1, "cisco-ios");
  ASSERT_FALSE(cisco_gcm.ok());
  EXPECT_NE(cisco_gcm.error().message.find("AES-GCM"), std::string::npos);
  auto gcm_v2 = base();
  gcm_v2.tunnel.ike.encryption = ike::Encryption::Aes256Gcm16;
  EXPECT_TRUE(r.render(gcm_v2, "cisco-ios").ok());  // IKEv2 proposals have aes-gcm-256
  EXPECT_FALSE(r.render(gcm_v2, "huawei").ok());
  EXPECT_TRUE(r.render(gcm_v2, "h3c").ok());  // ikev2 proposal: encryption aes-gcm-256
  auto h3c_gcm = r.render(gcm_v1, "h3c");
  ASSERT_FALSE(h3c_gcm.ok());
  EXPECT_NE(h3c_gcm.error().message.find("AES-GCM"), std::string::npos);
  auto x25519 = base();
  x25519.tunnel.ike.dh_group = 31;
  x25519.tunnel.ipsec.pfs_group = 31;
  auto cisco31 = r.render(x25519, "cisco-ios");
  ASSERT_FALSE(cisco31.ok());
  EXPECT_NE(cisco31.error().message.find("DH group 31"), std::string::npos);
  EXPECT_FALSE(r.render(x25519, "h3c").ok());
  EXPECT_TRUE(r.render(x25519, "swanctl").ok());    // curve25519
  EXPECT_TRUE(r.render(x25519, "libreswan").ok());  // dh31
  auto pfs24 = base();
  pfs24.tunnel.ike.dh_group = 14;
  pfs24.tunnel.ipsec.pfs_group = 24;
  auto ls24 = r.render(pfs24, "libreswan");
  ASSERT_FALSE(ls24.ok());
  EXPECT_NE(ls24.error().message.find("DH group 24"), std::string::npos);
  auto hw24 = r.render(pfs24, "huawei");
  ASSERT_FALSE(hw24.ok());
  EXPECT_NE(hw24.error().message.find("PFS group 24"), std::string::npos);
  auto unknown = r.render(base(), "juniper");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("one of: strongswan"), std::string::npos);
}

}  // namespace
}  // namespace vpngw::render
