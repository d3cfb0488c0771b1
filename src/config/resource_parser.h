#pragma once
// One entry of `gateways`, `customer_gateways` or `tunnels`, checked on its own. Checks that
// relate several entries live in cross_checks.h.
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "config/load_options.h"
#include "config/yaml_reader.h"
#include "ike/config.h"

namespace vpngw::config {

// A tunnel as read, with what cross-checks need beyond ike::TunnelConfig.
struct ParsedTunnel {
  ike::TunnelConfig config;  // subnets hold only the valid entries
  std::string path;          // "tunnels[2]"
  std::vector<Located<Subnet>> local;
  std::vector<Located<Subnet>> remote;
  std::optional<bool> initiator;  // as written; the default depends on the customer gateway
};

// Names: 1-64 characters from [A-Za-z0-9._-]. Reports and returns false otherwise.
bool checkName(Reader& reader, const std::string& field, const std::string& name);

// Each returns what could be read even when some fields are invalid (errors are in `reader`),
// so that later checks do not report follow-on errors such as an unknown gateway name.
ike::GatewayConfig parseGateway(Reader& reader, const YAML::Node& node, const std::string& path);
ike::CustomerGatewayConfig parseCustomerGateway(Reader& reader, const YAML::Node& node,
                                                const std::string& path);
ParsedTunnel parseTunnel(Reader& reader, const YAML::Node& node, const std::string& path,
                         const LoadOptions& opts);

}  // namespace vpngw::config
