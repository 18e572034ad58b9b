// The gateway's own API under /_mxscope/v1/ (docs/gateway.md): issuer keys, whoami, mint,
// revoke, and the tokens of a family with their activity.
#include <ctime>

#include "gateway.hpp"
#include "log.hpp"

namespace mxgw {

using nlohmann::json;

namespace {

std::int64_t now_s() { return static_cast<std::int64_t>(std::time(nullptr)); }

json scope_json(const mxscope::Scope& s) {
  json j = json::object();
  j["full_account"] = s.full_account;
  json actions = json::array();
  for (const auto& info : mxscope::action_table())
    if (s.actions.contains(info.action)) actions.push_back(std::string(info.name));
  j["actions"] = std::move(actions);
  j["rooms"] = s.rooms ? json(std::vector<std::string>(s.rooms->begin(), s.rooms->end())) : json(nullptr);
  if (s.events) {
    json ev = json::array();
    for (const auto& p : *s.events) {
      json e = {{"action", std::string(mxscope::action_name(p.action))}, {"type", p.type}};
      if (p.key) e["key"] = *p.key;
      ev.push_back(std::move(e));
    }
    j["events"] = std::move(ev);
  } else {
    j["events"] = nullptr;
  }
  j["not_before"] = s.not_before ? json(*s.not_before) : json(nullptr);
  j["not_after"] = s.not_after ? json(*s.not_after) : json(nullptr);
  j["name"] = s.name ? json(*s.name) : json(nullptr);
  j["sealed"] = s.sealed;
  return j;
}

json describe_json(const mxscope::Scope& s) {
  json out = json::array();
  mxscope::DescribeOptions o;
  o.now = now_s();
  for (const auto& line : mxscope::describe(s, o))
    out.push_back({{"kind", std::string(mxscope::sentence_kind_name(line.kind))}, {"risk", std::string(mxscope::risk_name(line.risk))},
                   {"text", line.text}});
  return out;
}

// Whether `chain` is `prefix` or extends it: the token is the caller itself or made from it.
bool extends(const std::vector<std::string>& chain, const std::vector<std::string>& prefix) {
  if (chain.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (chain[i] != prefix[i]) return false;
  return true;
}

bool is_hex_id(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

struct BadRequest : std::runtime_error {
  using std::runtime_error::runtime_error;
};

mxscope::Caveats caveats_from_json(const json& j, bool& seal) {
  if (!j.is_object()) throw BadRequest("the body must be a JSON object");
  mxscope::Caveats c;
  seal = false;
  for (const auto& [key, v] : j.items()) {
    if (key == "actions") {
      if (!v.is_array()) throw BadRequest("actions: expected an array of action names");
      mxscope::ActionSet set;
      for (const auto& a : v) {
        const auto action = a.is_string() ? mxscope::action_from_name(a.get<std::string>()) : std::nullopt;
        if (!action) throw BadRequest("actions: unknown action " + a.dump());
        set.add(*action);
      }
      c.actions = set;
    } else if (key == "rooms") {
      if (!v.is_array()) throw BadRequest("rooms: expected an array of room ids");
      std::set<std::string> rooms;
      for (const auto& r : v) {
        if (!r.is_string()) throw BadRequest("rooms: expected room ids");
        rooms.insert(r.get<std::string>());
      }
      c.rooms = std::move(rooms);
    } else if (key == "events") {
      if (!v.is_array()) throw BadRequest("events: expected an array of {action, type, key?}");
      std::vector<mxscope::EventPattern> patterns;
      for (const auto& e : v) {
        if (!e.is_object() || !e.contains("action") || !e["action"].is_string() || !e.contains("type") ||
            !e["type"].is_string())
          throw BadRequest("events: each pattern needs an action and a type");
        const auto action = mxscope::action_from_name(e["action"].get<std::string>());
        if (!action) throw BadRequest("events: unknown action " + e["action"].dump());
        mxscope::EventPattern p{*action, e["type"].get<std::string>(), std::nullopt};
        if (e.contains("key") && !e["key"].is_null()) {
          if (!e["key"].is_string()) throw BadRequest("events: key must be a string");
          p.key = e["key"].get<std::string>();
        }
        patterns.push_back(std::move(p));
      }
      std::sort(patterns.begin(), patterns.end());
      patterns.erase(std::unique(patterns.begin(), patterns.end()), patterns.end());
      c.events = std::move(patterns);
    } else if (key == "not_before" || key == "not_after" || key == "expires_in") {
      if (!v.is_number_integer()) throw BadRequest(key + ": expected an integer (unix seconds; expires_in: seconds)");
      const auto n = v.get<std::int64_t>();
      if (key == "not_before") c.not_before = n;
      else if (key == "not_after") c.not_after = n;
      else c.not_after = now_s() + n;
    } else if (key == "name") {
      if (!v.is_string()) throw BadRequest("name: expected a string");
      c.name = v.get<std::string>();
    } else if (key == "seal") {
      if (!v.is_boolean()) throw BadRequest("seal: expected true or false");
      seal = v.get<bool>();
    } else {
      throw BadRequest("unknown field '" + key + "'");
    }
  }
  return c;
}

}  // namespace

json Gateway::token_info(const Caller& c) const {
  const auto& s = c.token.scope();
  json j = {{"token_id", c.id()},
            {"family_id", c.family()},
            {"parent_id", c.parent().empty() ? json(nullptr) : json(c.parent())},
            {"depth", c.chain.size() - 1},
            {"user_id", c.token.user_id()},
            {"device_id", c.token.token().device_id() ? json(*c.token.token().device_id()) : json(nullptr)},
            {"name", s.name ? json(*s.name) : json(nullptr)},
            {"root", c.root()},
            {"scope", scope_json(s)},
            {"describe", describe_json(s)}};
  return j;
}

void Gateway::token_api(Exchange& x) {
  std::string rest = x.path.size() > 13 ? x.path.substr(13) : "";
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  const std::string& m = x.req.method;
  if (rest == "keys" && m == "GET") {
    json keys = json::array();
    keys.push_back({{"key_id", issuer_.public_key().id_hex()}, {"public_key", issuer_.public_key().to_text()},
                    {"issuer", true}});
    for (const auto& k : config_.trusted_keys) {
      const auto pk = mxscope::PublicKey::from_text(k);
      keys.push_back({{"key_id", pk.id_hex()}, {"public_key", pk.to_text()}, {"issuer", false}});
    }
    x.outcome = "keys";
    return json_reply(x.res, 200, {{"keys", keys}});
  }
  std::string text;
  if (!extract_token(x, text)) return;
  if (text.empty()) {
    error(x.res, 401, "M_MISSING_TOKEN", "Missing access token");
    x.outcome = "rejected: missing token";
    return;
  }
  const auto caller = authenticate(x, text);
  if (!caller) return;
  try {
    if (rest == "whoami" && m == "GET") return api_whoami(x, *caller);
    if (rest == "mint" && m == "POST") return api_mint(x, *caller);
    if (rest == "revoke" && m == "POST") return api_revoke(x, *caller);
    if (rest == "tokens" && m == "GET") return api_tokens(x, *caller);
    if (rest.starts_with("tokens/") && m == "GET") return api_token(x, *caller, rest.substr(7));
  } catch (const BadRequest& e) {
    x.outcome = "bad request";
    return error(x.res, 400, "M_INVALID_PARAM", e.what());
  }
  error(x.res, 404, "M_UNRECOGNIZED", "Unrecognized request");
  x.outcome = "unrecognized";
}

void Gateway::api_whoami(Exchange& x, const Caller& c) {
  x.outcome = "whoami";
  json_reply(x.res, 200, token_info(c));
}

void Gateway::api_mint(Exchange& x, const Caller& c) {
  const json body = json::parse(x.req.body.empty() ? std::string("{}") : x.req.body, nullptr, false);
  if (body.is_discarded()) throw BadRequest("the body is not JSON");
  bool seal = false;
  const mxscope::Caveats caveats = caveats_from_json(body, seal);
  try {
    mxscope::Token child = c.token.token().attenuate(caveats);
    if (seal) child = child.seal();
    const auto ids = child.revocation_ids();
    json out = {{"token", child.to_text()},
                {"token_id", ids.back().to_hex()},
                {"parent_id", c.id()},
                {"family_id", c.family()},
                {"scope", scope_json(child.claimed_scope())},
                {"describe", describe_json(child.claimed_scope())}};
    x.outcome = "minted " + ids.back().to_hex().substr(0, 12);
    json_reply(x.res, 200, out);
  } catch (const mxscope::Error& e) {
    const auto code = e.code();
    x.outcome = "mint refused: " + std::string(mxscope::code_name(code));
    if (code == mxscope::Errc::invalid_argument) throw BadRequest(e.what());
    error(x.res, 403, "M_FORBIDDEN", e.what(), {{"org.mxscope.error", std::string(mxscope::code_name(code))}});
  }
}

void Gateway::api_revoke(Exchange& x, const Caller& c) {
  const json body = json::parse(x.req.body.empty() ? std::string("{}") : x.req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) throw BadRequest("the body must be a JSON object");
  std::vector<std::string> target;  // the chain of the token to revoke
  if (body.contains("token")) {
    if (!body["token"].is_string()) throw BadRequest("token: expected token text");
    const std::string text = body["token"].get<std::string>();
    try {
      const auto t = mxscope::Token::parse(text);
      try {
        t.verify(trusted_, mxscope::VerifyOptions{.now = now_s()});
      } catch (const mxscope::Error& e) {
        // Only the signatures matter here: an expired or not-yet-valid token can still be revoked.
        if (e.code() != mxscope::Errc::token_expired && e.code() != mxscope::Errc::token_not_yet_valid) throw;
      }
      for (const auto& id : t.revocation_ids()) target.push_back(id.to_hex());
    } catch (const mxscope::Error& e) {
      throw BadRequest("token: not a token of this gateway (" + std::string(mxscope::code_name(e.code())) + ")");
    }
  } else if (body.contains("token_id")) {
    if (!body["token_id"].is_string() || !is_hex_id(body["token_id"].get<std::string>()))
      throw BadRequest("token_id: expected 32 lowercase hex characters");
    const std::string id = body["token_id"].get<std::string>();
    for (std::size_t i = 0; i < c.chain.size() && target.empty(); ++i)
      if (c.chain[i] == id) target.assign(c.chain.begin(), c.chain.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    if (target.empty()) {
      {
        std::lock_guard lock(pending_mutex_);
        if (const auto it = pending_uses_.find(id); it != pending_uses_.end()) target = it->second.token.chain;
      }
      if (target.empty())
        if (const auto rec = store_->token(id)) target = rec->chain;
    }
    if (target.empty()) {
      x.outcome = "revoke: unknown id";
      return error(x.res, 404, "M_NOT_FOUND",
                   "The gateway has not seen a token with this id; pass the token itself as \"token\"");
    }
  } else {
    target = c.chain;  // no argument: the caller revokes itself
  }
  if (!extends(target, c.chain)) {
    x.outcome = "revoke refused";
    return error(x.res, 403, "M_FORBIDDEN",
                 "A token may revoke only itself and the tokens made from it (the root: its whole login)",
                 {{"org.mxscope.reason", "not_a_descendant"}});
  }
  const std::string id = target.back();
  const bool whole_login = target.size() == 1;
  if (whole_login) end_session(c.family(), c.id(), true);
  else revoke(id, c.family(), c.id());
  x.outcome = "revoked " + id.substr(0, 12);
  json_reply(x.res, 200, {{"revoked", id}, {"family_id", c.family()}, {"ended_login", whole_login}});
}

void Gateway::api_tokens(Exchange& x, const Caller& c) {
  flush_once();  // what was used a moment ago is listed too
  int activity = 0;
  if (const auto a = x.req.get_param_value("activity"); !a.empty()) activity = std::clamp(std::atoi(a.c_str()), 0, 1000);
  json list = json::array();
  for (const auto& t : store_->tokens(c.family())) {
    if (!extends(t.chain, c.chain)) continue;
    bool revoked = false;
    for (const auto& id : t.chain) revoked = revoked || is_revoked(id);
    json info = json::parse(t.info.empty() ? std::string("{}") : t.info, nullptr, false);
    json e = {{"token_id", t.id},
              {"parent_id", t.parent_id.empty() ? json(nullptr) : json(t.parent_id)},
              {"depth", t.chain.size() - 1},
              {"name", t.name.empty() ? json(nullptr) : json(t.name)},
              {"first_seen", t.first_seen},
              {"last_used", t.last_used},
              {"uses", t.uses},
              {"revoked", revoked},
              {"scope", info.is_object() && info.contains("scope") ? info["scope"] : json(nullptr)},
              {"describe", info.is_object() && info.contains("describe") ? info["describe"] : json::array()}};
    if (activity > 0) {
      json acts = json::array();
      for (const auto& a : store_->activity(t.id, activity))
        acts.push_back({{"at", a.at_ms}, {"method", a.method}, {"path", a.path}, {"status", a.status},
                        {"outcome", a.outcome}});
      e["activity"] = std::move(acts);
    }
    list.push_back(std::move(e));
  }
  x.outcome = "tokens";
  json_reply(x.res, 200, {{"family_id", c.family()}, {"tokens", list}});
}

void Gateway::api_token(Exchange& x, const Caller& c, const std::string& id) {
  std::string tid = id;
  if (tid.ends_with("/activity")) tid = tid.substr(0, tid.size() - 9);
  if (!is_hex_id(tid)) throw BadRequest("expected a token id (32 lowercase hex characters)");
  flush_once();
  const auto t = store_->token(tid);
  if (!t || !extends(t->chain, c.chain)) {
    x.outcome = "token not visible";
    return error(x.res, 404, "M_NOT_FOUND", "No such token among the caller and the tokens made from it");
  }
  int limit = 100;
  if (const auto l = x.req.get_param_value("limit"); !l.empty()) limit = std::clamp(std::atoi(l.c_str()), 1, 1000);
  bool revoked = false;
  for (const auto& r : t->chain) revoked = revoked || is_revoked(r);
  json info = json::parse(t->info.empty() ? std::string("{}") : t->info, nullptr, false);
  json acts = json::array();
  for (const auto& a : store_->activity(tid, limit))
    acts.push_back({{"at", a.at_ms}, {"method", a.method}, {"path", a.path}, {"status", a.status},
                    {"outcome", a.outcome}});
  x.outcome = "token";
  json_reply(x.res, 200,
             {{"token_id", t->id},
              {"parent_id", t->parent_id.empty() ? json(nullptr) : json(t->parent_id)},
              {"family_id", t->family_id},
              {"depth", t->chain.size() - 1},
              {"name", t->name.empty() ? json(nullptr) : json(t->name)},
              {"first_seen", t->first_seen},
              {"last_used", t->last_used},
              {"uses", t->uses},
              {"revoked", revoked},
              {"scope", info.is_object() && info.contains("scope") ? info["scope"] : json(nullptr)},
              {"describe", info.is_object() && info.contains("describe") ? info["describe"] : json::array()},
              {"activity", acts}});
}

}  // namespace mxgw
