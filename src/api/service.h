#pragma once
// The service behind the REST API (issue 5), independent of HTTP: tenants and their
// resources, kept in memory and written through to the durable store; every change is
// validated by the configuration loader (api/candidate.h), committed in one transaction, and
// then handed to the daemon (ServiceHooks::apply). Thread-safe: changes are serialised, reads
// run concurrently.
//
// Resource status: a created resource is stored `creating`, becomes `running` once the engine
// has its configuration; a deleted one is stored `deleting`, removed from the engine, then
// removed from the store. start() finishes whatever a crash interrupted.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/api_error.h"
#include "api/candidate.h"
#include "api/event_bus.h"
#include "api/resource_view.h"
#include "api/service_hooks.h"
#include "base/result.h"
#include "config/load_options.h"
#include "store/store.h"

namespace vpngw::api {

// The tenant the configuration file (serve --config) and the operator act on by default.
inline constexpr std::string_view kDefaultTenant = "default";

// Who is calling: the operator (acting on `tenant_id`, chosen with the X-Tenant header) or a
// tenant.
// Problem with a resource or tenant name (the configuration file's rule: 1-64 characters from
// A-Z a-z 0-9 . _ -; and it may not look like an id, as references accept both), if any.
std::optional<std::string> nameProblem(const std::string& name);

struct Caller {
  std::string tenant_id;
  bool is_operator = false;
};

struct Reply {
  int status = 200;
  nlohmann::json body;  // the JSON reply unless `text` is set
  std::string text;     // CSV or a peer configuration
  std::string content_type = "application/json";

  static Reply json(int status, nlohmann::json body);
  static Reply error(const ApiError& error);
  static Reply plain(int status, std::string text, std::string content_type);
};

struct ServiceOptions {
  config::LoadOptions limits;  // the same operator limits as the configuration file
};

class ApiService {
 public:
  ApiService(store::Store& store, ServiceHooks& hooks, EventBus& events,
             ServiceOptions options = {});
  ApiService(const ApiService&) = delete;
  ApiService& operator=(const ApiService&) = delete;

  // Loads the store, creates the tenant "default" when missing, finishes deletes a crash
  // interrupted, applies every tenant's configuration to the engine (every tunnel `added`)
  // and marks created resources running. A tenant whose stored resources no longer validate
  // (the operator lowered a limit) is left out of the engine; each such problem is returned
  // as a warning. An Error only when the store cannot be read or written.
  Result<std::vector<std::string>> start();

  // The operator's bearer token (api/operator_token.h); only its hash is kept.
  void setOperatorToken(std::string_view token);
  void setPeerConfigRenderer(PeerConfigRenderer* renderer) { renderer_ = renderer; }

  // From the Authorization header ("Bearer TOKEN") and, for the operator, the X-Tenant header
  // (a tenant id or name; empty = "default"). A tenant's X-Tenant is ignored.
  std::variant<Caller, ApiError> authenticate(std::string_view authorization,
                                              std::string_view tenant_header) const;

  // /v1/tenants (operator only).
  Reply createTenant(const Caller& caller, const nlohmann::json& body);
  Reply listTenants(const Caller& caller) const;
  Reply getTenant(const Caller& caller, const std::string& ref) const;
  Reply deleteTenant(const Caller& caller, const std::string& ref);

  // Resources; `ref` is an id or a name within the caller's tenant.
  Reply create(const Caller& caller, store::Kind kind, const nlohmann::json& body);
  Reply get(const Caller& caller, store::Kind kind, const std::string& ref) const;
  Reply list(const Caller& caller, store::Kind kind, const ListQuery& query) const;
  Reply update(const Caller& caller, store::Kind kind, const std::string& ref,
               const nlohmann::json& body);
  Reply remove(const Caller& caller, store::Kind kind, const std::string& ref);
  // Body {"ids": [id or name, ...]}: all deleted, or none (the first problem is reported).
  Reply batchRemove(const Caller& caller, store::Kind kind, const nlohmann::json& body);

  Reply resetTunnel(const Caller& caller, const std::string& ref);
  Reply diagnoseTunnel(const Caller& caller, const std::string& ref) const;
  Reply tunnelConfig(const Caller& caller, const std::string& ref, const std::string& format) const;

  // `vpngw apply -f`: upserts a configuration file's gateways, customer gateways and tunnels
  // into the caller's tenant by name (the file is the source of truth for the names it
  // contains; other resources are left alone) and, with `prune`, deletes the tenant's
  // gateways, customer gateways and tunnels the file does not name. Idempotent: applying the
  // same file again changes nothing. Reply: {"created", "updated", "deleted", "unchanged"},
  // each a list of {"kind", "id", "name"}.
  Reply applyConfig(const Caller& caller, std::string_view yaml_text, bool prune);
  // The same for the daemon's --config file, into the tenant "default" (call after start()).
  Result<nlohmann::json> applyConfigFile(const std::string& path, bool prune);

  // Server-sent events for the caller's tenant.
  std::shared_ptr<EventBus::Subscription> subscribe(const Caller& caller);
  // The daemon reports a tunnel's connection status change (status as from tunnelStatus());
  // published to the owning tenant as a "connection" event.
  void onConnectionStatus(const std::string& tunnel_id, const nlohmann::json& status);

 private:
  struct TenantState {
    store::Tenant tenant;
    ResourceMap resources;
  };
  // One validated change of one tenant (see execute()).
  struct Plan {
    std::vector<store::Resource> upserts;  // complete new versions; inserted when new
    std::vector<std::string> removals;
    bool validate_all = false;
  };
  using Executed = std::variant<std::vector<store::Resource>, ApiError>;

  const TenantState* tenantFor(const Caller& caller) const;
  const TenantState* findTenant(std::string_view ref) const;
  static const store::Resource* resolve(const TenantState& t, store::Kind kind,
                                        std::string_view ref);
  std::variant<store::Resource, ApiError> resourceFromBody(const TenantState& t, store::Kind kind,
                                                           const nlohmann::json& body,
                                                           const store::Resource* existing);
  std::optional<ApiError> checkDeletable(const TenantState& t, const store::Resource& r,
                                         const std::set<std::string>& also_deleted) const;
  // The client's view of a resource (asks the engine for a tunnel's connection status, so
  // call it without holding locks).
  nlohmann::json viewOf(const std::string& tenant_id, const store::Resource& r) const;
  Reply listPage(const Caller& caller, store::Kind kind, const ListQuery& query) const;
  // A copy of the caller's resource `ref`, or the 404 to answer.
  std::variant<store::Resource, ApiError> lookup(const Caller& caller, store::Kind kind,
                                                 const std::string& ref) const;
  std::variant<nlohmann::json, ApiError> applyText(const std::string& tenant_id,
                                                   std::string_view text, bool prune);

  // A create waiting for group commit (see create()).
  struct CreateJob {
    std::string tenant_id;
    store::Kind kind = store::Kind::Tunnel;
    const nlohmann::json* body = nullptr;  // owned by the waiting caller
    bool done = false;                     // guarded by write_mu_
    std::optional<ApiError> error;
    store::Resource created;
  };
  static constexpr size_t kMaxCreateBatch = 100;
  // Caller holds write_mu_.
  void runCreates(const std::vector<std::shared_ptr<CreateJob>>& batch);
  void createOne(CreateJob& job);

  // Validates, commits (phase 1: creating/updated/deleting), applies to the engine, then
  // commits phase 2 (running / removed). Caller holds write_mu_.
  Executed execute(const std::string& tenant_id, Plan plan);
  // Hands every tenant's valid configuration to hooks_.apply() with what changed.
  void applyToEngine();
  void publish(const std::string& tenant_id, const store::Resource& r, std::string_view status);
  int64_t nowMs() const;

  store::Store& store_;
  ServiceHooks& hooks_;
  EventBus& events_;
  ServiceOptions options_;
  PeerConfigRenderer* renderer_ = nullptr;
  Bytes operator_hash_;

  std::mutex write_mu_;   // serialises changes: validate, commit, apply
  std::mutex create_mu_;  // guards create_queue_
  std::vector<std::shared_ptr<CreateJob>> create_queue_;
  mutable std::shared_mutex state_mu_;          // guards the members below (writers hold write_mu_)
  std::map<std::string, TenantState> tenants_;  // by tenant id
  std::map<std::string, std::string> tenant_by_token_;  // hex SHA-256 of token -> tenant id
  std::map<std::string, std::string> owner_;            // resource id -> tenant id
  ParsedEntries parsed_;                                // engine view of every valid resource
  std::set<std::string> excluded_tenants_;              // failed validation at start
  std::map<std::string, std::string> applied_;          // tunnel id -> fingerprint last applied
  int64_t next_pending_seq_ = int64_t{1} << 62;         // orders new resources during validation
};

}  // namespace vpngw::api
