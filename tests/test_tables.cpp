// The action table is the one place every mapping reads from: a row missing anywhere fails here.
#include <map>

#include "support.hpp"

using namespace mxscope;

namespace {

// One client-server endpoint per action. A new action needs a line here and a route in
// sdk/src/endpoints.cpp, or this test fails.
const std::map<Action, std::pair<std::string, std::string>> endpoint_for{
    {Action::read_timeline, {"GET", "/_matrix/client/v3/rooms/%21r%3Aexample.org/messages"}},
    {Action::read_state, {"GET", "/_matrix/client/v3/rooms/%21r%3Aexample.org/state"}},
    {Action::send_message, {"PUT", "/_matrix/client/v3/rooms/%21r%3Aexample.org/send/m.room.message/t1"}},
    {Action::send_event, {"PUT", "/_matrix/client/v3/rooms/%21r%3Aexample.org/send/m.reaction/t1"}},
    {Action::send_state, {"PUT", "/_matrix/client/v3/rooms/%21r%3Aexample.org/state/m.room.topic"}},
    {Action::redact, {"PUT", "/_matrix/client/v3/rooms/%21r%3Aexample.org/redact/%24ev/t1"}},
    {Action::join, {"POST", "/_matrix/client/v3/join/%21r%3Aexample.org"}},
    {Action::leave, {"POST", "/_matrix/client/v3/rooms/%21r%3Aexample.org/leave"}},
    {Action::invite, {"POST", "/_matrix/client/v3/rooms/%21r%3Aexample.org/invite"}},
    {Action::kick, {"POST", "/_matrix/client/v3/rooms/%21r%3Aexample.org/kick"}},
    {Action::ban, {"POST", "/_matrix/client/v3/rooms/%21r%3Aexample.org/ban"}},
    {Action::typing, {"PUT", "/_matrix/client/v3/rooms/%21r%3Aexample.org/typing/%40alice%3Aexample.org"}},
    {Action::receipts, {"POST", "/_matrix/client/v3/rooms/%21r%3Aexample.org/receipt/m.read/%24ev"}},
    {Action::read_room_account_data,
     {"GET", "/_matrix/client/v3/user/%40alice%3Aexample.org/rooms/%21r%3Aexample.org/account_data/m.tag"}},
    {Action::write_room_account_data,
     {"PUT", "/_matrix/client/v3/user/%40alice%3Aexample.org/rooms/%21r%3Aexample.org/account_data/m.tag"}},
    {Action::upload_media, {"POST", "/_matrix/media/v3/upload"}},
    {Action::download_media, {"GET", "/_matrix/client/v1/media/download/example.org/abc"}},
    {Action::identity, {"GET", "/_matrix/client/v3/account/whoami"}},
    {Action::openid, {"POST", "/_matrix/client/v3/user/%40alice%3Aexample.org/openid/request_token"}},
    {Action::send_to_device, {"PUT", "/_matrix/client/v3/sendToDevice/m.call.invite/t1"}},
    {Action::receive_to_device, {"GET", "/_matrix/client/v3/sync"}},
    {Action::user_directory, {"POST", "/_matrix/client/v3/user_directory/search"}},
    {Action::turn_servers, {"GET", "/_matrix/client/v3/voip/turnServer"}},
    {Action::account, {"POST", "/_matrix/client/v3/account/password"}},
};

// Receiving to-device messages has no endpoint of its own: they arrive in /sync, which is mapped
// to read_timeline and filtered by the caller.
const std::set<Action> delivered_by_sync{Action::receive_to_device};

// Actions a widget cannot ask for with a capability string (the widget API has none for them);
// everything else must round-trip through scope_to_capabilities and parse_capability.
// (Redact has one: send.event:m.room.redaction, since a redaction is sent as that event.)
const std::set<Action> no_widget_capability{Action::join,    Action::leave,    Action::invite,
                                            Action::kick,    Action::ban,      Action::typing,
                                            Action::receipts, Action::write_room_account_data, Action::identity,
                                            Action::openid,  Action::account};

Scope only(Action a) {
  Scope s;
  s.actions = ActionSet{a};
  s.full_account = action_info(a).root_only;
  return s;
}

}  // namespace

TEST_CASE("the action table lists every action once, in bit order, with a unique stable name") {
  const auto table = action_table();
  REQUIRE(table.size() == action_count);
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < table.size(); ++i) {
    const ActionInfo& row = table[i];
    INFO("row " << i);
    CHECK(static_cast<std::size_t>(row.action) == i);
    CHECK_FALSE(row.name.empty());
    CHECK(names.insert(row.name).second);
    CHECK(action_from_name(row.name) == row.action);
    CHECK(action_name(row.action) == row.name);
    CHECK(&action_info(row.action) == &row);
    CHECK_FALSE(risk_name(row.risk).empty());
  }
  CHECK_FALSE(action_from_name("send_messages").has_value());
}

TEST_CASE("the account action is the only root-only one and is never delegable") {
  for (const auto& row : action_table()) {
    INFO(row.name);
    CHECK(row.root_only == (row.action == Action::account));
    CHECK(ActionSet::all_delegable().contains(row.action) == !row.root_only);
  }
  CHECK(action_info(Action::account).risk == Risk::critical);
}

TEST_CASE("every action has its own sentence in the catalogue") {
  std::set<std::string> seen;
  for (const auto& row : action_table()) {
    const auto sentences = describe(only(row.action), DescribeOptions{});
    REQUIRE_FALSE(sentences.empty());
    const Sentence& s = sentences.front();
    INFO(row.name << ": " << s.text);
    CHECK(s.action == row.action);
    CHECK(s.text.size() > 10);
    CHECK(s.text.find('{') == std::string::npos);  // every placeholder was filled
    CHECK(seen.insert(s.text).second);              // no two actions read the same
  }
}

TEST_CASE("every action except widget-only ones has a client-server endpoint") {
  for (const auto& row : action_table()) {
    INFO(row.name);
    if (row.widget_only) {
      CHECK_FALSE(endpoint_for.count(row.action));
      continue;
    }
    REQUIRE(endpoint_for.count(row.action) == 1);
    const auto& [method, path] = endpoint_for.at(row.action);
    const EndpointMatch m = map_endpoint(method, path);
    REQUIRE(m.kind == EndpointMatch::Kind::request);
    if (delivered_by_sync.count(row.action)) CHECK(m.request.action == Action::read_timeline);
    else CHECK(m.request.action == row.action);
  }
}

TEST_CASE("every action a widget can hold has a capability string, and the exceptions are listed") {
  for (const auto& row : action_table()) {
    const auto caps = scope_to_capabilities(only(row.action));
    bool mapped = false;
    for (const auto& cap : caps) {
      const CapabilityInfo info = parse_capability(cap);
      if (info.kind == CapabilityInfo::Kind::grant && info.action == row.action) mapped = true;
    }
    INFO(row.name);
    CHECK(mapped == !no_widget_capability.count(row.action));
  }
}
