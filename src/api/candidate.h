#pragma once
// Validation by the configuration loader (issue 5: "validation = the YAML loader's"): a
// tenant's resources, as they would be after a change, are written out as one document in
// the configuration file's schema and run through config::parseConfig, so every rule of the
// file applies identically. Errors come back mapped to resource ids and the resource's own
// field paths.
//
// The document uses the tenant's names (the loader's messages name other tunnels by them).
// VPCs are not part of the file schema: a gateway that references a VPC gets the VPC's subnets
// as `vpc_subnets`, and each VPC being validated is checked as an extra gateway entry named by
// its id (names may not look like ids, so this cannot collide) whose vpc_subnets are the VPC's
// subnets; its errors are reported on the VPC's `subnets`.
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "api/api_error.h"
#include "config/load_options.h"
#include "ike/config.h"
#include "store/resource.h"

namespace vpngw::api {

// One tenant's resources by id.
using ResourceMap = std::map<std::string, store::Resource>;

// Parsed engine configuration per resource id; every name and reference is an id.
struct ParsedEntries {
  std::map<std::string, ike::GatewayConfig> gateways;
  std::map<std::string, ike::CustomerGatewayConfig> customer_gateways;
  std::map<std::string, ike::TunnelConfig> tunnels;
};

using ValidationResult = std::variant<ParsedEntries, std::vector<FieldError>>;

// The resources whose validity can depend on the `changed` ones: each rule of the loader that
// spans entries is scoped to one gateway, one customer gateway or one (gateway, customer
// gateway) pair, so the changed resources, the tunnels on any gateway or customer gateway they
// touch, and those tunnels' gateways and customer gateways are enough. Ids not in `resources`
// (deleted ones) are ignored.
std::set<std::string> validationScope(const ResourceMap& resources,
                                      const std::set<std::string>& changed);

// Validates the resources in `scope` (all of them when scope is null).
ValidationResult validateResources(const ResourceMap& resources, const std::set<std::string>* scope,
                                   const config::LoadOptions& limits);

// A gateway's document as the engine sees it: `vpc` replaced by that VPC's subnets.
nlohmann::json effectiveGatewayDoc(const store::Resource& gateway, const ResourceMap& resources);

// Everything the engine's view of a tunnel depends on (its document and those of its gateway
// and customer gateway, references as ids): equal fingerprints mean no reconnect is needed.
std::string tunnelFingerprint(const store::Resource& tunnel, const ResourceMap& resources);

}  // namespace vpngw::api
