#pragma once
// The API's ServiceHooks (api/service_hooks.h) as the daemon implements them: configuration
// changes reload the engine on the daemon's loop thread, status comes from its snapshot.
#include <nlohmann/json.hpp>
#include <string>

#include "api/service_hooks.h"
#include "engine/daemon.h"

namespace vpngw::cli {

class DaemonServiceHooks final : public api::ServiceHooks {
 public:
  explicit DaemonServiceHooks(engine::Daemon& daemon) : daemon_(daemon) {}

  void apply(const ike::Config& config, const api::ConfigChange& change) override;
  void reset(const std::string& tunnel_id) override;
  nlohmann::json tunnelStatus(const std::string& tunnel_id) override;
  nlohmann::json diagnose(const std::string& tunnel_id) override;

 private:
  engine::Daemon& daemon_;
};

}  // namespace vpngw::cli
