// Verification: keys, time, revocation and the verified-chain cache.
#include <algorithm>
#include <chrono>
#include <limits>

#include "support.hpp"

using namespace mxscope;
using mxtest::key;
using mxtest::now;
using mxtest::room_a;

namespace {

const Caveats post_texts{.actions = ActionSet{Action::send_message},
                         .rooms = std::set<std::string>{room_a},
                         .events = std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.text"}},
                         .not_after = now + 3600,
                         .name = "backup-bot"};

VerifyOptions at(std::int64_t t, const RevocationSet* revoked = nullptr, VerifiedChainCache* cache = nullptr,
                 std::int64_t skew = 30) {
  return {.now = t, .clock_skew = skew, .revoked = revoked, .cache = cache};
}
}  // namespace

TEST_CASE("a token verifies against its issuer's public key and yields its effective scope") {
  const Token t = Token::parse(mxtest::root_token(key()).attenuate(post_texts).to_text());
  const TrustedKeys keys{mxtest::issuer(2).public_key(), key().public_key()};
  const VerifiedToken v = t.verify(keys, at(now));
  CHECK(v.user_id() == mxtest::alice);
  CHECK(v.name() == std::optional<std::string>("backup-bot"));
  CHECK(v.verified_at() == now);
  CHECK(v.scope().actions == ActionSet{Action::send_message});
  CHECK(v.scope().rooms == std::set<std::string>{room_a});
  CHECK(v.scope().not_after == now + 3600);
  CHECK(v.token().to_text() == t.to_text());
}

TEST_CASE("a token from an issuer that is not trusted is an unknown key") {
  const Token t = mxtest::root_token(key()).attenuate(post_texts);
  const TrustedKeys others{mxtest::issuer(2).public_key()};
  const auto err = mxtest::error_of([&] { t.verify(others, at(now)); });
  REQUIRE(err);
  CHECK(err->code() == Errc::unknown_key);
  CHECK_THAT(err->what(), Catch::Contains(key().public_key().id_hex()));
  REQUIRE_ERRC(t.verify(TrustedKeys{}, at(now)), Errc::unknown_key);
}

TEST_CASE("expiry honours the clock skew exactly at the boundary") {
  const Token t = mxtest::root_token(key()).attenuate({.not_after = now});
  CHECK_NOTHROW(t.verify(TrustedKeys{key().public_key()}, at(now)));
  CHECK_NOTHROW(t.verify(TrustedKeys{key().public_key()}, at(now + 30)));
  REQUIRE_ERRC(t.verify(TrustedKeys{key().public_key()}, at(now + 31)), Errc::token_expired);
  CHECK_NOTHROW(t.verify(TrustedKeys{key().public_key()}, at(now, nullptr, nullptr, 0)));
  REQUIRE_ERRC(t.verify(TrustedKeys{key().public_key()}, at(now + 1, nullptr, nullptr, 0)), Errc::token_expired);
}

TEST_CASE("not-before honours the clock skew exactly at the boundary") {
  const Token t = mxtest::root_token(key()).attenuate({.not_before = now});
  CHECK_NOTHROW(t.verify(TrustedKeys{key().public_key()}, at(now)));
  CHECK_NOTHROW(t.verify(TrustedKeys{key().public_key()}, at(now - 30)));
  REQUIRE_ERRC(t.verify(TrustedKeys{key().public_key()}, at(now - 31)), Errc::token_not_yet_valid);
  REQUIRE_ERRC(t.verify(TrustedKeys{key().public_key()}, at(now - 1, nullptr, nullptr, 0)), Errc::token_not_yet_valid);
}

TEST_CASE("an absurd clock or skew is clamped, never overflowed") {
  // Token times are at most 2^40; the caller's clock and skew are clamped to 2^50 so that
  // not_after + skew and not_before - skew stay defined.
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t min = std::numeric_limits<std::int64_t>::min();
  const TrustedKeys keys{key().public_key()};
  const Token t = mxtest::root_token(key()).attenuate({.not_before = now, .not_after = now + 60});
  REQUIRE_ERRC(t.verify(keys, at(max)), Errc::token_expired);
  REQUIRE_ERRC(t.verify(keys, at(std::int64_t{1} << 50)), Errc::token_expired);
  REQUIRE_ERRC(t.verify(keys, at(min)), Errc::token_not_yet_valid);
  REQUIRE_ERRC(t.verify(keys, at(-(std::int64_t{1} << 50))), Errc::token_not_yet_valid);
  // A huge skew tolerates any real clock.
  CHECK_NOTHROW(t.verify(keys, at(now + 86400 * 365, nullptr, nullptr, max)));
  CHECK_NOTHROW(t.verify(keys, at(0, nullptr, nullptr, max)));
  // A negative skew counts as none: it never makes a token expire early.
  CHECK_NOTHROW(t.verify(keys, at(now + 60, nullptr, nullptr, -100)));
  CHECK_NOTHROW(t.verify(keys, at(now, nullptr, nullptr, min)));
  REQUIRE_ERRC(t.verify(keys, at(now + 61, nullptr, nullptr, -100)), Errc::token_expired);
  // Every combination gives an answer, never undefined arithmetic.
  for (const std::int64_t clock : {min, min + 1, -(std::int64_t{1} << 50) - 1, std::int64_t{0}, now, max - 1, max})
    for (const std::int64_t skew : {min, std::int64_t{-1}, std::int64_t{0}, std::int64_t{30}, max}) {
      INFO(clock << " skew " << skew);
      const auto err = mxtest::error_of([&] { t.verify(keys, at(clock, nullptr, nullptr, skew)); });
      if (err) CHECK((err->code() == Errc::token_expired || err->code() == Errc::token_not_yet_valid));
    }
  // A token without time limits verifies at any clock.
  CHECK_NOTHROW(mxtest::root_token(key()).verify(keys, at(max)));
  CHECK_NOTHROW(mxtest::root_token(key()).verify(keys, at(min, nullptr, nullptr, min)));
}

TEST_CASE("the earliest expiry of any block is the one enforced") {
  const Token root = mxtest::root_token(key(), {.not_after = now + 100});
  const Token child = root.attenuate({.not_after = now + 50});
  const Token grandchild = child.attenuate({.name = "no time of its own"});
  REQUIRE_ERRC(grandchild.verify(TrustedKeys{key().public_key()}, at(now + 81)), Errc::token_expired);
  CHECK_NOTHROW(root.verify(TrustedKeys{key().public_key()}, at(now + 81)));
}

TEST_CASE("revoking a token's own id, a middle id or the root id rejects it") {
  const Token root = mxtest::root_token(key());
  const Token middle = root.attenuate({.rooms = std::set<std::string>{room_a}});
  const Token leaf = middle.attenuate(post_texts);
  const auto ids = leaf.revocation_ids();
  REQUIRE(ids.size() == 3);
  const TrustedKeys keys{key().public_key()};

  for (std::size_t i = 0; i < ids.size(); ++i) {
    RevocationSet revoked;
    revoked.add(ids[i]);
    INFO("revoking block " << i);
    const auto err = mxtest::error_of([&] { leaf.verify(keys, at(now, &revoked)); });
    REQUIRE(err);
    CHECK(err->code() == Errc::token_revoked);
    CHECK_THAT(err->what(), !Catch::Contains(ids[i].to_hex()));  // messages carry no token material
  }

  RevocationSet revoke_middle;
  revoke_middle.add(ids[1]);
  REQUIRE_ERRC(middle.verify(keys, at(now, &revoke_middle)), Errc::token_revoked);
  CHECK_NOTHROW(root.verify(keys, at(now, &revoke_middle)));
}

TEST_CASE("revoking one subtoken leaves its siblings and its parent working") {
  const Token root = mxtest::root_token(key());
  const Token a = root.attenuate(post_texts);
  const Token b = root.attenuate(post_texts);
  const Token b_child = b.attenuate({.name = "b's child"});
  RevocationSet revoked;
  revoked.add(a.revocation_ids().back());
  const TrustedKeys keys{key().public_key()};
  REQUIRE_ERRC(a.verify(keys, at(now, &revoked)), Errc::token_revoked);
  CHECK_NOTHROW(b.verify(keys, at(now, &revoked)));
  CHECK_NOTHROW(b_child.verify(keys, at(now, &revoked)));
  CHECK_NOTHROW(root.verify(keys, at(now, &revoked)));
}

TEST_CASE("a revoked token is reported as revoked even when it has also expired") {
  // Revocation is the more useful answer: the holder should stop retrying, not refresh.
  const Token t = mxtest::root_token(key()).attenuate({.not_after = now});
  RevocationSet revoked;
  revoked.add(t.revocation_ids().back());
  REQUIRE_ERRC(t.verify(TrustedKeys{key().public_key()}, at(now + 1000, &revoked)), Errc::token_revoked);
}

TEST_CASE("a cached verification gives the same result as a fresh one") {
  const Token t = mxtest::root_token(key()).attenuate(post_texts);
  const TrustedKeys keys{key().public_key()};
  VerifiedChainCache cache;
  const VerifiedToken first = t.verify(keys, at(now, nullptr, &cache));
  CHECK(cache.size() == 1);
  const VerifiedToken second = t.verify(keys, at(now + 5, nullptr, &cache));
  CHECK(cache.size() == 1);
  CHECK(second.verified_at() == now + 5);
  CHECK(second.scope().actions == first.scope().actions);
  CHECK(second.scope().rooms == first.scope().rooms);
  CHECK(second.scope().events == first.scope().events);
  CHECK(second.scope().not_after == first.scope().not_after);
  CHECK(second.name() == first.name());
}

TEST_CASE("the verified-chain cache makes a repeated verification much cheaper") {
  Token t = mxtest::root_token(key());
  for (int i = 0; i < 3; ++i) t = t.attenuate({.name = "hop"});
  const TrustedKeys keys{key().public_key()};
  auto cost = [&](VerifiedChainCache* cache) {
    auto best = std::chrono::nanoseconds::max();
    for (int round = 0; round < 5; ++round) {
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < 50; ++i) (void)t.verify(keys, at(now, nullptr, cache));
      best = std::min(best, std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start));
    }
    return best.count();
  };
  VerifiedChainCache cache;
  (void)t.verify(keys, at(now, nullptr, &cache));
  const auto cached = cost(&cache);
  const auto fresh = cost(nullptr);
  INFO("50 fresh verifies: " << fresh << " ns, 50 cached: " << cached << " ns");
  CHECK(cached * 4 < fresh);  // 4 signatures skipped per call; a generous margin for noisy machines
}

TEST_CASE("a cached token is still refused once expired or before it is valid") {
  const Token t = mxtest::root_token(key()).attenuate(post_texts).attenuate({.not_before = now - 10});
  const TrustedKeys keys{key().public_key()};
  VerifiedChainCache cache;
  CHECK_NOTHROW(t.verify(keys, at(now, nullptr, &cache)));
  CHECK_NOTHROW(cache.verify_text(t.to_text(), keys, at(now)));

  REQUIRE_ERRC(t.verify(keys, at(now + 3631, nullptr, &cache)), Errc::token_expired);
  REQUIRE_ERRC(cache.verify_text(t.to_text(), keys, at(now + 3631)), Errc::token_expired);
  REQUIRE_ERRC(t.verify(keys, at(now - 41, nullptr, &cache)), Errc::token_not_yet_valid);
  REQUIRE_ERRC(cache.verify_text(t.to_text(), keys, at(now - 41)), Errc::token_not_yet_valid);
}

TEST_CASE("a cached token is refused once revoked") {
  const Token parent = mxtest::root_token(key());
  const Token t = parent.attenuate(post_texts);
  const TrustedKeys keys{key().public_key()};
  VerifiedChainCache cache;
  RevocationSet revoked;
  CHECK_NOTHROW(t.verify(keys, at(now, &revoked, &cache)));
  CHECK_NOTHROW(cache.verify_text(t.to_text(), keys, at(now, &revoked)));
  revoked.add(parent.revocation_ids().front());
  REQUIRE_ERRC(t.verify(keys, at(now, &revoked, &cache)), Errc::token_revoked);
  REQUIRE_ERRC(cache.verify_text(t.to_text(), keys, at(now, &revoked)), Errc::token_revoked);
}

TEST_CASE("removing the issuer key makes a cached token fail") {
  const Token t = mxtest::root_token(key()).attenuate(post_texts);
  TrustedKeys keys{key().public_key()};
  VerifiedChainCache cache;
  CHECK_NOTHROW(t.verify(keys, at(now, nullptr, &cache)));
  CHECK_NOTHROW(cache.verify_text(t.to_text(), keys, at(now)));
  REQUIRE(keys.remove(key().id()));
  REQUIRE_ERRC(t.verify(keys, at(now, nullptr, &cache)), Errc::unknown_key);
  REQUIRE_ERRC(cache.verify_text(t.to_text(), keys, at(now)), Errc::unknown_key);
  keys.add(mxtest::issuer(2).public_key());
  REQUIRE_ERRC(cache.verify_text(t.to_text(), keys, at(now)), Errc::unknown_key);
}

TEST_CASE("the cache remembers each distinct token once and stays within its capacity") {
  const Token root = mxtest::root_token(key());
  const TrustedKeys keys{key().public_key()};
  VerifiedChainCache cache(3);
  for (int i = 0; i < 10; ++i) (void)root.attenuate({.name = "n"}).verify(keys, at(now, nullptr, &cache));
  CHECK(cache.size() <= 3);
  cache.clear();
  CHECK(cache.size() == 0);
  (void)root.verify(keys, at(now, nullptr, &cache));
  (void)root.verify(keys, at(now, nullptr, &cache));
  CHECK(cache.size() == 1);
}

TEST_CASE("a failed verification is never cached") {
  const Token t = mxtest::root_token(key()).attenuate({.not_after = now});
  const TrustedKeys keys{key().public_key()};
  VerifiedChainCache cache;
  REQUIRE_ERRC(t.verify(TrustedKeys{}, at(now, nullptr, &cache)), Errc::unknown_key);
  REQUIRE_ERRC(cache.verify_text(t.to_text(), TrustedKeys{}, at(now)), Errc::unknown_key);
  CHECK(cache.size() == 0);
  REQUIRE_ERRC(cache.verify_text("mxs1_AAAA", keys, at(now)), Errc::malformed_token);
  CHECK(cache.size() == 0);
}
