#pragma once
// The durable state of the service: tenants and resources in SQLite at <state-dir>/vpngw.db.
// WAL journal with synchronous=FULL, so a commit that returned survives kill -9 and power loss;
// the file (and its WAL/shm companions, which SQLite creates with the same mode) is 0600
// because documents hold pre-shared keys. Every commit is one transaction: all or nothing.
// Not thread-safe: the API serialises access.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/resource.h"
#include "store/sqlite.h"

namespace vpngw::store {

// One change inside a commit. Insert assigns Resource::seq; Update rewrites name, remark,
// document, status and updated time of an existing id; Remove deletes the id.
struct Change {
  enum class Op { Insert, Update, Remove };
  Op op = Op::Insert;
  Resource resource;
};

class Store {
 public:
  // Opens or creates <state_dir>/vpngw.db (state_dir must exist).
  static Result<std::unique_ptr<Store>> open(const std::filesystem::path& state_dir);
  static std::filesystem::path dbPath(const std::filesystem::path& state_dir);

  Result<std::vector<Tenant>> loadTenants();
  // Every resource of every tenant, in creation order.
  Result<std::vector<Resource>> loadResources();

  Status insertTenant(const Tenant& tenant);
  // Refused while the tenant still owns resources.
  Status removeTenant(const std::string& tenant_id);

  // Applies every change in one transaction; on any failure nothing is applied. Inserted
  // resources get their seq written back.
  Status commit(std::vector<Change>& changes);

 private:
  // Passkey: only open() constructs a Store (through std::make_unique).
  struct Key {
    explicit Key() = default;
  };

 public:
  Store(Key, sqlite::Database db) : db_(std::move(db)) {}

 private:
  Status initSchema();
  Status applyOne(Change& change);

  sqlite::Database db_;
};

}  // namespace vpngw::store
