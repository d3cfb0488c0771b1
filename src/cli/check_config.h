#pragma once
// `vpngw check-config`: validates a configuration file without running anything.
#include <optional>
#include <ostream>
#include <string>

#include "config/loader.h"

namespace vpngw::cli {

// Loads and validates path. On success returns the configuration; otherwise writes every
// error (one per line) to err and returns nothing.
std::optional<ike::Config> loadConfigOrReport(const std::string& path,
                                              const config::LoadOptions& options,
                                              std::ostream& err);

// Prints "ok" to out and returns kExitOk, or prints the errors to err and returns
// kExitConfigError.
int runCheckConfig(const std::string& path, const config::LoadOptions& options, std::ostream& out,
                   std::ostream& err);

}  // namespace vpngw::cli
