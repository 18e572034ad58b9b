// Plain-language descriptions, and the promise that they say exactly what authorize enforces.
#include <algorithm>
#include <limits>
#include <random>

#include "generators.hpp"
#include "support.hpp"

using namespace mxscope;
using mxtest::key;

namespace {
const std::string backups = "!backups:example.org";
constexpr std::int64_t two_pm = 1777644120;  // 2026-05-01 14:02:00 UTC, 59.5 minutes after mxtest::now

std::vector<std::string> texts(const std::vector<Sentence>& sentences) {
  std::vector<std::string> out;
  for (const auto& s : sentences) out.push_back(s.text);
  return out;
}

DescribeOptions at_now(std::map<std::string, std::string> names = {}) {
  DescribeOptions o;
  o.now = mxtest::now;
  o.room_names = std::move(names);
  return o;
}

Scope only(Action a, std::optional<std::set<std::string>> rooms = std::nullopt) {
  Scope s;
  s.actions = ActionSet{a};
  s.rooms = std::move(rooms);
  s.not_after = mxtest::now + 600;
  return s;
}
}  // namespace

TEST_CASE("a backup-bot token is described in the sentences of the issue") {
  const Token bot = mxtest::root_token(key())
                        .attenuate({.actions = ActionSet{Action::send_message},
                                    .rooms = std::set<std::string>{backups},
                                    .events = std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.text"}},
                                    .not_after = two_pm,
                                    .name = "backup-bot"})
                        .seal();
  const auto sentences = describe(mxtest::verify_at(bot, key()).scope(), at_now({{backups, "Backup alerts"}}));
  CHECK(texts(sentences) == std::vector<std::string>{"Send text messages in Backup alerts as you",
                                                     "Expires in 59 minutes (at 14:02 UTC)",
                                                     "Messages it sends are labelled \"backup-bot\"",
                                                     "Cannot create further tokens"});
  REQUIRE(sentences.size() == 4);
  CHECK(sentences[0].kind == SentenceKind::permission);
  CHECK(sentences[0].action == Action::send_message);
  CHECK(sentences[0].pattern == EventPattern{Action::send_message, "m.room.message", "m.text"});
  CHECK(sentences[1].kind == SentenceKind::time);
  CHECK(sentences[2].kind == SentenceKind::name);
  CHECK(sentences[3].kind == SentenceKind::delegation);
  // Describing the claimed scope before verifying says the same.
  CHECK(texts(describe(bot.claimed_scope(), at_now({{backups, "Backup alerts"}}))) == texts(sentences));
}

TEST_CASE("rooms without a display name are shown by their id") {
  const Scope s = only(Action::invite, std::set<std::string>{mxtest::room_a});
  CHECK(describe(s, at_now()).front().text == "Invite people to " + mxtest::room_a);
  CHECK(describe(s, at_now({{mxtest::room_a, ""}})).front().text == "Invite people to " + mxtest::room_a);
  CHECK(describe(s, at_now({{mxtest::room_b, "Elsewhere"}})).front().text == "Invite people to " + mxtest::room_a);
}

TEST_CASE("several rooms are listed by name in a sentence") {
  const auto names = std::map<std::string, std::string>{{mxtest::room_a, "Alpha"}, {mxtest::room_c, "Gamma"}};
  CHECK(describe(only(Action::kick, std::set<std::string>{mxtest::room_a, mxtest::room_b}), at_now(names)).front().text ==
        "Remove people from Alpha and " + mxtest::room_b);
  CHECK(describe(only(Action::kick, std::set<std::string>{mxtest::room_a, mxtest::room_b, mxtest::room_c}), at_now(names))
            .front()
            .text == "Remove people from Alpha, " + mxtest::room_b + " and Gamma");
  CHECK(describe(only(Action::kick), at_now()).front().text == "Remove people from any room you're in");
}

TEST_CASE("time lines say when a token expired, starts, or that it never expires") {
  Scope s = only(Action::identity);
  s.not_after.reset();
  const auto never = texts(describe(s, at_now()));
  CHECK(std::count(never.begin(), never.end(), "Never expires") == 1);

  s.not_after = mxtest::now - 7200;
  const auto expired = texts(describe(s, at_now()));
  CHECK(std::count(expired.begin(), expired.end(), "Expired 2 hours ago") == 1);

  s.not_after = mxtest::now + 3 * 86400;
  s.not_before = two_pm;
  const auto later = texts(describe(s, at_now()));
  CHECK(std::count(later.begin(), later.end(), "Valid from 14:02 UTC") == 1);
  CHECK(std::count(later.begin(), later.end(), "Expires in 3 days (at 2026-05-04 13:02 UTC)") == 1);
}

TEST_CASE("an open token says it can create further tokens and a full root says it has full access") {
  const auto sentences = describe(mxtest::root_token(key()).claimed_scope(), at_now());
  REQUIRE_FALSE(sentences.empty());
  CHECK(sentences.front().kind == SentenceKind::account);
  CHECK(sentences.front().risk == Risk::critical);
  CHECK(sentences.back().text == "Can create further tokens with the same or less access");
}

TEST_CASE("a message capability with an empty msgtype is not described as sending messages") {
  // matrix-widget-api's requestCapabilityToSendMessage() with no msgtype asks for "m.room.message#",
  // which allows only messages whose msgtype is empty. Element's dialog promises all messages.
  const Scope s = capabilities_to_scope({"org.matrix.msc2762.send.event:m.room.message#"}, mxtest::room_a).scope;
  const auto sentences = describe(s, at_now());
  CHECK_THAT(sentences.front().text, Catch::Contains("ordinary messages are not included"));
  CHECK_FALSE(authorize(s, {Action::send_message, mxtest::room_a, "m.room.message", "m.text"}).allowed);
}

TEST_CASE("riskier permissions are never described as low risk") {
  CHECK(describe(Scope::unrestricted(), at_now()).front().risk == Risk::critical);
  for (const auto& row : action_table()) {
    if (row.root_only) continue;
    const auto s = describe(only(row.action), at_now());
    INFO(row.name);
    CHECK(s.front().risk >= row.risk);
  }
}

TEST_CASE("sending any event type is described as including encrypted messages, at high risk") {
  // Encrypted messages are m.room.encrypted events: "any event" includes every kind of message.
  CHECK(action_info(Action::send_event).risk == Risk::high);
  const auto any = describe(only(Action::send_event, std::set<std::string>{mxtest::room_a}), at_now({{mxtest::room_a, "Ops"}}));
  CHECK(any.front().text == "Send any kind of event in Ops as you, including encrypted messages");
  CHECK(any.front().risk == Risk::high);
  CHECK(any.front().action == Action::send_event);

  // Narrowed to types, in one room (every room would make each line high risk).
  Scope s = only(Action::send_event, std::set<std::string>{mxtest::room_a});
  s.events = std::vector<EventPattern>{{Action::send_event, "m.reaction", std::nullopt},
                                       {Action::send_event, "m.room.encrypted", std::nullopt},
                                       {Action::send_event, "org.example.app", std::nullopt}};
  const auto narrowed = describe(s, at_now({{mxtest::room_a, "Ops"}}));
  REQUIRE(narrowed.size() >= 3);
  CHECK(narrowed[0].text == "React to messages in Ops as you");
  CHECK(narrowed[0].risk == Risk::low);
  CHECK(narrowed[1].text == "Send encrypted messages of any kind in Ops as you");
  CHECK(narrowed[1].risk == Risk::high);
  CHECK(narrowed[2].text == "Post \"org.example.app\" data in Ops as you (app-specific)");
  CHECK(narrowed[2].risk == Risk::medium);
  // Across every room, even the narrowest line is high risk.
  s.rooms.reset();
  CHECK(describe(s, at_now()).front().risk == Risk::high);
}

TEST_CASE("redactions are described as deleting messages, whichever way they are asked for") {
  const auto names = std::map<std::string, std::string>{{mxtest::room_a, "Ops"}};
  const auto direct = describe(only(Action::redact, std::set<std::string>{mxtest::room_a}), at_now(names));
  CHECK(direct.front().text == "Delete messages in Ops as you");
  CHECK(direct.front().risk == Risk::high);

  const Scope asked = capabilities_to_scope({"org.matrix.msc2762.send.event:m.room.redaction"}, mxtest::room_a).scope;
  const auto sentences = describe(asked, at_now(names));
  REQUIRE_FALSE(sentences.empty());
  CHECK(sentences.front().text == "Delete messages in Ops as you");
  CHECK(sentences.front().action == Action::redact);
  CHECK_FALSE(sentences.front().pattern.has_value());
  CHECK(sentences.front().risk == Risk::high);
  CHECK(std::count_if(sentences.begin(), sentences.end(), [](const Sentence& x) { return x.kind == SentenceKind::permission; }) == 1);
}

TEST_CASE("an empty state key reads as the setting itself for known types and as the main entry otherwise") {
  const auto names = std::map<std::string, std::string>{{mxtest::room_a, "Ops"}};
  auto first = [&](Action a, const std::string& type, std::optional<std::string> key) {
    Scope s = only(a, std::set<std::string>{mxtest::room_a});
    s.events = std::vector<EventPattern>{{a, type, std::move(key)}};
    return describe(s, at_now(names)).front().text;
  };
  // The empty state key is where room settings live: nothing to add.
  CHECK(first(Action::send_state, "m.room.topic", "") == "Change the topic of Ops for everyone");
  CHECK(first(Action::send_state, "m.room.name", "") == "Change the name of Ops for everyone");
  CHECK(first(Action::read_state, "m.room.topic", "") == "See the topic of Ops");
  // App types: say it is only the main entry.
  CHECK(first(Action::send_state, "org.example.app", "") ==
        "Change \"org.example.app\" settings in Ops for everyone (only the main entry)");
  CHECK(first(Action::read_state, "org.example.app", "") == "See \"org.example.app\" settings in Ops (only the main entry)");
  CHECK(first(Action::send_state, "*", "") ==
        "Change any setting of Ops for everyone, including who are admins (only the main entry)");
  // Other keys are named; no key adds nothing.
  CHECK(first(Action::send_state, "m.room.topic", "x") == "Change the topic of Ops for everyone (only the entry \"x\")");
  CHECK(first(Action::send_state, "im.vector.modular.widgets", "w1") ==
        "Add, change or remove widgets in Ops (only the entry \"w1\")");
  CHECK(first(Action::send_state, "m.room.topic", std::nullopt) == "Change the topic of Ops for everyone");
}

TEST_CASE("an absurd clock is clamped, not overflowed") {
  Scope s = only(Action::identity);
  s.not_before = mxtest::now;
  s.not_after = mxtest::now + 600;
  for (const std::int64_t at : {std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min(),
                                std::int64_t{1} << 50, -(std::int64_t{1} << 50)}) {
    INFO(at);
    DescribeOptions o;
    o.now = at;
    const auto sentences = describe(s, o);
    std::vector<std::string> time;
    for (const auto& x : sentences)
      if (x.kind == SentenceKind::time) time.push_back(x.text);
    REQUIRE_FALSE(time.empty());
    if (at > 0) {
      CHECK(time.size() == 1);
      CHECK_THAT(time.front(), Catch::StartsWith("Expired ") && Catch::EndsWith(" days ago"));
    } else {
      CHECK(time.size() == 2);
      CHECK_THAT(time.front(), Catch::StartsWith("Valid from 2026-05-01 13:02 UTC"));
      CHECK_THAT(time.back(), Catch::StartsWith("Expires in ") && Catch::Contains(" days (at 2026-05-01 13:12 UTC)"));
    }
  }
  // Same as the clamp bound itself.
  DescribeOptions huge, bound;
  huge.now = std::numeric_limits<std::int64_t>::max();
  bound.now = std::int64_t{1} << 50;
  CHECK(texts(describe(s, huge)) == texts(describe(s, bound)));
}

namespace {

// The rule of spec §8 for which action a request is authorised as.
Request normalised(Request r) {
  if (r.action == Action::send_event && r.event_type == "m.room.message") r.action = Action::send_message;
  if (r.action == Action::send_event && r.event_type == "m.room.redaction") r = {Action::redact, r.room_id, {}, {}};
  if (r.action == Action::send_message && !r.event_type) r.event_type = "m.room.message";
  return r;
}

bool type_matches(const std::string& pattern, const std::string& type) { return pattern == "*" || pattern == type; }

// Whether a permission sentence, read as a person would, covers the request: same action, a room
// the sentence names (or any room for tokens without a room list), and the event pattern it names.
bool sentence_covers(const Scope& scope, const Sentence& s, const Request& raw) {
  const Request r = normalised(raw);
  if (s.kind == SentenceKind::account) return r.action == Action::account;
  if (s.kind != SentenceKind::permission || s.action != r.action) return false;
  const ActionInfo& info = action_info(r.action);
  const bool room_listed = r.room_id && (!scope.rooms || scope.rooms->count(*r.room_id));
  if (info.rooms == RoomUse::required && !room_listed) return false;
  if (info.rooms == RoomUse::filter && r.room_id && !room_listed) return false;
  if (!s.pattern) return true;
  const bool read = info.events == EventUse::timeline || r.action == Action::read_state;
  if (!r.event_type) return read;  // a read the caller filters to the sentence's patterns
  if (!type_matches(s.pattern->type, *r.event_type)) return false;
  return !s.pattern->key || s.pattern->key == r.key;
}

// A request that a sentence is about, in a room it names.
Request example_request(const Scope& scope, const Sentence& s) {
  const ActionInfo& info = action_info(*s.action);
  Request r{*s.action, {}, {}, {}};
  if (info.rooms != RoomUse::none) r.room_id = scope.rooms ? *scope.rooms->begin() : "!any:example.org";
  if (s.pattern) {
    const bool message = *s.action == Action::send_message;
    r.event_type = s.pattern->type != "*" ? s.pattern->type : message ? "m.room.message" : "org.example.any";
    r.key = s.pattern->key;
  }
  return r;
}

std::vector<std::string> every_capability() {
  std::vector<std::string> caps{"m.always_on_screen",
                                "org.matrix.msc2931.navigate",
                                "io.element.view_room",
                                "org.matrix.msc4039.upload_file",
                                "org.matrix.msc4039.download_file",
                                "org.matrix.msc3973.user_directory_search",
                                "town.robin.msc3846.turn_servers",
                                "m.capability.screenshot",
                                "io.element.requires_client",
                                "visibility",
                                "m.sticker",
                                "org.matrix.msc2762.timeline:!ccc:example.org",
                                "org.matrix.msc2762.timeline:*",
                                "m.timeline:!bbb:example.org"};
  for (const std::string prefix : {"org.matrix.msc2762.", "m."}) {
    for (const std::string value : {"send.event:m.room.message", "send.event:m.room.message#m.text",
                                    "send.event:m.room.message#", "send.event:m.reaction", "send.event:org.example.app",
                                    "send.event:m.room.redaction", "send.event:m.room.encrypted",
                                    "receive.event:m.room.message", "receive.event:m.room.message#m.notice",
                                    "receive.event:m.room.member", "send.state_event:m.room.topic",
                                    "send.state_event:m.room.name#", "send.state_event:im.vector.modular.widgets#w1",
                                    "receive.state_event:m.room.member", "receive.state_event:m.room.name#"})
      caps.push_back(prefix + value);
  }
  for (const std::string c : {"org.matrix.msc3819.send.to_device:m.call.invite", "m.send.to_device:m.call.invite",
                              "org.matrix.msc3819.receive.to_device:org.example.ping", "m.receive.to_device:m.call.invite",
                              "com.beeper.capabilities.receive.room_account_data:m.fully_read",
                              "m.receive.room_account_data:m.fully_read"})
    caps.push_back(c);
  return caps;
}

std::vector<Scope> scopes_to_check() {
  std::vector<Scope> out{Scope::unrestricted()};
  const auto caps = every_capability();
  for (const auto& cap : caps) out.push_back(capabilities_to_scope({cap}, "!aaa:example.org").scope);
  out.push_back(capabilities_to_scope(caps, "!aaa:example.org").scope);
  for (const auto& row : action_table()) {
    Scope s;
    s.actions = ActionSet{row.action};
    s.full_account = row.root_only;
    out.push_back(s);
  }
  gen::Rng rng(7);
  for (int i = 0; i < 400; ++i) {
    Scope s = Scope::unrestricted();
    const int blocks = 1 + static_cast<int>(rng() % 3);
    for (int b = 0; b < blocks; ++b) {
      if (b == 1) {  // what a subtoken's scope looks like
        s.full_account = false;
        s.actions.remove(Action::account);
      }
      s.narrow(gen::any_caveats(rng));
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace

TEST_CASE("describe and authorize agree: every sentence's permission is allowed") {
  for (const Scope& scope : scopes_to_check()) {
    for (const Sentence& s : describe(scope, at_now())) {
      if (s.kind != SentenceKind::permission && s.kind != SentenceKind::account) continue;
      REQUIRE(s.action.has_value());
      const Request r = example_request(scope, s);
      INFO("sentence: " << s.text);
      const Decision d = authorize(scope, r);
      INFO("denied: " << d.message);
      REQUIRE(d.allowed);
    }
  }
}

TEST_CASE("describe and authorize agree: a request is allowed exactly when a sentence covers it") {
  std::size_t allowed = 0, denied = 0;
  for (const Scope& scope : scopes_to_check()) {
    const auto sentences = describe(scope, at_now());
    for (const Request& r : gen::request_grid()) {
      const bool covered = std::any_of(sentences.begin(), sentences.end(),
                                       [&](const Sentence& s) { return sentence_covers(scope, s, r); });
      const Decision d = authorize(scope, r);
      if (d.allowed == covered) {
        ++(covered ? allowed : denied);
        continue;
      }
      std::string said;
      for (const auto& s : sentences) said += "\n  " + s.text;
      INFO("request: " << action_name(r.action) << " room=" << r.room_id.value_or("-") << " type="
                       << r.event_type.value_or("-") << " key=" << r.key.value_or("-"));
      INFO("authorize: " << reason_name(d.reason) << " (" << d.message << ")");
      INFO("describe said:" << said);
      REQUIRE(d.allowed == covered);
    }
  }
  CHECK(allowed > 10000);
  CHECK(denied > 10000);
}
