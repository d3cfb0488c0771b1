#include "cli/serve_command.h"

#include <algorithm>
#include <cctype>
#include <exception>

#include "cli/check_config.h"
#include "cli/exit_codes.h"
#include "crypto/algorithms.h"
#include "dataplane/backend.h"
#include "dataplane/userspace/userspace_backend.h"
#include "engine/daemon.h"

namespace vpngw::cli {

std::optional<LogLevel> parseLogLevel(std::string_view text) {
  for (LogLevel l : {LogLevel::Debug, LogLevel::Info, LogLevel::Warn, LogLevel::Error}) {
    std::string_view name = toString(l);
    if (text.size() == name.size() &&
        std::equal(text.begin(), text.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return l;
    }
  }
  return std::nullopt;
}

int runServe(const ServeOptions& options, std::ostream& err) {
  std::optional<ike::Config> config = loadConfigOrReport(options.config_path, options.load, err);
  if (!config) {
    return kExitConfigError;
  }
  StderrLogger logger(options.log_level);
  crypto::OpenSslRandom random;
  // Declared before the daemon so that it outlives it: the daemon removes its SAs on the way
  // out.
  std::unique_ptr<dataplane::Backend> backend;
  if (options.dataplane == DataplaneKind::Record) {
    backend = std::make_unique<dataplane::RecordingBackend>();
  } else {
    dataplane::userspace::UserspaceOptions u;
    u.tun_name = options.tun_name;
    u.workers = options.workers;
    u.offload = options.offload;
    // One tunnel device serves every gateway of this daemon: the smallest MTU fits them all.
    auto smallest = std::min_element(
        config->gateways.begin(), config->gateways.end(),
        [](const ike::GatewayConfig& a, const ike::GatewayConfig& b) { return a.mtu < b.mtu; });
    if (smallest != config->gateways.end()) {
      u.mtu = smallest->mtu;
    }
    auto created = dataplane::userspace::UserspaceBackend::create(u, logger);
    if (!created) {
      const std::string& why = created.error().message;
      err << "vpngw: cannot start the data plane: " << why;
      if (why.find("not permitted") != std::string::npos) {
        err << " (it needs root; --dataplane record negotiates without carrying traffic)";
      }
      err << "\n";
      return kExitFailure;
    }
    logger.info("dataplane", "userspace ESP data plane on " + (*created)->describe());
    backend = std::move(*created);
  }
  engine::DaemonOptions daemon_options;
  daemon_options.state_dir = options.state_dir;
  try {
    engine::Daemon daemon(std::move(*config), std::move(daemon_options), random, logger, *backend);
    if (Status s = daemon.start(); !s) {
      err << "vpngw: " << s.error().message << "\n";
      return kExitFailure;
    }
    return daemon.run();
  } catch (const std::exception& e) {
    // Start-up failures of the runtime itself (epoll, signalfd): report, do not crash.
    err << "vpngw: " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace vpngw::cli
