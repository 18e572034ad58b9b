#include "sqlite_store.hpp"

#include <sqlite3.h>

#include <sstream>

namespace mxgw {

namespace {

const char* const schema = R"SQL(
CREATE TABLE IF NOT EXISTS sessions(
  family_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  sealed_token BLOB NOT NULL,
  created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id);
CREATE TABLE IF NOT EXISTS revocations(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  family_id TEXT NOT NULL,
  revoked_by TEXT NOT NULL,
  revoked_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens(
  id TEXT PRIMARY KEY,
  family_id TEXT NOT NULL,
  parent_id TEXT NOT NULL,
  chain TEXT NOT NULL,
  name TEXT NOT NULL,
  info TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_used INTEGER NOT NULL,
  uses INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS tokens_family ON tokens(family_id);
CREATE TABLE IF NOT EXISTS activity(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  family_id TEXT NOT NULL,
  token_id TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status INTEGER NOT NULL,
  outcome TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS activity_token ON activity(token_id, seq);
CREATE INDEX IF NOT EXISTS activity_time ON activity(at_ms);
)SQL";

std::string join_chain(const std::vector<std::string>& chain) {
  std::string out;
  for (const auto& id : chain) out += (out.empty() ? "" : ",") + id;
  return out;
}

std::vector<std::string> split_chain(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string id;
  while (std::getline(ss, id, ',')) out.push_back(id);
  return out;
}

}  // namespace

// A prepared statement that finalizes itself; errors throw StoreError.
class SqliteStore::Stmt {
 public:
  Stmt(SqliteStore& store, const char* sql) : store_(store) {
    if (sqlite3_prepare_v2(store.db_, sql, -1, &stmt_, nullptr) != SQLITE_OK) store.fail("prepare");
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Stmt& bind_blob(int i, const std::vector<std::uint8_t>& v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // true: a row is ready; false: done.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    store_.fail("step");
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::vector<std::uint8_t> blob(int col) const {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, col));
    return p ? std::vector<std::uint8_t>(p, p + sqlite3_column_bytes(stmt_, col)) : std::vector<std::uint8_t>();
  }

 private:
  SqliteStore& store_;
  sqlite3_stmt* stmt_ = nullptr;
};

void SqliteStore::fail(const char* what) {
  throw StoreError(std::string("sqlite ") + what + ": " + (db_ ? sqlite3_errmsg(db_) : "not open"));
}

void SqliteStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "error";
    sqlite3_free(err);
    throw StoreError("sqlite: " + msg);
  }
}

SqliteStore::SqliteStore(const std::string& path, int timeout_ms) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "cannot open";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open store " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db_, timeout_ms);
  try {
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec("PRAGMA foreign_keys=ON");
    exec(schema);
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

SqliteStore::~SqliteStore() {
  if (db_) sqlite3_close(db_);
}

void SqliteStore::put_session(const Session& s) {
  std::lock_guard lock(mutex_);
  Stmt st(*this,
          "INSERT OR REPLACE INTO sessions(family_id, user_id, device_id, sealed_token, created_at) VALUES(?,?,?,?,?)");
  st.bind(1, s.family_id).bind(2, s.user_id).bind(3, s.device_id).bind_blob(4, s.sealed_token).bind(5, s.created_at);
  st.step();
}

std::optional<Session> SqliteStore::get_session(const std::string& family_id) {
  std::lock_guard lock(mutex_);
  Stmt st(*this, "SELECT family_id, user_id, device_id, sealed_token, created_at FROM sessions WHERE family_id = ?");
  st.bind(1, family_id);
  if (!st.step()) return std::nullopt;
  return Session{st.text(0), st.text(1), st.text(2), st.blob(3), st.integer(4)};
}

void SqliteStore::delete_session(const std::string& family_id) {
  std::lock_guard lock(mutex_);
  Stmt st(*this, "DELETE FROM sessions WHERE family_id = ?");
  st.bind(1, family_id);
  st.step();
}

std::vector<std::string> SqliteStore::families_of_user(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  Stmt st(*this, "SELECT family_id FROM sessions WHERE user_id = ?");
  st.bind(1, user_id);
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}

void SqliteStore::add_revocation(const Revocation& r) {
  std::lock_guard lock(mutex_);
  Stmt st(*this, "INSERT OR IGNORE INTO revocations(id, family_id, revoked_by, revoked_at) VALUES(?,?,?,?)");
  st.bind(1, r.id).bind(2, r.family_id).bind(3, r.revoked_by).bind(4, r.revoked_at);
  st.step();
}

std::vector<Revocation> SqliteStore::revocations_since(std::int64_t after) {
  std::lock_guard lock(mutex_);
  Stmt st(*this, "SELECT seq, id, family_id, revoked_by, revoked_at FROM revocations WHERE seq > ? ORDER BY seq");
  st.bind(1, after);
  std::vector<Revocation> out;
  while (st.step()) out.push_back(Revocation{st.integer(0), st.text(1), st.text(2), st.text(3), st.integer(4)});
  return out;
}

void SqliteStore::record(const std::vector<TokenUse>& uses, const std::vector<ActivityEntry>& activity) {
  if (uses.empty() && activity.empty()) return;
  std::lock_guard lock(mutex_);
  exec("BEGIN IMMEDIATE");
  try {
    Stmt up(*this,
            "INSERT INTO tokens(id, family_id, parent_id, chain, name, info, first_seen, last_used, uses) "
            "VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
            "last_used = max(last_used, excluded.last_used), uses = uses + excluded.uses");
    for (const auto& u : uses) {
      const auto& t = u.token;
      up.bind(1, t.id).bind(2, t.family_id).bind(3, t.parent_id).bind(4, join_chain(t.chain)).bind(5, t.name);
      up.bind(6, t.info).bind(7, t.first_seen).bind(8, t.last_used).bind(9, t.uses);
      up.step();
      up.reset();
    }
    Stmt ins(*this,
             "INSERT INTO activity(family_id, token_id, at_ms, method, path, status, outcome) VALUES(?,?,?,?,?,?,?)");
    for (const auto& a : activity) {
      ins.bind(1, a.family_id).bind(2, a.token_id).bind(3, a.at_ms).bind(4, a.method).bind(5, a.path);
      ins.bind(6, static_cast<std::int64_t>(a.status)).bind(7, a.outcome);
      ins.step();
      ins.reset();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<TokenRecord> SqliteStore::tokens(const std::string& family_id) {
  std::lock_guard lock(mutex_);
  Stmt st(*this,
          "SELECT id, family_id, parent_id, chain, name, info, first_seen, last_used, uses FROM tokens "
          "WHERE family_id = ? ORDER BY first_seen, id");
  st.bind(1, family_id);
  std::vector<TokenRecord> out;
  while (st.step())
    out.push_back(TokenRecord{st.text(0), st.text(1), st.text(2), split_chain(st.text(3)), st.text(4), st.text(5),
                              st.integer(6), st.integer(7), st.integer(8)});
  return out;
}

std::optional<TokenRecord> SqliteStore::token(const std::string& token_id) {
  std::lock_guard lock(mutex_);
  Stmt st(*this,
          "SELECT id, family_id, parent_id, chain, name, info, first_seen, last_used, uses FROM tokens WHERE id = ?");
  st.bind(1, token_id);
  if (!st.step()) return std::nullopt;
  return TokenRecord{st.text(0), st.text(1), st.text(2), split_chain(st.text(3)), st.text(4), st.text(5),
                     st.integer(6), st.integer(7), st.integer(8)};
}

std::vector<ActivityEntry> SqliteStore::activity(const std::string& token_id, int limit) {
  std::lock_guard lock(mutex_);
  Stmt st(*this,
          "SELECT seq, family_id, token_id, at_ms, method, path, status, outcome FROM activity "
          "WHERE token_id = ? ORDER BY seq DESC LIMIT ?");
  st.bind(1, token_id).bind(2, static_cast<std::int64_t>(limit));
  std::vector<ActivityEntry> out;
  while (st.step())
    out.push_back(ActivityEntry{st.integer(0), st.text(1), st.text(2), st.integer(3), st.text(4), st.text(5),
                                static_cast<int>(st.integer(6)), st.text(7)});
  return out;
}

void SqliteStore::prune_activity(std::int64_t before_ms) {
  std::lock_guard lock(mutex_);
  Stmt st(*this, "DELETE FROM activity WHERE at_ms < ?");
  st.bind(1, before_ms);
  st.step();
}

void SqliteStore::check() {
  std::lock_guard lock(mutex_);
  // Takes the write lock and releases it: fails while another connection holds it past the
  // timeout, or when the file cannot be written.
  exec("BEGIN IMMEDIATE");
  exec("COMMIT");
}

}  // namespace mxgw
