#pragma once
// Routes into the TUN device through rtnetlink (RTM_NEWROUTE / RTM_DELROUTE, rtnetlink(7)):
// while a CHILD SA is up, its remote subnets are routed into the tunnel with the gateway's LAN
// address as preferred source.
#include <cstdint>
#include <memory>
#include <optional>

#include "base/bytes.h"
#include "base/ip.h"
#include "base/result.h"
#include "base/unique_fd.h"

namespace vpngw::dataplane::userspace {

struct RouteSpec {
  Subnet dst;
  int ifindex = 0;
  std::optional<Ipv4> prefsrc;
  auto operator<=>(const RouteSpec&) const = default;
};

// The complete netlink message (nlmsghdr + rtmsg + RTA_DST, RTA_OIF, RTA_PREFSRC) for adding
// (NLM_F_CREATE | NLM_F_REPLACE: a stale route of an earlier run is taken over) or deleting
// the route in the main table, asking for an acknowledgement.
Bytes buildRouteMessage(bool add, const RouteSpec& route, uint32_t seq);

// What a netlink acknowledgement said: 0 for success, else a positive errno. nullopt when the
// bytes are not an NLMSG_ERROR for seq.
std::optional<int> parseNetlinkAck(ByteView reply, uint32_t seq);

// Adds and removes routes; an interface so tests can record instead.
class RouteOps {
 public:
  virtual ~RouteOps() = default;
  virtual Status add(const RouteSpec& route) = 0;
  virtual Status remove(const RouteSpec& route) = 0;
};

// The real thing: one NETLINK_ROUTE socket, requests answered synchronously.
class NetlinkRouteOps final : public RouteOps {
 public:
  static Result<std::unique_ptr<NetlinkRouteOps>> open();
  explicit NetlinkRouteOps(UniqueFd fd) : fd_(std::move(fd)) {}
  Status add(const RouteSpec& route) override;
  Status remove(const RouteSpec& route) override;

 private:
  Status request(bool add, const RouteSpec& route);
  UniqueFd fd_;
  uint32_t seq_ = 1;
};

}  // namespace vpngw::dataplane::userspace
