#include "api/candidate.h"

#include <algorithm>
#include <charconv>

#include "config/loader.h"

namespace vpngw::api {

namespace {

using store::Kind;
using store::Resource;

// Any valid address: the VPC check entries exist only to run the subnet rules.
constexpr const char* kCheckPublicIp = "192.0.2.1";

std::string refOf(const Resource& r, const char* key) {
  auto it = r.doc.find(key);
  return it != r.doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const Resource* find(const ResourceMap& resources, const std::string& id) {
  auto it = resources.find(id);
  return it == resources.end() ? nullptr : &it->second;
}

// The entries of one kind, in creation order (the loader reports limit and sharing errors on
// the later entry, so the order must be the order of creation).
std::vector<const Resource*> ordered(const ResourceMap& resources, Kind kind,
                                     const std::set<std::string>* scope) {
  std::vector<const Resource*> out;
  for (const auto& [id, r] : resources) {
    if (r.kind == kind && (scope == nullptr || scope->count(id) > 0)) {
      out.push_back(&r);
    }
  }
  std::sort(out.begin(), out.end(), [](const Resource* a, const Resource* b) {
    return a->seq != b->seq ? a->seq < b->seq : a->id < b->id;
  });
  return out;
}

struct Candidate {
  nlohmann::json doc;
  std::vector<std::string> gateway_ids;  // per gateways[] index: gateway id or VPC id
  std::vector<std::string> customer_gateway_ids;
  std::vector<std::string> tunnel_ids;
};

Candidate buildCandidate(const ResourceMap& resources, const std::set<std::string>* scope) {
  Candidate c;
  nlohmann::json gateways = nlohmann::json::array();
  nlohmann::json customer_gateways = nlohmann::json::array();
  nlohmann::json tunnels = nlohmann::json::array();
  for (const Resource* gw : ordered(resources, Kind::Gateway, scope)) {
    nlohmann::json entry = effectiveGatewayDoc(*gw, resources);
    entry["name"] = gw->name;
    gateways.push_back(std::move(entry));
    c.gateway_ids.push_back(gw->id);
  }
  for (const Resource* vpc : ordered(resources, Kind::Vpc, scope)) {
    nlohmann::json entry = {{"name", vpc->id}, {"public_ip", kCheckPublicIp}};
    if (auto it = vpc->doc.find("subnets"); it != vpc->doc.end()) {
      entry["vpc_subnets"] = *it;
    }
    gateways.push_back(std::move(entry));
    c.gateway_ids.push_back(vpc->id);
  }
  for (const Resource* cgw : ordered(resources, Kind::CustomerGateway, scope)) {
    nlohmann::json entry = cgw->doc;
    entry["name"] = cgw->name;
    customer_gateways.push_back(std::move(entry));
    c.customer_gateway_ids.push_back(cgw->id);
  }
  for (const Resource* t : ordered(resources, Kind::Tunnel, scope)) {
    nlohmann::json entry = t->doc;
    entry["name"] = t->name;
    // References are stored as ids; the document names them as the file would.
    for (const char* key : {"gateway", "customer_gateway"}) {
      if (const Resource* target = find(resources, refOf(*t, key))) {
        entry[key] = target->name;
      }
    }
    tunnels.push_back(std::move(entry));
    c.tunnel_ids.push_back(t->id);
  }
  c.doc = {{"gateways", std::move(gateways)},
           {"customer_gateways", std::move(customer_gateways)},
           {"tunnels", std::move(tunnels)}};
  return c;
}

// Splits "tunnels[3].ike.lifetime" into ("tunnels", 3, "ike.lifetime").
bool splitPath(const std::string& path, std::string& list, size_t& index, std::string& rest) {
  size_t open = path.find('[');
  size_t close = path.find(']');
  if (open == std::string::npos || close == std::string::npos || close < open) {
    return false;
  }
  list = path.substr(0, open);
  auto [p, ec] = std::from_chars(path.data() + open + 1, path.data() + close, index);
  if (ec != std::errc() || p != path.data() + close) {
    return false;
  }
  rest = path.substr(close + 1);
  if (!rest.empty() && rest.front() == '.') {
    rest.erase(0, 1);
  }
  return true;
}

bool startsWith(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::vector<FieldError> mapErrors(const std::vector<config::ConfigError>& errors,
                                  const Candidate& c, const ResourceMap& resources) {
  std::vector<FieldError> out;
  for (const auto& e : errors) {
    FieldError fe{"", e.field, e.value, e.rule};
    std::string list;
    std::string rest;
    size_t index = 0;
    if (splitPath(e.field, list, index, rest)) {
      const std::vector<std::string>* ids = list == "gateways"            ? &c.gateway_ids
                                            : list == "customer_gateways" ? &c.customer_gateway_ids
                                            : list == "tunnels"           ? &c.tunnel_ids
                                                                          : nullptr;
      if (ids != nullptr && index < ids->size()) {
        fe.resource = (*ids)[index];
        fe.field = rest;
        const Resource* r = find(resources, fe.resource);
        if (r != nullptr && r->kind == Kind::Vpc && startsWith(rest, "vpc_subnets")) {
          fe.field = "subnets" + rest.substr(std::string_view("vpc_subnets").size());
        } else if (r != nullptr && r->kind == Kind::Gateway && r->doc.contains("vpc") &&
                   startsWith(rest, "vpc_subnets")) {
          continue;  // the VPC's own check entry reports the same problem on the VPC
        }
      }
    }
    if (std::find(out.begin(), out.end(), fe) == out.end()) {
      out.push_back(std::move(fe));
    }
  }
  return out;
}

}  // namespace

nlohmann::json effectiveGatewayDoc(const Resource& gateway, const ResourceMap& resources) {
  nlohmann::json doc = gateway.doc;
  if (auto it = doc.find("vpc"); it != doc.end()) {
    const Resource* vpc = it->is_string() ? find(resources, it->get<std::string>()) : nullptr;
    doc.erase(it);
    if (vpc != nullptr && vpc->doc.contains("subnets")) {
      doc["vpc_subnets"] = vpc->doc.at("subnets");
    }
  }
  return doc;
}

std::string tunnelFingerprint(const Resource& tunnel, const ResourceMap& resources) {
  nlohmann::json fp = {{"tunnel", tunnel.doc}};
  if (const Resource* gw = find(resources, refOf(tunnel, "gateway"))) {
    fp["gateway"] = effectiveGatewayDoc(*gw, resources);
  }
  if (const Resource* cgw = find(resources, refOf(tunnel, "customer_gateway"))) {
    fp["customer_gateway"] = cgw->doc;
  }
  return fp.dump();
}

std::set<std::string> validationScope(const ResourceMap& resources,
                                      const std::set<std::string>& changed) {
  std::set<std::string> gateways;
  std::set<std::string> customer_gateways;
  std::set<std::string> vpcs;
  std::set<std::string> tunnels;
  for (const auto& id : changed) {
    const Resource* r = find(resources, id);
    if (r == nullptr) {
      continue;
    }
    switch (r->kind) {
      case Kind::Vpc:
        vpcs.insert(id);
        break;
      case Kind::Gateway:
        gateways.insert(id);
        break;
      case Kind::CustomerGateway:
        customer_gateways.insert(id);
        break;
      case Kind::Tunnel:
        tunnels.insert(id);
        break;
    }
  }
  for (const auto& [id, r] : resources) {
    if (r.kind == Kind::Gateway && vpcs.count(refOf(r, "vpc")) > 0) {
      gateways.insert(id);
    }
  }
  // Tunnels on a changed gateway or customer gateway, then every tunnel sharing a gateway or
  // customer gateway with one of those (limits, subnet pairs and phase-1 sharing).
  std::set<std::string> touched_gw = gateways;
  std::set<std::string> touched_cgw = customer_gateways;
  for (const auto& id : tunnels) {
    const Resource& t = resources.at(id);
    touched_gw.insert(refOf(t, "gateway"));
    touched_cgw.insert(refOf(t, "customer_gateway"));
  }
  for (const auto& [id, r] : resources) {
    if (r.kind == Kind::Tunnel && (touched_gw.count(refOf(r, "gateway")) > 0 ||
                                   touched_cgw.count(refOf(r, "customer_gateway")) > 0)) {
      tunnels.insert(id);
    }
  }
  std::set<std::string> scope;
  scope.insert(vpcs.begin(), vpcs.end());
  scope.insert(gateways.begin(), gateways.end());
  scope.insert(customer_gateways.begin(), customer_gateways.end());
  for (const auto& id : tunnels) {
    const Resource& t = resources.at(id);
    scope.insert(id);
    for (const char* key : {"gateway", "customer_gateway"}) {
      if (find(resources, refOf(t, key)) != nullptr) {
        scope.insert(refOf(t, key));
      }
    }
  }
  return scope;
}

namespace {

// The JSON document as the YAML tree the loader walks (what parsing its text would give:
// scalars as their text, JSON null as YAML null).
YAML::Node toYaml(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      YAML::Node node(YAML::NodeType::Map);
      for (const auto& [key, value] : j.items()) {
        node[key] = toYaml(value);
      }
      return node;
    }
    case nlohmann::json::value_t::array: {
      YAML::Node node(YAML::NodeType::Sequence);
      for (const auto& value : j) {
        node.push_back(toYaml(value));
      }
      return node;
    }
    case nlohmann::json::value_t::string:
      return YAML::Node(j.get<std::string>());
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return YAML::Node(YAML::NodeType::Null);
    default:
      return YAML::Node(j.dump());  // numbers and booleans as JSON (and YAML) writes them
  }
}

}  // namespace

ValidationResult validateResources(const ResourceMap& resources, const std::set<std::string>* scope,
                                   const config::LoadOptions& limits) {
  Candidate c = buildCandidate(resources, scope);
  auto loaded = config::parseConfigTree(toYaml(c.doc), limits);
  if (auto* errors = std::get_if<std::vector<config::ConfigError>>(&loaded)) {
    auto mapped = mapErrors(*errors, c, resources);
    if (mapped.empty()) {
      // Every error was a duplicate of a VPC entry's; cannot happen without those entries,
      // but a refusal must never come back empty.
      mapped.push_back(FieldError{"", "", "", "the configuration is invalid"});
    }
    return mapped;
  }
  auto& config = std::get<ike::Config>(loaded);
  std::map<std::string, std::string> gateway_id_by_name;
  std::map<std::string, std::string> cgw_id_by_name;
  ParsedEntries out;
  for (size_t i = 0; i < config.gateways.size() && i < c.gateway_ids.size(); ++i) {
    const std::string& id = c.gateway_ids[i];
    if (resources.at(id).kind != Kind::Gateway) {
      continue;  // a VPC check entry
    }
    auto gw = std::move(config.gateways[i]);
    gateway_id_by_name[gw.name] = id;
    gw.name = id;
    out.gateways.emplace(id, std::move(gw));
  }
  for (size_t i = 0; i < config.customer_gateways.size(); ++i) {
    const std::string& id = c.customer_gateway_ids[i];
    auto cgw = std::move(config.customer_gateways[i]);
    cgw_id_by_name[cgw.name] = id;
    cgw.name = id;
    out.customer_gateways.emplace(id, std::move(cgw));
  }
  for (size_t i = 0; i < config.tunnels.size(); ++i) {
    const std::string& id = c.tunnel_ids[i];
    auto t = std::move(config.tunnels[i]);
    t.name = id;
    t.gateway = gateway_id_by_name.at(t.gateway);
    t.customer_gateway = cgw_id_by_name.at(t.customer_gateway);
    out.tunnels.emplace(id, std::move(t));
  }
  return out;
}

}  // namespace vpngw::api
