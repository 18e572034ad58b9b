// Authorisation decisions and the reasons a developer reads.
#include "spec_format.hpp"
#include "support.hpp"

using namespace mxscope;
using mxtest::key;
using mxtest::room_a;
using mxtest::room_b;
using mxtest::room_c;

namespace {
VerifiedToken verified(const Token& t) { return mxtest::verify_at(t, key()); }

Request send_text(const std::string& room) { return {Action::send_message, room, "m.room.message", "m.text"}; }

// Root, then rooms a+b, then text messages only.
VerifiedToken backup_bot() {
  return verified(mxtest::root_token(key())
                      .attenuate({.rooms = std::set<std::string>{room_a, room_b}})
                      .attenuate({.actions = ActionSet{Action::send_message, Action::read_timeline},
                                  .rooms = std::set<std::string>{room_a},
                                  .events = std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.text"},
                                                                      {Action::read_timeline, "*", std::nullopt}},
                                  .name = "backup-bot"}));
}
}  // namespace

TEST_CASE("a request inside every block's scope is allowed") {
  const Decision d = authorize(backup_bot(), send_text(room_a));
  CHECK(d.allowed);
  CHECK(static_cast<bool>(d));
  CHECK(d.reason == Reason::allowed);
  CHECK(reason_name(d.reason) == "allowed");
}

TEST_CASE("an action outside the scope is denied and the message names the block") {
  const Decision d = authorize(backup_bot(), {Action::invite, room_a, {}, {}});
  CHECK_FALSE(d.allowed);
  CHECK(d.reason == Reason::action_not_allowed);
  CHECK(reason_name(d.reason) == "action_not_allowed");
  CHECK_THAT(d.message, Catch::Contains("block 2") && Catch::Contains("invite"));
}

TEST_CASE("a room outside the scope is denied and the message names the block and its rooms") {
  const Decision in_b = authorize(backup_bot(), send_text(room_b));
  CHECK(in_b.reason == Reason::room_not_allowed);
  CHECK(reason_name(in_b.reason) == "room_not_allowed");
  CHECK(in_b.message == "block 2 allows only rooms " + room_a);

  // Room c is outside block 1 already: the first block that denies is the one named.
  const Decision in_c = authorize(backup_bot(), send_text(room_c));
  CHECK(in_c.reason == Reason::room_not_allowed);
  CHECK(in_c.message == "block 1 allows only rooms " + room_a + ", " + room_b);
}

TEST_CASE("a room action without a room is denied as room required") {
  const Decision d = authorize(backup_bot(), {Action::send_message, std::nullopt, "m.room.message", "m.text"});
  CHECK(d.reason == Reason::room_required);
  CHECK(reason_name(d.reason) == "room_required");
  CHECK_THAT(d.message, Catch::Contains("send_message"));
}

TEST_CASE("a message type outside the patterns is denied as event not allowed") {
  const Decision d = authorize(backup_bot(), {Action::send_message, room_a, "m.room.message", "m.image"});
  CHECK(d.reason == Reason::event_not_allowed);
  CHECK(reason_name(d.reason) == "event_not_allowed");
  CHECK_THAT(d.message, Catch::Contains("block 2") && Catch::Contains("m.image"));
}

TEST_CASE("an event-restricted send without an event type is denied as event type required") {
  const VerifiedToken v = verified(mxtest::root_token(key()).attenuate(
      {.actions = ActionSet{Action::send_event},
       .events = std::vector<EventPattern>{{Action::send_event, "m.reaction", std::nullopt}}}));
  CHECK(authorize(v, {Action::send_event, room_a, "m.reaction", {}}).allowed);
  const Decision d = authorize(v, {Action::send_event, room_a, std::nullopt, std::nullopt});
  CHECK(d.reason == Reason::event_type_required);
  CHECK(reason_name(d.reason) == "event_type_required");
}

TEST_CASE("root-only actions are allowed only to a one-block root without an actions, rooms or events caveat") {
  const Request change_password{Action::account, {}, {}, {}};
  const Token root = mxtest::root_token(key());
  CHECK(authorize(verified(root), change_password).allowed);
  // Time and name limits keep a root a full-account root.
  const Token labelled_root =
      mxtest::root_token(key(), {.not_before = mxtest::now - 60, .not_after = mxtest::now + 3600, .name = "laptop"});
  CHECK(authorize(verified(labelled_root), change_password).allowed);

  const Decision child = authorize(verified(root.attenuate({})), change_password);
  CHECK(child.reason == Reason::root_only);
  CHECK(reason_name(child.reason) == "root_only");
  CHECK_THAT(child.message, Catch::Contains("account"));

  const Token limited_root = mxtest::root_token(key(), {.actions = ActionSet{Action::read_timeline}});
  CHECK(authorize(verified(limited_root), change_password).reason == Reason::root_only);
  CHECK(authorize(Scope{}, change_password).reason == Reason::root_only);
}

TEST_CASE("a root limited to some rooms or some events cannot do account actions") {
  // Any restriction of what or where makes a scoped token: a root for one room is not a key to
  // the whole account, even though it has no actions caveat.
  const Request change_password{Action::account, {}, {}, {}};
  const Token rooms_only = mxtest::root_token(key(), {.rooms = std::set<std::string>{room_a}});
  const VerifiedToken v = verified(rooms_only);
  CHECK_FALSE(v.scope().full_account);
  CHECK_FALSE(v.scope().actions.contains(Action::account));
  const Decision d = authorize(v, change_password);
  CHECK(d.reason == Reason::root_only);
  CHECK_THAT(d.message, Catch::Contains("account"));
  CHECK(authorize(v.scope(), change_password).reason == Reason::root_only);
  // It keeps every delegable action, in its room.
  CHECK(v.scope().actions == ActionSet::all_delegable());
  CHECK(authorize(v, send_text(room_a)).allowed);
  CHECK(authorize(v, send_text(room_b)).reason == Reason::room_not_allowed);

  // An empty room list restricts too.
  CHECK(authorize(verified(mxtest::root_token(key(), {.rooms = std::set<std::string>{}})), change_password).reason ==
        Reason::root_only);

  std::vector<EventPattern> every_event_action;
  for (const auto& row : action_table())
    if (row.events != EventUse::none) every_event_action.push_back({row.action, "*", std::nullopt});
  const Token events_only = mxtest::root_token(key(), {.events = every_event_action});
  CHECK_FALSE(verified(events_only).scope().full_account);
  CHECK(authorize(verified(events_only), change_password).reason == Reason::root_only);
}

TEST_CASE("a redaction sent as an event needs the redact action") {
  const Request redaction_event{Action::send_event, room_a, "m.room.redaction", std::nullopt};

  // Any event type at all does not include deleting messages.
  const VerifiedToken any_event = verified(mxtest::root_token(key()).attenuate(
      {.actions = ActionSet{Action::send_event},
       .events = std::vector<EventPattern>{{Action::send_event, "*", std::nullopt}}}));
  CHECK(authorize(any_event, {Action::send_event, room_a, "org.example.app", {}}).allowed);
  const Decision d = authorize(any_event, redaction_event);
  CHECK(d.reason == Reason::action_not_allowed);
  CHECK_THAT(d.message, Catch::Contains("redact") && Catch::Contains("block 1"));
  CHECK(authorize(verified(mxtest::root_token(key()).attenuate({.actions = ActionSet{Action::send_event}})), redaction_event)
            .reason == Reason::action_not_allowed);

  // The redact action allows it, in its rooms, whatever the event patterns say and with any key.
  const VerifiedToken redactor = verified(mxtest::root_token(key()).attenuate(
      {.actions = ActionSet{Action::redact, Action::send_event},
       .rooms = std::set<std::string>{room_a},
       .events = std::vector<EventPattern>{{Action::send_event, "m.reaction", std::nullopt}}}));
  CHECK(authorize(redactor, redaction_event).allowed);
  CHECK(authorize(redactor, {Action::send_event, room_a, "m.room.redaction", "anything"}).allowed);
  CHECK(authorize(redactor, {Action::redact, room_a, {}, {}}).allowed);
  CHECK(authorize(redactor, {Action::send_event, room_b, "m.room.redaction", std::nullopt}).reason ==
        Reason::room_not_allowed);
  CHECK(authorize(redactor, {Action::send_event, std::nullopt, "m.room.redaction", std::nullopt}).reason ==
        Reason::room_required);
  // The bare-scope form decides the same.
  CHECK(authorize(redactor.scope(), redaction_event).allowed);
  CHECK(authorize(any_event.scope(), redaction_event).reason == Reason::action_not_allowed);
}

TEST_CASE("sending m.room.message as a generic event cannot dodge message type limits") {
  const VerifiedToken v = backup_bot();
  CHECK(authorize(v, {Action::send_event, room_a, "m.room.message", "m.text"}).allowed);
  const Decision image = authorize(v, {Action::send_event, room_a, "m.room.message", "m.image"});
  CHECK(image.reason == Reason::event_not_allowed);
  const Decision no_msgtype = authorize(v, {Action::send_event, room_a, "m.room.message", std::nullopt});
  CHECK_FALSE(no_msgtype.allowed);

  // A token for other events only cannot post messages through the generic action either.
  const VerifiedToken reactions = verified(mxtest::root_token(key()).attenuate({.actions = ActionSet{Action::send_event}}));
  CHECK(authorize(reactions, {Action::send_event, room_a, "m.reaction", {}}).allowed);
  CHECK(authorize(reactions, {Action::send_event, room_a, "m.room.message", "m.text"}).reason == Reason::action_not_allowed);
}

TEST_CASE("a read across rooms without naming one is allowed and left for the caller to filter") {
  // /sync names no room; the caller filters the response to the token's rooms and patterns.
  const Decision d = authorize(backup_bot(), {Action::read_timeline, std::nullopt, std::nullopt, std::nullopt});
  CHECK(d.allowed);
  CHECK(authorize(backup_bot(), {Action::read_timeline, room_a, std::nullopt, std::nullopt}).allowed);
  CHECK(authorize(backup_bot(), {Action::read_timeline, room_b, std::nullopt, std::nullopt}).reason == Reason::room_not_allowed);
}

TEST_CASE("a read across rooms is denied when the token allows no rooms at all") {
  const VerifiedToken v = verified(mxtest::root_token(key()).attenuate(
      {.actions = ActionSet{Action::read_timeline, Action::upload_media}, .rooms = std::set<std::string>{}}));
  const Decision sync = authorize(v, {Action::read_timeline, std::nullopt, std::nullopt, std::nullopt});
  CHECK(sync.reason == Reason::room_not_allowed);
  CHECK_THAT(sync.message, Catch::Contains("block 1"));
  CHECK(authorize(v, {Action::upload_media, {}, {}, {}}).allowed);
}

TEST_CASE("a read without an event type is denied when no pattern names anything to read") {
  // Event patterns restrict every event-bearing action: a token limited to sending texts reads
  // nothing, so /messages and /sync are not "allowed, filtered to nothing".
  // Minting refuses such a block (tests/test_tokens.cpp), so a holder signs it directly: the
  // verifier must still read it as "reads nothing".
  const Caveats texts_only{.actions = ActionSet{Action::send_message, Action::read_timeline, Action::read_state},
                           .events = std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.text"}}};
  const VerifiedToken v = verified(
      Token::from_bytes(spec::append(mxtest::root_token(key()).to_bytes(), spec::payload(texts_only), spec::seed(9))));
  for (Action a : {Action::read_timeline, Action::read_state}) {
    const Decision d = authorize(v, {a, mxtest::room_a, std::nullopt, std::nullopt});
    CHECK(d.reason == Reason::event_not_allowed);
    CHECK_THAT(d.message, Catch::Contains(std::string(action_name(a))));
  }
  CHECK(authorize(v, send_text(room_a)).allowed);
}

TEST_CASE("actions that are not about rooms ignore the room caveat") {
  const VerifiedToken v = verified(mxtest::root_token(key()).attenuate(
      {.actions = ActionSet{Action::upload_media, Action::identity}, .rooms = std::set<std::string>{room_a}}));
  CHECK(authorize(v, {Action::upload_media, {}, {}, {}}).allowed);
  CHECK(authorize(v, {Action::identity, {}, {}, {}}).allowed);
}

TEST_CASE("a state key outside the pattern is denied") {
  const VerifiedToken v = verified(mxtest::root_token(key()).attenuate(
      {.actions = ActionSet{Action::send_state},
       .events = std::vector<EventPattern>{{Action::send_state, "m.room.name", ""},
                                           {Action::send_state, "org.example.widget", std::nullopt}}}));
  CHECK(authorize(v, {Action::send_state, room_a, "m.room.name", ""}).allowed);
  CHECK(authorize(v, {Action::send_state, room_a, "m.room.name", "x"}).reason == Reason::event_not_allowed);
  CHECK(authorize(v, {Action::send_state, room_a, "org.example.widget", "any key"}).allowed);
  CHECK(authorize(v, {Action::send_state, room_a, "m.room.power_levels", ""}).reason == Reason::event_not_allowed);
}

TEST_CASE("a request must match the event patterns of every block") {
  const VerifiedToken v = verified(mxtest::root_token(key())
                                       .attenuate({.actions = ActionSet{Action::send_state},
                                                   .events = std::vector<EventPattern>{{Action::send_state, "*", ""}}})
                                       .attenuate({.events = std::vector<EventPattern>{{Action::send_state, "m.room.topic", ""}}}));
  CHECK(authorize(v, {Action::send_state, room_a, "m.room.topic", ""}).allowed);
  CHECK_FALSE(authorize(v, {Action::send_state, room_a, "m.room.topic", "k"}).allowed);
  CHECK_FALSE(authorize(v, {Action::send_state, room_a, "m.room.name", ""}).allowed);
}

TEST_CASE("authorising a bare scope gives the same decision as the token") {
  const VerifiedToken v = backup_bot();
  for (const Request& r : {send_text(room_a), send_text(room_b), Request{Action::invite, room_a, {}, {}},
                           Request{Action::send_message, room_a, "m.room.message", "m.image"}}) {
    CHECK(authorize(v.scope(), r).allowed == authorize(v, r).allowed);
    CHECK(authorize(v.scope(), r).reason == authorize(v, r).reason);
  }
}
