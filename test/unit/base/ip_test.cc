#include "base/ip.h"

#include <gtest/gtest.h>

namespace vpngw {
namespace {

TEST(Ipv4, ParsesAndFormats) {
  auto a = Ipv4::parse("198.18.1.2");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->value, 0xc6120102u);
  EXPECT_EQ(a->toString(), "198.18.1.2");
}

TEST(Ipv4, RefusesMalformed) {
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "a.b.c.d", "1.2.3.4 ",
                          "01234.1.1.1", "-1.2.3.4", "1.2.3.+4"}) {
    EXPECT_FALSE(Ipv4::parse(bad)) << bad;
  }
}

TEST(Subnet, CanonicalOnly) {
  EXPECT_TRUE(Subnet::parse("10.1.0.0/24"));
  EXPECT_FALSE(Subnet::parse("10.1.0.1/24"));
  EXPECT_FALSE(Subnet::parse("10.1.0.0/33"));
  EXPECT_FALSE(Subnet::parse("10.1.0.0"));
  auto loose = Subnet::parseLoose("10.1.0.1/24");
  ASSERT_TRUE(loose);
  EXPECT_EQ(loose->toString(), "10.1.0.0/24");
  EXPECT_EQ(Subnet::parse("0.0.0.0/0")->mask(), 0u);
}

TEST(Subnet, ContainsAndOverlaps) {
  auto big = *Subnet::parse("10.0.0.0/8");
  auto small = *Subnet::parse("10.1.2.0/24");
  auto other = *Subnet::parse("192.168.0.0/16");
  EXPECT_TRUE(big.contains(small));
  EXPECT_FALSE(small.contains(big));
  EXPECT_TRUE(big.overlaps(small));
  EXPECT_TRUE(small.overlaps(big));
  EXPECT_FALSE(big.overlaps(other));
}

TEST(Ipv4Range, ToSubnet) {
  EXPECT_EQ(Ipv4Range::of(*Subnet::parse("10.1.0.0/24")).toString(), "10.1.0.0/24");
  EXPECT_EQ(Ipv4Range::of(*Subnet::parse("0.0.0.0/0")).toString(), "0.0.0.0/0");
  Ipv4Range odd{*Ipv4::parse("10.0.0.1"), *Ipv4::parse("10.0.0.5")};
  EXPECT_FALSE(odd.toSubnet());
  EXPECT_EQ(odd.toString(), "10.0.0.1-10.0.0.5");
}

}  // namespace
}  // namespace vpngw
