#include "dataplane/userspace/route_manager.h"

namespace vpngw::dataplane::userspace {

RouteManager::~RouteManager() {
  for (auto& [subnet, held] : routes_) {
    if (held.installed) {
      (void)ops_.remove(held.spec);
    }
  }
}

void RouteManager::acquire(const std::vector<Subnet>& subnets, const std::optional<Ipv4>& source) {
  for (const Subnet& s : subnets) {
    Held& held = routes_[s];
    if (held.users++ > 0) {
      continue;
    }
    held.spec = RouteSpec{s, ifindex_, source};
    Status st = ops_.add(held.spec);
    if (!st && source) {
      logger_.warn("dataplane", "route " + s.toString() + " with source " + source->toString() +
                                    ": " + st.error().message +
                                    " (is lan_ip assigned on this host?); adding it without");
      held.spec.prefsrc.reset();
      st = ops_.add(held.spec);
    }
    if (!st) {
      logger_.error("dataplane",
                    "cannot route " + s.toString() + " into the tunnel: " + st.error().message);
      continue;
    }
    held.installed = true;
    logger_.info("dataplane",
                 "route " + s.toString() + " into the tunnel" +
                     (held.spec.prefsrc ? " src " + held.spec.prefsrc->toString() : std::string()));
  }
}

void RouteManager::release(const std::vector<Subnet>& subnets) {
  for (const Subnet& s : subnets) {
    auto it = routes_.find(s);
    if (it == routes_.end() || --it->second.users > 0) {
      continue;
    }
    if (it->second.installed) {
      if (Status st = ops_.remove(it->second.spec); !st) {
        logger_.warn("dataplane", "removing route " + s.toString() + ": " + st.error().message);
      } else {
        logger_.info("dataplane", "route " + s.toString() + " removed");
      }
    }
    routes_.erase(it);
  }
}

}  // namespace vpngw::dataplane::userspace
