// IKEv1 ID payload helpers (RFC 2407 §4.6.2).
#include <gtest/gtest.h>

#include "unit/wire/ikev1_samples.h"
#include "wire/ikev1/identity.h"

namespace vpngw::wire::v1 {
namespace {

using samples::hex;

Ipv4 ip(const char* text) { return *Ipv4::parse(text); }

TEST(Ikev1Identity, BuildsTheRfcEncodings) {
  IdPayload a = ipv4Id(ip("192.0.2.1"));
  EXPECT_EQ(a.id_type, id::kIpv4Addr);
  EXPECT_EQ(a.protocol, 0);
  EXPECT_EQ(a.port, 0);
  EXPECT_EQ(a.data, hex("c0000201"));
  EXPECT_EQ(encodeBody(a), hex("01000000c0000201"));
  EXPECT_EQ(encodeBody(ipv4Id(ip("192.0.2.1"), 17, 500)), hex("011101f4c0000201"));
  EXPECT_EQ(encodeBody(fqdnId("gw.example")), hex("02000000 67772e6578616d706c65"));
  EXPECT_EQ(encodeBody(userFqdnId("a@b")), hex("03000000 614062"));
  EXPECT_EQ(encodeBody(subnetId(*Subnet::parse("10.1.0.0/16"))), hex("04000000 0a010000 ffff0000"));
  EXPECT_EQ(encodeBody(subnetId(*Subnet::parse("0.0.0.0/0"))), hex("04000000 00000000 00000000"));
  EXPECT_EQ(encodeBody(subnetId(*Subnet::parse("10.9.8.7/32"), 6, 80)),
            hex("04060050 0a090807 ffffffff"));
  EXPECT_EQ(encodeBody(rangeId({ip("10.0.0.5"), ip("10.0.0.9")})),
            hex("07000000 0a000005 0a000009"));
}

TEST(Ikev1Identity, RangeOfEachIpv4Type) {
  auto host = ipv4RangeOf(ipv4Id(ip("10.0.3.1")));
  ASSERT_TRUE(host.ok());
  EXPECT_EQ(host->toString(), "10.0.3.1/32");
  auto net = ipv4RangeOf(subnetId(*Subnet::parse("10.1.0.0/24")));
  ASSERT_TRUE(net.ok());
  EXPECT_EQ(net->toString(), "10.1.0.0/24");
  auto any = ipv4RangeOf(subnetId(*Subnet::parse("0.0.0.0/0")));
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->toString(), "0.0.0.0/0");
  // Host bits in a subnet ID are cleared, as peers sometimes send them.
  auto loose = ipv4RangeOf(IdPayload{id::kIpv4AddrSubnet, 0, 0, hex("0a010203 ffffff00")});
  ASSERT_TRUE(loose.ok());
  EXPECT_EQ(loose->toString(), "10.1.2.0/24");
  auto range = ipv4RangeOf(rangeId({ip("10.0.0.5"), ip("10.0.0.9")}));
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->first, ip("10.0.0.5"));
  EXPECT_EQ(range->last, ip("10.0.0.9"));
}

TEST(Ikev1Identity, RangeRefusals) {
  auto bad_mask = ipv4RangeOf(IdPayload{id::kIpv4AddrSubnet, 0, 0, hex("0a010000 ff00ff00")});
  ASSERT_FALSE(bad_mask.ok());
  EXPECT_NE(bad_mask.error().message.find("not contiguous"), std::string::npos);
  auto reversed = ipv4RangeOf(rangeId({ip("10.0.0.9"), ip("10.0.0.5")}));
  ASSERT_FALSE(reversed.ok());
  EXPECT_NE(reversed.error().message.find("reversed"), std::string::npos);
  EXPECT_FALSE(ipv4RangeOf(fqdnId("x")).ok());
  EXPECT_FALSE(ipv4RangeOf(IdPayload{id::kIpv6Addr, 0, 0, Bytes(16, 0)}).ok());
  EXPECT_FALSE(ipv4RangeOf(IdPayload{id::kIpv4Addr, 0, 0, Bytes(5, 0)}).ok());
  EXPECT_FALSE(ipv4RangeOf(IdPayload{id::kIpv4AddrRange, 0, 0, Bytes(4, 0)}).ok());
}

TEST(Ikev1Identity, Text) {
  EXPECT_EQ(*identityText(fqdnId("gw1.example.com")), "gw1.example.com");
  EXPECT_EQ(*identityText(userFqdnId("vpn@example.net")), "vpn@example.net");
  EXPECT_EQ(*identityText(ipv4Id(ip("203.0.113.9"))), "203.0.113.9");
  EXPECT_FALSE(identityText(subnetId(*Subnet::parse("10.0.0.0/8"))).ok());
  EXPECT_FALSE(identityText(IdPayload{id::kIpv4Addr, 0, 0, Bytes(3, 0)}).ok());
}

}  // namespace
}  // namespace vpngw::wire::v1
