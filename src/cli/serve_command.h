#pragma once
// `vpngw serve`: validates the configuration, then runs the daemon in the foreground.
#include <optional>
#include <ostream>
#include <string>

#include "base/log.h"
#include "config/load_options.h"

namespace vpngw::cli {

struct ServeOptions {
  std::string config_path;
  std::string state_dir;
  config::LoadOptions load;
  LogLevel log_level = LogLevel::Info;
};

// kExitConfigError (errors on err, nothing started) when the configuration is invalid;
// kExitFailure when the daemon cannot start (e.g. a socket cannot be bound); otherwise runs
// until SIGINT/SIGTERM and returns kExitOk.
int runServe(const ServeOptions& options, std::ostream& err);

// "debug" | "info" | "warn" | "error"
std::optional<LogLevel> parseLogLevel(std::string_view text);

}  // namespace vpngw::cli
