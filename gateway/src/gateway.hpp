// The gateway: verifies mxscope tokens, authorises each request with the SDK, and forwards it to
// the homeserver with the real access token of the login the token belongs to.
#pragma once

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.hpp"
#include "http_server.hpp"
#include "mxscope/mxscope.hpp"
#include "secrets.hpp"
#include "store.hpp"
#include "upstream.hpp"

namespace mxgw {

// A login's state while the gateway runs: the real token, decrypted from the store.
struct LiveSession {
  std::string family_id;
  std::string user_id;
  std::string device_id;
  mxscope::SecretBytes real_token;
};

// A request's verified token.
struct Caller {
  mxscope::VerifiedToken token;
  std::vector<std::string> chain;  // revocation ids, root first
  std::shared_ptr<const LiveSession> session;
  const std::string& id() const { return chain.back(); }
  const std::string& family() const { return chain.front(); }
  std::string parent() const { return chain.size() > 1 ? chain[chain.size() - 2] : std::string(); }
  // The login's own root token: the only one that may do root-only things.
  bool root() const { return chain.size() == 1 && token.scope().full_account; }
};

// Per-request bookkeeping for the access log and the activity log.
struct Exchange {
  const httplib::Request& req;
  httplib::Response& res;
  std::string path;   // raw path (percent-encoded), no query
  std::string query;  // raw query without the leading '?'
  std::string token_id, family_id, token_name;
  std::string outcome;
  bool record_activity = false;
};

class Gateway {
 public:
  Gateway(Config config, std::unique_ptr<Store> store);
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Binds, serves until stop(). Returns false if it cannot bind.
  bool run();
  void stop();
  // Writes pending usage and activity now (also done by stop and the destructor).
  void flush() { flush_once(); }
  int bound_port() const { return bound_port_; }

  // Entry point of every request (public for tests).
  void handle(const httplib::Request& req, httplib::Response& res);

 private:
  // ---- the client-server API ----
  void matrix(Exchange& x);
  void login(Exchange& x, bool is_register);
  void logout(Exchange& x, const Caller& caller, bool all);
  void forward_unauthenticated(Exchange& x);
  void forward(Exchange& x, const Caller& caller, const mxscope::EndpointMatch& match, std::string body);

  // ---- the token API (token_api.cpp) ----
  void token_api(Exchange& x);
  void api_whoami(Exchange& x, const Caller& caller);
  void api_mint(Exchange& x, const Caller& caller);
  void api_revoke(Exchange& x, const Caller& caller);
  void api_tokens(Exchange& x, const Caller& caller);
  void api_token(Exchange& x, const Caller& caller, const std::string& id);

  // ---- tokens ----
  // Reads the token from the Authorization header or the access_token parameter. Returns false
  // (and answers) when the request carries a malformed one; `text` is empty when there is none.
  bool extract_token(Exchange& x, std::string& text);
  // Verifies `text` and finds its session; on failure answers 401/503 and returns nullopt.
  std::optional<Caller> authenticate(Exchange& x, const std::string& text);
  std::shared_ptr<const LiveSession> session(const std::string& family_id);  // throws StoreError
  nlohmann::json token_info(const Caller& caller) const;

  // ---- revocation ----
  void revoke(const std::string& id, const std::string& family_id, const std::string& by);  // throws StoreError
  // Revokes a whole login: logs the real session out (when `logout_upstream`), forgets it.
  void end_session(const std::string& family_id, const std::string& by, bool logout_upstream);
  bool is_revoked(const std::string& id) const;

  // ---- activity ----
  void note_use(const Caller& caller, Exchange& x);
  void finish(Exchange& x, std::int64_t started_us);
  void flusher();
  void watcher();
  void flush_once();

  // ---- answers ----
  static void error(httplib::Response& res, int status, const std::string& errcode, const std::string& message,
                    nlohmann::json extra = nlohmann::json::object());
  static void json_reply(httplib::Response& res, int status, const nlohmann::json& body);
  // The answer to a request the HTTP server refuses itself (malformed, too large, too slow).
  static void server_error(int status, httplib::Response& res);
  void upstream_failure(Exchange& x, const UpstreamResult& r);

  Config config_;
  std::unique_ptr<Store> store_;
  Upstream upstream_;
  mxscope::IssuerKey issuer_;
  mxscope::TrustedKeys trusted_;
  std::optional<SecretBox> box_;

  mutable std::shared_mutex revoked_mutex_;
  mxscope::RevocationSet revoked_;
  std::int64_t revocation_seq_ = 0;

  std::shared_mutex sessions_mutex_;
  std::unordered_map<std::string, std::shared_ptr<const LiveSession>> sessions_;

  std::mutex pending_mutex_;
  std::unordered_map<std::string, TokenUse> pending_uses_;
  std::vector<ActivityEntry> pending_activity_;
  std::unordered_set<std::string> known_tokens_;

  std::atomic<bool> store_ok_{true};
  std::atomic<bool> stopping_{false};
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  std::thread flusher_thread_, watcher_thread_;
  HttpServer server_;
  int bound_port_ = 0;
};

}  // namespace mxgw
