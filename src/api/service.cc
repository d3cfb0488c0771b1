#include "api/service.h"

#include <algorithm>
#include <chrono>

#include "store/secrets.h"

namespace vpngw::api {

namespace {

using store::Kind;
using store::Resource;

bool iequalsPrefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) {
    return false;
  }
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

// The configuration file's name rule (docs/configuration.md), plus: a name may not look like
// a resource id, because references accept either.
std::optional<std::string> nameProblem(const std::string& name) {
  if (name.empty() || name.size() > 64 || !std::all_of(name.begin(), name.end(), isNameChar)) {
    return "is not a valid name: use 1-64 characters from A-Z a-z 0-9 . _ -";
  }
  if (store::looksLikeResourceId(name) || name.rfind("ten-", 0) == 0) {
    return "looks like a resource id: references accept ids and names, so a name may not";
  }
  return std::nullopt;
}

Reply Reply::json(int status, nlohmann::json body) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Reply Reply::error(const ApiError& error) { return json(error.status, error.toJson()); }

Reply Reply::plain(int status, std::string text, std::string content_type) {
  Reply r;
  r.status = status;
  r.text = std::move(text);
  r.content_type = std::move(content_type);
  return r;
}

ApiService::ApiService(store::Store& store, ServiceHooks& hooks, EventBus& events,
                       ServiceOptions options)
    : store_(store), hooks_(hooks), events_(events), options_(options) {}

int64_t ApiService::nowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void ApiService::setOperatorToken(std::string_view token) {
  operator_hash_ = store::hashToken(token);
}

Result<std::vector<std::string>> ApiService::start() {
  std::lock_guard write(write_mu_);
  auto tenants = store_.loadTenants();
  if (!tenants) {
    return tenants.error();
  }
  auto resources = store_.loadResources();
  if (!resources) {
    return resources.error();
  }
  std::vector<std::string> warnings;
  {
    std::unique_lock lock(state_mu_);
    tenants_.clear();
    tenant_by_token_.clear();
    owner_.clear();
    for (auto& t : *tenants) {
      tenant_by_token_[toHex(t.token_hash)] = t.id;
      std::string id = t.id;
      tenants_[id] = TenantState{std::move(t), {}};
    }
  }
  if (findTenant(kDefaultTenant) == nullptr) {
    // Operated with the operator token; its own token is never handed out.
    store::Tenant t{store::newTenantId(), std::string(kDefaultTenant),
                    store::hashToken(store::newToken()), nowMs()};
    if (auto s = store_.insertTenant(t); !s) {
      return s.error();
    }
    std::unique_lock lock(state_mu_);
    tenant_by_token_[toHex(t.token_hash)] = t.id;
    std::string id = t.id;
    tenants_[id] = TenantState{std::move(t), {}};
  }
  // Deletes that a crash interrupted (acknowledged as deleting) are finished now.
  std::vector<store::Change> finish;
  for (auto& r : *resources) {
    if (r.status == store::kStatusDeleting) {
      finish.push_back({store::Change::Op::Remove, r});
    }
  }
  if (auto s = store_.commit(finish); !s) {
    return s.error();
  }
  {
    std::unique_lock lock(state_mu_);
    for (auto& r : *resources) {
      if (r.status == store::kStatusDeleting) {
        continue;
      }
      auto it = tenants_.find(r.tenant_id);
      if (it == tenants_.end()) {
        continue;  // the foreign key makes this impossible
      }
      owner_[r.id] = r.tenant_id;
      std::string id = r.id;
      it->second.resources[id] = std::move(r);
    }
    parsed_ = {};
    excluded_tenants_.clear();
    applied_.clear();
    for (const auto& [tid, t] : tenants_) {
      auto result = validateResources(t.resources, nullptr, options_.limits);
      if (auto* errors = std::get_if<std::vector<FieldError>>(&result)) {
        excluded_tenants_.insert(tid);
        for (const auto& e : *errors) {
          warnings.push_back("tenant " + t.tenant.name + " (" + tid + ") is not applied: " +
                             (e.resource.empty() ? "" : e.resource + ".") + describe(e));
        }
        continue;
      }
      auto& p = std::get<ParsedEntries>(result);
      parsed_.gateways.merge(p.gateways);
      parsed_.customer_gateways.merge(p.customer_gateways);
      parsed_.tunnels.merge(p.tunnels);
    }
  }
  applyToEngine();
  std::vector<store::Change> running;
  for (const auto& [tid, t] : tenants_) {
    if (excluded_tenants_.count(tid) > 0) {
      continue;
    }
    for (const auto& [id, r] : t.resources) {
      if (r.status == store::kStatusCreating) {
        Resource copy = r;
        copy.status = std::string(store::kStatusRunning);
        running.push_back({store::Change::Op::Update, std::move(copy)});
      }
    }
  }
  if (auto s = store_.commit(running); !s) {
    return s.error();
  }
  std::unique_lock lock(state_mu_);
  for (const auto& c : running) {
    tenants_.at(c.resource.tenant_id).resources.at(c.resource.id).status = c.resource.status;
  }
  return warnings;
}

std::variant<Caller, ApiError> ApiService::authenticate(std::string_view authorization,
                                                        std::string_view tenant_header) const {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.empty()) {
    return ApiError::one(401, "Authorization", "",
                         "is missing: send the header 'Authorization: Bearer <token>'");
  }
  if (!iequalsPrefix(authorization, kScheme)) {
    return ApiError::one(401, "Authorization", "<redacted>",
                         "is not a bearer token: send 'Authorization: Bearer <token>'");
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') {
    token.remove_prefix(1);
  }
  Bytes hash = store::hashToken(token);
  std::shared_lock lock(state_mu_);
  if (!operator_hash_.empty() && constantTimeEqual(view(hash), view(operator_hash_))) {
    const TenantState* t = findTenant(tenant_header.empty() ? kDefaultTenant : tenant_header);
    if (t == nullptr) {
      return ApiError::one(404, "X-Tenant", std::string(tenant_header), "does not name a tenant");
    }
    return Caller{t->tenant.id, true};
  }
  auto it = tenant_by_token_.find(toHex(hash));
  if (token.empty() || it == tenant_by_token_.end()) {
    return ApiError::one(401, "Authorization", "<redacted>", "is not a valid token");
  }
  return Caller{it->second, false};
}

const ApiService::TenantState* ApiService::findTenant(std::string_view ref) const {
  if (auto it = tenants_.find(std::string(ref)); it != tenants_.end()) {
    return &it->second;
  }
  for (const auto& [id, t] : tenants_) {
    if (t.tenant.name == ref) {
      return &t;
    }
  }
  return nullptr;
}

const ApiService::TenantState* ApiService::tenantFor(const Caller& caller) const {
  auto it = tenants_.find(caller.tenant_id);
  return it == tenants_.end() ? nullptr : &it->second;
}

const Resource* ApiService::resolve(const TenantState& t, Kind kind, std::string_view ref) {
  if (auto it = t.resources.find(std::string(ref)); it != t.resources.end()) {
    return it->second.kind == kind ? &it->second : nullptr;
  }
  for (const auto& [id, r] : t.resources) {
    if (r.kind == kind && r.name == ref) {
      return &r;
    }
  }
  return nullptr;
}

namespace {

ApiError operatorOnly() {
  return ApiError::one(403, "Authorization", "<redacted>",
                       "is a tenant token: managing tenants needs the operator token");
}

nlohmann::json tenantJson(const store::Tenant& t, size_t resource_count) {
  return {{"id", t.id},
          {"name", t.name},
          {"created_at", formatTime(t.created_ms)},
          {"resource_count", resource_count}};
}

}  // namespace

Reply ApiService::createTenant(const Caller& caller, const nlohmann::json& body) {
  if (!caller.is_operator) {
    return Reply::error(operatorOnly());
  }
  if (!body.is_object()) {
    return Reply::error(ApiError::one(400, "", body.dump(), "the body must be a JSON object"));
  }
  for (const auto& [key, value] : body.items()) {
    if (key != "name") {
      return Reply::error(ApiError::one(422, key, "", "is not a known field (allowed: name)"));
    }
  }
  auto name_it = body.find("name");
  if (name_it == body.end() || !name_it->is_string()) {
    return Reply::error(ApiError::one(422, "name", name_it == body.end() ? "" : name_it->dump(),
                                      "is required and must be a string"));
  }
  std::string name = name_it->get<std::string>();
  if (auto problem = nameProblem(name)) {
    return Reply::error(ApiError::one(422, "name", name, *problem));
  }
  std::lock_guard write(write_mu_);
  if (const TenantState* other = findTenant(name)) {
    return Reply::error(
        ApiError::one(409, "name", name, "is already used by tenant " + other->tenant.id));
  }
  std::string token = store::newToken();
  store::Tenant t{store::newTenantId(), name, store::hashToken(token), nowMs()};
  if (auto s = store_.insertTenant(t); !s) {
    return Reply::error(
        ApiError::one(500, "", "", "cannot store the tenant: " + s.error().message));
  }
  nlohmann::json out = tenantJson(t, 0);
  out["token"] = token;  // shown once; only its hash is stored
  std::unique_lock lock(state_mu_);
  tenant_by_token_[toHex(t.token_hash)] = t.id;
  std::string id = t.id;
  tenants_[id] = TenantState{std::move(t), {}};
  return Reply::json(201, std::move(out));
}

Reply ApiService::listTenants(const Caller& caller) const {
  if (!caller.is_operator) {
    return Reply::error(operatorOnly());
  }
  std::shared_lock lock(state_mu_);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& [id, t] : tenants_) {
    items.push_back(tenantJson(t.tenant, t.resources.size()));
  }
  std::sort(items.begin(), items.end(),
            [](const auto& a, const auto& b) { return a["created_at"] < b["created_at"]; });
  return Reply::json(200, {{"items", items}, {"total", items.size()}});
}

Reply ApiService::getTenant(const Caller& caller, const std::string& ref) const {
  if (!caller.is_operator) {
    return Reply::error(operatorOnly());
  }
  std::shared_lock lock(state_mu_);
  const TenantState* t = findTenant(ref);
  if (t == nullptr) {
    return Reply::error(ApiError::one(404, "id", ref, "does not name a tenant"));
  }
  return Reply::json(200, tenantJson(t->tenant, t->resources.size()));
}

Reply ApiService::deleteTenant(const Caller& caller, const std::string& ref) {
  if (!caller.is_operator) {
    return Reply::error(operatorOnly());
  }
  std::lock_guard write(write_mu_);
  const TenantState* t = findTenant(ref);
  if (t == nullptr) {
    return Reply::error(ApiError::one(404, "id", ref, "does not name a tenant"));
  }
  if (t->tenant.name == kDefaultTenant) {
    return Reply::error(ApiError::one(409, "id", ref, "is the default tenant, which is kept"));
  }
  if (!t->resources.empty()) {
    return Reply::error(ApiError::one(
        409, "id", ref,
        "still owns " + std::to_string(t->resources.size()) + " resources: delete them first"));
  }
  const std::string id = t->tenant.id;
  if (auto s = store_.removeTenant(id); !s) {
    return Reply::error(
        ApiError::one(500, "", "", "cannot delete the tenant: " + s.error().message));
  }
  std::unique_lock lock(state_mu_);
  tenant_by_token_.erase(toHex(tenants_.at(id).tenant.token_hash));
  tenants_.erase(id);
  excluded_tenants_.erase(id);
  Reply r;
  r.status = 204;
  return r;
}

std::shared_ptr<EventBus::Subscription> ApiService::subscribe(const Caller& caller) {
  return events_.subscribe(caller.tenant_id);
}

void ApiService::onConnectionStatus(const std::string& tunnel_id, const nlohmann::json& status) {
  std::string tenant;
  std::string name;
  {
    std::shared_lock lock(state_mu_);
    auto it = owner_.find(tunnel_id);
    if (it == owner_.end()) {
      return;
    }
    tenant = it->second;
    const auto& resources = tenants_.at(tenant).resources;
    if (auto r = resources.find(tunnel_id); r != resources.end()) {
      name = r->second.name;
    }
  }
  nlohmann::json data = {{"kind", "tunnel"}, {"id", tunnel_id}, {"name", name}};
  if (status.is_object()) {
    data["connection_status"] = status.value("connection_status", "unknown");
    data["health"] = status.value("health", 0);
    data["connection"] = status;
  }
  events_.publish(tenant, Event{"connection", std::move(data)});
}

void ApiService::publish(const std::string& tenant_id, const Resource& r, std::string_view status) {
  events_.publish(
      tenant_id,
      Event{
          "resource",
          {{"kind", store::kindName(r.kind)}, {"id", r.id}, {"name", r.name}, {"status", status}}});
}

void ApiService::applyToEngine() {
  ike::Config config;
  std::map<std::string, std::string> fingerprints;
  std::map<std::string, std::string> names;
  {
    std::shared_lock lock(state_mu_);
    for (const auto& [tid, t] : tenants_) {
      if (excluded_tenants_.count(tid) > 0) {
        continue;
      }
      std::vector<const Resource*> ordered;
      for (const auto& [id, r] : t.resources) {
        if (r.status != store::kStatusDeleting) {
          ordered.push_back(&r);
        }
      }
      std::sort(ordered.begin(), ordered.end(),
                [](const Resource* a, const Resource* b) { return a->seq < b->seq; });
      for (const Resource* r : ordered) {
        if (r->kind == Kind::Gateway) {
          if (auto it = parsed_.gateways.find(r->id); it != parsed_.gateways.end()) {
            config.gateways.push_back(it->second);
          }
        } else if (r->kind == Kind::CustomerGateway) {
          if (auto it = parsed_.customer_gateways.find(r->id);
              it != parsed_.customer_gateways.end()) {
            config.customer_gateways.push_back(it->second);
          }
        } else if (r->kind == Kind::Tunnel) {
          if (auto it = parsed_.tunnels.find(r->id); it != parsed_.tunnels.end()) {
            config.tunnels.push_back(it->second);
            fingerprints[r->id] = tunnelFingerprint(*r, t.resources);
            names[r->id] =
                t.tenant.name == kDefaultTenant ? r->name : t.tenant.name + "/" + r->name;
          }
        }
      }
    }
  }
  ConfigChange change;
  for (const auto& [id, fp] : fingerprints) {
    auto it = applied_.find(id);
    if (it == applied_.end()) {
      change.added.push_back(id);
    } else if (it->second != fp) {
      change.changed.push_back(id);
    }
  }
  for (const auto& [id, fp] : applied_) {
    if (fingerprints.count(id) == 0) {
      change.removed.push_back(id);
    }
  }
  applied_ = std::move(fingerprints);
  change.names = std::move(names);
  hooks_.apply(config, change);
}

ApiService::Executed ApiService::execute(const std::string& tenant_id, Plan plan) {
  TenantState& t = tenants_.at(tenant_id);
  ResourceMap next = t.resources;
  std::set<std::string> changed;
  std::set<std::string> inserted;
  for (auto& r : plan.upserts) {
    if (t.resources.count(r.id) == 0) {
      r.seq = next_pending_seq_++;
      inserted.insert(r.id);
    }
    next[r.id] = r;
    changed.insert(r.id);
  }
  for (const auto& id : plan.removals) {
    next.erase(id);
  }
  std::erase_if(next, [](const auto& e) { return e.second.status == store::kStatusDeleting; });
  const bool all = plan.validate_all || excluded_tenants_.count(tenant_id) > 0;
  std::set<std::string> scope;
  if (!all) {
    scope = validationScope(next, changed);
  }
  auto result = validateResources(next, all ? nullptr : &scope, options_.limits);
  if (auto* errors = std::get_if<std::vector<FieldError>>(&result)) {
    // The changed resources' own problems first.
    std::stable_partition(errors->begin(), errors->end(),
                          [&](const FieldError& e) { return changed.count(e.resource) > 0; });
    return ApiError{422, std::move(*errors)};
  }
  auto& parsed = std::get<ParsedEntries>(result);

  // Phase 1: the change itself, durable before it is acknowledged or applied.
  std::vector<store::Change> phase1;
  for (const auto& r : plan.upserts) {
    phase1.push_back(
        {inserted.count(r.id) > 0 ? store::Change::Op::Insert : store::Change::Op::Update, r});
  }
  for (const auto& id : plan.removals) {
    Resource r = t.resources.at(id);
    r.status = std::string(store::kStatusDeleting);
    r.updated_ms = nowMs();
    phase1.push_back({store::Change::Op::Update, std::move(r)});
  }
  if (auto s = store_.commit(phase1); !s) {
    return ApiError::one(500, "", "", "cannot store the change: " + s.error().message);
  }
  {
    std::unique_lock lock(state_mu_);
    for (auto& c : phase1) {
      t.resources[c.resource.id] = c.resource;
      owner_[c.resource.id] = tenant_id;
    }
    for (const auto& id : plan.removals) {
      parsed_.gateways.erase(id);
      parsed_.customer_gateways.erase(id);
      parsed_.tunnels.erase(id);
    }
    for (auto& [id, g] : parsed.gateways) {
      parsed_.gateways.insert_or_assign(id, std::move(g));
    }
    for (auto& [id, c] : parsed.customer_gateways) {
      parsed_.customer_gateways.insert_or_assign(id, std::move(c));
    }
    for (auto& [id, tc] : parsed.tunnels) {
      parsed_.tunnels.insert_or_assign(id, std::move(tc));
    }
    if (all) {
      excluded_tenants_.erase(tenant_id);
    }
  }
  for (const auto& c : phase1) {
    publish(tenant_id, c.resource, c.resource.status);
  }

  // A rename reaches the engine too (status shows the new name); it reconnects nothing.
  applyToEngine();

  // Phase 2: the engine has it: created ones run, deleted ones go.
  std::vector<store::Change> phase2;
  for (const auto& c : phase1) {
    if (c.op == store::Change::Op::Insert) {
      Resource r = c.resource;
      r.status = std::string(store::kStatusRunning);
      phase2.push_back({store::Change::Op::Update, std::move(r)});
    }
  }
  for (const auto& id : plan.removals) {
    phase2.push_back({store::Change::Op::Remove, t.resources.at(id)});
  }
  // A failure here leaves `creating`/`deleting` rows that start() finishes; the change
  // itself is already durable and applied.
  const bool finished = store_.commit(phase2).ok();
  std::vector<Resource> out;
  {
    std::unique_lock lock(state_mu_);
    if (finished) {
      for (const auto& c : phase2) {
        if (c.op == store::Change::Op::Remove) {
          t.resources.erase(c.resource.id);
          owner_.erase(c.resource.id);
        } else {
          t.resources[c.resource.id].status = c.resource.status;
        }
      }
    }
    for (const auto& r : plan.upserts) {
      out.push_back(t.resources.at(r.id));
    }
  }
  if (finished) {
    for (const auto& c : phase2) {
      publish(tenant_id, c.resource,
              c.op == store::Change::Op::Remove ? std::string_view("deleted")
                                                : std::string_view(c.resource.status));
    }
  }
  return out;
}

}  // namespace vpngw::api
