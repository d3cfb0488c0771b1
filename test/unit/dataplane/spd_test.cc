// Outbound policy lookup: ranges split into prefixes, longest destination prefix first, the
// source checked against the policy, the newest of equally specific policies winning.
#include "dataplane/userspace/spd.h"

#include <gtest/gtest.h>

#include "packet_builder.h"

namespace vpngw::dataplane::userspace {
namespace {

using test::ip;
Ipv4Range range(std::string_view cidr) { return Ipv4Range::of(*Subnet::parse(cidr)); }
Ipv4Range range(std::string_view a, std::string_view b) { return {ip(a), ip(b)}; }

std::vector<std::string> prefixes(const Ipv4Range& r) {
  std::vector<std::string> out;
  for (const Subnet& s : rangeToPrefixes(r)) {
    out.push_back(s.toString());
  }
  return out;
}

TEST(Spd, RangeToPrefixes) {
  EXPECT_EQ(prefixes(range("10.2.0.0/24")), std::vector<std::string>{"10.2.0.0/24"});
  EXPECT_EQ(prefixes(range("0.0.0.0/0")), std::vector<std::string>{"0.0.0.0/0"});
  EXPECT_EQ(prefixes(range("10.0.0.1", "10.0.0.6")),
            (std::vector<std::string>{"10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"}));
  EXPECT_EQ(prefixes(range("255.255.255.255", "255.255.255.255")),
            std::vector<std::string>{"255.255.255.255/32"});
  EXPECT_EQ(prefixes(range("0.0.0.1", "255.255.255.255")).size(), 32u);
  EXPECT_TRUE(prefixes(range("10.0.0.2", "10.0.0.1")).empty());
  // Every address of a ragged range is covered exactly once.
  Ipv4Range r = range("10.0.0.3", "10.0.1.200");
  auto subnets = rangeToPrefixes(r);
  for (uint32_t a = r.first.value - 5; a <= r.last.value + 5; ++a) {
    int hits = 0;
    for (const Subnet& s : subnets) {
      hits += s.contains(Ipv4{a}) ? 1 : 0;
    }
    EXPECT_EQ(hits, r.contains(Ipv4{a}) ? 1 : 0) << Ipv4{a}.toString();
  }
}

TEST(Spd, PolicyModeMatchesDestinationAndSource) {
  Spd spd;
  spd.add(1, {range("10.2.0.0/24")}, {range("10.1.0.0/24")});
  spd.add(2, {range("10.3.0.0/24")}, {range("10.1.0.0/24"), range("10.1.5.0/24")});
  EXPECT_EQ(spd.lookup(ip("10.1.0.2"), ip("10.2.0.9")), 1u);
  EXPECT_EQ(spd.lookup(ip("10.1.5.2"), ip("10.3.0.9")), 2u);
  EXPECT_EQ(spd.lookup(ip("10.1.5.2"), ip("10.2.0.9")), std::nullopt) << "source outside";
  EXPECT_EQ(spd.lookup(ip("10.1.0.2"), ip("10.4.0.1")), std::nullopt) << "no destination";
  EXPECT_EQ(spd.policies(), 2u);
}

TEST(Spd, LongestDestinationPrefixWinsAndFallsBack) {
  Spd spd;
  spd.add(1, {range("10.0.0.0/8")}, {});
  spd.add(2, {range("10.2.0.0/16")}, {range("10.1.0.0/24")});
  spd.add(3, {range("10.2.3.0/24")}, {range("10.1.0.0/24")});
  EXPECT_EQ(spd.lookup(ip("10.1.0.2"), ip("10.2.3.4")), 3u);
  EXPECT_EQ(spd.lookup(ip("10.1.0.2"), ip("10.2.4.4")), 2u);
  // Source outside the specific policies: the /8 (any source) still matches.
  EXPECT_EQ(spd.lookup(ip("192.168.1.1"), ip("10.2.3.4")), 1u);
  EXPECT_EQ(spd.lookup(ip("192.168.1.1"), ip("11.0.0.1")), std::nullopt);
}

TEST(Spd, NewestOfEquallySpecificPoliciesWins) {
  Spd spd;
  spd.add(7, {range("10.2.0.0/24")}, {range("10.1.0.0/24")});
  spd.add(8, {range("10.2.0.0/24")}, {range("10.1.0.0/24")});  // the rekeyed SA
  EXPECT_EQ(spd.lookup(ip("10.1.0.2"), ip("10.2.0.2")), 8u);
}

TEST(Spd, RouteModeStyleDefaultSelectors) {
  Spd spd;
  // Route mode: destinations are the routes, sources 0.0.0.0/0.
  spd.add(4, {range("10.2.0.0/24"), range("10.9.0.0/16")}, {range("0.0.0.0/0")});
  EXPECT_EQ(spd.lookup(ip("172.16.0.1"), ip("10.9.200.1")), 4u);
  EXPECT_EQ(spd.lookup(ip("172.16.0.1"), ip("10.3.0.1")), std::nullopt);
}

TEST(Spd, RaggedRangesFromTrafficSelectors) {
  Spd spd;
  spd.add(5, {range("10.2.0.10", "10.2.0.20")}, {range("10.1.0.0", "10.1.0.127")});
  EXPECT_EQ(spd.lookup(ip("10.1.0.127"), ip("10.2.0.10")), 5u);
  EXPECT_EQ(spd.lookup(ip("10.1.0.127"), ip("10.2.0.20")), 5u);
  EXPECT_EQ(spd.lookup(ip("10.1.0.127"), ip("10.2.0.21")), std::nullopt);
  EXPECT_EQ(spd.lookup(ip("10.1.0.128"), ip("10.2.0.15")), std::nullopt);
}

}  // namespace
}  // namespace vpngw::dataplane::userspace
