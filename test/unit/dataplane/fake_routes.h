#pragma once
// A RouteOps that records what rtnetlink would have been asked ("add 10.2.0.0/24 src ...",
// "del 10.2.0.0/24") instead of touching the kernel's routing table.
#include <string>
#include <vector>

#include "dataplane/userspace/netlink_route.h"

namespace vpngw::dataplane::userspace::test {

class FakeRoutes final : public RouteOps {
 public:
  Status add(const RouteSpec& r) override {
    log.push_back("add " + r.dst.toString() + (r.prefsrc ? " src " + r.prefsrc->toString() : ""));
    if (r.prefsrc && refuse_source) {
      return makeError("Invalid argument");
    }
    return {};
  }
  Status remove(const RouteSpec& r) override {
    log.push_back("del " + r.dst.toString());
    return {};
  }
  bool refuse_source = false;
  std::vector<std::string> log;
};

inline std::vector<Subnet> subnets(std::initializer_list<std::string_view> list) {
  std::vector<Subnet> out;
  for (auto s : list) {
    out.push_back(*Subnet::parse(s));
  }
  return out;
}

}  // namespace vpngw::dataplane::userspace::test
