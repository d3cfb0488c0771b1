#pragma once
// The traps the data plane holds (DPD action `hold`, see dataplane/backend.h) and the route
// references they own: the route manager counts a trap as one more user of each of its routes,
// like an SA, so a trapped tunnel's subnets stay routed into the TUN device while it has no SA.
#include <vector>

#include "dataplane/backend.h"
#include "dataplane/userspace/route_manager.h"

namespace vpngw::dataplane::userspace {

class TrapSet {
 public:
  // Replaces every trap with next: next's routes are acquired, then the current ones released
  // (a route both sets share is never removed in between). False, and nothing done, when next
  // equals the current set (the daemon calls this on every configuration change).
  bool replace(std::vector<Trap> next, RouteManager& routes);

  const std::vector<Trap>& traps() const { return traps_; }

 private:
  std::vector<Trap> traps_;
};

}  // namespace vpngw::dataplane::userspace
