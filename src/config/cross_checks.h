#pragma once
// Rules that relate several entries: unique names, references between resources, per-gateway
// limits, VPC membership, 0.0.0.0 customer gateways, subnet-pair claims and IKEv1 phase-1
// sharing (spec §1, §2, §4).
#include <string>
#include <string_view>
#include <vector>

#include "config/load_options.h"
#include "config/resource_parser.h"
#include "config/yaml_reader.h"
#include "ike/config.h"

namespace vpngw::config {

// Reports every name that repeats an earlier one in `list` ("gateways", ...). Empty names
// (already reported as missing) are skipped.
void checkUniqueNames(Reader& reader, std::string_view list, const std::vector<std::string>& names);

// Runs the cross-resource tunnel checks and settles each tunnel's `initiator` default (false
// towards a 0.0.0.0 customer gateway, true otherwise).
void checkTunnels(Reader& reader, const std::vector<ike::GatewayConfig>& gateways,
                  const std::vector<ike::CustomerGatewayConfig>& customer_gateways,
                  std::vector<ParsedTunnel>& tunnels, const LoadOptions& opts);

}  // namespace vpngw::config
