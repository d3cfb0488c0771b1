#pragma once
// Loads the YAML configuration file into the validated domain model (ike::Config).
// The schema and every rule are described in docs/configuration.md.
#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config_error.h"
#include "config/load_options.h"
#include "ike/config.h"

namespace vpngw::config {

using LoadResult = std::variant<ike::Config, std::vector<ConfigError>>;

// Parses and validates YAML text. Returns the validated configuration, or every error found
// (never an empty list).
LoadResult parseConfig(std::string_view yaml_text, const LoadOptions& opts = {});

// Validates a tree built in memory (the API builds its candidate configurations this way,
// without printing and re-scanning YAML text). Same rules and errors as parseConfig.
LoadResult parseConfigTree(const YAML::Node& root, const LoadOptions& opts = {});

// Reads `path` and parses it. An unreadable file gives one error whose value is the path.
LoadResult loadConfigFile(const std::string& path, const LoadOptions& opts = {});

}  // namespace vpngw::config
