// Minting, attenuating, sealing, and the text and binary forms.
#include <algorithm>
#include <string>

#include "support.hpp"

using namespace mxscope;
using mxtest::key;
using mxtest::room_a;
using mxtest::room_b;
using mxtest::room_c;

namespace {

Caveats texts_in(std::set<std::string> rooms) {
  return {.actions = ActionSet{Action::send_message, Action::read_timeline},
          .rooms = std::move(rooms),
          .events = std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.text"},
                                              {Action::read_timeline, "m.room.message", std::nullopt}},
          .not_after = mxtest::now + 3600,
          .name = "backup-bot"};
}

// A block allowing only `action`, limited to `patterns`: an events caveat must name a pattern
// for every event-bearing action the block allows, or mint refuses it.
Caveats only(Action action, std::vector<EventPattern> patterns) {
  return {.actions = ActionSet{action}, .events = std::move(patterns)};
}
}  // namespace

TEST_CASE("a root token carries its user and device and starts with the mxs1_ prefix") {
  const Token t = mxtest::root_token(key());
  CHECK(t.user_id() == mxtest::alice);
  CHECK(t.device_id() == std::optional<std::string>("PHONE"));
  CHECK(t.block_count() == 1);
  CHECK(t.key_id() == key().id());
  CHECK_FALSE(t.sealed());
  CHECK(t.to_text().starts_with("mxs1_"));

  const Token no_device = Token::mint(key(), {.user_id = mxtest::alice, .device_id = std::nullopt, .caveats = {}});
  CHECK_FALSE(no_device.device_id().has_value());
}

TEST_CASE("a token survives its text form and its binary form unchanged") {
  const Token root = mxtest::root_token(key(), {.not_after = mxtest::now + 86400, .name = "laptop"});
  const Token child = root.attenuate(texts_in({room_a, room_b}));
  const Token grandchild = child.attenuate({.rooms = std::set<std::string>{room_a}});
  for (const Token& t : {root, child, grandchild, grandchild.seal()}) {
    const Token from_text = Token::parse(t.to_text());
    CHECK(from_text.to_text() == t.to_text());
    CHECK(from_text.to_bytes() == t.to_bytes());
    const Token from_bytes = Token::from_bytes(t.to_bytes());
    CHECK(from_bytes.to_text() == t.to_text());
    CHECK(from_bytes.block_count() == t.block_count());
    CHECK(from_bytes.sealed() == t.sealed());
    CHECK(from_bytes.revocation_ids() == t.revocation_ids());
    CHECK(from_bytes.user_id() == t.user_id());
    const auto blocks = from_bytes.blocks();
    const auto original = t.blocks();
    REQUIRE(blocks.size() == original.size());
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      CHECK(blocks[i].index == i);
      CHECK(blocks[i].caveats == original[i].caveats);
      CHECK(blocks[i].revocation_id == original[i].revocation_id);
    }
  }
}

TEST_CASE("the caveats of each block read back exactly as they were written") {
  const Caveats c = texts_in({room_a});
  const Token t = mxtest::root_token(key(), {.not_before = mxtest::now - 10}).attenuate(c);
  const auto blocks = Token::parse(t.to_text()).blocks();
  REQUIRE(blocks.size() == 2);
  CHECK(blocks[0].caveats.not_before == mxtest::now - 10);
  // Event patterns come back in the format's canonical order (docs/token-format.md §4.2).
  Caveats sorted = c;
  std::sort(sorted.events->begin(), sorted.events->end());
  CHECK(blocks[1].caveats == sorted);
  CHECK(t.blocks()[1].caveats == sorted);
  CHECK(blocks[1].unknown_tags.empty());
}

TEST_CASE("the claimed scope is the intersection of every block") {
  const Token root = mxtest::root_token(key(), {.not_after = mxtest::now + 7200, .name = "laptop"});
  const Token child = root.attenuate(texts_in({room_a, room_b}));
  const Token grandchild = child.attenuate({.rooms = std::set<std::string>{room_b}, .not_before = mxtest::now});

  const Scope s = grandchild.claimed_scope();
  CHECK_FALSE(s.full_account);
  CHECK(s.actions == (ActionSet{Action::send_message, Action::read_timeline}));
  CHECK(s.rooms == std::set<std::string>{room_b});
  REQUIRE(s.events.has_value());
  CHECK(s.events->size() == 2);
  CHECK(s.not_before == mxtest::now);
  CHECK(s.not_after == mxtest::now + 3600);  // the child's is earlier than the root's
  CHECK(s.name == std::optional<std::string>("backup-bot"));  // the innermost name
  CHECK_FALSE(s.sealed);
  CHECK(grandchild.seal().claimed_scope().sealed);
}

TEST_CASE("a root without an actions, rooms or events caveat is a full-account root and its children are not") {
  const Token root = mxtest::root_token(key());
  CHECK(root.claimed_scope().full_account);
  CHECK(root.claimed_scope().actions.contains(Action::account));

  const Token child = root.attenuate({});
  CHECK_FALSE(child.claimed_scope().full_account);
  CHECK_FALSE(child.claimed_scope().actions.contains(Action::account));
  CHECK(child.claimed_scope().actions == ActionSet::all_delegable());

  const Token limited_root = mxtest::root_token(key(), {.actions = ActionSet{Action::read_timeline}});
  CHECK_FALSE(limited_root.claimed_scope().full_account);

  // Time and a name do not make a scoped token; rooms and events do.
  const Token timed_root = mxtest::root_token(key(), {.not_before = mxtest::now, .not_after = mxtest::now + 60, .name = "laptop"});
  CHECK(timed_root.claimed_scope().full_account);
  CHECK(timed_root.claimed_scope().actions.contains(Action::account));
  const Token room_root = mxtest::root_token(key(), {.rooms = std::set<std::string>{room_a}});
  CHECK_FALSE(room_root.claimed_scope().full_account);
  CHECK_FALSE(room_root.claimed_scope().actions.contains(Action::account));
  CHECK(room_root.claimed_scope().actions == ActionSet::all_delegable());
  const Token event_root = mxtest::root_token(
      key(), {.actions = ActionSet{Action::send_message},
              .events = std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.text"}}});
  CHECK_FALSE(event_root.claimed_scope().full_account);
  CHECK_FALSE(mxtest::verify_at(room_root, key()).scope().full_account);
  CHECK(mxtest::verify_at(timed_root, key(), mxtest::now + 1).scope().full_account);
}

TEST_CASE("every attenuation adds one revocation id and keeps its parent's ids in front") {
  const Token root = mxtest::root_token(key());
  const Token a = root.attenuate({.rooms = std::set<std::string>{room_a}});
  const Token b = a.attenuate({.actions = ActionSet{Action::read_timeline}});
  const auto root_ids = root.revocation_ids();
  const auto a_ids = a.revocation_ids();
  const auto b_ids = b.revocation_ids();
  REQUIRE(root_ids.size() == 1);
  REQUIRE(a_ids.size() == 2);
  REQUIRE(b_ids.size() == 3);
  CHECK(a_ids[0] == root_ids[0]);
  CHECK(b_ids[0] == root_ids[0]);
  CHECK(b_ids[1] == a_ids[1]);
  CHECK(b_ids[2] != a_ids[1]);
  CHECK(b.seal().revocation_ids() == b_ids);  // sealing adds no block
}

TEST_CASE("two subtokens made from the same parent with the same caveats are different tokens") {
  const Token root = mxtest::root_token(key());
  const Caveats c{.rooms = std::set<std::string>{room_a}};
  const Token x = root.attenuate(c);
  const Token y = root.attenuate(c);
  CHECK(x.to_text() != y.to_text());
  CHECK(x.revocation_ids()[1] != y.revocation_ids()[1]);
}

TEST_CASE("a sealed token cannot be attenuated but still verifies") {
  const Token sealed = mxtest::root_token(key()).attenuate(texts_in({room_a})).seal();
  CHECK(sealed.sealed());
  const auto err = mxtest::error_of([&] { sealed.attenuate({.rooms = std::set<std::string>{room_a}}); });
  REQUIRE(err);
  CHECK(err->code() == Errc::token_sealed);
  const Token reparsed = Token::parse(sealed.to_text());
  CHECK(reparsed.sealed());
  REQUIRE_ERRC(reparsed.attenuate({}), Errc::token_sealed);
  CHECK_NOTHROW(mxtest::verify_at(reparsed, key()));
  CHECK(sealed.seal().to_text() == sealed.to_text());  // sealing twice changes nothing
}

TEST_CASE("attenuation refuses an action the parent lacks and names it") {
  const Token parent = mxtest::root_token(key()).attenuate({.actions = ActionSet{Action::read_timeline}});
  const auto err = mxtest::error_of([&] {
    parent.attenuate({.actions = ActionSet{Action::read_timeline, Action::invite}});
  });
  REQUIRE(err);
  CHECK(err->code() == Errc::scope_too_broad);
  CHECK_THAT(err->what(), Catch::Contains("invite"));
  CHECK_THAT(err->what(), !Catch::Contains("read_timeline"));
}

TEST_CASE("a subtoken can never add a room its parent lacks") {
  const Token parent = mxtest::root_token(key()).attenuate({.rooms = std::set<std::string>{room_a, room_b}});
  CHECK_NOTHROW(parent.attenuate({.rooms = std::set<std::string>{room_b}}));
  const auto err = mxtest::error_of([&] { parent.attenuate({.rooms = std::set<std::string>{room_b, room_c}}); });
  REQUIRE(err);
  CHECK(err->code() == Errc::scope_too_broad);
  CHECK_THAT(err->what(), Catch::Contains(room_c));
}

TEST_CASE("attenuation refuses an event pattern wider than the parent's and names it") {
  const Token parent = mxtest::root_token(key()).attenuate(
      only(Action::send_message, {{Action::send_message, "m.room.message", "m.text"}}));
  CHECK_NOTHROW(parent.attenuate({.events = std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.text"}}}));

  const auto any_msgtype = mxtest::error_of([&] {
    parent.attenuate({.events = std::vector<EventPattern>{{Action::send_message, "m.room.message", std::nullopt}}});
  });
  REQUIRE(any_msgtype);
  CHECK(any_msgtype->code() == Errc::scope_too_broad);
  CHECK_THAT(any_msgtype->what(), Catch::Contains("m.room.message"));

  const auto other_msgtype = mxtest::error_of([&] {
    parent.attenuate({.events = std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.image"}}});
  });
  REQUIRE(other_msgtype);
  CHECK(other_msgtype->code() == Errc::scope_too_broad);
  CHECK_THAT(other_msgtype->what(), Catch::Contains("m.image"));
}

TEST_CASE("attenuation refuses a later expiry or an earlier start than the parent's") {
  const Token parent = mxtest::root_token(key()).attenuate(
      {.not_before = mxtest::now - 60, .not_after = mxtest::now + 3600});
  CHECK_NOTHROW(parent.attenuate({.not_before = mxtest::now, .not_after = mxtest::now + 60}));
  CHECK_NOTHROW(parent.attenuate({.name = "no new time limits"}));

  const auto later = mxtest::error_of([&] { parent.attenuate({.not_after = mxtest::now + 3601}); });
  REQUIRE(later);
  CHECK(later->code() == Errc::scope_too_broad);
  CHECK_THAT(later->what(), Catch::Contains("expiry"));

  const auto earlier = mxtest::error_of([&] { parent.attenuate({.not_before = mxtest::now - 61}); });
  REQUIRE(earlier);
  CHECK(earlier->code() == Errc::scope_too_broad);
  CHECK_THAT(earlier->what(), Catch::Contains("not_before"));
}

TEST_CASE("the account action can never be delegated, not even by a full-account root") {
  const Token root = mxtest::root_token(key());
  REQUIRE(root.claimed_scope().full_account);
  const auto err = mxtest::error_of([&] { root.attenuate({.actions = ActionSet{Action::account}}); });
  REQUIRE(err);
  CHECK(err->code() == Errc::scope_too_broad);
  CHECK_THAT(err->what(), Catch::Contains("account"));
  REQUIRE_ERRC(root.attenuate({.actions = ActionSet{Action::account, Action::read_timeline}}), Errc::scope_too_broad);
}

TEST_CASE("minting refuses a user id or device id that is not valid") {
  for (const std::string bad : {"", "alice", "@alice", "alice:example.org", "@a\n:example.org"}) {
    INFO("user id " << bad);
    REQUIRE_ERRC(Token::mint(key(), {.user_id = bad, .device_id = std::nullopt, .caveats = {}}), Errc::invalid_argument);
  }
  REQUIRE_ERRC(Token::mint(key(), {.user_id = mxtest::alice, .device_id = "", .caveats = {}}), Errc::invalid_argument);
  REQUIRE_ERRC(Token::mint(key(), {.user_id = mxtest::alice, .device_id = std::string(256, 'D'), .caveats = {}}),
               Errc::invalid_argument);
}

TEST_CASE("caveats with a bad room id, event pattern, time or name are invalid arguments") {
  const Token root = mxtest::root_token(key());
  for (const std::string bad : {"", "#alias:example.org", "aaa:example.org", "!a b:example.org", "!x"}) {
    INFO("room id " << bad);
    REQUIRE_ERRC(root.attenuate({.rooms = std::set<std::string>{bad}}), Errc::invalid_argument);
    REQUIRE_ERRC(mxtest::root_token(key(), {.rooms = std::set<std::string>{bad}}), Errc::invalid_argument);
  }
  REQUIRE_ERRC(root.attenuate({.events = std::vector<EventPattern>{{Action::invite, "m.room.member", std::nullopt}}}),
               Errc::invalid_argument);
  REQUIRE_ERRC(root.attenuate(only(Action::send_event, {{Action::send_event, "", std::nullopt}})), Errc::invalid_argument);
  REQUIRE_ERRC(root.attenuate({.not_before = mxtest::now + 10, .not_after = mxtest::now}), Errc::invalid_argument);
  REQUIRE_ERRC(root.attenuate({.not_after = -1}), Errc::invalid_argument);
  REQUIRE_ERRC(root.attenuate({.name = ""}), Errc::invalid_argument);
  REQUIRE_ERRC(root.attenuate({.name = std::string(256, 'n')}), Errc::invalid_argument);
}

TEST_CASE("an events caveat must name a pattern for every event-bearing action the block allows") {
  // Patterns restrict every event-bearing action, so a block that allows one but names no
  // pattern for it would silently allow none of it: minting says so instead.
  const Token root = mxtest::root_token(key());
  const std::vector<EventPattern> texts{{Action::send_message, "m.room.message", "m.text"}};

  // Without an actions caveat the block allows every action: each event-bearing one is named.
  const auto all = mxtest::error_of([&] { root.attenuate({.events = texts}); });
  REQUIRE(all);
  CHECK(all->code() == Errc::invalid_argument);
  for (const auto& row : action_table()) {
    INFO(row.name);
    if (row.events != EventUse::none && row.action != Action::send_message)
      CHECK_THAT(all->what(), Catch::Contains(std::string(row.name)));
  }
  CHECK_THAT(all->what(), !Catch::Contains("send_message"));
  CHECK_THAT(all->what(), !Catch::Contains("account"));

  // With one: only the allowed actions left without a pattern are named.
  const auto one = mxtest::error_of([&] {
    root.attenuate({.actions = ActionSet{Action::send_message, Action::send_state, Action::invite}, .events = texts});
  });
  REQUIRE(one);
  CHECK(one->code() == Errc::invalid_argument);
  CHECK_THAT(one->what(), Catch::Contains("send_state"));
  CHECK_THAT(one->what(), !Catch::Contains("send_message") && !Catch::Contains("invite") && !Catch::Contains("read_timeline"));

  // The same at mint.
  const auto minted = mxtest::error_of([&] {
    Token::mint(key(), {.user_id = mxtest::alice,
                        .device_id = std::nullopt,
                        .caveats = {.actions = ActionSet{Action::send_message, Action::read_state}, .events = texts}});
  });
  REQUIRE(minted);
  CHECK(minted->code() == Errc::invalid_argument);
  CHECK_THAT(minted->what(), Catch::Contains("read_state") && !Catch::Contains("send_message"));

  // Fixed by leaving the action out, by naming a pattern for it, or by "*" for any type.
  CHECK_NOTHROW(root.attenuate({.actions = ActionSet{Action::send_message, Action::invite}, .events = texts}));
  CHECK_NOTHROW(root.attenuate({.actions = ActionSet{Action::send_message, Action::send_state},
                                .events = std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.text"},
                                                                    {Action::send_state, "*", std::nullopt}}}));
  // An empty events caveat is fine for a block that allows no event-bearing action.
  CHECK_NOTHROW(root.attenuate({.actions = ActionSet{Action::invite}, .events = std::vector<EventPattern>{}}));
  REQUIRE_ERRC(root.attenuate({.actions = ActionSet{Action::invite, Action::read_state}, .events = std::vector<EventPattern>{}}),
               Errc::invalid_argument);

  // Without an actions caveat the block allows what its parent allows: only those are asked for.
  const Token parent = root.attenuate({.actions = ActionSet{Action::send_message, Action::read_timeline, Action::join}});
  const auto inherited = mxtest::error_of([&] { parent.attenuate({.events = texts}); });
  REQUIRE(inherited);
  CHECK(inherited->code() == Errc::invalid_argument);
  CHECK_THAT(inherited->what(), Catch::Contains("read_timeline"));
  CHECK_THAT(inherited->what(), !Catch::Contains("send_state") && !Catch::Contains("send_message"));
  CHECK_NOTHROW(parent.attenuate({.events = std::vector<EventPattern>{{Action::read_timeline, "*", std::nullopt},
                                                                      {Action::send_message, "m.room.message", "m.text"}}}));
  // A block with no events caveat inherits its parent's patterns and needs none of its own.
  const Token texts_parent = parent.attenuate({.actions = ActionSet{Action::send_message}, .events = texts});
  CHECK_NOTHROW(texts_parent.attenuate({.name = "no new patterns"}));
}

TEST_CASE("event patterns have one way to say each thing: messages and redactions are refused elsewhere") {
  // A send_message pattern is about m.room.message; a send_event pattern never names
  // m.room.message (send_message) or m.room.redaction (the redact action). The decoder refuses
  // them (tests/test_hostile_input.cpp), so minting does too.
  const Token root = mxtest::root_token(key());
  const std::vector<EventPattern> refused{{Action::send_message, "m.reaction", std::nullopt},
                                          {Action::send_message, "org.example.app", "m.text"},
                                          {Action::send_event, "m.room.message", std::nullopt},
                                          {Action::send_event, "m.room.redaction", std::nullopt}};
  for (const EventPattern& p : refused) {
    INFO(action_name(p.action) << " " << p.type);
    const Caveats c{.actions = ActionSet{p.action}, .events = std::vector<EventPattern>{p}};
    REQUIRE_ERRC(root.attenuate(c), Errc::invalid_argument);
    REQUIRE_ERRC(Token::mint(key(), {.user_id = mxtest::alice, .device_id = std::nullopt, .caveats = c}),
                 Errc::invalid_argument);
  }
  CHECK_NOTHROW(root.attenuate(
      {.actions = ActionSet{Action::send_message}, .events = std::vector<EventPattern>{{Action::send_message, "*", "m.text"}}}));
  CHECK_NOTHROW(root.attenuate(
      {.actions = ActionSet{Action::send_event}, .events = std::vector<EventPattern>{{Action::send_event, "*", std::nullopt}}}));
  // Reading redactions and other types stays expressible.
  CHECK_NOTHROW(root.attenuate({.actions = ActionSet{Action::read_timeline},
                                .events = std::vector<EventPattern>{{Action::read_timeline, "m.room.redaction", std::nullopt}}}));
}

TEST_CASE("a token holds at most 32 blocks") {
  Token t = mxtest::root_token(key());
  for (int i = 1; i < 32; ++i) t = t.attenuate({});
  CHECK(t.block_count() == 32);
  CHECK(Token::parse(t.to_text()).block_count() == 32);
  CHECK_NOTHROW(mxtest::verify_at(t, key()));
  REQUIRE_ERRC(t.attenuate({}), Errc::too_large);
}

TEST_CASE("tokens stay small enough for headers, URLs and QR codes") {
  // The requirement: a root within 180 text characters. Its "each extra block <= 130" cannot be
  // met by any block with a caveat: the 32-byte key and 64-byte signature alone take 128
  // characters, so a one-action block (100 bytes) takes 133.
  const Token root = Token::mint(key(), {.user_id = mxtest::alice, .device_id = std::nullopt, .caveats = {}});
  CHECK(root.to_text().size() <= 180);
  const Token child = root.attenuate({.actions = ActionSet{Action::read_timeline}});
  CHECK(child.to_text().size() - root.to_text().size() <= 134);
  CHECK(child.to_bytes().size() - root.to_bytes().size() == 100);
}

TEST_CASE("whatever minting accepts parses back, and what parsing would refuse is refused at mint") {
  const Token root = mxtest::root_token(key());
  auto round_trips = [](const Token& t) { return Token::parse(t.to_text()).to_bytes() == t.to_bytes(); };

  std::set<std::string> rooms;
  for (int i = 0; i < 64; ++i) rooms.insert("!r" + std::to_string(i) + ":example.org");
  CHECK(round_trips(root.attenuate({.rooms = rooms})));
  rooms.insert("!one-too-many:example.org");
  REQUIRE_ERRC(root.attenuate({.rooms = rooms}), Errc::invalid_argument);

  std::vector<EventPattern> patterns;
  for (int i = 0; i < 64; ++i) patterns.push_back({Action::send_event, "com.example.t" + std::to_string(i), std::nullopt});
  CHECK(round_trips(root.attenuate(only(Action::send_event, patterns))));
  patterns.push_back({Action::send_event, "com.example.one-too-many", std::nullopt});
  REQUIRE_ERRC(root.attenuate(only(Action::send_event, patterns)), Errc::invalid_argument);

  const std::string longest(255, 't');
  CHECK(round_trips(root.attenuate(only(Action::send_state, {{Action::send_state, longest, longest}}))));
  REQUIRE_ERRC(root.attenuate(only(Action::send_event, {{Action::send_event, longest + "t", std::nullopt}})),
               Errc::invalid_argument);
  REQUIRE_ERRC(root.attenuate(only(Action::send_state, {{Action::send_state, "m.room.name", longest + "k"}})),
               Errc::invalid_argument);

  for (const std::string& bad : std::vector<std::string>{"line\nbreak", std::string("nul\0byte", 8), "bell\a", "del\x7f"}) {
    INFO("label " << bad);
    REQUIRE_ERRC(root.attenuate({.name = bad}), Errc::invalid_argument);
    REQUIRE_ERRC(Token::mint(key(), {.user_id = mxtest::alice, .device_id = bad, .caveats = {}}), Errc::invalid_argument);
    REQUIRE_ERRC(root.attenuate(only(Action::send_event, {{Action::send_event, bad, std::nullopt}})), Errc::invalid_argument);
  }
  CHECK(round_trips(root.attenuate({.name = "émoji ✓ and spaces"})));
}
