// Peer configuration renderers: every format for representative tunnels, compared byte for
// byte with reviewed golden files (test/unit/render/golden/CASE.FORMAT); the mirroring rules;
// what a format cannot express is refused, never rendered wrong.
// VPNGW_UPDATE_GOLDEN=1 rewrites the golden files (review the diff line by line).
#include <gtest/gtest.h>

#include <cstdlib>
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
  return c;
}

std::string readFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return f ? s.str() : std::string("<missing " + path + ">");
}

TEST(Render, EveryFormatMatchesItsGoldenFile) {
  PeerConfigRenderers r;
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
  EXPECT_EQ(compared, 20);
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
  auto unknown = r.render(base(), "juniper");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("one of: strongswan"), std::string::npos);
}

}  // namespace
}  // namespace vpngw::render
