// The client-server API table: (method, path) -> request.
#include "support.hpp"

using namespace mxscope;

namespace {
const std::string room = "!abc:example.org";
const std::string R = "/_matrix/client/v3/rooms/%21abc%3Aexample.org";

struct Expect {
  std::string method, path;
  Action action;
  std::optional<std::string> room_id;
  std::optional<std::string> type = std::nullopt;
  std::optional<std::string> key = std::nullopt;
};

void check(const Expect& e) {
  const EndpointMatch m = map_endpoint(e.method, e.path);
  INFO(e.method << " " << e.path);
  REQUIRE(m.kind == EndpointMatch::Kind::request);
  CHECK(action_name(m.request.action) == action_name(e.action));
  CHECK(m.request.room_id == e.room_id);
  CHECK(m.request.event_type == e.type);
  CHECK(m.request.key == e.key);
}
}  // namespace

TEST_CASE("room endpoints map to their action with the percent-decoded room id") {
  const std::vector<Expect> table{
      {"PUT", R + "/send/m.reaction/txn1", Action::send_event, room, "m.reaction"},
      {"PUT", R + "/send/org.example.app/txn1", Action::send_event, room, "org.example.app"},
      {"PUT", R + "/state/m.room.topic", Action::send_state, room, "m.room.topic", ""},
      {"PUT", R + "/state/m.room.member/%40bob%3Aexample.org", Action::send_state, room, "m.room.member", "@bob:example.org"},
      {"PUT", R + "/redact/%24event/txn1", Action::redact, room},
      {"GET", R + "/messages?dir=b&limit=10", Action::read_timeline, room},
      {"GET", R + "/context/%24event", Action::read_timeline, room},
      {"GET", R + "/event/%24event", Action::read_timeline, room},
      {"GET", R + "/state", Action::read_state, room},
      {"GET", R + "/state/m.room.name", Action::read_state, room, "m.room.name", ""},
      {"GET", R + "/state/m.room.member/%40bob%3Aexample.org", Action::read_state, room, "m.room.member", "@bob:example.org"},
      {"GET", R + "/members", Action::read_state, room, "m.room.member"},
      {"GET", R + "/joined_members", Action::read_state, room, "m.room.member"},
      {"POST", "/_matrix/client/v3/join/%21abc%3Aexample.org", Action::join, room},
      {"POST", R + "/join", Action::join, room},
      {"POST", R + "/leave", Action::leave, room},
      {"POST", R + "/forget", Action::leave, room},
      {"POST", R + "/invite", Action::invite, room},
      {"POST", R + "/kick", Action::kick, room},
      {"POST", R + "/ban", Action::ban, room},
      {"POST", R + "/unban", Action::ban, room},
      {"PUT", R + "/typing/%40alice%3Aexample.org", Action::typing, room},
      {"POST", R + "/receipt/m.read/%24event", Action::receipts, room},
      {"POST", R + "/read_markers", Action::receipts, room},
      {"GET", "/_matrix/client/v3/user/%40alice%3Aexample.org/rooms/%21abc%3Aexample.org/account_data/m.tag",
       Action::read_room_account_data, room},
      {"PUT", "/_matrix/client/v3/user/%40alice%3Aexample.org/rooms/%21abc%3Aexample.org/account_data/m.tag",
       Action::write_room_account_data, room},
  };
  for (const auto& e : table) check(e);
}

TEST_CASE("sending m.room.message maps to send_message and asks the caller for the msgtype") {
  const EndpointMatch m = map_endpoint("PUT", R + "/send/m.room.message/txn1");
  REQUIRE(m.kind == EndpointMatch::Kind::request);
  CHECK(m.request.action == Action::send_message);
  CHECK(m.request.room_id == room);
  CHECK(m.request.event_type == "m.room.message");
  CHECK(m.needs_msgtype);
  CHECK_FALSE(map_endpoint("PUT", R + "/send/m.reaction/txn1").needs_msgtype);
}

TEST_CASE("sending a redaction event maps to redact, like the redact endpoint") {
  // PUT /send/m.room.redaction/{txn} (room versions 11+ carry "redacts" in the content) deletes a
  // message just as PUT /redact/{event}/{txn} does: it needs the redact action, not send_event.
  for (const std::string& path : {R + "/send/m.room.redaction/txn1", R + "/send/m%2Eroom%2Eredaction/txn1",
                                  R + "/redact/%24event/txn1"}) {
    INFO(path);
    const EndpointMatch m = map_endpoint("PUT", path);
    REQUIRE(m.kind == EndpointMatch::Kind::request);
    CHECK(m.request.action == Action::redact);
    CHECK(m.request.room_id == room);
    CHECK_FALSE(m.request.event_type.has_value());
    CHECK_FALSE(m.request.key.has_value());
    CHECK_FALSE(m.needs_msgtype);
  }
  // Only the exact type: anything else is an ordinary event.
  check({"PUT", R + "/send/m.room.redaction.x/txn1", Action::send_event, room, "m.room.redaction.x"});

  const IssuerKey key = mxtest::issuer(1);
  const VerifiedToken any_event = mxtest::verify_at(
      mxtest::root_token(key).attenuate({.actions = ActionSet{Action::send_event}, .rooms = std::set<std::string>{room}}), key);
  CHECK(authorize(any_event, map_endpoint("PUT", R + "/send/m.reaction/t").request).allowed);
  CHECK(authorize(any_event, map_endpoint("PUT", R + "/send/m.room.redaction/t").request).reason == Reason::action_not_allowed);
  const VerifiedToken redactor = mxtest::verify_at(
      mxtest::root_token(key).attenuate({.actions = ActionSet{Action::redact}, .rooms = std::set<std::string>{room}}), key);
  CHECK(authorize(redactor, map_endpoint("PUT", R + "/send/m.room.redaction/t").request).allowed);
  CHECK(authorize(redactor, map_endpoint("PUT", R + "/redact/%24e/t").request).allowed);
  CHECK_FALSE(authorize(redactor, map_endpoint("PUT", R + "/send/m.reaction/t").request).allowed);
}

TEST_CASE("endpoints that are not about a room map to their action") {
  const std::vector<Expect> table{
      {"GET", "/_matrix/client/v3/sync?since=s1&timeout=30000", Action::read_timeline, std::nullopt},
      {"GET", "/_matrix/client/r0/sync", Action::read_timeline, std::nullopt},
      {"GET", "/_matrix/client/v3/joined_rooms", Action::read_state, std::nullopt},
      {"GET", "/_matrix/client/v3/publicRooms?limit=10", Action::read_state, std::nullopt},
      {"POST", "/_matrix/client/r0/publicRooms", Action::read_state, std::nullopt},
      {"POST", "/_matrix/client/v3/search?next_batch=b1", Action::read_timeline, std::nullopt},
      {"GET", "/_matrix/client/v3/notifications?only=highlight", Action::read_timeline, std::nullopt},
      {"POST", "/_matrix/media/v3/upload?filename=a.png", Action::upload_media, std::nullopt},
      {"PUT", "/_matrix/media/v3/upload/example.org/abc", Action::upload_media, std::nullopt},
      {"POST", "/_matrix/media/v1/create", Action::upload_media, std::nullopt},
      {"GET", "/_matrix/media/v3/download/example.org/abc", Action::download_media, std::nullopt},
      {"GET", "/_matrix/media/v3/download/example.org/abc/file.png", Action::download_media, std::nullopt},
      {"GET", "/_matrix/media/v3/thumbnail/example.org/abc?width=32", Action::download_media, std::nullopt},
      {"GET", "/_matrix/client/v1/media/download/example.org/abc", Action::download_media, std::nullopt},
      {"GET", "/_matrix/client/v1/media/thumbnail/example.org/abc", Action::download_media, std::nullopt},
      {"GET", "/_matrix/client/v3/account/whoami", Action::identity, std::nullopt},
      {"GET", "/_matrix/client/v3/profile/%40bob%3Aexample.org", Action::identity, std::nullopt},
      {"GET", "/_matrix/client/v3/profile/%40bob%3Aexample.org/displayname", Action::identity, std::nullopt},
      {"GET", "/_matrix/client/v3/capabilities", Action::identity, std::nullopt},
      {"POST", "/_matrix/client/v3/user/%40alice%3Aexample.org/openid/request_token", Action::openid, std::nullopt},
      {"PUT", "/_matrix/client/v3/sendToDevice/m.call.invite/txn1", Action::send_to_device, std::nullopt, "m.call.invite"},
      {"POST", "/_matrix/client/v3/user_directory/search", Action::user_directory, std::nullopt},
      {"GET", "/_matrix/client/v3/voip/turnServer", Action::turn_servers, std::nullopt},
  };
  for (const auto& e : table) check(e);
}

TEST_CASE("a room-scoped token may read the directory, search and notifications, which the caller filters") {
  const IssuerKey key = mxtest::issuer(1);
  const auto scoped = [&](ActionSet actions) {
    return mxtest::verify_at(
        mxtest::root_token(key).attenuate({.actions = actions, .rooms = std::set<std::string>{room}}), key);
  };
  const VerifiedToken reader = scoped(ActionSet{Action::read_timeline, Action::read_state});
  const VerifiedToken sender = scoped(ActionSet{Action::send_message});
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/_matrix/client/v3/publicRooms"},
           {"POST", "/_matrix/client/v3/publicRooms"},
           {"POST", "/_matrix/client/v3/search"},
           {"GET", "/_matrix/client/v3/notifications"}}) {
    INFO(method << " " << path);
    const EndpointMatch m = map_endpoint(method, path);
    CHECK_FALSE(m.request.room_id.has_value());
    CHECK(authorize(reader, m.request).allowed);
    CHECK(authorize(sender, m.request).reason == Reason::action_not_allowed);
  }
}

TEST_CASE("account endpoints are root-only and denied to every subtoken") {
  const std::vector<std::pair<std::string, std::string>> root_only{
      {"POST", "/_matrix/client/v3/account/password"},
      {"POST", "/_matrix/client/v3/account/deactivate"},
      {"GET", "/_matrix/client/v3/account/3pid"},
      {"POST", "/_matrix/client/v3/account/3pid/add"},
      {"GET", "/_matrix/client/v3/devices"},
      {"DELETE", "/_matrix/client/v3/devices/PHONE"},
      {"POST", "/_matrix/client/v3/delete_devices"},
      {"POST", "/_matrix/client/v3/keys/upload"},
      {"POST", "/_matrix/client/v3/keys/device_signing/upload"},
      {"GET", "/_matrix/client/v3/room_keys/version"},
      {"GET", "/_matrix/client/v3/room_keys/keys"},
      {"POST", "/_matrix/client/v1/login/get_token"},
      {"POST", "/_matrix/client/v3/logout/all"},
      {"GET", "/_matrix/client/v3/admin/whois/%40bob%3Aexample.org"},
      {"PUT", "/_matrix/client/v3/user/%40alice%3Aexample.org/account_data/m.direct"},
      {"PUT", "/_matrix/client/v3/pushrules/global/override/rule1"},
  };
  const IssuerKey key = mxtest::issuer(1);
  const Token root = mxtest::root_token(key);
  const VerifiedToken full = mxtest::verify_at(root, key);
  const VerifiedToken sub = mxtest::verify_at(root.attenuate({}), key);
  const VerifiedToken limited_root = mxtest::verify_at(mxtest::root_token(key, {.actions = ActionSet::all_delegable()}), key);
  for (const auto& [method, path] : root_only) {
    const EndpointMatch m = map_endpoint(method, path);
    INFO(method << " " << path);
    REQUIRE(m.kind == EndpointMatch::Kind::request);
    CHECK(m.request.action == Action::account);
    CHECK(authorize(full, m.request).allowed);
    CHECK(authorize(sub, m.request).reason == Reason::root_only);
    CHECK(authorize(limited_root, m.request).reason == Reason::root_only);
  }
}

TEST_CASE("reading push rules is identity but changing them is root-only") {
  CHECK(map_endpoint("GET", "/_matrix/client/v3/pushrules/global/").request.action == Action::identity);
  CHECK(map_endpoint("DELETE", "/_matrix/client/v3/pushrules/global/override/r").request.action == Action::account);
}

TEST_CASE("endpoints not in the table are unknown and so denied to subtokens") {
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/_matrix/client/v3/rooms/%21abc%3Aexample.org/frobnicate"},
           {"DELETE", R + "/send/m.reaction/txn1"},
           {"GET", R + "/send/m.reaction/txn1"},
           {"POST", "/_matrix/client/v3/createRoom"},
           {"PUT", "/_matrix/client/v3/publicRooms"},
           {"GET", "/_matrix/client/v3/search"},
           {"GET", "/_matrix/client/v3/events"},
           {"GET", "/_matrix/client/v3/initialSync"},
           {"GET", "/_matrix/client/v4/sync"},
           {"GET", "/_synapse/admin/v1/users/%40bob%3Aexample.org"},
           {"GET", "/sync"},
           {"GET", ""},
           {"GET", "/_matrix/client/v3"},
           {"GET", "/_matrix/federation/v1/version"},
       }) {
    INFO(method << " " << path);
    CHECK(map_endpoint(method, path).kind == EndpointMatch::Kind::unknown);
  }
}

TEST_CASE("a path with bad percent-encoding is unknown") {
  for (const std::string& path : std::vector<std::string>{R + "%/messages", R + "%2/messages", "/_matrix/client/v3/rooms/%zzabc/messages",
                                 "/_matrix/client/v3/rooms/%21abc%00/messages", "/_matrix/client/v3/rooms/%21abc%3/messages"}) {
    INFO(path);
    CHECK(map_endpoint("GET", path).kind == EndpointMatch::Kind::unknown);
  }
}

TEST_CASE("a path with dot segments or empty segments is unknown") {
  // A proxy or server that normalises ../ would otherwise serve an account endpoint to a media token.
  for (const std::string path : {"/_matrix/client/v1/media/download/x/../../../../v3/room_keys/keys",
                                 "/_matrix/client/v1/media/download/x/%2e%2e/%2E%2E/%2e%2e/%2e%2e/v3/devices",
                                 "/_matrix/media/v3/download/./example.org/abc",
                                 "/_matrix/client/v3/rooms//messages"}) {
    INFO(path);
    CHECK(map_endpoint("GET", path).kind == EndpointMatch::Kind::unknown);
  }
}

TEST_CASE("endpoints that need no token are open") {
  CHECK(map_endpoint("GET", "/_matrix/client/versions").kind == EndpointMatch::Kind::open);
  CHECK(map_endpoint("GET", "/_matrix/client/v3/login").kind == EndpointMatch::Kind::open);
  CHECK(map_endpoint("POST", "/_matrix/client/v3/login").kind == EndpointMatch::Kind::open);
  CHECK(map_endpoint("POST", "/_matrix/client/v3/register").kind == EndpointMatch::Kind::open);
}

TEST_CASE("a mapped request is decided against the token like any other") {
  const IssuerKey key = mxtest::issuer(1);
  const VerifiedToken v = mxtest::verify_at(
      mxtest::root_token(key).attenuate({.actions = ActionSet{Action::send_message, Action::read_timeline},
                                         .rooms = std::set<std::string>{room},
                                         .events = std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.text"},
                                                                             {Action::read_timeline, "*", std::nullopt}}}),
      key);
  EndpointMatch send = map_endpoint("PUT", R + "/send/m.room.message/t");
  send.request.key = "m.text";  // the caller reads the msgtype from the body
  CHECK(authorize(v, send.request).allowed);
  send.request.key = "m.image";
  CHECK_FALSE(authorize(v, send.request).allowed);
  CHECK(authorize(v, map_endpoint("GET", R + "/messages").request).allowed);
  CHECK(authorize(v, map_endpoint("GET", "/_matrix/client/v3/sync").request).allowed);
  CHECK_FALSE(authorize(v, map_endpoint("GET", "/_matrix/client/v3/rooms/%21other%3Aexample.org/messages").request).allowed);
  CHECK_FALSE(authorize(v, map_endpoint("PUT", R + "/send/m.reaction/t").request).allowed);
}
