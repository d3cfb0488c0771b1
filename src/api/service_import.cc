// ApiService: configuration files upserted into a tenant (serve --config, vpngw apply -f).
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <iterator>

#include "api/service.h"
#include "config/loader.h"
#include "store/secrets.h"

namespace vpngw::api {

namespace {

using store::Kind;
using store::Resource;

// Plain YAML scalars become JSON numbers and booleans where the file meant them (so stored
// documents read naturally); quoted scalars, and digits with a leading zero or too many to be
// a setting (a numeric PSK), stay strings. The loader reads every scalar as text, so either
// form validates the same.
nlohmann::json toJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& kv : node) {
        out[kv.first.Scalar()] = toJson(kv.second);
      }
      return out;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) {
        out.push_back(toJson(item));
      }
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (node.Tag() == "!") {
        return s;
      }
      if (!s.empty() && s.size() <= 9 && (s == "0" || s[0] != '0') &&
          std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::stoll(s);
      }
      if (s == "true" || s == "True" || s == "TRUE") {
        return true;
      }
      if (s == "false" || s == "False" || s == "FALSE") {
        return false;
      }
      return s;
    }
    default:
      return nullptr;
  }
}

struct FileEntry {
  Kind kind;
  std::string name;
  nlohmann::json doc;
};

nlohmann::json summaryItem(const Resource& r) {
  return {{"kind", store::kindName(r.kind)}, {"id", r.id}, {"name", r.name}};
}

}  // namespace

std::variant<nlohmann::json, ApiError> ApiService::applyText(const std::string& tenant_id,
                                                             std::string_view text, bool prune) {
  // The file on its own first, with its own paths in the errors.
  auto loaded = config::parseConfig(text, options_.limits);
  if (auto* errors = std::get_if<std::vector<config::ConfigError>>(&loaded)) {
    ApiError e{422, {}};
    for (const auto& ce : *errors) {
      e.errors.push_back(FieldError{"", ce.field, ce.value, ce.rule});
    }
    return e;
  }
  const YAML::Node root = YAML::Load(std::string(text));  // parsed above: cannot throw
  std::vector<FileEntry> entries;
  const std::pair<const char*, Kind> sections[] = {{"gateways", Kind::Gateway},
                                                   {"customer_gateways", Kind::CustomerGateway},
                                                   {"tunnels", Kind::Tunnel}};
  for (const auto& [key, kind] : sections) {
    if (!root[key] || !root[key].IsSequence()) {
      continue;
    }
    for (const auto& item : root[key]) {
      nlohmann::json doc = toJson(item);
      std::string name = doc.at("name").get<std::string>();
      doc.erase("name");
      entries.push_back(FileEntry{kind, std::move(name), std::move(doc)});
    }
  }

  const TenantState& t = tenants_.at(tenant_id);
  for (const auto& e : entries) {
    if (auto problem = nameProblem(e.name)) {
      return ApiError::one(422, std::string(store::kindName(e.kind)) + "s", e.name, *problem);
    }
  }
  // Ids of the file's gateways and customer gateways, existing or new.
  std::map<std::pair<Kind, std::string>, std::string> ids;
  Plan plan;
  plan.validate_all = true;
  nlohmann::json created = nlohmann::json::array();
  nlohmann::json updated = nlohmann::json::array();
  nlohmann::json unchanged = nlohmann::json::array();
  nlohmann::json deleted = nlohmann::json::array();
  const int64_t now = nowMs();
  for (auto& e : entries) {
    const Resource* existing = resolve(t, e.kind, e.name);
    if (existing != nullptr && existing->status == store::kStatusDeleting) {
      return ApiError::one(409, std::string(store::kindName(e.kind)), e.name,
                           "is being deleted; apply again once it is gone");
    }
    if (e.kind == Kind::Tunnel) {
      for (auto [key, target] : {std::pair{"gateway", Kind::Gateway},
                                 std::pair{"customer_gateway", Kind::CustomerGateway}}) {
        e.doc[key] = ids.at({target, e.doc.at(key).get<std::string>()});
      }
    }
    Resource r;
    if (existing != nullptr) {
      r = *existing;
      if (r.doc == e.doc) {
        unchanged.push_back(summaryItem(r));
      } else {
        r.doc = e.doc;
        r.updated_ms = now;
        updated.push_back(summaryItem(r));
        plan.upserts.push_back(r);
      }
    } else {
      r.id = store::newResourceId(e.kind);
      r.tenant_id = tenant_id;
      r.kind = e.kind;
      r.name = e.name;
      r.doc = e.doc;
      r.status = std::string(store::kStatusCreating);
      r.created_ms = r.updated_ms = now;
      created.push_back(summaryItem(r));
      plan.upserts.push_back(r);
    }
    ids[{e.kind, e.name}] = r.id;
  }
  if (prune) {
    // VPCs cannot be written in a file, so they are never pruned.
    std::set<std::string> removing;
    for (const auto& [id, r] : t.resources) {
      if (r.kind != Kind::Vpc && r.status != store::kStatusDeleting &&
          ids.count({r.kind, r.name}) == 0) {
        removing.insert(id);
      }
    }
    for (const auto& id : removing) {
      if (auto e = checkDeletable(t, t.resources.at(id), removing)) {
        return *e;
      }
      plan.removals.push_back(id);
      deleted.push_back(summaryItem(t.resources.at(id)));
    }
  }
  if (!plan.upserts.empty() || !plan.removals.empty()) {
    auto done = execute(tenant_id, std::move(plan));
    if (auto* e = std::get_if<ApiError>(&done)) {
      return *e;
    }
  }
  return nlohmann::json{
      {"created", created}, {"updated", updated}, {"deleted", deleted}, {"unchanged", unchanged}};
}

Reply ApiService::applyConfig(const Caller& caller, std::string_view yaml_text, bool prune) {
  std::lock_guard write(write_mu_);
  if (tenantFor(caller) == nullptr) {
    return Reply::error(
        ApiError::one(401, "Authorization", "<redacted>", "names a tenant that no longer exists"));
  }
  auto result = applyText(caller.tenant_id, yaml_text, prune);
  if (auto* e = std::get_if<ApiError>(&result)) {
    return Reply::error(*e);
  }
  return Reply::json(200, std::get<nlohmann::json>(result));
}

Result<nlohmann::json> ApiService::applyConfigFile(const std::string& path, bool prune) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return makeError(path + ": cannot read file");
  }
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::lock_guard write(write_mu_);
  const TenantState* t = findTenant(kDefaultTenant);
  if (t == nullptr) {
    return makeError("the default tenant is missing: call start() first");
  }
  auto result = applyText(t->tenant.id, text, prune);
  if (auto* e = std::get_if<ApiError>(&result)) {
    std::string message = path + ":";
    for (const auto& fe : e->errors) {
      message += "\n  " + (fe.resource.empty() ? "" : fe.resource + ".") + describe(fe);
    }
    return makeError(message);
  }
  return std::get<nlohmann::json>(result);
}

}  // namespace vpngw::api
