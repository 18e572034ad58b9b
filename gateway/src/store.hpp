// The gateway's persistent state, behind an interface: SQLite today (sqlite_store.hpp), another
// database (PostgreSQL) later. Every method either succeeds or throws StoreError; the gateway
// answers 503 (fail closed) while the store is unavailable.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mxgw {

struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One login made through the gateway: the root token's family and the real homeserver token,
// sealed (see SecretBox). Keyed by the family id: the hex revocation id of the root block.
struct Session {
  std::string family_id;
  std::string user_id;
  std::string device_id;
  std::vector<std::uint8_t> sealed_token;
  std::int64_t created_at = 0;  // unix seconds
};

struct Revocation {
  std::int64_t seq = 0;   // assigned by the store, increasing
  std::string id;         // 32 hex characters
  std::string family_id;  // the family it was revoked in (informational)
  std::string revoked_by; // the token id that asked for it, or "logout"
  std::int64_t revoked_at = 0;
};

// A token of a family that has been seen by the gateway (first use records it).
struct TokenRecord {
  std::string id;         // hex revocation id of its last block
  std::string family_id;  // hex revocation id of its root block
  std::string parent_id;  // "" for the root
  std::vector<std::string> chain;  // every revocation id, root first (ends with id)
  std::string name;
  std::string info;       // JSON: the scope as the gateway verified it
  std::int64_t first_seen = 0;  // unix ms
  std::int64_t last_used = 0;   // unix ms
  std::int64_t uses = 0;
};

// Usage since the last flush, merged into TokenRecord (first_seen kept, last_used max, uses added).
struct TokenUse {
  TokenRecord token;  // uses = the number of new uses
};

struct ActivityEntry {
  std::int64_t seq = 0;
  std::string family_id;
  std::string token_id;
  std::int64_t at_ms = 0;
  std::string method;
  std::string path;      // without the query string
  int status = 0;
  std::string outcome;   // "forwarded", "denied: room_not_allowed", "rejected: token_revoked", ...
};

class Store {
 public:
  virtual ~Store() = default;

  virtual void put_session(const Session& session) = 0;
  virtual std::optional<Session> get_session(const std::string& family_id) = 0;
  virtual void delete_session(const std::string& family_id) = 0;
  // Every session of an account (for /logout/all).
  virtual std::vector<std::string> families_of_user(const std::string& user_id) = 0;

  // Durable when it returns (survives kill -9). Adding an id twice is not an error.
  virtual void add_revocation(const Revocation& revocation) = 0;
  // Revocations with seq > after, in seq order (at start: after = 0 gives them all).
  virtual std::vector<Revocation> revocations_since(std::int64_t after) = 0;

  // Writes a batch of usage and activity in one transaction.
  virtual void record(const std::vector<TokenUse>& uses, const std::vector<ActivityEntry>& activity) = 0;
  virtual std::vector<TokenRecord> tokens(const std::string& family_id) = 0;
  virtual std::optional<TokenRecord> token(const std::string& token_id) = 0;
  virtual std::vector<ActivityEntry> activity(const std::string& token_id, int limit) = 0;
  virtual void prune_activity(std::int64_t before_ms) = 0;

  // Throws StoreError when the store cannot take a write now (locked, gone, read-only, ...).
  virtual void check() = 0;
};

}  // namespace mxgw
