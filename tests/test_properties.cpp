// Properties over many deterministic pseudo-random chains and token trees.
#include <random>

#include "generators.hpp"
#include "mxscope/testing.hpp"
#include "spec_format.hpp"
#include "support.hpp"

using namespace mxscope;
using mxtest::key;
using mxtest::trusted;

namespace {

std::string describe_request(const Request& r) {
  return std::string(action_name(r.action)) + " room=" + r.room_id.value_or("-") + " type=" + r.event_type.value_or("-") +
         " key=" + r.key.value_or("-");
}

// Everything the child may do, the parent may do: checked on verified tokens, for random requests.
void check_monotonic(const VerifiedToken& parent, const VerifiedToken& child, gen::Rng& rng) {
  for (int i = 0; i < 40; ++i) {
    const Request r = gen::any_request(rng);
    if (!authorize(child, r)) continue;
    INFO(describe_request(r));
    REQUIRE(authorize(parent, r).allowed);
  }
  const Scope& p = parent.scope();
  const Scope& c = child.scope();
  REQUIRE(c.actions.subset_of(p.actions));
  if (p.rooms) {
    REQUIRE(c.rooms.has_value());
    for (const auto& room : *c.rooms) REQUIRE(p.rooms->count(room) == 1);
  }
  if (p.not_after) REQUIRE((c.not_after && *c.not_after <= *p.not_after));
  if (p.not_before) REQUIRE((c.not_before && *c.not_before >= *p.not_before));
  REQUIRE_FALSE((c.full_account && !p.full_account));
}

VerifiedToken verify_wide(const Token& t) {
  // A clock inside every generated window is not guaranteed, so verify with a skew that covers
  // them all: time is tested elsewhere, here only the scope matters.
  return t.verify(trusted(), {.now = mxtest::now, .clock_skew = 1 << 20});
}
}  // namespace

TEST_CASE("a subtoken made through attenuate never allows what its parent does not") {
  gen::Rng rng(1);
  testing::DeterministicRandom random("properties-attenuate");
  int links = 0, refused = 0, unnamed = 0;
  for (int chain = 0; chain < 300; ++chain) {
    Token token = mxtest::root_token(key(), chain % 3 == 0 ? gen::narrower_than(Scope::unrestricted(), rng) : Caveats{});
    VerifiedToken parent = verify_wide(token);
    const int depth = 1 + static_cast<int>(rng() % 5);
    for (int d = 0; d < depth; ++d) {
      // Mostly honest narrowing; sometimes anything at all, which attenuate may refuse.
      const bool honest = rng() % 4 != 0;
      const Caveats c = honest ? gen::narrower_than(token.claimed_scope(), rng) : gen::any_caveats(rng);
      std::optional<Token> next;
      const auto err = mxtest::error_of([&] { next = token.attenuate(c); });
      const bool names_all = gen::names_every_event_action(token.claimed_scope(), c);
      if (err) {
        INFO(err->what());
        REQUIRE_FALSE(honest);
        // Too broad, or an events caveat that leaves an allowed event-bearing action unnamed.
        if (err->code() == Errc::invalid_argument) {
          REQUIRE_FALSE(names_all);
          ++unnamed;
        } else {
          REQUIRE(err->code() == Errc::scope_too_broad);
        }
        ++refused;
        continue;
      }
      REQUIRE(names_all);
      const VerifiedToken child = verify_wide(*next);
      check_monotonic(parent, child, rng);
      token = *next;
      parent = child;
      ++links;
    }
  }
  CHECK(links > 600);
  CHECK(refused > 20);
  CHECK(unnamed > 5);
}

TEST_CASE("a hostile block that asks for more than its parent still allows nothing more") {
  // Blocks appended with the spec encoder, skipping the SDK's mint-time checks: verification alone
  // must keep the chain monotonic. Half the roots are signed with the spec encoder too, so they may
  // also hold what minting refuses (an events caveat that names nothing for an allowed action).
  gen::Rng rng(2);
  testing::DeterministicRandom random("properties-hostile");
  int links = 0;
  for (int chain = 0; chain < 300; ++chain) {
    spec::Key root_next;
    for (auto& b : root_next) b = static_cast<std::uint8_t>(rng());
    Token token = chain % 2 ? Token::from_bytes(spec::mint(spec::seed(1), spec::payload(gen::any_caveats(rng), mxtest::alice), root_next))
                            : mxtest::root_token(key());
    VerifiedToken parent = verify_wide(token);
    const int depth = 1 + static_cast<int>(rng() % 5);
    for (int d = 0; d < depth; ++d) {
      const Caveats c = gen::any_caveats(rng);
      spec::Key next_seed;
      for (auto& b : next_seed) b = static_cast<std::uint8_t>(rng());
      const Token child_token = Token::from_bytes(spec::append(token.to_bytes(), spec::payload(c), next_seed));
      const VerifiedToken child = verify_wide(child_token);
      check_monotonic(parent, child, rng);
      // And the child allows only what the new block on its own allows.
      Scope block = Scope::unrestricted();
      block.narrow(c);
      for (int i = 0; i < 20; ++i) {
        const Request r = gen::any_request(rng);
        if (authorize(child, r)) {
          INFO(describe_request(r));
          REQUIRE(authorize(block, r).allowed);
        }
      }
      token = child_token;
      parent = child;
      ++links;
    }
  }
  CHECK(links > 600);
}

TEST_CASE("revoking any id rejects exactly the tokens descended from that block") {
  gen::Rng rng(3);
  testing::DeterministicRandom random("properties-revocation");
  for (int tree = 0; tree < 4; ++tree) {
    // A random tree: token 0 is the root, every other token extends an earlier one.
    std::vector<Token> tokens{mxtest::root_token(key())};
    std::vector<int> parent_of{-1};
    for (int i = 1; i < 40; ++i) {
      const int p = static_cast<int>(rng() % tokens.size());
      tokens.push_back(tokens[p].attenuate({.name = "t" + std::to_string(i)}));
      parent_of.push_back(p);
    }
    auto descends_from = [&](int node, int ancestor) {
      for (int n = node; n >= 0; n = parent_of[n])
        if (n == ancestor) return true;
      return false;
    };

    VerifiedChainCache cache;  // revocation must be checked on cached chains too
    for (std::size_t k = 0; k < tokens.size(); ++k) {
      RevocationSet revoked;
      revoked.add(tokens[k].revocation_ids().back());  // the block token k added
      for (std::size_t j = 0; j < tokens.size(); ++j) {
        const bool rejected = mxtest::error_of([&] {
                                tokens[j].verify(trusted(), {.now = mxtest::now, .revoked = &revoked, .cache = &cache});
                              }).has_value();
        INFO("tree " << tree << ": revoked token " << k << ", verifying token " << j);
        REQUIRE(rejected == descends_from(static_cast<int>(j), static_cast<int>(k)));
      }
    }
  }
}

TEST_CASE("a sealed token allows exactly what it allowed before sealing") {
  gen::Rng rng(4);
  for (int chain = 0; chain < 100; ++chain) {
    const Token t = mxtest::root_token(key()).attenuate(gen::narrower_than(Scope::unrestricted(), rng));
    const VerifiedToken open = verify_wide(t);
    const VerifiedToken sealed = verify_wide(t.seal());
    for (int i = 0; i < 40; ++i) {
      const Request r = gen::any_request(rng);
      INFO(describe_request(r));
      REQUIRE(authorize(open, r).allowed == authorize(sealed, r).allowed);
    }
  }
}
