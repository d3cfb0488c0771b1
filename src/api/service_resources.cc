// ApiService: requests on resources (create, get, list, update, delete, tunnel operations).
#include <algorithm>
#include <set>

#include "api/service.h"
#include "store/secrets.h"

namespace vpngw::api {

namespace {

using store::Kind;
using store::Resource;

constexpr size_t kMaxRemarkLength = 256;
constexpr size_t kMaxBatch = 1000;

std::string humanKind(Kind kind) {
  switch (kind) {
    case Kind::Vpc:
      return "VPC";
    case Kind::Gateway:
      return "VPN gateway";
    case Kind::CustomerGateway:
      return "customer gateway";
    case Kind::Tunnel:
      return "tunnel";
  }
  return "resource";
}

// Fields the service computes; a request may not set them.
const std::set<std::string>& readOnlyFields() {
  static const std::set<std::string> kFields{
      "id",           "status",        "created_at",        "updated_at",
      "tunnel_count", "gateway_count", "connection_status", "health",
      "connection"};
  return kFields;
}

ApiError notFound(Kind kind, const std::string& ref, std::string field = "id") {
  return ApiError::one(404, std::move(field), ref,
                       "does not name a " + humanKind(kind) + " of this tenant");
}

std::string joinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    out += (out.empty() ? "" : ", ") + id;
  }
  return out;
}

}  // namespace

std::variant<Resource, ApiError> ApiService::lookup(const Caller& caller, Kind kind,
                                                    const std::string& ref) const {
  std::shared_lock lock(state_mu_);
  const TenantState* t = tenantFor(caller);
  const Resource* r = t == nullptr ? nullptr : resolve(*t, kind, ref);
  if (r == nullptr) {
    return notFound(kind, ref);
  }
  return *r;
}

nlohmann::json ApiService::viewOf(const std::string& tenant_id, const Resource& r) const {
  nlohmann::json connection = r.kind == Kind::Tunnel ? hooks_.tunnelStatus(r.id) : nullptr;
  static const ResourceMap kNone;
  std::shared_lock lock(state_mu_);
  auto it = tenants_.find(tenant_id);
  // Both branches lvalues: a prvalue in one would copy the tenant's whole resource map.
  const ResourceMap& resources = it == tenants_.end() ? kNone : it->second.resources;
  return resourceView(r, resources, connection);
}

std::variant<Resource, ApiError> ApiService::resourceFromBody(const TenantState& t, Kind kind,
                                                              const nlohmann::json& body,
                                                              const Resource* existing) {
  if (!body.is_object()) {
    return ApiError::one(400, "", "", "the body must be a JSON object");
  }
  Resource r;
  if (existing != nullptr) {
    r = *existing;
  } else {
    r.id = store::newResourceId(kind);
    r.tenant_id = t.tenant.id;
    r.kind = kind;
    r.created_ms = nowMs();
    r.status = std::string(store::kStatusCreating);
  }
  r.updated_ms = nowMs();
  nlohmann::json rest = nlohmann::json::object();
  for (const auto& [key, value] : body.items()) {
    if (readOnlyFields().count(key) > 0) {
      return ApiError::one(422, key, value.is_string() ? value.get<std::string>() : value.dump(),
                           "is read-only: the service sets it");
    }
    if (key == "name") {
      if (!value.is_string()) {
        return ApiError::one(422, "name", value.dump(), "must be a string");
      }
      std::string name = value.get<std::string>();
      if (auto problem = nameProblem(name)) {
        return ApiError::one(422, "name", name, *problem);
      }
      const Resource* other = resolve(t, kind, name);
      if (other != nullptr && other->id != r.id) {
        return ApiError::one(409, "name", name,
                             "is already used by " + humanKind(kind) + " " + other->id +
                                 " (names are unique within a tenant)");
      }
      r.name = std::move(name);
    } else if (key == "remark") {
      if (!value.is_null() && !value.is_string()) {
        return ApiError::one(422, "remark", value.dump(), "must be a string");
      }
      std::string remark = value.is_null() ? "" : value.get<std::string>();
      if (remark.size() > kMaxRemarkLength) {
        return ApiError::one(422, "remark", remark.substr(0, 32) + "...",
                             "is too long (" + std::to_string(remark.size()) +
                                 " bytes): a remark may have at most 256");
      }
      r.remark = std::move(remark);
    } else {
      rest[key] = value;
    }
  }
  if (existing == nullptr && !body.contains("name")) {
    return ApiError::one(422, "name", "", "is required but missing");
  }
  if (kind == Kind::Vpc) {
    for (const auto& [key, value] : rest.items()) {
      if (key != "subnets") {
        return ApiError::one(422, key, "", "is not a known field (allowed: name, remark, subnets)");
      }
    }
  }
  // References take an id or a name within the tenant; they are stored as ids.
  std::vector<std::pair<std::string, Kind>> refs;
  if (kind == Kind::Gateway) {
    refs = {{"vpc", Kind::Vpc}};
  } else if (kind == Kind::Tunnel) {
    refs = {{"gateway", Kind::Gateway}, {"customer_gateway", Kind::CustomerGateway}};
  }
  for (const auto& [key, target_kind] : refs) {
    auto it = rest.find(key);
    if (it == rest.end() || it->is_null()) {
      continue;
    }
    if (!it->is_string()) {
      return ApiError::one(422, key, it->dump(),
                           "must be the id or name of a " + humanKind(target_kind));
    }
    const Resource* target = resolve(t, target_kind, it->get<std::string>());
    if (target == nullptr || target->status == store::kStatusDeleting) {
      return ApiError::one(422, key, it->get<std::string>(),
                           "does not name a " + humanKind(target_kind) + " of this tenant");
    }
    *it = target->id;
  }
  nlohmann::json doc = existing != nullptr ? existing->doc : nlohmann::json::object();
  if (existing != nullptr && kind == Kind::Gateway) {
    // Switching between a VPC reference and inline subnets replaces the other.
    auto given = [&](const char* k) { return rest.contains(k) && !rest[k].is_null(); };
    if (given("vpc") && !rest.contains("vpc_subnets")) {
      doc.erase("vpc_subnets");
    }
    if (given("vpc_subnets") && !rest.contains("vpc")) {
      doc.erase("vpc");
    }
  }
  doc.merge_patch(rest);  // RFC 7386: null removes a field; maps (ike, ipsec, dpd) merge
  if (kind == Kind::Gateway && doc.contains("vpc") && doc.contains("vpc_subnets")) {
    return ApiError::one(422, "vpc", doc["vpc"].get<std::string>(),
                         "is given together with vpc_subnets: a gateway takes either a VPC "
                         "(id or name) or inline vpc_subnets, not both");
  }
  if (kind == Kind::Tunnel && !doc.contains("psk")) {
    doc["psk"] = store::newPsk();  // spec §2: generated at random when none is given
  }
  r.doc = std::move(doc);
  return r;
}

Reply ApiService::create(const Caller& caller, Kind kind, const nlohmann::json& body) {
  // Group commit: concurrent creates of one tenant queue up; whoever holds write_mu_ next
  // validates, stores and applies the whole queue as one change (one validation of the
  // shared scope, one transaction, one engine reload) instead of one each.
  auto job = std::make_shared<CreateJob>();
  job->tenant_id = caller.tenant_id;
  job->kind = kind;
  job->body = &body;
  {
    std::lock_guard queue(create_mu_);
    create_queue_.push_back(job);
  }
  {
    std::lock_guard write(write_mu_);
    if (!job->done) {
      std::vector<std::shared_ptr<CreateJob>> batch;
      {
        std::lock_guard queue(create_mu_);
        for (auto it = create_queue_.begin(); it != create_queue_.end();) {
          if ((*it)->tenant_id == job->tenant_id && batch.size() < kMaxCreateBatch) {
            batch.push_back(std::move(*it));
            it = create_queue_.erase(it);
          } else {
            ++it;
          }
        }
      }
      runCreates(batch);
    }
  }
  if (job->error) {
    return Reply::error(*job->error);
  }
  return Reply::json(201, viewOf(caller.tenant_id, job->created));
}

void ApiService::createOne(CreateJob& job) {
  job.done = true;
  const TenantState* t = tenantFor(Caller{job.tenant_id, false});
  if (t == nullptr) {
    job.error =
        ApiError::one(401, "Authorization", "<redacted>", "names a tenant that no longer exists");
    return;
  }
  auto r = resourceFromBody(*t, job.kind, *job.body, nullptr);
  if (auto* e = std::get_if<ApiError>(&r)) {
    job.error = std::move(*e);
    return;
  }
  Plan plan;
  plan.upserts.push_back(std::move(std::get<Resource>(r)));
  auto done = execute(job.tenant_id, std::move(plan));
  if (auto* e = std::get_if<ApiError>(&done)) {
    job.error = std::move(*e);
    return;
  }
  job.created = std::get<std::vector<Resource>>(done).front();
}

void ApiService::runCreates(const std::vector<std::shared_ptr<CreateJob>>& batch) {
  if (batch.size() > 1) {
    // Optimistic: all of them as one change. Anything that refuses (a body error, a reference
    // to a resource of the same batch, two bodies with one name, a rule between them) makes
    // the jobs run one by one below, so every client gets exactly the answer it would get
    // alone.
    const TenantState* t = tenantFor(Caller{batch.front()->tenant_id, false});
    Plan plan;
    bool whole = t != nullptr;
    for (size_t i = 0; whole && i < batch.size(); ++i) {
      auto r = resourceFromBody(*t, batch[i]->kind, *batch[i]->body, nullptr);
      if (std::holds_alternative<ApiError>(r)) {
        whole = false;
      } else {
        plan.upserts.push_back(std::move(std::get<Resource>(r)));
      }
    }
    if (whole) {
      std::vector<std::string> ids;
      for (const auto& u : plan.upserts) {
        ids.push_back(u.id);
      }
      auto done = execute(batch.front()->tenant_id, std::move(plan));
      if (auto* stored = std::get_if<std::vector<Resource>>(&done)) {
        for (size_t i = 0; i < batch.size(); ++i) {
          batch[i]->done = true;
          for (const auto& r : *stored) {
            if (r.id == ids[i]) {
              batch[i]->created = r;
            }
          }
        }
        return;
      }
    }
  }
  for (const auto& job : batch) {
    createOne(*job);
  }
}

// Creation order without a search: only the requested page's views are built (and only its
// tunnels' connection status fetched), so a page costs the same with 20 or 2000 resources.
Reply ApiService::listPage(const Caller& caller, Kind kind, const ListQuery& query) const {
  std::vector<std::pair<int64_t, std::string>> order;
  size_t total = 0;
  std::vector<store::Resource> page;
  {
    std::shared_lock lock(state_mu_);
    if (const TenantState* t = tenantFor(caller)) {
      for (const auto& [id, r] : t->resources) {
        if (r.kind == kind) {
          order.emplace_back(r.seq, id);
        }
      }
      std::sort(order.begin(), order.end());
      total = order.size();
      const size_t first = std::min(total, (query.page - 1) * query.per_page);
      const size_t last = std::min(total, first + query.per_page);
      for (size_t i = first; i < last; ++i) {
        page.push_back(t->resources.at(order[i].second));
      }
    }
  }
  nlohmann::json items = nlohmann::json::array();
  for (const store::Resource& r : page) {
    items.push_back(viewOf(caller.tenant_id, r));  // outside the lock: see viewOf()
  }
  return Reply::json(200, {{"items", std::move(items)},
                           {"total", total},
                           {"page", query.page},
                           {"per_page", query.per_page}});
}

Reply ApiService::get(const Caller& caller, Kind kind, const std::string& ref) const {
  auto r = lookup(caller, kind, ref);
  if (auto* e = std::get_if<ApiError>(&r)) {
    return Reply::error(*e);
  }
  return Reply::json(200, viewOf(caller.tenant_id, std::get<Resource>(r)));
}

Reply ApiService::list(const Caller& caller, Kind kind, const ListQuery& query) const {
  if (query.q.empty() && query.sort.empty() && !query.csv) {
    return listPage(caller, kind, query);
  }
  std::vector<std::string> tunnels;
  {
    std::shared_lock lock(state_mu_);
    if (const TenantState* t = tenantFor(caller); t != nullptr && kind == Kind::Tunnel) {
      for (const auto& [id, r] : t->resources) {
        if (r.kind == Kind::Tunnel) {
          tunnels.push_back(id);
        }
      }
    }
  }
  std::map<std::string, nlohmann::json> connections;
  for (const auto& id : tunnels) {
    connections[id] = hooks_.tunnelStatus(id);  // outside the lock: the engine may block
  }
  std::vector<std::pair<int64_t, nlohmann::json>> views;
  {
    std::shared_lock lock(state_mu_);
    if (const TenantState* t = tenantFor(caller)) {
      for (const auto& [id, r] : t->resources) {
        if (r.kind == kind) {
          auto c = connections.find(id);
          views.emplace_back(
              r.seq,
              resourceView(r, t->resources, c == connections.end() ? nlohmann::json() : c->second));
        }
      }
    }
  }
  auto selected = selectViews(std::move(views), query);
  if (query.csv) {
    return Reply::plain(200, toCsv(selected, kind), "text/csv; charset=utf-8");
  }
  const size_t total = selected.size();
  const size_t first = std::min(total, (query.page - 1) * query.per_page);
  const size_t last = std::min(total, first + query.per_page);
  nlohmann::json items = nlohmann::json::array();
  for (size_t i = first; i < last; ++i) {
    items.push_back(std::move(selected[i]));
  }
  return Reply::json(200, {{"items", std::move(items)},
                           {"total", total},
                           {"page", query.page},
                           {"per_page", query.per_page}});
}

Reply ApiService::update(const Caller& caller, Kind kind, const std::string& ref,
                         const nlohmann::json& body) {
  Resource updated;
  {
    std::lock_guard write(write_mu_);
    const TenantState* t = tenantFor(caller);
    const Resource* existing = t == nullptr ? nullptr : resolve(*t, kind, ref);
    if (existing == nullptr || existing->status == store::kStatusDeleting) {
      return Reply::error(notFound(kind, ref));
    }
    auto r = resourceFromBody(*t, kind, body, existing);
    if (auto* e = std::get_if<ApiError>(&r)) {
      return Reply::error(*e);
    }
    Plan plan;
    plan.upserts.push_back(std::move(std::get<Resource>(r)));
    auto done = execute(caller.tenant_id, std::move(plan));
    if (auto* e = std::get_if<ApiError>(&done)) {
      return Reply::error(*e);
    }
    updated = std::get<std::vector<Resource>>(done).front();
  }
  return Reply::json(200, viewOf(caller.tenant_id, updated));
}

std::optional<ApiError> ApiService::checkDeletable(const TenantState& t, const Resource& r,
                                                   const std::set<std::string>& also) const {
  const char* key = r.kind == Kind::Gateway           ? "gateway"
                    : r.kind == Kind::CustomerGateway ? "customer_gateway"
                    : r.kind == Kind::Vpc             ? "vpc"
                                                      : nullptr;
  if (key == nullptr) {
    return std::nullopt;
  }
  std::vector<std::string> users;
  for (const auto& [id, other] : t.resources) {
    auto it = other.doc.find(key);
    if (other.kind != r.kind && it != other.doc.end() && it->is_string() && *it == r.id &&
        also.count(id) == 0) {
      users.push_back(id);
    }
  }
  if (users.empty()) {
    return std::nullopt;
  }
  std::string what = r.kind == Kind::Vpc ? "VPN gateways" : "tunnels";
  return ApiError::one(409, "id", r.id,
                       "still has " + std::to_string(users.size()) + " " + what + " (" +
                           joinIds(users) + "): a " + humanKind(r.kind) + " with " + what +
                           " cannot be deleted; delete them first");
}

Reply ApiService::remove(const Caller& caller, Kind kind, const std::string& ref) {
  std::lock_guard write(write_mu_);
  const TenantState* t = tenantFor(caller);
  const Resource* r = t == nullptr ? nullptr : resolve(*t, kind, ref);
  if (r == nullptr || r->status == store::kStatusDeleting) {
    return Reply::error(notFound(kind, ref));
  }
  if (auto e = checkDeletable(*t, *r, {})) {
    return Reply::error(*e);
  }
  Plan plan;
  plan.removals.push_back(r->id);
  auto done = execute(caller.tenant_id, std::move(plan));
  if (auto* e = std::get_if<ApiError>(&done)) {
    return Reply::error(*e);
  }
  Reply reply;
  reply.status = 204;
  return reply;
}

Reply ApiService::batchRemove(const Caller& caller, Kind kind, const nlohmann::json& body) {
  if (!body.is_object()) {
    return Reply::error(ApiError::one(400, "", "", "the body must be a JSON object"));
  }
  for (const auto& [key, value] : body.items()) {
    if (key != "ids") {
      return Reply::error(ApiError::one(422, key, "", "is not a known field (allowed: ids)"));
    }
  }
  auto ids = body.find("ids");
  if (ids == body.end() || !ids->is_array() || ids->empty() || ids->size() > kMaxBatch) {
    return Reply::error(ApiError::one(422, "ids", ids == body.end() ? "" : ids->dump(),
                                      "must be a list of 1-1000 ids or names"));
  }
  std::lock_guard write(write_mu_);
  const TenantState* t = tenantFor(caller);
  if (t == nullptr) {
    return Reply::error(notFound(kind, ""));
  }
  ApiError missing{404, {}};
  std::vector<std::string> resolved;
  for (size_t i = 0; i < ids->size(); ++i) {
    const auto& item = (*ids)[i];
    const std::string field = "ids[" + std::to_string(i) + "]";
    const Resource* r = item.is_string() ? resolve(*t, kind, item.get<std::string>()) : nullptr;
    if (r == nullptr || r->status == store::kStatusDeleting) {
      missing.errors.push_back(
          notFound(kind, item.is_string() ? item.get<std::string>() : item.dump(), field)
              .errors.front());
    } else if (std::find(resolved.begin(), resolved.end(), r->id) == resolved.end()) {
      resolved.push_back(r->id);
    }
  }
  if (!missing.errors.empty()) {
    return Reply::error(missing);
  }
  ApiError conflicts{409, {}};
  std::set<std::string> batch(resolved.begin(), resolved.end());
  for (const auto& id : resolved) {
    if (auto e = checkDeletable(*t, t->resources.at(id), batch)) {
      conflicts.errors.push_back(e->errors.front());
    }
  }
  if (!conflicts.errors.empty()) {
    return Reply::error(conflicts);
  }
  Plan plan;
  plan.removals = resolved;
  auto done = execute(caller.tenant_id, std::move(plan));
  if (auto* e = std::get_if<ApiError>(&done)) {
    return Reply::error(*e);
  }
  return Reply::json(200, {{"deleted", resolved}});
}

Reply ApiService::resetTunnel(const Caller& caller, const std::string& ref) {
  auto r = lookup(caller, Kind::Tunnel, ref);
  if (auto* e = std::get_if<ApiError>(&r)) {
    return Reply::error(*e);
  }
  const std::string id = std::get<Resource>(r).id;
  hooks_.reset(id);
  return Reply::json(202, {{"id", id}, {"reset", "requested"}});
}

Reply ApiService::diagnoseTunnel(const Caller& caller, const std::string& ref) const {
  auto r = lookup(caller, Kind::Tunnel, ref);
  if (auto* e = std::get_if<ApiError>(&r)) {
    return Reply::error(*e);
  }
  const Resource& tunnel = std::get<Resource>(r);
  return Reply::json(
      200, {{"id", tunnel.id}, {"name", tunnel.name}, {"diagnosis", hooks_.diagnose(tunnel.id)}});
}

Reply ApiService::tunnelConfig(const Caller& caller, const std::string& ref,
                               const std::string& format) const {
  auto r = lookup(caller, Kind::Tunnel, ref);
  if (auto* e = std::get_if<ApiError>(&r)) {
    return Reply::error(*e);
  }
  if (renderer_ == nullptr) {
    return Reply::error(ApiError::one(
        501, "format", format,
        "cannot be rendered: peer configuration download is not available in this build yet"));
  }
  const Resource& tunnel = std::get<Resource>(r);
  PeerConfigInput input;
  {
    std::shared_lock lock(state_mu_);
    auto t = parsed_.tunnels.find(tunnel.id);
    if (t == parsed_.tunnels.end()) {
      return Reply::error(ApiError::one(409, "id", tunnel.id,
                                        "is not applied (its tenant's configuration is invalid)"));
    }
    const auto& resources = tenants_.at(caller.tenant_id).resources;
    input.tunnel = t->second;
    input.gateway = parsed_.gateways.at(input.tunnel.gateway);
    input.customer_gateway = parsed_.customer_gateways.at(input.tunnel.customer_gateway);
    // Renderers see the tenant's names, not the engine's ids.
    input.tunnel.name = tunnel.name;
    input.gateway.name = resources.at(input.tunnel.gateway).name;
    input.customer_gateway.name = resources.at(input.tunnel.customer_gateway).name;
    input.tunnel.gateway = input.gateway.name;
    input.tunnel.customer_gateway = input.customer_gateway.name;
  }
  if (format.empty()) {
    return Reply::error(ApiError::one(
        400, "format", "", "is required (allowed: " + joinIds(renderer_->formats()) + ")"));
  }
  const auto formats = renderer_->formats();
  if (std::find(formats.begin(), formats.end(), format) == formats.end()) {
    return Reply::error(ApiError::one(400, "format", format,
                                      "is not a known format (allowed: " + joinIds(formats) + ")"));
  }
  auto text = renderer_->render(input, format);
  if (!text) {
    // The format cannot express this tunnel (e.g. a DH group the vendor lacks).
    return Reply::error(ApiError::one(422, "format", format, text.error().message));
  }
  return Reply::plain(200, std::move(text.value()), "text/plain; charset=utf-8");
}

}  // namespace vpngw::api
