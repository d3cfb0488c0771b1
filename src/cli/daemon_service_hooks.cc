#include "cli/daemon_service_hooks.h"

#include "cli/diagnose_command.h"

namespace vpngw::cli {

void DaemonServiceHooks::apply(const ike::Config& config, const api::ConfigChange& change) {
  // The engine compares each tunnel with what it runs: changed ones reconnect, the rest stay.
  daemon_.reload(config, change.names);
}

void DaemonServiceHooks::reset(const std::string& tunnel_id) { daemon_.reset(tunnel_id); }

nlohmann::json DaemonServiceHooks::tunnelStatus(const std::string& tunnel_id) {
  return nlohmann::json(daemon_.tunnelStatus(tunnel_id));
}

nlohmann::json DaemonServiceHooks::diagnose(const std::string& tunnel_id) {
  engine::Json tunnel = daemon_.tunnelStatus(tunnel_id);
  if (tunnel.is_null()) {
    return {{"code", "unknown"},
            {"cause",
             "the engine does not run this tunnel (yet): its configuration is being "
             "applied, or it was left out because it no longer validates"},
            {"fixes", nlohmann::json::array()}};
  }
  engine::Json document = daemon_.statusDocument();
  engine::Json dataplane = document.is_object() && document.contains("counters")
                               ? document["counters"].value("dataplane", engine::Json())
                               : engine::Json();
  return nlohmann::json(diagnosisJson(diagnoseTunnel(tunnel, dataplane)));
}

}  // namespace vpngw::cli
