// The C++ SDK behind a boundary of plain strings: extern "C" exports that js/index.mjs calls.
//
// Arguments: strings and bytes are (pointer, length) pairs that JavaScript has written into the
// buffer mx_in() hands out; numbers are doubles. Every operation returns 0 and leaves its result
// (token or key text, JSON, or bytes) in the output buffer (mx_out / mx_out_len), or returns 1 and
// leaves "<code>\x01<message>" there (code = mxscope's code_name, or the boundary's own
// out_of_memory / internal_error). No C++ exception ever crosses into JavaScript.
//
// JSON on this boundary uses camelCase names and times in epoch milliseconds; times going in are
// floored to the SDK's unix seconds, times coming out are seconds * 1000.
//
// (Embind was the first choice; its JavaScript runtime alone was ~13 KB of the 120 KB gzip budget
// and buys nothing when every argument is a string.)
#include <emscripten/emscripten.h>
#include <malloc.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto.hpp"  // sdk/src: the library's own hex encoding
#include "mini_json.hpp"
#include "mxscope/mxscope.hpp"
#include "mxscope/testing.hpp"

namespace {

namespace mx = mxscope;
using mxscope_wasm::json::Value;
using mxscope_wasm::json::Writer;
using Kind = Value::Kind;

// ---- arguments, results and failures ----

using Str = std::string_view;  // a string or bytes argument, written by JavaScript into mx_in()
Str arg(const char* data, int size) { return Str(data, size > 0 ? static_cast<std::size_t>(size) : 0); }

std::vector<char> in_buffer;  // arguments for the next call
std::string out_buffer;       // the last call's result or failure

int fail(std::string_view code, std::string_view message) noexcept {
  try {
    out_buffer.assign(code);
    out_buffer += '\x01';
    out_buffer += message;
  } catch (...) {
    out_buffer.clear();
  }
  return 1;
}

[[noreturn]] void bad(const std::string& message) { throw mx::Error(mx::Errc::invalid_argument, message); }

// Runs one operation: 0 and its result in out_buffer, or 1 and the failure.
template <class F>
int run(F&& f) noexcept {
  try {
    out_buffer = f();
    return 0;
  } catch (const mx::Error& e) {
    return fail(mx::code_name(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    return fail("out_of_memory", "the WebAssembly heap is exhausted");
  } catch (const std::exception& e) {
    return fail("internal_error", e.what());
  } catch (...) {
    return fail("internal_error", "unexpected C++ exception");
  }
}

// ---- time ----

std::int64_t seconds_of_ms(double ms) {
  // 2^40 seconds is the SDK's own limit; this only keeps the conversion defined.
  if (!std::isfinite(ms) || std::fabs(ms) > 9.0e15) bad("a time must be a finite number of epoch milliseconds");
  return static_cast<std::int64_t>(std::floor(ms / 1000.0));
}
std::int64_t ms_of(std::int64_t seconds) { return seconds * 1000; }

// ---- names ----

mx::Action action_of(Str name) {
  if (auto a = mx::action_from_name(name)) return *a;
  bad("unknown action \"" + std::string(name) + "\" (see the actions table)");
}
const char* room_use_name(mx::RoomUse u) {
  switch (u) {
    case mx::RoomUse::none: return "none";
    case mx::RoomUse::required: return "required";
    case mx::RoomUse::filter: return "filter";
  }
  return "none";
}
const char* event_use_name(mx::EventUse u) {
  switch (u) {
    case mx::EventUse::none: return "none";
    case mx::EventUse::message: return "message";
    case mx::EventUse::event: return "event";
    case mx::EventUse::state: return "state";
    case mx::EventUse::timeline: return "timeline";
  }
  return "none";
}
const char* capability_kind_name(mx::CapabilityInfo::Kind k) {
  using K = mx::CapabilityInfo::Kind;
  switch (k) {
    case K::grant: return "grant";
    case K::room: return "room";
    case K::any_room: return "any_room";
    case K::host_only: return "host_only";
    case K::unknown: return "unknown";
  }
  return "unknown";
}
const char* endpoint_kind_name(mx::EndpointMatch::Kind k) {
  using K = mx::EndpointMatch::Kind;
  switch (k) {
    case K::request: return "request";
    case K::open: return "open";
    case K::unknown: return "unknown";
  }
  return "unknown";
}

// ---- reading JSON arguments ----

const Value& object_of(const Value& v, const std::string& what) {
  if (v.kind != Kind::object) bad(what + " must be an object");
  return v;
}
const Value& array_of(const Value& v, const std::string& what) {
  if (v.kind != Kind::array) bad(what + " must be an array");
  return v;
}
const std::string& string_of(const Value& v, const std::string& what) {
  if (v.kind != Kind::string) bad(what + " must be a string");
  return v.string;
}
bool bool_of(const Value& v, const std::string& what) {
  if (v.kind != Kind::boolean) bad(what + " must be a boolean");
  return v.boolean;
}
std::int64_t seconds_of(const Value& v, const std::string& what) {
  if (v.kind != Kind::number) bad(what + " must be a Date or a number of epoch milliseconds");
  return seconds_of_ms(v.number);
}
// A member that is present and not null (null means "absent" on this boundary).
const Value* member(const Value& obj, std::string_view key) {
  const Value* v = obj.find(key);
  return v && !v->is_null() ? v : nullptr;
}
// Rejects fields nobody reads: a misspelt restriction ("room" for "rooms") must not mint a token
// that is silently broader than intended.
void only_fields(const Value& obj, std::initializer_list<std::string_view> allowed, const std::string& what) {
  for (const auto& k : obj.keys) {
    bool known = false;
    for (auto a : allowed) known = known || k == a;
    if (!known) bad(what + " has an unknown field \"" + k + "\"");
  }
}
Value parse_arg(Str text, const std::string& what) {
  Value v = mxscope_wasm::json::parse(text);
  object_of(v, what);
  return v;
}

mx::ActionSet actions_from(const Value& v) {
  mx::ActionSet set;
  for (const auto& a : array_of(v, "actions").items) set.add(action_of(string_of(a, "an action")));
  return set;
}
mx::EventPattern pattern_from(const Value& v) {
  object_of(v, "an event pattern");
  only_fields(v, {"action", "type", "key"}, "an event pattern");
  const Value* action = member(v, "action");
  const Value* type = member(v, "type");
  if (!action || !type) bad("an event pattern needs an action and a type");
  mx::EventPattern p{action_of(string_of(*action, "pattern.action")), string_of(*type, "pattern.type"), std::nullopt};
  if (const Value* key = member(v, "key")) p.key = string_of(*key, "pattern.key");
  return p;
}
std::vector<mx::EventPattern> patterns_from(const Value& v) {
  std::vector<mx::EventPattern> out;
  for (const auto& p : array_of(v, "events").items) out.push_back(pattern_from(p));
  return out;
}
std::set<std::string> rooms_from(const Value& v) {
  std::set<std::string> out;
  for (const auto& r : array_of(v, "rooms").items) out.insert(string_of(r, "a room id"));
  return out;
}

// The caveat fields of `v` (absent or null = no restriction); the caller checks for other fields.
mx::Caveats caveats_from(const Value& v) {
  mx::Caveats c;
  if (const Value* m = member(v, "actions")) c.actions = actions_from(*m);
  if (const Value* m = member(v, "rooms")) c.rooms = rooms_from(*m);
  if (const Value* m = member(v, "events")) c.events = patterns_from(*m);
  if (const Value* m = member(v, "notBefore")) c.not_before = seconds_of(*m, "notBefore");
  if (const Value* m = member(v, "notAfter")) c.not_after = seconds_of(*m, "notAfter");
  if (const Value* m = member(v, "name")) c.name = string_of(*m, "name");
  return c;
}

// A scope as write_scope writes it; missing fields take the Scope defaults (no actions, any room,
// any event, no times, not sealed).
mx::Scope scope_from(const Value& v) {
  object_of(v, "a scope");
  only_fields(v, {"fullAccount", "actions", "rooms", "events", "notBefore", "notAfter", "name", "sealed"}, "a scope");
  mx::Scope s;
  if (const Value* m = member(v, "fullAccount")) s.full_account = bool_of(*m, "scope.fullAccount");
  if (const Value* m = member(v, "actions")) s.actions = actions_from(*m);
  if (const Value* m = member(v, "rooms")) s.rooms = rooms_from(*m);
  if (const Value* m = member(v, "events")) s.events = patterns_from(*m);
  if (const Value* m = member(v, "notBefore")) s.not_before = seconds_of(*m, "scope.notBefore");
  if (const Value* m = member(v, "notAfter")) s.not_after = seconds_of(*m, "scope.notAfter");
  if (const Value* m = member(v, "name")) s.name = string_of(*m, "scope.name");
  if (const Value* m = member(v, "sealed")) s.sealed = bool_of(*m, "scope.sealed");
  return s;
}
mx::Scope scope_arg(Str text) { return scope_from(mxscope_wasm::json::parse(text)); }

std::vector<std::string> strings_arg(Str text, const std::string& what) {
  const Value list = mxscope_wasm::json::parse(text);  // named: the loop below borrows from it
  std::vector<std::string> out;
  for (const auto& s : array_of(list, what).items) out.push_back(string_of(s, "a capability"));
  return out;
}

// Flags say which optional strings are present: 1 room, 2 event type, 4 key.
mx::Request request_of(Str action, Str room, Str type, Str key, int flags) {
  mx::Request r{action_of(action), std::nullopt, std::nullopt, std::nullopt};
  if (flags & 1) r.room_id = std::string(room);
  if (flags & 2) r.event_type = std::string(type);
  if (flags & 4) r.key = std::string(key);
  return r;
}

// ---- writing JSON results ----

void write_actions(Writer& w, mx::ActionSet set) {
  w.begin_array();
  for (const auto& row : mx::action_table())
    if (set.contains(row.action)) w.string(row.name);
  w.end_array();
}
void write_strings(Writer& w, const std::vector<std::string>& strings) {
  w.begin_array();
  for (const auto& s : strings) w.string(s);
  w.end_array();
}
void write_rooms(Writer& w, const std::set<std::string>& rooms) {
  w.begin_array();
  for (const auto& r : rooms) w.string(r);
  w.end_array();
}
void write_pattern(Writer& w, const mx::EventPattern& p) {
  w.begin_object().field("action", mx::action_name(p.action)).field("type", p.type);
  if (p.key) w.field("key", *p.key);
  w.end_object();
}
void write_patterns(Writer& w, const std::vector<mx::EventPattern>& ps) {
  w.begin_array();
  for (const auto& p : ps) write_pattern(w, p);
  w.end_array();
}
void write_caveats(Writer& w, const mx::Caveats& c) {
  w.begin_object();
  if (c.actions) write_actions(w.key("actions"), *c.actions);
  if (c.rooms) write_rooms(w.key("rooms"), *c.rooms);
  if (c.events) write_patterns(w.key("events"), *c.events);
  if (c.not_before) w.field("notBefore", ms_of(*c.not_before));
  if (c.not_after) w.field("notAfter", ms_of(*c.not_after));
  if (c.name) w.field("name", *c.name);
  w.end_object();
}
void write_scope(Writer& w, const mx::Scope& s) {
  w.begin_object().field("fullAccount", s.full_account);
  write_actions(w.key("actions"), s.actions);
  w.key("rooms");
  s.rooms ? write_rooms(w, *s.rooms) : void(w.null());
  w.key("events");
  s.events ? write_patterns(w, *s.events) : void(w.null());
  s.not_before ? void(w.field("notBefore", ms_of(*s.not_before))) : void(w.key("notBefore").null());
  s.not_after ? void(w.field("notAfter", ms_of(*s.not_after))) : void(w.key("notAfter").null());
  s.name ? void(w.field("name", *s.name)) : void(w.key("name").null());
  w.field("sealed", s.sealed).end_object();
}
void write_request(Writer& w, const mx::Request& r) {
  w.begin_object().field("action", mx::action_name(r.action));
  if (r.room_id) w.field("roomId", *r.room_id);
  if (r.event_type) w.field("eventType", *r.event_type);
  if (r.key) w.field("key", *r.key);
  w.end_object();
}
std::string decision_json(const mx::Decision& d) {
  Writer w;
  w.begin_object().field("allowed", d.allowed).field("reason", mx::reason_name(d.reason)).field("message", d.message).end_object();
  return w.take();
}
void write_revocation_ids(Writer& w, const std::vector<mx::RevocationId>& ids) {
  w.begin_array();
  for (const auto& id : ids) w.string(id.to_hex());
  w.end_array();
}
// The fields of a token that need no verification to read (the object is left open).
void write_token_fields(Writer& w, const mx::Token& t) {
  w.begin_object().field("userId", t.user_id());
  t.device_id() ? void(w.field("deviceId", *t.device_id())) : void(w.key("deviceId").null());
  w.field("keyId", mx::detail::hex_encode(t.key_id().data(), t.key_id().size()))
      .field("sealed", t.sealed())
      .field("blockCount", t.block_count());
  write_revocation_ids(w.key("revocationIds"), t.revocation_ids());
}

// ---- keys ----

std::string key_json(const mx::IssuerKey& key) {
  const mx::SecretBytes secret = key.to_text();
  Writer w;
  w.begin_object()
      .field("secretKey", std::string_view(reinterpret_cast<const char*>(secret.data()), secret.size()))
      .field("publicKey", key.public_key().to_text())
      .field("keyId", key.public_key().id_hex())
      .end_object();
  return w.take();
}

// Trusted keys arrive as public key texts, one per line.
mx::TrustedKeys trusted_keys_of(Str lines) {
  mx::TrustedKeys keys;
  Str rest = lines;
  while (!rest.empty()) {
    const std::size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (!line.empty()) keys.add(mx::PublicKey::from_text(line));
  }
  return keys;
}

// ---- verified tokens ----
//
// A verified token stays in C++ so that authorize() decides against the very object verify()
// produced (with its per-block messages). JavaScript holds a number naming a slot of this ring.
// The ring is small and overwrites its oldest slot, so memory is bounded without finalisers; a
// VerifiedToken whose slot was reused is re-derived by verifying its token again with the same
// keys, time and skew (no revocation set: authorize never re-checks revocation, as in C++).

constexpr std::uint64_t ring_size = 256;
struct Slot {
  std::uint64_t id = 0;
  std::optional<mx::VerifiedToken> token;
};
std::array<Slot, ring_size> ring;
std::uint64_t last_id = 0;

std::string remember(mx::VerifiedToken v) {
  Slot& slot = ring[++last_id % ring_size];
  slot.id = last_id;
  slot.token.emplace(std::move(v));
  return std::to_string(last_id);
}

mx::VerifyOptions options_at(std::int64_t now, std::int64_t skew) {
  mx::VerifyOptions o;
  o.now = now;
  o.clock_skew = skew;
  return o;
}

// The VerifiedToken `id` names, re-derived into `scratch` if its slot has been reused.
const mx::VerifiedToken& recall(double id, Str text, Str keys, double at_ms, double skew_ms,
                                std::optional<mx::VerifiedToken>& scratch) {
  if (id >= 1 && id < 9.0e15) {
    const auto n = static_cast<std::uint64_t>(id);
    const Slot& slot = ring[n % ring_size];
    if (slot.id == n && slot.token) return *slot.token;
  }
  scratch.emplace(mx::Token::parse(text).verify(trusted_keys_of(keys), options_at(seconds_of_ms(at_ms), seconds_of_ms(skew_ms))));
  return *scratch;
}

// ---- the state JavaScript keeps handles to ----

// A revocation set; verifiers share it, so changes apply to their next verification.
struct RevSet {
  std::shared_ptr<mx::RevocationSet> set = std::make_shared<mx::RevocationSet>();
};

struct Verifier {
  mx::TrustedKeys keys;
  std::int64_t skew = 30;
  std::unique_ptr<mx::VerifiedChainCache> cache;
  std::shared_ptr<mx::RevocationSet> revoked;
};

mx::DescribeOptions describe_options(Str options_json) {
  const Value j = parse_arg(options_json, "describe options");
  only_fields(j, {"now", "roomNames"}, "describe options");
  mx::DescribeOptions o;
  if (const Value* now = member(j, "now")) o.now = seconds_of(*now, "now");
  if (const Value* names = member(j, "roomNames")) {
    object_of(*names, "roomNames");
    for (std::size_t k = 0; k < names->keys.size(); ++k) o.room_names[names->keys[k]] = string_of(names->items[k], "a room name");
  }
  return o;
}

std::string sentences_json(const std::vector<mx::Sentence>& sentences) {
  Writer w;
  w.begin_array();
  for (const auto& s : sentences) {
    w.begin_object().field("kind", mx::sentence_kind_name(s.kind)).field("risk", mx::risk_name(s.risk)).field("text", s.text);
    if (s.action) w.field("action", mx::action_name(*s.action));
    if (s.pattern) write_pattern(w.key("pattern"), *s.pattern);
    w.end_object();
  }
  return w.end_array().take();
}

std::string flag(bool b) { return b ? "1" : "0"; }

std::unique_ptr<mx::testing::DeterministicRandom> deterministic;

}  // namespace

#define MX_EXPORT extern "C" EMSCRIPTEN_KEEPALIVE

// ---- buffers ----

/// Room for the next call's arguments (at least `size` bytes); valid until the next mx_in. A
/// rare big argument or result gets a big buffer once; the next ordinary call gives it back.
MX_EXPORT char* mx_in(std::size_t size) {
  constexpr std::size_t keep = 64 * 1024;
  try {
    if (out_buffer.capacity() > keep) std::string().swap(out_buffer);
    if (in_buffer.size() > keep && size <= keep) std::vector<char>().swap(in_buffer);
    if (in_buffer.size() < size) in_buffer.resize(size);
    return in_buffer.data();
  } catch (...) {
    return nullptr;
  }
}
MX_EXPORT const char* mx_out() { return out_buffer.data(); }
MX_EXPORT std::size_t mx_out_len() { return out_buffer.size(); }

// ---- library ----

MX_EXPORT int mx_init() {
  return run([] {
    mx::init();
    return std::string(mx::version());
  });
}

MX_EXPORT int mx_action_table() {
  return run([] {
    Writer w;
    w.begin_array();
    for (const auto& row : mx::action_table()) {
      w.begin_object()
          .field("name", row.name)
          .field("index", static_cast<int>(row.action))
          .field("risk", mx::risk_name(row.risk))
          .field("rooms", room_use_name(row.rooms))
          .field("events", event_use_name(row.events))
          .field("rootOnly", row.root_only)
          .field("widgetOnly", row.widget_only)
          .end_object();
    }
    return w.end_array().take();
  });
}

// ---- keys ----

MX_EXPORT int mx_generate_key() {
  return run([] { return key_json(mx::IssuerKey::generate()); });
}
MX_EXPORT int mx_key_from_text(const char* t, int tn) {
  return run([&] { return key_json(mx::IssuerKey::from_text(arg(t, tn))); });
}
MX_EXPORT int mx_key_from_seed(const char* s, int sn) {
  return run([&] {
    if (sn != int(mx::secret_seed_bytes)) bad("an issuer key seed is 32 bytes");
    const mx::SecretBytes seed(reinterpret_cast<const std::uint8_t*>(s), mx::secret_seed_bytes);
    return key_json(mx::IssuerKey::from_seed(seed));
  });
}
MX_EXPORT int mx_public_key_info(const char* t, int tn) {
  return run([&] {
    const mx::PublicKey key = mx::PublicKey::from_text(arg(t, tn));
    Writer w;
    return w.begin_object().field("publicKey", key.to_text()).field("keyId", key.id_hex()).end_object().take();
  });
}

// ---- tokens ----

MX_EXPORT int mx_mint(const char* k, int kn, const char* j, int jn) {
  return run([&] {
    const Value v = parse_arg(arg(j, jn), "mint options");
    only_fields(v, {"userId", "deviceId", "actions", "rooms", "events", "notBefore", "notAfter", "name"}, "mint options");
    mx::RootClaims claims;
    const Value* user = member(v, "userId");
    if (!user) bad("mint needs a userId");
    claims.user_id = string_of(*user, "userId");
    if (const Value* device = member(v, "deviceId")) claims.device_id = string_of(*device, "deviceId");
    claims.caveats = caveats_from(v);
    return mx::Token::mint(mx::IssuerKey::from_text(arg(k, kn)), claims).to_text();
  });
}

MX_EXPORT int mx_attenuate(const char* t, int tn, const char* j, int jn) {
  return run([&] {
    const Value v = parse_arg(arg(j, jn), "caveats");
    only_fields(v, {"actions", "rooms", "events", "notBefore", "notAfter", "name"}, "caveats");
    return mx::Token::parse(arg(t, tn)).attenuate(caveats_from(v)).to_text();
  });
}

MX_EXPORT int mx_seal(const char* t, int tn) {
  return run([&] { return mx::Token::parse(arg(t, tn)).seal().to_text(); });
}

MX_EXPORT int mx_inspect(const char* t, int tn) {
  return run([&] {
    const mx::Token token = mx::Token::parse(arg(t, tn));
    Writer w;
    write_token_fields(w, token);
    w.field("byteLength", token.to_bytes().size()).key("blocks").begin_array();
    for (const auto& b : token.blocks()) {
      w.begin_object().field("index", b.index);
      write_caveats(w.key("caveats"), b.caveats);
      w.key("unknownTags").begin_array();
      for (auto tag : b.unknown_tags) w.number(tag);
      w.end_array().field("revocationId", b.revocation_id.to_hex()).end_object();
    }
    w.end_array();
    write_scope(w.key("claimedScope"), token.claimed_scope());
    return w.end_object().take();
  });
}

MX_EXPORT int mx_revocation_ids(const char* t, int tn) {
  return run([&] {
    Writer w;
    write_revocation_ids(w, mx::Token::parse(arg(t, tn)).revocation_ids());
    return w.take();
  });
}

/// The binary form, as raw bytes in the output buffer.
MX_EXPORT int mx_to_bytes(const char* t, int tn) {
  return run([&] {
    const std::vector<std::uint8_t> bytes = mx::Token::parse(arg(t, tn)).to_bytes();
    return std::string(bytes.begin(), bytes.end());
  });
}
MX_EXPORT int mx_from_bytes(const char* b, int bn) {
  return run([&] { return mx::Token::from_bytes(reinterpret_cast<const std::uint8_t*>(b), std::size_t(bn)).to_text(); });
}

// ---- verification and authorisation ----

MX_EXPORT int mx_verify(const char* t, int tn, const char* k, int kn, double now_ms, double skew_ms, RevSet* revoked) {
  return run([&] {
    mx::VerifyOptions o = options_at(seconds_of_ms(now_ms), seconds_of_ms(skew_ms));
    o.revoked = revoked ? revoked->set.get() : nullptr;
    return remember(mx::Token::parse(arg(t, tn)).verify(trusted_keys_of(arg(k, kn)), o));
  });
}

MX_EXPORT int mx_verified_info(double id, const char* t, int tn, const char* k, int kn, double at_ms, double skew_ms) {
  return run([&] {
    std::optional<mx::VerifiedToken> scratch;
    const mx::VerifiedToken& v = recall(id, arg(t, tn), arg(k, kn), at_ms, skew_ms, scratch);
    Writer w;
    write_token_fields(w, v.token());
    write_scope(w.key("scope"), v.scope());
    return w.field("verifiedAt", ms_of(v.verified_at())).end_object().take();
  });
}

MX_EXPORT int mx_authorize_verified(double id, const char* t, int tn, const char* k, int kn, double at_ms, double skew_ms,
                                    const char* a, int an, const char* r, int rn, const char* e, int en,
                                    const char* y, int yn, int flags) {
  return run([&] {
    const mx::Request request = request_of(arg(a, an), arg(r, rn), arg(e, en), arg(y, yn), flags);
    std::optional<mx::VerifiedToken> scratch;
    return decision_json(mx::authorize(recall(id, arg(t, tn), arg(k, kn), at_ms, skew_ms, scratch), request));
  });
}

MX_EXPORT int mx_authorize_scope(const char* s, int sn, const char* a, int an, const char* r, int rn, const char* e,
                                 int en, const char* y, int yn, int flags) {
  return run([&] {
    const mx::Request request = request_of(arg(a, an), arg(r, rn), arg(e, en), arg(y, yn), flags);
    return decision_json(mx::authorize(scope_arg(arg(s, sn)), request));
  });
}

// ---- verifier (VerifiedChainCache) ----

MX_EXPORT Verifier* mx_verifier_new() {
  try {
    return new Verifier();
  } catch (...) {
    return nullptr;
  }
}
MX_EXPORT void mx_verifier_free(Verifier* v) { delete v; }
MX_EXPORT int mx_verifier_init(Verifier* v, const char* k, int kn, double skew_ms, double capacity, RevSet* revoked) {
  return run([&] {
    v->keys = trusted_keys_of(arg(k, kn));
    v->skew = seconds_of_ms(skew_ms);
    if (!(capacity >= 1 && capacity <= 1 << 20)) bad("cacheSize must be between 1 and 1048576");
    v->cache = std::make_unique<mx::VerifiedChainCache>(static_cast<std::size_t>(capacity));
    v->revoked = revoked ? revoked->set : nullptr;
    return std::string();
  });
}
MX_EXPORT int mx_verifier_verify(Verifier* v, const char* t, int tn, double now_ms) {
  return run([&] {
    mx::VerifyOptions o = options_at(seconds_of_ms(now_ms), v->skew);
    o.revoked = v->revoked.get();
    return remember(v->cache->verify_text(arg(t, tn), v->keys, o));
  });
}
MX_EXPORT double mx_verifier_cache_size(Verifier* v) { return double(v->cache->size()); }
MX_EXPORT void mx_verifier_clear_cache(Verifier* v) { v->cache->clear(); }

// ---- revocation sets ----

MX_EXPORT RevSet* mx_revset_new() {
  try {
    return new RevSet();
  } catch (...) {
    return nullptr;
  }
}
MX_EXPORT void mx_revset_free(RevSet* r) { delete r; }
MX_EXPORT int mx_revset_add(RevSet* r, const char* h, int hn) {
  return run([&] { return flag(r->set->add(mx::RevocationId::from_hex(arg(h, hn)))); });
}
MX_EXPORT int mx_revset_remove(RevSet* r, const char* h, int hn) {
  return run([&] { return flag(r->set->remove(mx::RevocationId::from_hex(arg(h, hn)))); });
}
MX_EXPORT int mx_revset_has(RevSet* r, const char* h, int hn) {
  return run([&] { return flag(r->set->contains(mx::RevocationId::from_hex(arg(h, hn)))); });
}
MX_EXPORT double mx_revset_size(RevSet* r) { return double(r->set->size()); }
/// The ids in byte order, one per line.
MX_EXPORT int mx_revset_ids(RevSet* r) {
  return run([&] {
    std::string out;
    for (const auto& id : r->set->ids()) out += (out.empty() ? "" : "\n") + id.to_hex();
    return out;
  });
}
MX_EXPORT int mx_revset_to_text(RevSet* r) {
  return run([&] { return r->set->to_text(); });
}
/// Replaces the contents in place (verifiers sharing the set see the change).
MX_EXPORT int mx_revset_load_text(RevSet* r, const char* t, int tn) {
  return run([&] {
    *r->set = mx::RevocationSet::from_text(arg(t, tn));
    return std::string();
  });
}
MX_EXPORT void mx_revset_clear(RevSet* r) { *r->set = mx::RevocationSet(); }

// ---- describe ----

MX_EXPORT int mx_describe_token(const char* t, int tn, const char* o, int on) {
  return run([&] { return sentences_json(mx::describe(mx::Token::parse(arg(t, tn)).claimed_scope(), describe_options(arg(o, on)))); });
}
MX_EXPORT int mx_describe_scope(const char* s, int sn, const char* o, int on) {
  return run([&] { return sentences_json(mx::describe(scope_arg(arg(s, sn)), describe_options(arg(o, on)))); });
}

// ---- Matrix mappings ----

MX_EXPORT int mx_map_endpoint(const char* m, int mn, const char* p, int pn) {
  return run([&] {
    const mx::EndpointMatch match = mx::map_endpoint(arg(m, mn), arg(p, pn));
    Writer w;
    w.begin_object().field("kind", endpoint_kind_name(match.kind)).field("needsMsgtype", match.needs_msgtype);
    if (match.kind == mx::EndpointMatch::Kind::request) write_request(w.key("request"), match.request);
    return w.end_object().take();
  });
}

MX_EXPORT int mx_parse_capability(const char* c, int cn) {
  return run([&] {
    const mx::CapabilityInfo info = mx::parse_capability(arg(c, cn));
    Writer w;
    w.begin_object().field("kind", capability_kind_name(info.kind));
    if (info.kind == mx::CapabilityInfo::Kind::grant) w.field("action", mx::action_name(info.action));
    if (info.pattern) write_pattern(w.key("pattern"), *info.pattern);
    if (info.kind == mx::CapabilityInfo::Kind::room) w.field("roomId", info.room_id);
    return w.end_object().take();
  });
}

MX_EXPORT int mx_capabilities_to_scope(const char* c, int cn, const char* r, int rn) {
  return run([&] {
    const mx::RequestedScope req = mx::capabilities_to_scope(strings_arg(arg(c, cn), "capabilities"), std::string(arg(r, rn)));
    Writer w;
    write_scope(w.begin_object().key("scope"), req.scope);
    write_strings(w.key("notGrantable"), req.not_grantable);
    write_strings(w.key("hostOnly"), req.host_only);
    return w.field("anyRoom", req.any_room).end_object().take();
  });
}

MX_EXPORT int mx_allowed_capabilities(const char* c, int cn, const char* s, int sn, const char* r, int rn) {
  return run([&] {
    Writer w;
    write_strings(w, mx::allowed_capabilities(strings_arg(arg(c, cn), "requested capabilities"), scope_arg(arg(s, sn)),
                                              std::string(arg(r, rn))));
    return w.take();
  });
}

MX_EXPORT int mx_scope_to_capabilities(const char* s, int sn) {
  return run([&] {
    Writer w;
    write_strings(w, mx::scope_to_capabilities(scope_arg(arg(s, sn))));
    return w.take();
  });
}

// ---- testing hooks ----

MX_EXPORT int mx_testing_begin(const char* s, int sn) {
  return run([&] {
    if (deterministic) bad("testing.withDeterministicRandom cannot be nested");
    deterministic = std::make_unique<mx::testing::DeterministicRandom>(arg(s, sn));
    return std::string();
  });
}
MX_EXPORT void mx_testing_end() { deterministic.reset(); }

/// Bytes malloc has handed out and not taken back, and the top of the heap (sbrk).
MX_EXPORT double mx_heap_in_use() { return double(mallinfo().uordblks); }
MX_EXPORT double mx_heap_top() { return double(reinterpret_cast<std::uintptr_t>(sbrk(0))); }
