#include "ike/traffic_selectors.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vpngw::ike {
namespace {

using wire::v2::TrafficSelector;

Subnet net(std::string_view s) { return *Subnet::parse(s); }
Ipv4Range range(std::string_view s) { return Ipv4Range::of(net(s)); }
Ipv4Range between(std::string_view a, std::string_view b) {
  return {*Ipv4::parse(a), *Ipv4::parse(b)};
}

TEST(TrafficSelectors, SubnetsToSelectors) {
  auto ts = toSelectors(std::vector<Subnet>{net("10.1.0.0/16"), net("192.168.7.0/24")});
  ASSERT_EQ(ts.size(), 2u);
  EXPECT_EQ(ts[0].ts_type, wire::ts::kIpv4AddrRange);
  EXPECT_EQ(ts[0].ip_protocol, 0);
  EXPECT_EQ(ts[0].start_port, 0);
  EXPECT_EQ(ts[0].end_port, 65535);
  EXPECT_EQ(ts[0].start_address, (Bytes{10, 1, 0, 0}));
  EXPECT_EQ(ts[0].end_address, (Bytes{10, 1, 255, 255}));
  EXPECT_EQ(ts[1].start_address, (Bytes{192, 168, 7, 0}));
  EXPECT_EQ(ts[1].end_address, (Bytes{192, 168, 7, 255}));
  auto any = toSelectors(std::vector<Subnet>{net("0.0.0.0/0")});
  ASSERT_EQ(any.size(), 1u);
  EXPECT_EQ(any[0].start_address, (Bytes{0, 0, 0, 0}));
  EXPECT_EQ(any[0].end_address, (Bytes{255, 255, 255, 255}));
  EXPECT_TRUE(toSelectors(std::vector<Subnet>{}).empty());
}

TEST(TrafficSelectors, RangesRoundTrip) {
  std::vector<Ipv4Range> ranges{range("10.0.0.0/8"), between("172.16.0.5", "172.16.0.9"),
                                range("198.51.100.7/32")};
  EXPECT_EQ(toRanges(toSelectors(ranges)), ranges);
  EXPECT_EQ(toRanges(std::vector<Subnet>{net("10.0.0.0/8"), net("192.0.2.0/24")}),
            (std::vector<Ipv4Range>{between("10.0.0.0", "10.255.255.255"),
                                    between("192.0.2.0", "192.0.2.255")}));
}

TEST(TrafficSelectors, UnrepresentableSelectorsAreSkipped) {
  TrafficSelector good = toSelectors(std::vector<Subnet>{net("10.2.0.0/24")})[0];
  TrafficSelector tcp = good;
  tcp.ip_protocol = 6;
  TrafficSelector port = good;
  port.start_port = 443;
  port.end_port = 443;
  TrafficSelector high_ports = good;
  high_ports.end_port = 1023;
  TrafficSelector v6;
  v6.ts_type = wire::ts::kIpv6AddrRange;
  v6.start_address = Bytes(16, 0);
  v6.end_address = Bytes(16, 0xff);
  TrafficSelector bad_len = good;
  bad_len.end_address = {10, 2, 0};
  TrafficSelector reversed = good;
  reversed.start_address = {10, 2, 0, 9};
  reversed.end_address = {10, 2, 0, 1};
  auto r =
      toRanges(std::vector<TrafficSelector>{tcp, port, v6, good, high_ports, bad_len, reversed});
  EXPECT_EQ(r, (std::vector<Ipv4Range>{range("10.2.0.0/24")}));
}

TEST(TrafficSelectors, NarrowExactMatch) {
  std::vector<Ipv4Range> ours{range("10.1.0.0/24")};
  EXPECT_EQ(narrow(ours, ours), ours);
}

TEST(TrafficSelectors, NarrowSupersetToAllowed) {
  // The peer asks for 10/8, we allow two /24s inside it: both, in allowed order.
  auto got = narrow({range("10.0.0.0/8")}, {range("10.1.0.0/24"), range("10.9.0.0/24")});
  EXPECT_EQ(got, (std::vector<Ipv4Range>{range("10.1.0.0/24"), range("10.9.0.0/24")}));
  // 0.0.0.0/0 proposed (strongSwan's "dynamic" default when unspecified).
  EXPECT_EQ(narrow({range("0.0.0.0/0")}, {range("192.168.0.0/16")}),
            (std::vector<Ipv4Range>{range("192.168.0.0/16")}));
}

TEST(TrafficSelectors, NarrowSubsetStaysAsProposed) {
  EXPECT_EQ(narrow({range("10.1.2.0/24")}, {range("10.0.0.0/8")}),
            (std::vector<Ipv4Range>{range("10.1.2.0/24")}));
}

TEST(TrafficSelectors, NarrowDisjointIsEmpty) {
  EXPECT_TRUE(narrow({range("10.1.0.0/24")}, {range("10.2.0.0/24")}).empty());
  EXPECT_TRUE(narrow({}, {range("10.2.0.0/24")}).empty());
  EXPECT_TRUE(narrow({range("10.2.0.0/24")}, {}).empty());
}

TEST(TrafficSelectors, NarrowPartialOverlaps) {
  // Ranges that straddle: the intersection is not a subnet but still a valid range.
  auto got =
      narrow({between("10.0.0.100", "10.0.1.50"), range("172.16.0.0/12"), range("192.168.1.0/24")},
             {range("10.0.1.0/24"), range("172.20.0.0/16"), range("10.0.0.0/25")});
  EXPECT_EQ(got,
            (std::vector<Ipv4Range>{between("10.0.1.0", "10.0.1.50"),
                                    between("10.0.0.100", "10.0.0.127"), range("172.20.0.0/16")}));
  EXPECT_EQ(toStrings(got), (std::vector<std::string>{"10.0.1.0-10.0.1.50", "10.0.0.100-10.0.0.127",
                                                      "172.20.0.0/16"}));
}

TEST(TrafficSelectors, NarrowDeduplicates) {
  auto got = narrow({range("10.1.0.0/24"), range("10.1.0.0/24"), range("10.0.0.0/8")},
                    {range("10.1.0.0/24"), range("10.1.0.0/16")});
  EXPECT_EQ(got, (std::vector<Ipv4Range>{range("10.1.0.0/24"), range("10.1.0.0/16")}));
}

TEST(TrafficSelectors, NarrowEdgesOfTheAddressSpace) {
  EXPECT_EQ(narrow({between("255.255.255.0", "255.255.255.255")}, {range("0.0.0.0/0")}),
            (std::vector<Ipv4Range>{range("255.255.255.0/24")}));
  EXPECT_EQ(narrow({range("0.0.0.0/32")}, {range("0.0.0.0/0")}),
            (std::vector<Ipv4Range>{range("0.0.0.0/32")}));
  // Touching at a single address.
  EXPECT_EQ(narrow({between("10.0.0.0", "10.0.0.10")}, {between("10.0.0.10", "10.0.0.20")}),
            (std::vector<Ipv4Range>{range("10.0.0.10/32")}));
}

TEST(TrafficSelectors, AllWithin) {
  std::vector<Ipv4Range> outer{range("10.0.0.0/16"), range("192.168.0.0/24")};
  EXPECT_TRUE(allWithin({range("10.0.5.0/24"), range("192.168.0.128/25")}, outer));
  EXPECT_TRUE(allWithin(outer, outer));
  EXPECT_TRUE(allWithin({}, outer));
  EXPECT_FALSE(allWithin({range("10.0.0.0/15")}, outer));
  EXPECT_FALSE(allWithin({range("10.0.5.0/24"), range("172.16.0.0/24")}, outer));
  // Spanning two adjacent outer ranges is not inside either one.
  EXPECT_FALSE(allWithin({between("10.0.0.200", "10.0.1.10")},
                         {range("10.0.0.0/24"), range("10.0.1.0/24")}));
  EXPECT_FALSE(allWithin({range("10.0.0.0/24")}, {}));
}

TEST(TrafficSelectors, ToStrings) {
  EXPECT_EQ(toStrings({range("10.1.0.0/16"), between("10.0.0.1", "10.0.0.3")}),
            (std::vector<std::string>{"10.1.0.0/16", "10.0.0.1-10.0.0.3"}));
  EXPECT_TRUE(toStrings({}).empty());
}

}  // namespace
}  // namespace vpngw::ike
