// libFuzzer target: the API side. The input is a recipe (FuzzedDataProvider) for a root token and
// a chain of attenuations and seals with arbitrary caller values. Checks what must hold for
// everything the SDK itself produces:
//   - mint/attenuate/seal either succeed or throw the documented error codes;
//   - every token they return parses back (text and binary) to the same bytes, blocks and scope;
//   - it verifies under the issuer key, failing only on time, exactly when its window says so;
//   - a child never allows what its parent denies, and never a root-only action;
//   - revoking one token's id rejects exactly the tokens whose id lists contain it;
//   - describe gives text for every sentence.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_common.hpp"

namespace {

using namespace mxscope;
using fuzz::bug;
using fuzz::guarded;

std::string pick(FuzzedDataProvider& in, std::initializer_list<const char*> pool, std::size_t max_len = 40) {
  const std::size_t i = in.ConsumeIntegralInRange<std::size_t>(0, pool.size());
  if (i < pool.size()) return pool.begin()[i];
  return in.ConsumeRandomLengthString(max_len);
}

std::int64_t some_time(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: return fuzz::now + in.ConsumeIntegralInRange<std::int64_t>(-7200, 7200);
    case 1: return fuzz::now + in.ConsumeIntegralInRange<std::int64_t>(-40, 40);
    case 2: return in.ConsumeIntegralInRange<std::int64_t>(0, std::int64_t{1} << 41);
    // Caveat times are any int64 (the SDK must refuse the bad ones). Clocks are the caller's own
    // and sane; far beyond +-2^41 s (70 000 years) the time arithmetic may overflow.
    default: return in.ConsumeIntegralInRange<std::int64_t>(-(std::int64_t{1} << 41), std::int64_t{1} << 41);
  }
}

Caveats some_caveats(FuzzedDataProvider& in) {
  Caveats c;
  const auto present = in.ConsumeIntegral<std::uint8_t>();
  if (present & 1) {
    std::uint64_t bits = in.ConsumeIntegral<std::uint32_t>() & ((std::uint64_t{1} << action_count) - 1);
    if (in.ConsumeIntegralInRange<int>(0, 15) == 0) bits = in.ConsumeIntegral<std::uint64_t>();  // undefined bits too
    c.actions = ActionSet(bits);
  }
  if (present & 2) {
    std::set<std::string> rooms;
    const bool many = in.ConsumeIntegralInRange<int>(0, 15) == 0;
    const std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, many ? 70 : 3);
    for (std::size_t i = 0; i < n; ++i) {
      if (many) rooms.insert("!r" + std::to_string(i) + ":example.org");
      else rooms.insert(pick(in, {"!a:example.org", "!b:example.org", "!backups:example.org"}));
    }
    c.rooms = std::move(rooms);
  }
  if (present & 4) {
    std::vector<EventPattern> events;
    const std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, 3);
    for (std::size_t i = 0; i < n; ++i) {
      EventPattern p;
      p.action = static_cast<Action>(in.ConsumeIntegralInRange<int>(0, action_count - 1));
      p.type = pick(in, {"m.room.message", "*", "m.reaction", "m.room.name", "m.room.member", "org.example.custom"}, 300);
      if (in.ConsumeBool()) p.key = pick(in, {"m.text", "", "m.notice", "@alice:example.org"}, 300);
      events.push_back(std::move(p));
    }
    c.events = std::move(events);
  }
  auto caveat_time = [&] { return in.ConsumeIntegralInRange<int>(0, 7) == 0 ? in.ConsumeIntegral<std::int64_t>() : some_time(in); };
  if (present & 8) c.not_before = caveat_time();
  if (present & 16) c.not_after = caveat_time();
  if (present & 32) c.name = pick(in, {"backup-bot", "widget", "x"}, 300);
  return c;
}

// What the format keeps of caller caveats: sorted, de-duplicated event patterns; action bits
// this build does not define are dropped (masking can only narrow).
Caveats normalised(Caveats c) {
  if (c.actions) c.actions = *c.actions & ActionSet::all_delegable();
  if (c.events) {
    std::sort(c.events->begin(), c.events->end());
    c.events->erase(std::unique(c.events->begin(), c.events->end()), c.events->end());
  }
  return c;
}

void expect_codes(const std::optional<Errc>& e, std::initializer_list<Errc> ok, const char* op) {
  if (!e) return;
  if (std::find(ok.begin(), ok.end(), *e) == ok.end())
    bug(op, std::string("unexpected error ") + std::string(code_name(*e)) + ": " + fuzz::last_error);
}

// Every token the SDK hands out parses back to itself.
void check_round_trip(const Token& t) {
  std::optional<Token> p;
  const auto e = guarded([&] { p = Token::parse(t.to_text()); });
  if (e) bug("a token the SDK produced does not parse", std::string(code_name(*e)) + ": " + fuzz::last_error);
  FUZZ_CHECK(p->to_bytes() == t.to_bytes());
  FUZZ_CHECK(p->to_text() == t.to_text());
  FUZZ_CHECK(Token::from_bytes(t.to_bytes()).to_bytes() == t.to_bytes());
  FUZZ_CHECK(p->sealed() == t.sealed() && p->block_count() == t.block_count());
  FUZZ_CHECK(p->user_id() == t.user_id() && p->device_id() == t.device_id() && p->key_id() == t.key_id());
  const auto a = t.blocks(), b = p->blocks();
  for (std::size_t i = 0; i < a.size(); ++i) {
    FUZZ_CHECK(a[i].caveats == b[i].caveats, "block " + std::to_string(i) + " caveats change when parsed back");
    FUZZ_CHECK(a[i].revocation_id == b[i].revocation_id);
  }
  fuzz::check_same_decisions(p->claimed_scope(), t.claimed_scope());
}

// Verification of a freshly made token fails only on time, and exactly when the window says so.
void check_verify(const Token& t, std::int64_t at, VerifiedChainCache& cache) {
  const Scope s = t.claimed_scope();
  VerifyOptions o = fuzz::verify_options();
  o.now = at;
  std::optional<Errc> want;
  if (s.not_after && at > *s.not_after + o.clock_skew) want = Errc::token_expired;
  else if (s.not_before && at < *s.not_before - o.clock_skew) want = Errc::token_not_yet_valid;
  std::optional<VerifiedToken> v;
  const auto e = guarded([&] { v = t.verify(fuzz::trusted(), o); });
  if (e != want)
    bug("verification outcome", std::string("got ") + (e ? std::string(code_name(*e)) : "ok") + ", want " +
                                    (want ? std::string(code_name(*want)) : "ok"));
  o.cache = &cache;
  const auto ce = guarded([&] { t.verify(fuzz::trusted(), o); });
  FUZZ_CHECK(ce == e, "cached verify disagrees");
  if (v) fuzz::check_same_decisions(v->scope(), s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  // The ephemeral keys come from a fixed stream, so a crash reproduces from its input alone.
  testing::DeterministicRandom random("mxscope-fuzz-build");
  VerifiedChainCache cache(16);

  RootClaims claims;
  claims.user_id = pick(in, {"@alice:example.org", "@b:x"}, 300);
  if (in.ConsumeBool()) claims.device_id = pick(in, {"LAPTOP", "PHONE"}, 300);
  if (in.ConsumeBool()) claims.caveats = some_caveats(in);
  std::optional<Token> root;
  const auto me = guarded([&] { root = Token::mint(fuzz::issuer(), claims); });
  expect_codes(me, {Errc::invalid_argument, Errc::scope_too_broad, Errc::too_large}, "mint");
  if (!root) return 0;
  FUZZ_CHECK(root->blocks().front().caveats == normalised(claims.caveats), "the root block does not carry the claims");

  std::vector<Token> chain{*root};
  const std::size_t steps = in.ConsumeIntegralInRange<std::size_t>(0, 6);
  for (std::size_t i = 0; i < steps && in.remaining_bytes() > 0; ++i) {
    const Token& parent = chain.back();
    if (in.ConsumeIntegralInRange<int>(0, 7) == 0) {
      std::optional<Token> sealed;
      const auto se = guarded([&] { sealed = parent.seal(); });
      expect_codes(se, {Errc::too_large}, "seal");
      if (sealed) chain.push_back(*sealed);
      continue;
    }
    const Caveats c = some_caveats(in);
    std::optional<Token> child;
    const auto ae = guarded([&] { child = parent.attenuate(c); });
    expect_codes(ae, {Errc::invalid_argument, Errc::scope_too_broad, Errc::token_sealed, Errc::too_large}, "attenuate");
    if (parent.sealed()) FUZZ_CHECK(ae == Errc::token_sealed);
    if (!child) continue;
    FUZZ_CHECK(child->blocks().back().caveats == normalised(c), "the new block does not carry the caveats");
    chain.push_back(*child);
  }

  const std::int64_t at = in.ConsumeBool() ? fuzz::now : some_time(in);
  for (std::size_t j = 0; j < chain.size(); ++j) {
    const Token& t = chain[j];
    check_round_trip(t);
    check_verify(t, at, cache);
    fuzz::check_describe(t.claimed_scope(), at);
    if (j > 0) {
      const auto pi = chain[j - 1].revocation_ids(), ci = t.revocation_ids();
      FUZZ_CHECK(ci.size() >= pi.size() && std::equal(pi.begin(), pi.end(), ci.begin()), "ids must extend the parent's");
      fuzz::check_narrower(t.claimed_scope(), chain[j - 1].claimed_scope());
    }
  }

  // Revoke one token's own (last) id: exactly the tokens whose id lists contain it are refused.
  const std::size_t victim = in.ConsumeIntegralInRange<std::size_t>(0, chain.size() - 1);
  const RevocationId id = chain[victim].revocation_ids().back();
  RevocationSet set = fuzz::revoked();
  set.add(id);
  VerifyOptions o = fuzz::verify_options();
  o.revoked = &set;
  o.clock_skew = std::int64_t{1} << 42;  // time is not the question here
  for (const Token& t : chain) {
    const auto ids = t.revocation_ids();
    const bool should = std::find(ids.begin(), ids.end(), id) != ids.end();
    const auto e = guarded([&] { t.verify(fuzz::trusted(), o); });
    FUZZ_CHECK(should ? e == Errc::token_revoked : !e, "revocation does not follow the id lists");
  }
  return 0;
}
