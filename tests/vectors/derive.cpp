#include "derive.hpp"

#include <stdexcept>

#include "mxscope/mxscope.hpp"
#include "mxscope/testing.hpp"
#include "spec_format.hpp"

namespace vectors {

using namespace mxscope;

namespace {

spec::Bytes from_hex(const std::string& hex) {
  if (hex.size() % 2) throw std::invalid_argument("odd hex length");
  spec::Bytes out;
  for (std::size_t i = 0; i < hex.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  return out;
}

Action action_named(const std::string& name) {
  const auto a = action_from_name(name);
  if (!a) throw std::invalid_argument("unknown action " + name);
  return *a;
}

json actions_json(ActionSet set) {
  json out = json::array();
  for (const auto& row : action_table())
    if (set.contains(row.action)) out.push_back(row.name);
  return out;
}

json pattern_json(const EventPattern& p) {
  json j{{"action", action_name(p.action)}, {"type", p.type}};
  if (p.key) j["key"] = *p.key;
  return j;
}

json optional_json(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }

IssuerKey issuer_from_seed_hex(const std::string& seed_hex) {
  const spec::Bytes seed = from_hex(seed_hex);
  return IssuerKey::from_seed(SecretBytes(seed.data(), seed.size()));
}

std::string kind_name(SentenceKind k) {
  switch (k) {
    case SentenceKind::permission: return "permission";
    case SentenceKind::rooms: return "rooms";
    case SentenceKind::time: return "time";
    case SentenceKind::name: return "name";
    case SentenceKind::delegation: return "delegation";
    case SentenceKind::account: return "account";
  }
  return "?";
}

// Applies one tamper operation; returns the tampered text and, for byte-level edits, the bytes.
json tamper(const Token& token, const json& op) {
  const std::string text = token.to_text();
  if (op.contains("text_replace_char")) {
    const auto& r = op["text_replace_char"];
    std::string t = text;
    const std::size_t i = r["index"].get<std::size_t>();
    const std::string c = r["char"].get<std::string>();
    if (i >= t.size() || c.size() != 1 || t[i] == c[0]) throw std::invalid_argument("text_replace_char changes nothing");
    t[i] = c[0];
    return {{"text", t}};
  }
  spec::Bytes b = token.to_bytes();
  auto offset = [&](const json& o) {
    const long long v = o.get<long long>();
    const long long at = v < 0 ? static_cast<long long>(b.size()) + v : v;
    if (at < 0 || at >= static_cast<long long>(b.size())) throw std::invalid_argument("offset out of range");
    return static_cast<std::size_t>(at);
  };
  if (op.contains("flip_bit")) {
    b[offset(op["flip_bit"]["offset"])] ^= static_cast<std::uint8_t>(1u << op["flip_bit"]["bit"].get<int>());
  } else if (op.contains("set_byte")) {
    b[offset(op["set_byte"]["offset"])] = op["set_byte"]["value"].get<std::uint8_t>();
  } else if (op.contains("truncate_by")) {
    b.resize(b.size() - op["truncate_by"].get<std::size_t>());
  } else if (op.contains("append_hex")) {
    const spec::Bytes extra = from_hex(op["append_hex"].get<std::string>());
    b.insert(b.end(), extra.begin(), extra.end());
  } else {
    throw std::invalid_argument("unknown tamper operation " + op.dump());
  }
  return {{"text", spec::text_of(b)}, {"hex", spec::hex(b)}};
}

json error_json(const Error& e, const char* stage) { return {{"ok", false}, {"error", code_name(e.code())}, {"stage", stage}}; }

json verify_json(const json& issuers, const Token& built, const std::string& text, const json& in) {
  TrustedKeys trusted;
  for (const auto& name : in.at("trusted")) trusted.add(issuer_from_seed_hex(issuers.at(name.get<std::string>()).at("seed_hex")).public_key());
  RevocationSet revoked;
  const auto ids = built.revocation_ids();
  for (const auto& i : in.value("revoke_blocks", json::array())) revoked.add(ids.at(i.get<std::size_t>()));
  VerifyOptions options;
  options.now = in.at("now").get<std::int64_t>();
  options.clock_skew = in.value("clock_skew", std::int64_t{30});
  options.revoked = &revoked;

  std::optional<Token> parsed;
  try {
    parsed = Token::parse(text);
  } catch (const Error& e) {
    return error_json(e, "parse");
  }
  try {
    const VerifiedToken v = parsed->verify(trusted, options);
    return {{"ok", true}, {"scope", scope_to_json(v.scope())}};
  } catch (const Error& e) {
    return error_json(e, "verify");
  }
}

json describe_json(const Scope& scope, const json& in) {
  DescribeOptions o;
  o.now = in.at("now").get<std::int64_t>();
  const json names = in.value("room_names", json::object());
  for (const auto& [id, name] : names.items()) o.room_names[id] = name.get<std::string>();
  json out = json::array();
  for (const Sentence& s : describe(scope, o)) {
    json j{{"kind", kind_name(s.kind)}, {"risk", risk_name(s.risk)}, {"text", s.text}};
    if (s.action) j["action"] = action_name(*s.action);
    if (s.pattern) j["pattern"] = pattern_json(*s.pattern);
    out.push_back(j);
  }
  return out;
}

}  // namespace

Caveats caveats_from_json(const json& j) {
  Caveats c;
  if (j.contains("actions")) {
    ActionSet s;
    for (const auto& a : j["actions"]) s.add(action_named(a.get<std::string>()));
    c.actions = s;
  }
  if (j.contains("rooms")) c.rooms = j["rooms"].get<std::set<std::string>>();
  if (j.contains("events")) {
    std::vector<EventPattern> events;
    for (const auto& e : j["events"]) {
      EventPattern p{action_named(e.at("action").get<std::string>()), e.at("type").get<std::string>(), std::nullopt};
      if (e.contains("key")) p.key = e["key"].get<std::string>();
      events.push_back(p);
    }
    c.events = events;
  }
  if (j.contains("not_before")) c.not_before = j["not_before"].get<std::int64_t>();
  if (j.contains("not_after")) c.not_after = j["not_after"].get<std::int64_t>();
  if (j.contains("name")) c.name = j["name"].get<std::string>();
  return c;
}

json caveats_to_json(const Caveats& c) {
  json j = json::object();
  if (c.actions) j["actions"] = actions_json(*c.actions);
  if (c.rooms) j["rooms"] = *c.rooms;
  if (c.events) {
    j["events"] = json::array();
    for (const auto& e : *c.events) j["events"].push_back(pattern_json(e));
  }
  if (c.not_before) j["not_before"] = *c.not_before;
  if (c.not_after) j["not_after"] = *c.not_after;
  if (c.name) j["name"] = *c.name;
  return j;
}

json scope_to_json(const Scope& s) {
  json events = nullptr;
  if (s.events) {
    events = json::array();
    for (const auto& e : *s.events) events.push_back(pattern_json(e));
  }
  return {{"full_account", s.full_account},
          {"actions", actions_json(s.actions)},
          {"rooms", s.rooms ? json(*s.rooms) : json(nullptr)},
          {"events", events},
          {"not_before", optional_json(s.not_before)},
          {"not_after", optional_json(s.not_after)},
          {"name", s.name ? json(*s.name) : json(nullptr)},
          {"sealed", s.sealed}};
}

json issuer_entry(const std::string& seed_hex) {
  const IssuerKey key = issuer_from_seed_hex(seed_hex);
  const SecretBytes secret = key.to_text();
  return {{"seed_hex", seed_hex},
          {"public_key", key.public_key().to_text()},
          {"key_id_hex", key.public_key().id_hex()},
          {"secret_text", std::string(reinterpret_cast<const char*>(secret.data()), secret.size())}};
}

json derive_case(const json& issuers, const json& input) {
  const IssuerKey issuer = issuer_from_seed_hex(issuers.at(input.at("issuer").get<std::string>()).at("seed_hex"));
  const testing::DeterministicRandom random(input.at("random_seed").get<std::string>());

  const json& root = input.at("root");
  RootClaims claims{root.at("user_id").get<std::string>(), std::nullopt, caveats_from_json(root.value("caveats", json::object()))};
  if (root.contains("device_id")) claims.device_id = root["device_id"].get<std::string>();
  Token token = Token::mint(issuer, claims);
  for (const auto& c : input.value("attenuate", json::array())) token = token.attenuate(caveats_from_json(c));
  if (input.value("seal", false)) token = token.seal();

  json out;
  json ids = json::array();
  for (const auto& id : token.revocation_ids()) ids.push_back(id.to_hex());
  out["token"] = {{"text", token.to_text()},
                  {"hex", spec::hex(token.to_bytes())},
                  {"block_count", token.block_count()},
                  {"sealed", token.sealed()},
                  {"revocation_ids", ids}};

  if (input.contains("then_attenuate")) {
    try {
      const Token child = token.attenuate(caveats_from_json(input["then_attenuate"]));
      out["then_attenuate"] = {{"ok", true}, {"text", child.to_text()}};
    } catch (const Error& e) {
      out["then_attenuate"] = {{"ok", false}, {"error", code_name(e.code())}};
    }
  }

  std::string text = token.to_text();
  if (input.contains("tamper")) {
    out["tampered"] = tamper(token, input["tamper"]);
    text = out["tampered"]["text"].get<std::string>();
  }
  if (input.contains("verify")) out["verify"] = verify_json(issuers, token, text, input["verify"]);
  if (input.contains("describe")) out["describe"] = describe_json(token.claimed_scope(), input["describe"]);
  return out;
}

}  // namespace vectors
