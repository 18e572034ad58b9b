// Widget API capabilities <-> scopes.
#include <algorithm>
#include <random>

#include "generators.hpp"
#include "support.hpp"

using namespace mxscope;
using Kind = CapabilityInfo::Kind;

namespace {
const std::string room = "!aaa:example.org";

struct Parsed {
  std::string capability;
  Action action;
  std::string type;
  std::optional<std::string> key;
};

void check_grant(const Parsed& p) {
  INFO(p.capability);
  const CapabilityInfo info = parse_capability(p.capability);
  REQUIRE(info.kind == Kind::grant);
  CHECK(action_name(info.action) == action_name(p.action));
  REQUIRE(info.pattern.has_value());
  CHECK(info.pattern->action == p.action);
  CHECK(info.pattern->type == p.type);
  CHECK(info.pattern->key == p.key);
}

// The event capabilities under both their unstable and stable prefixes.
std::vector<std::string> event_capabilities() {
  std::vector<std::string> out;
  for (const std::string prefix : {"org.matrix.msc2762.", "m."})
    for (const std::string v : {"send.event:m.room.message", "send.event:m.room.message#m.text", "send.event:m.room.message#",
                                "send.event:m.reaction", "send.event:org.example.app", "receive.event:m.room.message",
                                "receive.event:m.room.message#m.notice", "receive.event:m.reaction",
                                "send.state_event:m.room.topic", "send.state_event:m.room.name#",
                                "send.state_event:im.vector.modular.widgets#w1", "receive.state_event:m.room.member",
                                "receive.state_event:m.room.name#", "send.event:m.room.redaction",
                                "timeline:!bbb:example.org", "timeline:*"})
      out.push_back(prefix + v);
  return out;
}

std::vector<std::string> all_known_capabilities() {
  std::vector<std::string> out = event_capabilities();
  for (const std::string c :
       {"m.always_on_screen", "org.matrix.msc2931.navigate", "io.element.view_room", "org.matrix.msc4039.upload_file",
        "org.matrix.msc4039.download_file", "org.matrix.msc3973.user_directory_search", "town.robin.msc3846.turn_servers",
        "m.sticker", "org.matrix.msc3819.send.to_device:m.call.invite", "m.receive.to_device:m.call.invite",
        "com.beeper.capabilities.receive.room_account_data:m.fully_read", "m.capability.screenshot", "visibility",
        "io.element.requires_client", "org.matrix.msc2762.timeline:!ccc:example.org"})
    out.push_back(c);
  return out;
}

const std::vector<std::string> unknown_capabilities{
    "org.matrix.msc4157.send.delayed_event", "org.matrix.msc4407.send.sticky_event", "org.example.anything",
    "org.matrix.msc2762.send.event:",        "org.matrix.msc2762.send.event",        "m.send.event:",
    "org.matrix.msc2762.timeline:",          "org.matrix.msc2762.timeline:abc",      "",
    "M.ALWAYS_ON_SCREEN",                    "m.always_on_screen ",                  "org.matrix.msc2762.send.state_event:#key"};
}  // namespace

TEST_CASE("event capabilities map to their action and pattern") {
  for (const Parsed& p : std::vector<Parsed>{
           {"org.matrix.msc2762.send.event:m.room.message#m.text", Action::send_message, "m.room.message", "m.text"},
           {"org.matrix.msc2762.send.event:m.room.message", Action::send_message, "m.room.message", std::nullopt},
           {"org.matrix.msc2762.send.event:m.reaction", Action::send_event, "m.reaction", std::nullopt},
           {"org.matrix.msc2762.receive.event:m.room.message#m.notice", Action::read_timeline, "m.room.message", "m.notice"},
           {"org.matrix.msc2762.receive.event:m.reaction", Action::read_timeline, "m.reaction", std::nullopt},
           {"org.matrix.msc2762.send.state_event:m.room.topic", Action::send_state, "m.room.topic", std::nullopt},
           {"org.matrix.msc2762.receive.state_event:m.room.member", Action::read_state, "m.room.member", std::nullopt},
           {"org.matrix.msc3819.send.to_device:m.call.invite", Action::send_to_device, "m.call.invite", std::nullopt},
           {"org.matrix.msc3819.receive.to_device:m.call.invite", Action::receive_to_device, "m.call.invite", std::nullopt},
           {"m.sticker", Action::send_event, "m.sticker", std::nullopt},
       })
    check_grant(p);
}

TEST_CASE("a redaction capability asks for the redact action, not a send_event pattern") {
  for (const std::string cap : {"org.matrix.msc2762.send.event:m.room.redaction", "m.send.event:m.room.redaction"}) {
    INFO(cap);
    const CapabilityInfo info = parse_capability(cap);
    CHECK(info.kind == Kind::grant);
    CHECK(info.action == Action::redact);
    CHECK_FALSE(info.pattern.has_value());

    const RequestedScope r = capabilities_to_scope({cap}, room);
    CHECK(r.scope.actions == ActionSet{Action::redact});
    CHECK(r.scope.events == std::vector<EventPattern>{});
    CHECK(authorize(r.scope, {Action::redact, room, {}, {}}).allowed);
    CHECK(authorize(r.scope, {Action::send_event, room, "m.room.redaction", {}}).allowed);
    CHECK_FALSE(authorize(r.scope, {Action::send_event, room, "m.reaction", {}}).allowed);
    CHECK_FALSE(authorize(r.scope, {Action::redact, "!bbb:example.org", {}, {}}).allowed);
    const IssuerKey key = mxtest::issuer(1);
    CHECK_NOTHROW(
        mxtest::root_token(key).attenuate({.actions = r.scope.actions, .rooms = r.scope.rooms, .events = r.scope.events}));

    // Approved only by a scope that can redact: sending any event type is not enough.
    Scope any_event;
    any_event.actions = ActionSet{Action::send_event};
    CHECK(allowed_capabilities({cap}, any_event, room).empty());
    Scope redactor;
    redactor.actions = ActionSet{Action::redact};
    CHECK(allowed_capabilities({cap}, redactor, room) == std::vector<std::string>{cap});
    redactor.rooms = std::set<std::string>{"!bbb:example.org"};
    CHECK(allowed_capabilities({cap}, redactor, room).empty());
  }
  // And it is how a scope that can redact says so.
  Scope redactor;
  redactor.actions = ActionSet{Action::redact};
  const auto caps = scope_to_capabilities(redactor);
  CHECK(std::count(caps.begin(), caps.end(), "org.matrix.msc2762.send.event:m.room.redaction") == 1);
}

TEST_CASE("a requested scope can always be minted") {
  // A widget host mints what the widget asked for: capabilities_to_scope must never produce a
  // block that mint refuses (e.g. an event-bearing action without a pattern).
  const IssuerKey key = mxtest::issuer(1);
  const Token root = mxtest::root_token(key);
  const auto caps = all_known_capabilities();
  gen::Rng rng(13);
  for (int i = 0; i < 200; ++i) {
    std::vector<std::string> subset;
    for (const auto& c : caps)
      if (rng() % 4 == 0) subset.push_back(c);
    const Scope s = capabilities_to_scope(subset, room).scope;
    std::string asked;
    for (const auto& c : subset) asked += "\n  " + c;
    INFO("capabilities:" << asked);
    CHECK_NOTHROW(root.attenuate({.actions = s.actions, .rooms = s.rooms, .events = s.events}));
  }
  for (const auto& c : caps) {
    INFO(c);
    const Scope s = capabilities_to_scope({c}, room).scope;
    CHECK_NOTHROW(root.attenuate({.actions = s.actions, .rooms = s.rooms, .events = s.events}));
  }
}

TEST_CASE("stable m. capabilities mean the same as their unstable forms") {
  const std::vector<std::pair<std::string, std::string>> pairs{
      {"org.matrix.msc2762.send.event:", "m.send.event:"},
      {"org.matrix.msc2762.receive.event:", "m.receive.event:"},
      {"org.matrix.msc2762.send.state_event:", "m.send.state_event:"},
      {"org.matrix.msc2762.receive.state_event:", "m.receive.state_event:"},
      {"org.matrix.msc3819.send.to_device:", "m.send.to_device:"},
      {"org.matrix.msc3819.receive.to_device:", "m.receive.to_device:"},
      {"com.beeper.capabilities.receive.room_account_data:", "m.receive.room_account_data:"},
      {"org.matrix.msc2762.timeline:", "m.timeline:"},
  };
  for (const auto& [unstable, stable] : pairs) {
    for (const std::string value : {"m.room.message#m.text", "m.room.name#", "org.example.x", "!bbb:example.org", "*"}) {
      const CapabilityInfo u = parse_capability(unstable + value);
      const CapabilityInfo s = parse_capability(stable + value);
      INFO(stable << value);
      CHECK(u.kind == s.kind);
      CHECK(u.action == s.action);
      CHECK(u.pattern == s.pattern);
      CHECK(u.room_id == s.room_id);
    }
  }
}

TEST_CASE("the # separator splits off a msgtype or state key only for m.room.message and state events") {
  for (const Parsed& p : std::vector<Parsed>{
           {"org.matrix.msc2762.send.event:m.room.message#", Action::send_message, "m.room.message", ""},
           {"org.matrix.msc2762.send.event:m.room.message##m.text", Action::send_message, "m.room.message", "#m.text"},
           {"org.matrix.msc2762.send.event:m.reaction#x", Action::send_event, "m.reaction#x", std::nullopt},
           {"org.matrix.msc2762.receive.event:org.example#x", Action::read_timeline, "org.example#x", std::nullopt},
           {"org.matrix.msc2762.send.state_event:m.room.name#", Action::send_state, "m.room.name", ""},
           {"org.matrix.msc2762.send.state_event:m.room.member#@bob:example.org", Action::send_state, "m.room.member",
            "@bob:example.org"},
           {"org.matrix.msc2762.receive.state_event:m.room.name#", Action::read_state, "m.room.name", ""},
           {"org.matrix.msc3819.send.to_device:org.example#x", Action::send_to_device, "org.example#x", std::nullopt},
       })
    check_grant(p);
}

TEST_CASE("a backslash escapes # in an event type") {
  // The example from matrix-widget-api's parser.
  check_grant({"org.matrix.msc2762.send.state_event:org.example.\\#test#hello", Action::send_state, "org.example.#test",
               "hello"});
  check_grant({"org.matrix.msc2762.send.state_event:org.example.\\#test", Action::send_state, "org.example.#test",
               std::nullopt});
}

TEST_CASE("timeline capabilities name a room or every room") {
  const CapabilityInfo one = parse_capability("org.matrix.msc2762.timeline:!bbb:example.org");
  CHECK(one.kind == Kind::room);
  CHECK(one.room_id == "!bbb:example.org");
  CHECK(parse_capability("org.matrix.msc2762.timeline:*").kind == Kind::any_room);
  CHECK(parse_capability("m.timeline:*").kind == Kind::any_room);

  const RequestedScope limited = capabilities_to_scope(
      {"org.matrix.msc2762.receive.event:m.room.message", "org.matrix.msc2762.timeline:!bbb:example.org"}, room);
  CHECK_FALSE(limited.any_room);
  CHECK(limited.scope.rooms == std::set<std::string>{room, "!bbb:example.org"});
  const RequestedScope everywhere =
      capabilities_to_scope({"org.matrix.msc2762.receive.event:m.room.message", "org.matrix.msc2762.timeline:*"}, room);
  CHECK(everywhere.any_room);
  CHECK_FALSE(everywhere.scope.rooms.has_value());
}

TEST_CASE("a timeline capability whose room is not a room id is not grantable") {
  // A widget must not be able to make the host mint a token it cannot mint (invalid_argument).
  for (const std::string cap : {"org.matrix.msc2762.timeline:!x", "org.matrix.msc2762.timeline:!a b:example.org",
                                "org.matrix.msc2762.timeline:!a\n:example.org", "m.timeline:#alias:example.org"}) {
    INFO(cap);
    CHECK(parse_capability(cap).kind == Kind::unknown);
    const RequestedScope r = capabilities_to_scope({cap}, room);
    CHECK(r.scope.rooms == std::set<std::string>{room});
    const IssuerKey key = mxtest::issuer(1);
    CHECK_NOTHROW(mxtest::root_token(key).attenuate({.actions = r.scope.actions, .rooms = r.scope.rooms}));
  }
}

TEST_CASE("a requested scope covers the widget's own room and exactly the capabilities asked for") {
  const RequestedScope r = capabilities_to_scope(
      {"org.matrix.msc2762.send.event:m.room.message#m.text", "org.matrix.msc2762.receive.state_event:m.room.member",
       "m.always_on_screen", "m.capability.screenshot", "org.example.unknown"},
      room);
  CHECK(r.scope.rooms == std::set<std::string>{room});
  CHECK(r.scope.actions == (ActionSet{Action::send_message, Action::read_state, Action::always_on_screen}));
  CHECK_FALSE(r.scope.full_account);
  CHECK(r.host_only == std::vector<std::string>{"m.capability.screenshot"});
  CHECK(r.not_grantable == std::vector<std::string>{"org.example.unknown"});
  CHECK(authorize(r.scope, {Action::send_message, room, "m.room.message", "m.text"}).allowed);
  CHECK_FALSE(authorize(r.scope, {Action::send_message, room, "m.room.message", "m.image"}).allowed);
  CHECK_FALSE(authorize(r.scope, {Action::send_message, "!bbb:example.org", "m.room.message", "m.text"}).allowed);
  CHECK_FALSE(authorize(r.scope, {Action::read_timeline, room, "m.room.message", {}}).allowed);  // send does not imply receive
  CHECK_FALSE(authorize(r.scope, {Action::account, {}, {}, {}}).allowed);
}

TEST_CASE("unknown capabilities are not grantable") {
  for (const auto& cap : unknown_capabilities) {
    INFO(cap);
    CHECK(parse_capability(cap).kind == Kind::unknown);
  }
  const RequestedScope r = capabilities_to_scope(unknown_capabilities, room);
  CHECK(r.not_grantable == unknown_capabilities);
  CHECK(r.scope.actions.empty());
  CHECK(allowed_capabilities(unknown_capabilities, Scope::unrestricted(), room).empty());
}

TEST_CASE("allowed capabilities never include one the scope does not allow") {
  const auto caps = all_known_capabilities();
  gen::Rng rng(11);
  std::size_t approved = 0, refused = 0;
  for (int i = 0; i < 300; ++i) {
    Scope scope = Scope::unrestricted();
    scope.full_account = false;
    scope.narrow(gen::any_caveats(rng));
    const auto allowed = allowed_capabilities(caps, scope, room);
    approved += allowed.size();
    refused += caps.size() - allowed.size();
    for (const auto& cap : allowed) {
      const CapabilityInfo info = parse_capability(cap);
      INFO(cap);
      if (info.kind == Kind::room) CHECK((!scope.rooms || scope.rooms->count(info.room_id)));
      if (info.kind == Kind::any_room) CHECK_FALSE(scope.rooms.has_value());
      // Everything the capability alone would allow, the scope allows.
      const Scope wanted = capabilities_to_scope({cap}, room).scope;
      for (const Request& r : gen::request_grid()) {
        if (!authorize(wanted, r)) continue;
        INFO(action_name(r.action) << " room=" << r.room_id.value_or("-") << " type=" << r.event_type.value_or("-")
                                   << " key=" << r.key.value_or("-"));
        REQUIRE(authorize(scope, r).allowed);
      }
    }
  }
  CHECK(approved > 1000);
  CHECK(refused > 1000);
}

TEST_CASE("a scope allows the capabilities it was made from") {
  const auto caps = all_known_capabilities();
  const RequestedScope r = capabilities_to_scope(caps, room);
  std::vector<std::string> grantable;
  for (const auto& c : caps)
    if (parse_capability(c).kind != Kind::unknown) grantable.push_back(c);
  CHECK(allowed_capabilities(caps, r.scope, room) == grantable);
}

TEST_CASE("capabilities survive a round trip through a scope") {
  const auto caps = all_known_capabilities();
  gen::Rng rng(12);
  for (int i = 0; i < 200; ++i) {
    std::vector<std::string> subset;
    for (const auto& c : caps)
      if (rng() % 3 == 0) subset.push_back(c);
    const Scope first = capabilities_to_scope(subset, room).scope;
    const std::vector<std::string> canonical = scope_to_capabilities(first);
    const Scope second = capabilities_to_scope(canonical, room).scope;
    INFO("capabilities: " << canonical.size());
    CHECK(second.actions == first.actions);
    CHECK(second.rooms == first.rooms);
    CHECK(second.events == first.events);
    CHECK(scope_to_capabilities(second) == canonical);
    for (const auto& c : canonical) CHECK(parse_capability(c).kind != Kind::unknown);
  }
}
