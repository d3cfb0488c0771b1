#pragma once
// `vpngw vpc|gateway|customer-gateway|tunnel create|list|show|update|delete`, `vpngw tunnel
// config|reset` and `vpngw apply -f`: clients of the REST API (docs/cli.md). Human tables by
// default, the API's JSON unchanged with --json; exit codes from cli/exit_codes.h.
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "cli/api_client.h"

namespace vpngw::cli {

enum class ResourceKind { Vpc, Gateway, CustomerGateway, Tunnel };

struct ResourceCommand {
  ResourceKind kind = ResourceKind::Tunnel;
  std::string verb;               // create list show update delete config reset
  std::vector<std::string> refs;  // ids or names (show/update/config/reset: one; delete: 1+)
  // create/update: the body is --from-file (JSON or YAML), then the flags, then --set.
  std::string from_file;
  std::map<std::string, std::string> scalars;             // field -> value (flags)
  std::map<std::string, std::vector<std::string>> lists;  // field -> values (repeatable flags)
  std::vector<std::string> sets;  // "key=value", key may be dotted (ike.dh_group=14)
  // list
  std::string search;
  std::string sort;
  size_t page = 0;
  size_t per_page = 0;
  bool csv = false;
  // config
  std::string format;
  std::string output;  // file to write; empty: stdout
  bool json = false;
};

int runResource(const ApiOptions& api, const ResourceCommand& cmd, std::ostream& out,
                std::ostream& err);

struct ApplyCommand {
  std::string file;
  bool prune = false;
  bool json = false;
};

int runApply(const ApiOptions& api, const ApplyCommand& cmd, std::ostream& out, std::ostream& err);

// The API collection of a kind: "vpcs", "gateways", "customer-gateways", "tunnels".
std::string collectionOf(ResourceKind kind);

}  // namespace vpngw::cli
