// The embedded default store: one SQLite file in WAL mode, synchronous=FULL, so a committed
// revocation survives kill -9 (and power loss).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace mxgw {

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database at `path`. `timeout_ms` bounds how long a call waits
  // for a lock held by another connection before failing with StoreError.
  SqliteStore(const std::string& path, int timeout_ms);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  void put_session(const Session& session) override;
  std::optional<Session> get_session(const std::string& family_id) override;
  void delete_session(const std::string& family_id) override;
  std::vector<std::string> families_of_user(const std::string& user_id) override;
  void add_revocation(const Revocation& revocation) override;
  std::vector<Revocation> revocations_since(std::int64_t after) override;
  void record(const std::vector<TokenUse>& uses, const std::vector<ActivityEntry>& activity) override;
  std::vector<TokenRecord> tokens(const std::string& family_id) override;
  std::optional<TokenRecord> token(const std::string& token_id) override;
  std::vector<ActivityEntry> activity(const std::string& token_id, int limit) override;
  void prune_activity(std::int64_t before_ms) override;
  void check() override;

 private:
  class Stmt;
  void exec(const char* sql);
  [[noreturn]] void fail(const char* what);
  sqlite3* db_ = nullptr;
  std::mutex mutex_;
};

}  // namespace mxgw
