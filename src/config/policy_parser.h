#pragma once
// The `ike:` and `ipsec:` blocks of a tunnel (spec §2 phase 1 and phase 2 policies).
#include <yaml-cpp/yaml.h>

#include <string>

#include "config/load_options.h"
#include "config/yaml_reader.h"
#include "ike/config.h"

namespace vpngw::config {

// Reads tunnel["ike"] (path: tunnel_path + ".ike"); absent fields keep the spec defaults.
ike::IkePolicy parseIkePolicy(Reader& reader, const YAML::Node& tunnel,
                              const std::string& tunnel_path, const LoadOptions& opts);

// Reads tunnel["ipsec"]; encryption becomes nullopt with AH, authentication with an AEAD cipher.
ike::IpsecPolicy parseIpsecPolicy(Reader& reader, const YAML::Node& tunnel,
                                  const std::string& tunnel_path, const LoadOptions& opts);

}  // namespace vpngw::config
