#pragma once
// Operator limits applied while validating a configuration.
#include <chrono>
#include <cstddef>

namespace vpngw::config {

struct LoadOptions {
  // Spec §2: lifetimes are 3600-86400 s. `serve --min-lifetime` lowers the floor for tests.
  std::chrono::seconds min_lifetime{3600};
  std::chrono::seconds max_lifetime{86400};
  // Spec §1: at most 20 tunnels per gateway and per customer gateway by default.
  size_t max_tunnels_per_gateway = 20;
  // Spec §2: at most 20 local and 20 remote subnets per tunnel.
  size_t max_subnets_per_side = 20;
};

}  // namespace vpngw::config
