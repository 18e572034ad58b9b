#include "gateway.hpp"

#include <strings.h>
#include <sodium.h>

#include <chrono>
#include <cstring>
#include <ctime>

#include "filter.hpp"
#include "http_common.hpp"
#include "log.hpp"

namespace mxgw {

using nlohmann::json;

namespace {

using http::query_decode;

std::int64_t now_s() { return static_cast<std::int64_t>(std::time(nullptr)); }
std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}
std::int64_t mono_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

// The longest text form a token can have (max_token_bytes + checksum, base64url, prefix), with slack.
constexpr std::size_t max_token_text = 12000;

// Splits a raw query into (decoded name, raw component) pairs.
std::vector<std::pair<std::string, std::string_view>> query_parts(std::string_view q) {
  std::vector<std::pair<std::string, std::string_view>> out;
  while (!q.empty()) {
    const auto amp = q.find('&');
    const std::string_view part = q.substr(0, amp);
    const auto eq = part.find('=');
    out.emplace_back(query_decode(part.substr(0, eq)), part);
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

// The raw query without any access_token parameter (the gateway's token never goes upstream).
std::string query_without_token(std::string_view q) {
  std::string out;
  for (const auto& [name, part] : query_parts(q)) {
    if (name == "access_token") continue;
    if (!out.empty()) out += '&';
    out += part;
  }
  return out;
}

std::optional<std::string> query_value(std::string_view q, std::string_view key) {
  for (const auto& [name, part] : query_parts(q))
    if (name == key) {
      const auto eq = part.find('=');
      return eq == std::string_view::npos ? std::string() : query_decode(part.substr(eq + 1));
    }
  return std::nullopt;
}

// "/_matrix/client/v3/sync" -> {"client", "v3", "sync"}; empty api when not the client-server API.
struct ApiPath {
  std::string api, version, rest;
};
ApiPath api_path(const std::string& path) {
  ApiPath p;
  std::string_view s = path;
  for (std::string_view prefix : {"/_matrix/client/", "/_matrix/media/"}) {
    if (s.starts_with(prefix)) {
      p.api = prefix == "/_matrix/client/" ? "client" : "media";
      s.remove_prefix(prefix.size());
      break;
    }
  }
  if (p.api.empty()) return p;
  const auto slash = s.find('/');
  p.version = std::string(s.substr(0, slash));
  p.rest = slash == std::string_view::npos ? "" : std::string(s.substr(slash + 1));
  while (!p.rest.empty() && p.rest.back() == '/') p.rest.pop_back();
  return p;
}

// httplib gzips application/json when the client accepts it; on loopback and behind a TLS proxy
// that is CPU for nothing, so JSON goes out with an explicit charset, which it does not compress.
std::string content_type(const std::string& upstream) {
  if (upstream.empty() || upstream == "application/json") return "application/json; charset=utf-8";
  return upstream;
}

bool is_legacy_or_v3(const std::string& v) { return v == "r0" || v == "v3"; }

std::string shorten(const std::string& s, std::size_t n) { return s.size() <= n ? s : s.substr(0, n) + "..."; }

const char* token_error_message(mxscope::Errc code) {
  switch (code) {
    case mxscope::Errc::token_revoked: return "This token has been revoked";
    case mxscope::Errc::token_expired: return "This token has expired";
    case mxscope::Errc::token_not_yet_valid: return "This token is not valid yet";
    case mxscope::Errc::unknown_key: return "This token was not issued by this gateway";
    case mxscope::Errc::bad_signature: return "This token's signature does not verify";
    case mxscope::Errc::bad_checksum: return "This token is damaged (checksum mismatch): it was probably mistyped or cut";
    default: return "Unrecognised access token";
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Set-up and threads

Gateway::Gateway(Config config, std::unique_ptr<Store> store)
    : config_(std::move(config)),
      store_(std::move(store)),
      upstream_(config_),
      issuer_(load_or_create_issuer_key(config_.issuer_key_file, config_.create_keys)),
      server_(HttpServerOptions{config_.listen_host, config_.listen_port, config_.threads, config_.client_timeout_s,
                                config_.keep_alive_timeout_s, config_.max_body_bytes},
              [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); }, server_error) {
  box_.emplace(SecretBox::load_or_create(config_.secret_key_file, config_.create_keys));
  trusted_.add(issuer_.public_key());
  for (const auto& k : config_.trusted_keys) {
    try {
      trusted_.add(mxscope::PublicKey::from_text(k));
    } catch (const mxscope::Error&) {
      throw std::runtime_error("trusted_key: not an mxpk1_ public key");
    }
  }
  // Every revocation ever made, before the first request is served.
  for (const auto& r : store_->revocations_since(0)) {
    try {
      revoked_.add(mxscope::RevocationId::from_hex(r.id));
    } catch (const mxscope::Error&) {
      log::warn("store: ignoring a malformed revocation id at seq " + std::to_string(r.seq));
    }
    revocation_seq_ = std::max(revocation_seq_, r.seq);
  }
  log::info("issuer key " + issuer_.public_key().id_hex() + "; " + std::to_string(revoked_.size()) +
            " revocations loaded");
}

Gateway::~Gateway() {
  stop();
  if (flusher_thread_.joinable()) flusher_thread_.join();
  if (watcher_thread_.joinable()) watcher_thread_.join();
  try {
    flush_once();
  } catch (...) {
  }
}

bool Gateway::run() {
  bound_port_ = server_.bind();
  if (bound_port_ <= 0) return false;
  flusher_thread_ = std::thread([this] { flusher(); });
  watcher_thread_ = std::thread([this] { watcher(); });
  log::info("listening on http://" + config_.listen_host + ":" + std::to_string(bound_port_) + " in front of " +
            config_.homeserver);
  server_.serve();
  stop();
  return true;
}

void Gateway::server_error(int status, httplib::Response& res) {
  switch (status) {
    case 413: error(res, 413, "M_TOO_LARGE", "The request body is too large"); break;
    case 400: error(res, 400, "M_UNKNOWN", "Malformed HTTP request (bad request line or headers too large)"); break;
    case 500: error(res, 500, "M_UNKNOWN", "Internal gateway error"); break;
    default: error(res, status, "M_UNKNOWN", "HTTP error " + std::to_string(status));
  }
}

void Gateway::stop() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  server_.stop();
}

void Gateway::flush_once() {
  std::vector<TokenUse> uses;
  std::vector<ActivityEntry> activity;
  {
    std::lock_guard lock(pending_mutex_);
    uses.reserve(pending_uses_.size());
    for (auto& [id, u] : pending_uses_) uses.push_back(std::move(u));
    pending_uses_.clear();
    activity.swap(pending_activity_);
  }
  if (uses.empty() && activity.empty()) return;
  try {
    store_->record(uses, activity);
  } catch (const StoreError& e) {
    if (store_ok_.exchange(false)) log::error(std::string("store unavailable (failing closed): ") + e.what());
    // Keep what could not be written, within bounds, for the next attempt.
    std::lock_guard lock(pending_mutex_);
    for (auto& u : uses) {
      auto [it, inserted] = pending_uses_.try_emplace(u.token.id, std::move(u));
      if (!inserted) {
        it->second.token.uses += u.token.uses;
        it->second.token.first_seen = std::min(it->second.token.first_seen, u.token.first_seen);
      }
    }
    if (pending_activity_.size() + activity.size() < 100000)
      pending_activity_.insert(pending_activity_.begin(), activity.begin(), activity.end());
  }
}

void Gateway::flusher() {
  std::int64_t last_prune = 0;
  std::unique_lock lock(stop_mutex_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, std::chrono::milliseconds(config_.activity_flush_ms));
    lock.unlock();
    flush_once();
    if (now_s() - last_prune > 3600) {
      try {
        store_->prune_activity(now_ms() - std::int64_t{config_.activity_retention_days} * 86400000);
        last_prune = now_s();
      } catch (const StoreError&) {
      }
    }
    lock.lock();
  }
}

void Gateway::watcher() {
  std::unique_lock lock(stop_mutex_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, std::chrono::milliseconds(config_.store_check_ms));
    lock.unlock();
    try {
      store_->check();
      // Revocations made by other gateways sharing the store.
      for (const auto& r : store_->revocations_since(revocation_seq_)) {
        revocation_seq_ = std::max(revocation_seq_, r.seq);
        try {
          const auto id = mxscope::RevocationId::from_hex(r.id);
          std::unique_lock w(revoked_mutex_);
          revoked_.add(id);
        } catch (const mxscope::Error&) {
        }
        std::unique_lock s(sessions_mutex_);
        sessions_.erase(r.id);
      }
      if (!store_ok_.exchange(true)) log::warn("store available again");
    } catch (const StoreError& e) {
      if (store_ok_.exchange(false)) log::error(std::string("store unavailable (failing closed): ") + e.what());
    }
    lock.lock();
  }
}

// ---------------------------------------------------------------------------------------------
// Answers

void Gateway::json_reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_header("Access-Control-Allow-Origin", "*");
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

void Gateway::error(httplib::Response& res, int status, const std::string& errcode, const std::string& message,
                    json extra) {
  json body = {{"errcode", errcode}, {"error", message}};
  for (auto& [k, v] : extra.items()) body[k] = v;
  json_reply(res, status, body);
}

void Gateway::upstream_failure(Exchange& x, const UpstreamResult& r) {
  if (r.failure == UpstreamResult::Failure::timeout) {
    error(x.res, 504, "M_UNKNOWN", "The homeserver did not answer in time");
    x.outcome = "upstream timeout";
  } else {
    error(x.res, 502, "M_UNKNOWN", "The homeserver could not be reached");
    x.outcome = "upstream unreachable";
  }
}

// ---------------------------------------------------------------------------------------------
// Every request

void Gateway::handle(const httplib::Request& req, httplib::Response& res) {
  const std::int64_t t0 = mono_us();
  const auto q = req.target.find('?');
  Exchange x{req, res, req.target.substr(0, q), q == std::string::npos ? "" : req.target.substr(q + 1), {}, {}, {},
             {}, false};
  try {
    if (req.method == "OPTIONS") {
      res.status = 204;
      res.set_header("Access-Control-Allow-Origin", "*");
      res.set_header("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
      res.set_header("Access-Control-Allow-Headers", "X-Requested-With, Content-Type, Authorization, Date");
      x.outcome = "preflight";
    } else if (x.path.starts_with("/_mxscope/v1/") || x.path == "/_mxscope/v1") {
      token_api(x);
    } else if (x.path.starts_with("/_matrix/client/") || x.path.starts_with("/_matrix/media/") ||
               x.path.starts_with("/_synapse/admin/")) {
      // The admin API is not in the SDK's table: unknown, so only a login's root token passes.
      matrix(x);
    } else if (x.path == "/.well-known/matrix/client" && req.method == "GET") {
      if (config_.public_url.empty()) error(res, 404, "M_NOT_FOUND", "No .well-known configured");
      else json_reply(res, 200, {{"m.homeserver", {{"base_url", config_.public_url}}}});
    } else if (x.path.starts_with("/_synapse/client/")) {
      forward_unauthenticated(x);
    } else {
      error(res, 404, "M_UNRECOGNIZED", "Unrecognized request");
    }
  } catch (const StoreError& e) {
    if (store_ok_.exchange(false)) log::error(std::string("store unavailable (failing closed): ") + e.what());
    error(res, 503, "M_UNKNOWN", "The gateway's store is unavailable; try again later");
    x.outcome = "store unavailable";
  } catch (const std::exception& e) {
    log::error(std::string("internal error: ") + e.what());
    error(res, 500, "M_UNKNOWN", "Internal gateway error");
    x.outcome = "internal error";
  }
  finish(x, t0);
}

void Gateway::finish(Exchange& x, std::int64_t started_us) {
  if (config_.access_log && log::enabled(log::Level::info)) {
    const double ms = static_cast<double>(mono_us() - started_us) / 1000.0;
    char dur[32];
    std::snprintf(dur, sizeof dur, "%.1fms", ms);
    std::string line = x.req.remote_addr + " " + x.req.method + " " + shorten(x.path, 200) + " " +
                       std::to_string(x.res.status) + " " + dur;
    if (!x.token_id.empty()) line += " token=" + x.token_id.substr(0, 12) + (x.token_name.empty() ? "" : "(" + x.token_name + ")");
    if (!x.outcome.empty()) line += " " + x.outcome;
    log::info(line);
  }
  if (x.record_activity && !x.token_id.empty()) {
    ActivityEntry a{0, x.family_id, x.token_id, now_ms(), x.req.method, shorten(x.path, 512), x.res.status,
                    x.outcome.empty() ? "forwarded" : x.outcome};
    std::lock_guard lock(pending_mutex_);
    if (pending_activity_.size() < 100000) pending_activity_.push_back(std::move(a));
  }
}

bool Gateway::extract_token(Exchange& x, std::string& text) {
  text.clear();
  const auto& req = x.req;
  const std::size_t n = req.get_header_value_count("Authorization");
  const auto from_query = query_value(x.query, "access_token");
  if (n > 1) {
    error(x.res, 401, "M_UNKNOWN_TOKEN", "More than one Authorization header", {{"soft_logout", false}});
    x.outcome = "rejected: several Authorization headers";
    return false;
  }
  if (n == 1) {
    if (from_query) {
      error(x.res, 401, "M_UNKNOWN_TOKEN", "Both an Authorization header and an access_token parameter were given",
            {{"soft_logout", false}});
      x.outcome = "rejected: two tokens";
      return false;
    }
    const std::string v = req.get_header_value("Authorization");
    if (v.size() < 7 || strncasecmp(v.c_str(), "Bearer ", 7) != 0) {
      error(x.res, 401, "M_MISSING_TOKEN", "The Authorization header must be 'Bearer <token>'");
      x.outcome = "rejected: not a bearer token";
      return false;
    }
    text = v.substr(7);
    while (!text.empty() && text.front() == ' ') text.erase(text.begin());
    while (!text.empty() && text.back() == ' ') text.pop_back();
    if (text.empty()) {
      error(x.res, 401, "M_MISSING_TOKEN", "Empty bearer token");
      x.outcome = "rejected: empty token";
      return false;
    }
    return true;
  }
  if (from_query) {
    text = *from_query;
    if (text.empty()) {
      error(x.res, 401, "M_MISSING_TOKEN", "Empty access_token parameter");
      x.outcome = "rejected: empty token";
      return false;
    }
  }
  return true;
}

std::shared_ptr<const LiveSession> Gateway::session(const std::string& family_id) {
  {
    std::shared_lock lock(sessions_mutex_);
    if (const auto it = sessions_.find(family_id); it != sessions_.end()) return it->second;
  }
  const auto s = store_->get_session(family_id);
  if (!s) return nullptr;
  auto token = box_->open(family_id, s->sealed_token);
  if (!token) {
    log::warn("session " + family_id.substr(0, 12) + " cannot be decrypted (was the secret key file replaced?)");
    return nullptr;
  }
  auto live = std::make_shared<LiveSession>(LiveSession{s->family_id, s->user_id, s->device_id, std::move(*token)});
  std::unique_lock lock(sessions_mutex_);
  return sessions_.try_emplace(family_id, std::move(live)).first->second;
}

std::optional<Caller> Gateway::authenticate(Exchange& x, const std::string& text) {
  const json unknown = {{"soft_logout", false}};
  if (!store_ok_) {
    error(x.res, 503, "M_UNKNOWN", "The gateway's store is unavailable; try again later");
    x.outcome = "store unavailable";
    return std::nullopt;
  }
  if (text.size() > max_token_text) {
    error(x.res, 401, "M_UNKNOWN_TOKEN", "Access token too large", unknown);
    x.outcome = "rejected: too_large";
    return std::nullopt;
  }
  if (!text.starts_with("mxs")) {
    error(x.res, 401, "M_UNKNOWN_TOKEN",
          "Not an mxscope token: this gateway accepts only tokens it issued (log in through it)", unknown);
    x.outcome = "rejected: not an mxscope token";
    return std::nullopt;
  }
  thread_local mxscope::VerifiedChainCache cache(4096);
  std::optional<mxscope::VerifiedToken> vt;
  try {
    std::shared_lock lock(revoked_mutex_);
    vt.emplace(cache.verify_text(text, trusted_, mxscope::VerifyOptions{.now = now_s(), .revoked = &revoked_}));
  } catch (const mxscope::Error& e) {
    const auto code = e.code();
    x.outcome = "rejected: " + std::string(mxscope::code_name(code));
    json extra = unknown;
    extra["org.mxscope.error"] = std::string(mxscope::code_name(code));
    error(x.res, 401, "M_UNKNOWN_TOKEN", token_error_message(code), extra);
    // Signatures were checked before revocation and time: the ids are genuine, so the attempt
    // goes into the token's activity log.
    if (code == mxscope::Errc::token_revoked || code == mxscope::Errc::token_expired ||
        code == mxscope::Errc::token_not_yet_valid) {
      try {
        const auto ids = mxscope::Token::parse(text).revocation_ids();
        x.family_id = ids.front().to_hex();
        x.token_id = ids.back().to_hex();
        x.record_activity = true;
      } catch (const mxscope::Error&) {
      }
    }
    return std::nullopt;
  }
  std::vector<std::string> chain;
  for (const auto& id : vt->token().revocation_ids()) chain.push_back(id.to_hex());
  auto live = session(chain.front());
  if (!live || live->user_id != vt->user_id()) {
    error(x.res, 401, "M_UNKNOWN_TOKEN", "The login this token belongs to has ended", unknown);
    x.outcome = "rejected: no session";
    return std::nullopt;
  }
  Caller c{std::move(*vt), std::move(chain), std::move(live)};
  note_use(c, x);
  return c;
}

void Gateway::note_use(const Caller& c, Exchange& x) {
  x.token_id = c.id();
  x.family_id = c.family();
  x.token_name = c.token.name().value_or("");
  x.record_activity = true;
  bool known;
  {
    std::lock_guard lock(pending_mutex_);
    known = known_tokens_.count(c.id()) != 0;
  }
  const std::string info = known ? std::string() : token_info(c).dump();
  const std::int64_t t = now_ms();
  std::lock_guard lock(pending_mutex_);
  if (!known) known_tokens_.insert(c.id());
  auto [it, inserted] = pending_uses_.try_emplace(c.id());
  TokenRecord& r = it->second.token;
  if (inserted) {
    r.id = c.id();
    r.family_id = c.family();
    r.parent_id = c.parent();
    r.chain = c.chain;
    r.name = x.token_name;
    r.first_seen = t;
  }
  if (r.info.empty() && !info.empty()) r.info = info;
  r.last_used = t;
  r.uses += 1;
}

// ---------------------------------------------------------------------------------------------
// Revocation

bool Gateway::is_revoked(const std::string& id) const {
  try {
    std::shared_lock lock(revoked_mutex_);
    return revoked_.contains(mxscope::RevocationId::from_hex(id));
  } catch (const mxscope::Error&) {
    return false;
  }
}

void Gateway::revoke(const std::string& id, const std::string& family_id, const std::string& by) {
  {
    // In memory first: even if the store then fails, this process refuses the token.
    std::unique_lock lock(revoked_mutex_);
    revoked_.add(mxscope::RevocationId::from_hex(id));
  }
  store_->add_revocation(Revocation{0, id, family_id, by, now_s()});
  log::info("revoked token " + id.substr(0, 12) + " of family " + family_id.substr(0, 12) + " (by " +
            by.substr(0, 12) + ")");
}

void Gateway::end_session(const std::string& family_id, const std::string& by, bool logout_upstream) {
  std::shared_ptr<const LiveSession> live;
  try {
    live = session(family_id);
  } catch (const StoreError&) {
  }
  revoke(family_id, family_id, by);
  if (logout_upstream && live) {
    httplib::Request none;
    const auto r = upstream_.send("POST", "/_matrix/client/v3/logout", none, "{}", &live->real_token);
    if (r.failure != UpstreamResult::Failure::none || (r.status != 200 && r.status != 401))
      log::warn("could not log the homeserver session of family " + family_id.substr(0, 12) + " out (status " +
                std::to_string(r.status) + ")");
  }
  store_->delete_session(family_id);
  std::unique_lock lock(sessions_mutex_);
  sessions_.erase(family_id);
}

// ---------------------------------------------------------------------------------------------
// The client-server API

void Gateway::forward_unauthenticated(Exchange& x) {
  std::string target = x.path;
  const std::string q = query_without_token(x.query);
  if (!q.empty()) target += "?" + q;
  const auto r = upstream_.send(x.req.method, target, x.req, x.req.body, nullptr);
  if (r.failure != UpstreamResult::Failure::none) return upstream_failure(x, r);
  x.res.status = r.status;
  for (const auto& [k, v] : r.headers) x.res.set_header(k, v);
  x.res.set_content(r.body, content_type(r.content_type));
  x.outcome = "forwarded without token";
}

void Gateway::matrix(Exchange& x) {
  const ApiPath p = api_path(x.path);
  const std::string& m = x.req.method;
  if (p.api == "client" && is_legacy_or_v3(p.version) && m == "POST" && (p.rest == "login" || p.rest == "register"))
    return login(x, p.rest == "register");

  std::string text;
  if (!extract_token(x, text)) return;
  const mxscope::EndpointMatch match = mxscope::map_endpoint(m, x.path);
  if (text.empty()) {
    // The public room directory may be readable without a token (the homeserver decides).
    const bool public_directory = m == "GET" && p.api == "client" && p.rest == "publicRooms";
    if (match.kind == mxscope::EndpointMatch::Kind::request && !public_directory) {
      error(x.res, 401, "M_MISSING_TOKEN", "Missing access token");
      x.outcome = "rejected: missing token";
      return;
    }
    return forward_unauthenticated(x);  // /versions, login flows, public endpoints: no credentials attached
  }
  const auto caller = authenticate(x, text);
  if (!caller) return;

  if (p.api == "client" && is_legacy_or_v3(p.version) && m == "POST" && (p.rest == "logout" || p.rest == "logout/all"))
    return logout(x, *caller, p.rest == "logout/all");

  if (match.kind == mxscope::EndpointMatch::Kind::open) return forward_unauthenticated(x);
  if (match.kind == mxscope::EndpointMatch::Kind::unknown) {
    if (!caller->root()) {
      error(x.res, 403, "M_FORBIDDEN",
            "This endpoint is not available to scoped tokens (only the login's root token may use it)",
            {{"org.mxscope.reason", "unknown_endpoint"}});
      x.outcome = "denied: unknown_endpoint";
      return;
    }
    return forward(x, *caller, match, x.req.body);
  }

  // A known endpoint: authorise the request the SDK mapped it to.
  mxscope::Request request = match.request;
  std::optional<json> body_json;
  const mxscope::Action a = request.action;
  const bool sends = m == "PUT" && (a == mxscope::Action::send_message || a == mxscope::Action::send_event ||
                                    a == mxscope::Action::send_state);
  if (match.needs_msgtype || sends) {
    json j = json::parse(x.req.body, nullptr, false);
    if (!j.is_discarded() && j.is_object()) body_json = std::move(j);
  }
  if (match.needs_msgtype && body_json)
    if (const auto it = body_json->find("msgtype"); it != body_json->end() && it->is_string())
      request.key = it->get<std::string>();
  const mxscope::Decision d = mxscope::authorize(caller->token, request);
  if (!d) {
    error(x.res, 403, "M_FORBIDDEN", d.message, {{"org.mxscope.reason", std::string(mxscope::reason_name(d.reason))}});
    x.outcome = "denied: " + std::string(mxscope::reason_name(d.reason));
    return;
  }

  std::string body = x.req.body;
  if (m == "POST" && p.api == "client" && p.rest == "search" && !caller->token.scope().full_account) {
    // The homeserver searches only the token's rooms; the answer is filtered again in forward().
    json j = json::parse(body, nullptr, false);
    switch (j.is_discarded() ? SearchRequest::malformed : scope_search_request(j, caller->token)) {
      case SearchRequest::malformed:
        error(x.res, 400, "M_BAD_JSON", "The search request must be a JSON object with search_categories");
        x.outcome = "rejected: bad search body";
        return;
      case SearchRequest::no_rooms:
        json_reply(x.res, 200, empty_search_result());
        x.outcome = "filtered: no room to search";
        return;
      case SearchRequest::forward: body = j.dump(); break;
    }
  }
  if (sends && body_json) {
    // Attribution: a named token's events say which token sent them; nobody else may claim it.
    const auto& name = caller->token.name();
    if (name) {
      (*body_json)["org.mxscope.token"] = json{{"name", *name}};
      body = body_json->dump();
    } else if (!caller->root() && body_json->erase("org.mxscope.token") > 0) {
      body = body_json->dump();
    }
  }
  forward(x, *caller, match, std::move(body));
}

void Gateway::forward(Exchange& x, const Caller& c, const mxscope::EndpointMatch& match, std::string body) {
  const ApiPath p = api_path(x.path);
  const bool get = x.req.method == "GET";
  const bool is_sync = get && p.api == "client" && p.rest == "sync";
  const bool is_joined = get && p.api == "client" && p.rest == "joined_rooms";
  const bool is_directory = p.api == "client" && p.rest == "publicRooms" && (get || x.req.method == "POST");
  const bool is_search = p.api == "client" && p.rest == "search" && x.req.method == "POST";
  const bool is_notifications = get && p.api == "client" && p.rest == "notifications";
  const bool is_push_rules = get && p.api == "client" && (p.rest == "pushrules" || p.rest.starts_with("pushrules/"));
  int extra_timeout = 0;
  if (is_sync)
    if (const auto t = query_value(x.query, "timeout")) {
      long long ms = 0;
      for (char ch : *t) {
        if (ch < '0' || ch > '9') break;
        ms = std::min<long long>(ms * 10 + (ch - '0'), 3600000);
      }
      extra_timeout = static_cast<int>(ms / 1000) + 1;
    }
  std::string target = x.path;
  if (x.req.method == "PUT" && !c.root() && match.kind == mxscope::EndpointMatch::Kind::request) {
    // Every token of a login is the same homeserver device, and the homeserver deduplicates by
    // (device, transaction id): a subtoken's transaction ids are made its own.
    const auto a = match.request.action;
    if (a == mxscope::Action::send_message || a == mxscope::Action::send_event || a == mxscope::Action::redact ||
        a == mxscope::Action::send_to_device) {
      std::size_t end = target.size();
      while (end > 0 && target[end - 1] == '/') --end;
      const std::size_t slash = target.rfind('/', end == 0 ? 0 : end - 1);
      if (slash != std::string::npos) target.insert(slash + 1, "mxs." + c.id().substr(0, 16) + ".");
    }
  }
  const std::string q = query_without_token(x.query);
  if (!q.empty()) target += "?" + q;

  auto r = upstream_.send(x.req.method, target, x.req, body, &c.session->real_token, extra_timeout);
  if (r.failure != UpstreamResult::Failure::none) return upstream_failure(x, r);

  const bool full = c.token.scope().full_account;
  const auto& rq = match.request;
  const bool room_read = match.kind == mxscope::EndpointMatch::Kind::request && rq.room_id &&
                         (rq.action == mxscope::Action::read_timeline || rq.action == mxscope::Action::read_state) &&
                         !(rq.event_type && rq.key);
  if (r.status == 200 && !full &&
      (is_sync || is_joined || room_read || is_directory || is_search || is_notifications || is_push_rules)) {
    json j = json::parse(r.body, nullptr, false);
    if (j.is_discarded()) {
      error(x.res, 502, "M_UNKNOWN", "The homeserver's answer could not be read");
      x.outcome = "upstream answer unreadable";
      return;
    }
    if (is_sync) filter_sync(j, c.token);
    else if (is_joined) filter_joined_rooms(j, c.token);
    else if (is_directory) filter_public_rooms(j, c.token);
    else if (is_search) filter_search(j, c.token);
    else if (is_notifications) filter_notifications(j, c.token);
    else if (is_push_rules ? !filter_push_rules(j, c.token, p.rest) : !filter_room_read(j, c.token, *rq.room_id)) {
      // A single event, or a single push rule, the token may not see: as if it did not exist.
      error(x.res, 404, "M_NOT_FOUND", is_push_rules ? "Push rule not found" : "Event not found");
      x.outcome = is_push_rules ? "filtered: push rule not visible" : "filtered: event not readable";
      return;
    }
    r.body = j.dump();
    x.outcome = "forwarded, filtered";
  } else {
    x.outcome = "forwarded";
  }
  x.res.status = r.status;
  for (const auto& [k, v] : r.headers) x.res.set_header(k, v);
  x.res.set_content(std::move(r.body), content_type(r.content_type));
}

void Gateway::login(Exchange& x, bool is_register) {
  // Refresh tokens would make the stored token expire: the gateway asks for a non-expiring one.
  std::string body = x.req.body;
  json req = json::parse(body, nullptr, false);
  if (!req.is_discarded() && req.is_object() && req.contains("refresh_token")) {
    req.erase("refresh_token");
    body = req.dump();
  }
  std::string target = x.path;
  const std::string q = query_without_token(x.query);
  if (!q.empty()) target += "?" + q;
  auto r = upstream_.send("POST", target, x.req, body, nullptr);
  if (r.failure != UpstreamResult::Failure::none) return upstream_failure(x, r);
  json resp = r.status == 200 ? json::parse(r.body, nullptr, false) : json();
  if (r.status != 200 || resp.is_discarded() || !resp.is_object() || !resp.contains("access_token")) {
    // Failures, interactive-auth steps and inhibit_login registrations pass through unchanged.
    x.res.status = r.status;
    for (const auto& [k, v] : r.headers) x.res.set_header(k, v);
    x.res.set_content(r.body, content_type(r.content_type));
    x.outcome = is_register ? "register forwarded" : "login forwarded";
    return;
  }
  std::string real = resp.value("access_token", "");
  const std::string user_id = resp.value("user_id", "");
  const std::string device_id = resp.value("device_id", "");
  resp["access_token"] = "";
  mxscope::SecretBytes real_token(reinterpret_cast<const std::uint8_t*>(real.data()), real.size());
  sodium_memzero(real.data(), real.size());
  sodium_memzero(r.body.data(), r.body.size());

  const auto give_back = [&](int status, const std::string& errcode, const std::string& msg) {
    httplib::Request none;
    upstream_.send("POST", "/_matrix/client/v3/logout", none, "{}", &real_token);
    error(x.res, status, errcode, msg);
  };
  if (!store_ok_) {
    x.outcome = "store unavailable";
    return give_back(503, "M_UNKNOWN", "The gateway's store is unavailable; try again later");
  }
  std::optional<mxscope::Token> root;
  try {
    root = mxscope::Token::mint(issuer_, mxscope::RootClaims{user_id, device_id, {}});
  } catch (const mxscope::Error& e) {
    x.outcome = "login: cannot mint";
    log::warn("login: cannot mint a root token: " + std::string(mxscope::code_name(e.code())));
    return give_back(502, "M_UNKNOWN", "The homeserver's login answer could not be used");
  }
  const std::string family = root->revocation_ids().front().to_hex();
  std::string plain(reinterpret_cast<const char*>(real_token.data()), real_token.size());
  Session s{family, user_id, device_id, box_->seal(family, plain), now_s()};
  sodium_memzero(plain.data(), plain.size());
  try {
    store_->put_session(s);
  } catch (const StoreError& e) {
    if (store_ok_.exchange(false)) log::error(std::string("store unavailable (failing closed): ") + e.what());
    x.outcome = "store unavailable";
    return give_back(503, "M_UNKNOWN", "The gateway's store is unavailable; try again later");
  }
  {
    auto live = std::make_shared<LiveSession>(LiveSession{family, user_id, device_id, std::move(real_token)});
    std::unique_lock lock(sessions_mutex_);
    sessions_[family] = std::move(live);
  }
  resp["access_token"] = root->to_text();
  resp.erase("refresh_token");
  resp.erase("expires_in_ms");
  if (resp.contains("well_known")) {
    if (config_.public_url.empty()) resp.erase("well_known");
    else resp["well_known"] = json{{"m.homeserver", {{"base_url", config_.public_url}}}};
  }
  x.token_id = family;
  x.family_id = family;
  x.record_activity = true;
  x.outcome = is_register ? "registered, root token issued" : "logged in, root token issued";
  json_reply(x.res, 200, resp);
}

void Gateway::logout(Exchange& x, const Caller& c, bool all) {
  if (!c.root()) {
    if (all) {
      error(x.res, 403, "M_FORBIDDEN", "Only the login's root token may log out every session",
            {{"org.mxscope.reason", "root_only"}});
      x.outcome = "denied: root_only";
      return;
    }
    // A scoped token "logging out" ends itself (and what was made from it), not the login.
    revoke(c.id(), c.family(), c.id());
    x.outcome = "logout: token revoked";
    return json_reply(x.res, 200, json::object());
  }
  auto r = upstream_.send("POST", all ? "/_matrix/client/v3/logout/all" : "/_matrix/client/v3/logout", x.req,
                          x.req.body.empty() ? "{}" : x.req.body, &c.session->real_token);
  if (r.failure != UpstreamResult::Failure::none) return upstream_failure(x, r);
  if (r.status != 200 && r.status != 401) {
    x.res.status = r.status;
    x.res.set_content(r.body, content_type(r.content_type));
    x.outcome = "logout failed upstream";
    return;
  }
  std::vector<std::string> families{c.family()};
  if (all)
    for (const auto& f : store_->families_of_user(c.session->user_id))
      if (f != c.family()) families.push_back(f);
  for (const auto& f : families) end_session(f, all ? "logout/all" : "logout", false);
  x.outcome = all ? "logout/all: families revoked" : "logout: family revoked";
  json_reply(x.res, 200, json::object());
}

}  // namespace mxgw
