#pragma once
// Thin RAII wrappers over the SQLite C API: a connection and prepared statements. Values are
// only ever bound to parameters, never spliced into SQL text.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace vpngw::store::sqlite {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, ByteView blob);

  // Runs one step: true when a row is available, false when done; an Error on failure.
  Result<bool> step();
  // Runs to completion (for statements that return no rows).
  Status run();
  void reset();

  std::string text(int column) const;
  int64_t integer(int column) const;
  Bytes blob(int column) const;

 private:
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt_;
};

class Database {
 public:
  // Opens (creating when missing) the database file.
  static Result<Database> open(const std::string& path);

  Result<Statement> prepare(std::string_view sql);
  // Runs SQL without parameters (schema, pragmas, transaction control).
  Status exec(const std::string& sql);
  int64_t lastInsertRowid() const;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t changes() const;
  std::string lastError() const;

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  std::unique_ptr<sqlite3, DbCloser> db_;
};

}  // namespace vpngw::store::sqlite
