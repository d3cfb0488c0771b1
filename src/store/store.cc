#include "store/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vpngw::store {

namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  token_hash BLOB NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS resources (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  kind TEXT NOT NULL CHECK (kind IN ('vpc', 'gateway', 'customer_gateway', 'tunnel')),
  name TEXT NOT NULL,
  remark TEXT NOT NULL,
  doc TEXT NOT NULL CHECK (json_valid(doc)),
  status TEXT NOT NULL CHECK (status IN ('creating', 'running', 'deleting')),
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  UNIQUE (tenant_id, kind, name)
);
)sql";

// Creates the file with mode 0600 before SQLite sees it, and tightens an existing one: it
// holds pre-shared keys. SQLite gives the -wal and -shm files the database file's mode.
Status prepareFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return makeError("cannot create " + path + ": " + std::strerror(errno));
  }
  int rc = ::fchmod(fd, 0600);
  int saved = errno;
  ::close(fd);
  if (rc != 0) {
    return makeError("cannot set mode 0600 on " + path + ": " + std::strerror(saved));
  }
  return {};
}

// Rolls back unless committed, so an early return never leaves a transaction open.
class Transaction {
 public:
  explicit Transaction(sqlite::Database& db) : db_(db) {}
  ~Transaction() {
    if (open_) {
      (void)db_.exec("ROLLBACK");
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status begin() {
    auto s = db_.exec("BEGIN IMMEDIATE");
    open_ = s.ok();
    return s;
  }
  Status commit() {
    auto s = db_.exec("COMMIT");
    if (s.ok()) {
      open_ = false;
    }
    return s;
  }

 private:
  sqlite::Database& db_;
  bool open_ = false;
};

Resource readResource(const sqlite::Statement& s) {
  Resource r;
  r.seq = s.integer(0);
  r.id = s.text(1);
  r.tenant_id = s.text(2);
  r.kind = parseKind(s.text(3)).value_or(Kind::Vpc);  // the CHECK constraint allows no other
  r.name = s.text(4);
  r.remark = s.text(5);
  r.doc = nlohmann::json::parse(s.text(6), nullptr, false);
  r.status = s.text(7);
  r.created_ms = s.integer(8);
  r.updated_ms = s.integer(9);
  return r;
}

}  // namespace

std::filesystem::path Store::dbPath(const std::filesystem::path& state_dir) {
  return state_dir / "vpngw.db";
}

Result<std::unique_ptr<Store>> Store::open(const std::filesystem::path& state_dir) {
  const std::string path = dbPath(state_dir).string();
  if (auto s = prepareFile(path); !s) {
    return s.error();
  }
  auto db = sqlite::Database::open(path);
  if (!db) {
    return db.error();
  }
  auto store = std::make_unique<Store>(Key{}, std::move(db.value()));
  if (auto s = store->initSchema(); !s) {
    return s.error();
  }
  return store;
}

Status Store::initSchema() {
  // WAL + synchronous=FULL: a COMMIT returns only after the WAL is fsync'ed (durable even on
  // power loss); readers never block the writer.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=5000"}) {
    if (auto s = db_.exec(pragma); !s) {
      return s;
    }
  }
  auto mode = db_.prepare("PRAGMA journal_mode");
  if (!mode) {
    return mode.error();
  }
  if (auto row = mode->step(); !row || !*row || mode->text(0) != "wal") {
    return makeError("sqlite: cannot switch the database to WAL mode");
  }
  if (auto s = db_.exec(kSchema); !s) {
    return s;
  }
  return db_.exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
}

Result<std::vector<Tenant>> Store::loadTenants() {
  auto stmt = db_.prepare("SELECT id, name, token_hash, created_ms FROM tenants ORDER BY rowid");
  if (!stmt) {
    return stmt.error();
  }
  std::vector<Tenant> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) {
      return row.error();
    }
    if (!*row) {
      return out;
    }
    out.push_back(Tenant{stmt->text(0), stmt->text(1), stmt->blob(2), stmt->integer(3)});
  }
}

Result<std::vector<Resource>> Store::loadResources() {
  auto stmt = db_.prepare(
      "SELECT seq, id, tenant_id, kind, name, remark, doc, status, created_ms, updated_ms "
      "FROM resources ORDER BY seq");
  if (!stmt) {
    return stmt.error();
  }
  std::vector<Resource> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) {
      return row.error();
    }
    if (!*row) {
      return out;
    }
    out.push_back(readResource(*stmt));
    if (out.back().doc.is_discarded()) {
      return makeError("store: resource " + out.back().id + " has an unreadable document");
    }
  }
}

Status Store::insertTenant(const Tenant& tenant) {
  auto stmt =
      db_.prepare("INSERT INTO tenants (id, name, token_hash, created_ms) VALUES (?1, ?2, ?3, ?4)");
  if (!stmt) {
    return stmt.error();
  }
  stmt->bind(1, tenant.id).bind(2, tenant.name).bind(3, view(tenant.token_hash));
  stmt->bind(4, tenant.created_ms);
  return stmt->run();
}

Status Store::removeTenant(const std::string& tenant_id) {
  // The foreign key refuses the delete while resources refer to the tenant.
  auto stmt = db_.prepare("DELETE FROM tenants WHERE id = ?1");
  if (!stmt) {
    return stmt.error();
  }
  stmt->bind(1, tenant_id);
  if (auto s = stmt->run(); !s) {
    return s;
  }
  return db_.changes() == 1 ? Status{} : makeError("store: no tenant " + tenant_id);
}

Status Store::applyOne(Change& change) {
  Resource& r = change.resource;
  switch (change.op) {
    case Change::Op::Insert: {
      auto stmt = db_.prepare(
          "INSERT INTO resources (id, tenant_id, kind, name, remark, doc, status, created_ms, "
          "updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
      if (!stmt) {
        return stmt.error();
      }
      stmt->bind(1, r.id).bind(2, r.tenant_id).bind(3, kindName(r.kind)).bind(4, r.name);
      stmt->bind(5, r.remark).bind(6, r.doc.dump()).bind(7, r.status);
      stmt->bind(8, r.created_ms).bind(9, r.updated_ms);
      if (auto s = stmt->run(); !s) {
        return s;
      }
      r.seq = db_.lastInsertRowid();
      return {};
    }
    case Change::Op::Update: {
      auto stmt = db_.prepare(
          "UPDATE resources SET name = ?2, remark = ?3, doc = ?4, status = ?5, updated_ms = ?6 "
          "WHERE id = ?1");
      if (!stmt) {
        return stmt.error();
      }
      stmt->bind(1, r.id).bind(2, r.name).bind(3, r.remark).bind(4, r.doc.dump());
      stmt->bind(5, r.status).bind(6, r.updated_ms);
      if (auto s = stmt->run(); !s) {
        return s;
      }
      return db_.changes() == 1 ? Status{} : makeError("store: no resource " + r.id);
    }
    case Change::Op::Remove: {
      auto stmt = db_.prepare("DELETE FROM resources WHERE id = ?1");
      if (!stmt) {
        return stmt.error();
      }
      stmt->bind(1, r.id);
      if (auto s = stmt->run(); !s) {
        return s;
      }
      return db_.changes() == 1 ? Status{} : makeError("store: no resource " + r.id);
    }
  }
  return makeError("store: unknown change");
}

Status Store::commit(std::vector<Change>& changes) {
  if (changes.empty()) {
    return {};
  }
  Transaction tx(db_);
  if (auto s = tx.begin(); !s) {
    return s;
  }
  for (auto& change : changes) {
    if (auto s = applyOne(change); !s) {
      return s;  // the Transaction rolls back
    }
  }
  return tx.commit();
}

}  // namespace vpngw::store
