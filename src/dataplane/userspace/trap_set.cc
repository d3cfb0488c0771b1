#include "dataplane/userspace/trap_set.h"

#include <utility>

namespace vpngw::dataplane::userspace {

bool TrapSet::replace(std::vector<Trap> next, RouteManager& routes) {
  if (next == traps_) {
    return false;
  }
  for (const Trap& t : next) {
    routes.acquire(t.routes, t.route_source);
  }
  for (const Trap& t : traps_) {
    routes.release(t.routes);
  }
  traps_ = std::move(next);
  return true;
}

}  // namespace vpngw::dataplane::userspace
