#include "cli/check_config.h"

#include "cli/exit_codes.h"

namespace vpngw::cli {

std::optional<ike::Config> loadConfigOrReport(const std::string& path,
                                              const config::LoadOptions& options,
                                              std::ostream& err) {
  config::LoadResult result = config::loadConfigFile(path, options);
  if (auto* errors = std::get_if<std::vector<config::ConfigError>>(&result)) {
    for (const config::ConfigError& e : *errors) {
      err << e.toString() << "\n";
    }
    err.flush();
    return std::nullopt;
  }
  return std::get<ike::Config>(std::move(result));
}

int runCheckConfig(const std::string& path, const config::LoadOptions& options, std::ostream& out,
                   std::ostream& err) {
  if (!loadConfigOrReport(path, options, err)) {
    return kExitConfigError;
  }
  out << "ok\n";
  return kExitOk;
}

}  // namespace vpngw::cli
