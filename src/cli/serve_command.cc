#include "cli/serve_command.h"

#include <algorithm>
#include <cctype>
#include <exception>

#include "cli/check_config.h"
#include "cli/exit_codes.h"
#include "crypto/algorithms.h"
#include "dataplane/backend.h"
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
  // Records CHILD SAs until the userspace ESP data plane replaces it behind the same seam.
  dataplane::RecordingBackend backend;
  engine::DaemonOptions daemon_options;
  daemon_options.state_dir = options.state_dir;
  try {
    engine::Daemon daemon(std::move(*config), std::move(daemon_options), random, logger, backend);
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
