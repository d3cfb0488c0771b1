// Route messages for rtnetlink, byte for byte, and the reference counting of routes.
#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>

#include "dataplane/userspace/netlink_route.h"
#include "dataplane/userspace/route_manager.h"
#include "fake_routes.h"

namespace vpngw::dataplane::userspace {
namespace {

RouteSpec spec(std::string_view dst, int ifindex, std::optional<std::string_view> src) {
  RouteSpec r;
  r.dst = *Subnet::parse(dst);
  r.ifindex = ifindex;
  if (src) {
    r.prefsrc = *Ipv4::parse(*src);
  }
  return r;
}

TEST(NetlinkRoute, AddMessageLayout) {
  Bytes m = buildRouteMessage(true, spec("10.2.0.0/24", 7, "10.1.0.1"), 42);
  // nlmsghdr 16 + rtmsg 12 + RTA_DST 8 + RTA_OIF 8 + RTA_PREFSRC 8
  ASSERT_EQ(m.size(), 52u);
  nlmsghdr h;
  std::memcpy(&h, m.data(), sizeof h);
  EXPECT_EQ(h.nlmsg_len, 52u);
  EXPECT_EQ(h.nlmsg_type, RTM_NEWROUTE);
  EXPECT_EQ(h.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE);
  EXPECT_EQ(h.nlmsg_seq, 42u);
  rtmsg rt;
  std::memcpy(&rt, m.data() + 16, sizeof rt);
  EXPECT_EQ(rt.rtm_family, AF_INET);
  EXPECT_EQ(rt.rtm_dst_len, 24);
  EXPECT_EQ(rt.rtm_table, RT_TABLE_MAIN);
  EXPECT_EQ(rt.rtm_scope, RT_SCOPE_LINK);
  EXPECT_EQ(rt.rtm_type, RTN_UNICAST);
  EXPECT_EQ(rt.rtm_protocol, RTPROT_STATIC);
  // The attributes, in network byte order for addresses.
  EXPECT_EQ(toHex(ByteView(m).subspan(28)),
            "0800"
            "0100"
            "0a020000"  // RTA_DST 10.2.0.0
            "0800"
            "0400"
            "07000000"  // RTA_OIF 7 (host order)
            "0800"
            "0700"
            "0a010001");  // RTA_PREFSRC 10.1.0.1
}

TEST(NetlinkRoute, DeleteMessageWithoutSource) {
  Bytes m = buildRouteMessage(false, spec("10.9.0.0/16", 3, std::nullopt), 1);
  ASSERT_EQ(m.size(), 44u);
  nlmsghdr h;
  std::memcpy(&h, m.data(), sizeof h);
  EXPECT_EQ(h.nlmsg_type, RTM_DELROUTE);
  EXPECT_EQ(h.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
  EXPECT_EQ(m[16 + 1], 16) << "rtm_dst_len";
}

TEST(NetlinkRoute, ParsesAcknowledgements) {
  Bytes reply(NLMSG_HDRLEN + sizeof(nlmsgerr), 0);
  nlmsghdr h{};
  h.nlmsg_len = static_cast<uint32_t>(reply.size());
  h.nlmsg_type = NLMSG_ERROR;
  h.nlmsg_seq = 9;
  std::memcpy(reply.data(), &h, sizeof h);
  nlmsgerr e{};
  e.error = -EEXIST;
  std::memcpy(reply.data() + NLMSG_HDRLEN, &e, sizeof e);
  EXPECT_EQ(parseNetlinkAck(reply, 9), EEXIST);
  EXPECT_EQ(parseNetlinkAck(reply, 10), std::nullopt) << "another request's answer";
  e.error = 0;
  std::memcpy(reply.data() + NLMSG_HDRLEN, &e, sizeof e);
  EXPECT_EQ(parseNetlinkAck(reply, 9), 0);
  EXPECT_EQ(parseNetlinkAck(ByteView(reply).first(10), 9), std::nullopt) << "truncated";
}

using test::FakeRoutes;
using test::subnets;

TEST(RouteManager, AddsOnFirstUserAndRemovesWithTheLast) {
  FakeRoutes ops;
  NullLogger logger;
  {
    RouteManager rm(ops, 5, logger);
    auto lan = Ipv4::parse("10.1.0.1");
    rm.acquire(subnets({"10.2.0.0/24", "10.3.0.0/24"}), lan);
    rm.acquire(subnets({"10.2.0.0/24"}), lan);  // a rekeyed SA overlapping the old one
    EXPECT_EQ(ops.log, (std::vector<std::string>{"add 10.2.0.0/24 src 10.1.0.1",
                                                 "add 10.3.0.0/24 src 10.1.0.1"}));
    rm.release(subnets({"10.2.0.0/24", "10.3.0.0/24"}));
    EXPECT_EQ(ops.log.back(), "del 10.3.0.0/24");
    EXPECT_TRUE(rm.has(*Subnet::parse("10.2.0.0/24")));
    rm.release(subnets({"10.2.0.0/24"}));
    EXPECT_EQ(ops.log.back(), "del 10.2.0.0/24");
    EXPECT_EQ(rm.size(), 0u);
    rm.acquire(subnets({"10.4.0.0/24"}), std::nullopt);
  }
  EXPECT_EQ(ops.log.back(), "del 10.4.0.0/24") << "the destructor removes what is left";
}

TEST(RouteManager, FallsBackToNoSourceWhenTheKernelRefusesIt) {
  FakeRoutes ops;
  ops.refuse_source = true;
  NullLogger logger;
  RouteManager rm(ops, 5, logger);
  rm.acquire(subnets({"10.2.0.0/24"}), Ipv4::parse("10.1.0.1"));
  EXPECT_EQ(ops.log, (std::vector<std::string>{"add 10.2.0.0/24 src 10.1.0.1", "add 10.2.0.0/24"}));
  rm.release(subnets({"10.2.0.0/24"}));
  EXPECT_EQ(ops.log.back(), "del 10.2.0.0/24");
  rm.release(subnets({"10.9.0.0/24"}));  // never acquired: nothing happens
  EXPECT_EQ(ops.log.size(), 3u);
}

}  // namespace
}  // namespace vpngw::dataplane::userspace
