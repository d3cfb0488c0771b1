#pragma once
// Routes of the installed CHILD SAs, reference-counted: a subnet is routed into the TUN device
// while at least one SA needs it (a rekey installs the new SA before removing the old one;
// several SAs of one tunnel share its subnets) and its route removed with the last one.
#include <map>
#include <optional>
#include <vector>

#include "base/ip.h"
#include "base/log.h"
#include "dataplane/userspace/netlink_route.h"

namespace vpngw::dataplane::userspace {

class RouteManager {
 public:
  RouteManager(RouteOps& ops, int ifindex, Logger& logger)
      : ops_(ops), ifindex_(ifindex), logger_(logger) {}
  // Removes every route still held.
  ~RouteManager();
  RouteManager(const RouteManager&) = delete;
  RouteManager& operator=(const RouteManager&) = delete;

  // One more user of each subnet; a subnet's first user adds its route with source as
  // preferred source (when the kernel refuses it, e.g. the address is not assigned here, the
  // route is added without one and a warning logged).
  void acquire(const std::vector<Subnet>& subnets, const std::optional<Ipv4>& source);
  // One user less; the last one removes the route.
  void release(const std::vector<Subnet>& subnets);

  size_t size() const { return routes_.size(); }
  bool has(const Subnet& s) const { return routes_.count(s) > 0; }

 private:
  struct Held {
    size_t users = 0;
    RouteSpec spec;
    bool installed = false;
  };
  RouteOps& ops_;
  int ifindex_;
  Logger& logger_;
  std::map<Subnet, Held> routes_;
};

}  // namespace vpngw::dataplane::userspace
