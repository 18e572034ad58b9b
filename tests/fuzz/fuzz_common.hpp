// Shared by the libFuzzer targets and the seed generator: the fixed issuer key, clock and
// revocation set, the invariant checks, and the "only mxscope::Error may escape" guard.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mxscope/mxscope.hpp"
#include "mxscope/testing.hpp"

namespace fuzz {

using namespace mxscope;

/// The fixed clock every verification uses (2027-01-15 08:00 UTC).
inline constexpr std::int64_t now = 1'800'000'000;

/// A failed invariant: print it and abort, so libFuzzer records a crash with the input.
[[noreturn]] inline void bug(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "\nmxscope fuzz invariant violated: %s%s%s\n", what, detail.empty() ? "" : ": ", detail.c_str());
  std::abort();
}

#define FUZZ_CHECK(cond, ...) \
  do {                        \
    if (!(cond)) ::fuzz::bug("FUZZ_CHECK(" #cond ")" __VA_OPT__(, ) __VA_ARGS__); \
  } while (0)

/// The message of the last mxscope::Error `guarded` caught (for invariant reports).
inline std::string last_error;

/// Runs `f`; mxscope::Error is an expected outcome (returned as its code), anything else aborts.
template <class F>
std::optional<Errc> guarded(F&& f) {
  try {
    f();
    return std::nullopt;
  } catch (const Error& e) {
    last_error = e.what();
    if (code_name(e.code()).empty()) bug("an error code has no name");
    return e.code();
  } catch (const std::exception& e) {
    bug("an exception other than mxscope::Error escaped", e.what());
  } catch (...) {
    bug("a non-std exception escaped");
  }
}

inline IssuerKey key_from(std::uint8_t salt) {
  SecretBytes seed(secret_seed_bytes);
  for (std::size_t i = 0; i < seed.size(); ++i) seed.data()[i] = static_cast<std::uint8_t>(i * 31 + salt);
  return IssuerKey::from_seed(seed);
}

/// The issuer whose public key the targets trust.
inline const IssuerKey& issuer() {
  static const IssuerKey key = key_from(1);
  return key;
}
/// A key nobody trusts (seeds signed by it must fail with unknown_key).
inline const IssuerKey& stranger() {
  static const IssuerKey key = key_from(2);
  return key;
}
inline const TrustedKeys& trusted() {
  static const TrustedKeys keys{issuer().public_key()};
  return keys;
}

/// A login whose root id is in the revocation set (deterministic, so the seeds can carry it).
inline Token revoked_login() {
  testing::DeterministicRandom random("mxscope-fuzz-revoked-login");
  return Token::mint(issuer(), {.user_id = "@mallory:example.org", .device_id = "OLDPHONE", .caveats = {}});
}
inline const RevocationSet& revoked() {
  static const RevocationSet set = [] {
    RevocationSet s;
    s.add(revoked_login().revocation_ids().front());
    return s;
  }();
  return set;
}

inline VerifyOptions verify_options(VerifiedChainCache* cache = nullptr) {
  VerifyOptions o;
  o.now = now;
  o.revoked = &revoked();
  o.cache = cache;
  return o;
}

/// Errors a verification may end in; anything else is a bug.
inline bool verify_error(Errc c) {
  switch (c) {
    case Errc::unknown_key:
    case Errc::bad_signature:
    case Errc::token_revoked:
    case Errc::token_expired:
    case Errc::token_not_yet_valid:
      return true;
    default:
      return false;
  }
}

/// Errors parsing may end in.
inline bool parse_error(Errc c) {
  switch (c) {
    case Errc::malformed_token:
    case Errc::bad_checksum:
    case Errc::unsupported_version:
    case Errc::unknown_critical:
    case Errc::too_large:
      return true;
    default:
      return false;
  }
}

/// Requests worth asking about a scope: every action, with the scope's own rooms and patterns
/// (so allowed paths are reached) and with foreign ones (so denials are).
inline std::vector<Request> requests_for(const Scope& s) {
  std::vector<std::optional<std::string>> rooms{std::nullopt, std::string("!elsewhere:example.org")};
  if (s.rooms && !s.rooms->empty()) rooms.push_back(*s.rooms->begin());
  if (s.rooms && s.rooms->size() > 1) rooms.push_back(*s.rooms->rbegin());
  std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> events{
      {std::nullopt, std::nullopt},
      {std::string("m.room.message"), std::string("m.text")},
      {std::string("m.room.message"), std::nullopt},
      {std::string("m.room.name"), std::string("")},
  };
  if (s.events)
    for (std::size_t i = 0; i < s.events->size() && i < 4; ++i) {
      const EventPattern& p = (*s.events)[i];
      events.emplace_back(p.type == "*" ? std::string("x.any") : p.type, p.key);
      if (p.key) events.emplace_back(p.type == "*" ? std::string("x.any") : p.type, *p.key + "x");
    }
  std::vector<Request> out;
  for (const auto& info : action_table()) {
    // Only vary what the action looks at, to keep each input fast.
    const std::size_t nr = info.rooms == RoomUse::none ? 1 : rooms.size();
    const std::size_t ne = info.events == EventUse::none ? 1 : events.size();
    for (std::size_t i = 0; i < nr; ++i)
      for (std::size_t j = 0; j < ne; ++j) out.push_back(Request{info.action, rooms[i], events[j].first, events[j].second});
  }
  return out;
}

/// Checks `describe` and returns nothing: every sentence has text and a known risk.
inline void check_describe(const Scope& scope, std::int64_t at) {
  DescribeOptions o;
  o.now = at;
  if (scope.rooms && !scope.rooms->empty()) o.room_names[*scope.rooms->begin()] = "Backup alerts";
  for (const Sentence& s : describe(scope, o)) {
    FUZZ_CHECK(!s.text.empty(), "a sentence has no text (missing catalogue id?)");
    FUZZ_CHECK(s.risk <= Risk::critical);
  }
}

/// Everything `child` allows, `parent` allows too (attenuation can only narrow).
inline void check_narrower(const Scope& child, const Scope& parent) {
  for (const Request& r : requests_for(child)) {
    const Decision c = authorize(child, r);
    if (!c.allowed) continue;
    const Decision p = authorize(parent, r);
    if (!p.allowed)
      bug("a child scope allows a request its parent denies",
          std::string(action_name(r.action)) + " room=" + r.room_id.value_or("-") + " type=" + r.event_type.value_or("-") +
              " key=" + r.key.value_or("-") + "; parent says " + p.message);
  }
  if (!child.full_account) FUZZ_CHECK(!authorize(child, Request{Action::account, {}, {}, {}}).allowed);
}

/// Two scopes allow exactly the same (for the requests we can think of), and agree on time and name.
inline void check_same_decisions(const Scope& a, const Scope& b) {
  FUZZ_CHECK(a.full_account == b.full_account);
  FUZZ_CHECK(a.actions == b.actions);
  FUZZ_CHECK(a.rooms == b.rooms);
  FUZZ_CHECK(a.not_before == b.not_before);
  FUZZ_CHECK(a.not_after == b.not_after);
  FUZZ_CHECK(a.name == b.name);
  FUZZ_CHECK(a.events.has_value() == b.events.has_value());
  for (const Request& r : requests_for(a)) FUZZ_CHECK(authorize(a, r).allowed == authorize(b, r).allowed);
  for (const Request& r : requests_for(b)) FUZZ_CHECK(authorize(a, r).allowed == authorize(b, r).allowed);
}

}  // namespace fuzz
