#pragma once
// What the API needs from the daemon that runs it. The daemon implements ServiceHooks; the API
// calls it after every committed change and for the tunnel operations.
//
// Engine-facing names: tenants choose names freely (unique only within the tenant), so the
// configuration handed to apply() names every gateway, customer gateway and tunnel by its
// resource id ("vgw-…", "cgw-…", "tun-…"); a tunnel's `gateway` and `customer_gateway` are ids
// too. Status, reset and diagnose take the tunnel id, and the daemon reports connection
// changes with ApiService::onConnectionStatus(tunnel id, …). VPCs have no engine counterpart:
// a gateway that references a VPC carries the VPC's subnets as its vpc_subnets.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "ike/config.h"

namespace vpngw::api {

// Which tunnels an apply() adds, changes (anything the engine uses: subnets, policies, PSK, or
// the settings of its gateway or customer gateway) or removes compared with the previous
// apply(). A changed tunnel must be reconnected (spec §2: editing subnets or policies
// reconnects the tunnel automatically); renames and remarks change nothing here.
struct ConfigChange {
  std::vector<std::string> added;
  std::vector<std::string> changed;
  std::vector<std::string> removed;
  // What status and logs call each tunnel of the configuration (engine name = id): its name
  // in the tenant "default", "tenant/name" in any other tenant.
  std::map<std::string, std::string> names;
  bool empty() const { return added.empty() && changed.empty() && removed.empty(); }
};

class ServiceHooks {
 public:
  virtual ~ServiceHooks() = default;
  // The whole engine configuration of every tenant, after a committed change (and once at
  // start, with every tunnel in `added`). Calls come one at a time, in commit order.
  virtual void apply(const ike::Config& config, const ConfigChange& change) = 0;
  // Spec §2 "apply immediately": tear the tunnel's SAs down and negotiate now.
  virtual void reset(const std::string& tunnel_id) = 0;
  // The tunnel's connection status as in `vpngw status --json` (at least
  // "connection_status"; "health" when known); null when the engine does not know it yet.
  virtual nlohmann::json tunnelStatus(const std::string& tunnel_id) = 0;
  // The tunnel's diagnosis (spec §3) as a JSON object.
  virtual nlohmann::json diagnose(const std::string& tunnel_id) = 0;
};

// The tunnel as the peer-configuration renderers see it: the tenant's names (not ids) and the
// PSK in clear. Only the owning tenant can request it.
struct PeerConfigInput {
  ike::TunnelConfig tunnel;
  ike::GatewayConfig gateway;
  ike::CustomerGatewayConfig customer_gateway;
};

// Renders a tunnel's peer configuration (spec §6). Unset in this build: the API answers 501.
class PeerConfigRenderer {
 public:
  virtual ~PeerConfigRenderer() = default;
  // The formats accepted by render(), for error messages.
  virtual std::vector<std::string> formats() const = 0;
  // The configuration text, or an Error when the format is unknown.
  virtual Result<std::string> render(const PeerConfigInput& input, const std::string& format) = 0;
};

}  // namespace vpngw::api
