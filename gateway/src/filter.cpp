#include "filter.hpp"

#include "mxscope/authorize.hpp"

namespace mxgw {

using mxscope::Action;
using mxscope::authorize;
using mxscope::Request;
using nlohmann::json;

namespace {

std::optional<std::string> str(const json& obj, const char* key) {
  if (!obj.is_object()) return std::nullopt;
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

bool allows(const mxscope::VerifiedToken& t, Action a, const std::optional<std::string>& room) {
  return authorize(t, Request{a, room, std::nullopt, std::nullopt}).allowed;
}

bool room_in_scope(const mxscope::VerifiedToken& t, const std::string& room) {
  const auto& rooms = t.scope().rooms;
  return !rooms || rooms->count(room) != 0;
}

json filter_events(const json& section, const std::function<bool(const json&)>& keep) {
  json out = json::array();
  if (section.is_object()) {
    const auto it = section.find("events");
    if (it != section.end() && it->is_array())
      for (const auto& e : *it)
        if (keep(e)) out.push_back(e);
  }
  return out;
}

json filter_array(const json& arr, const std::function<bool(const json&)>& keep) {
  json out = json::array();
  if (arr.is_array())
    for (const auto& e : arr)
      if (keep(e)) out.push_back(e);
  return out;
}

// One room of rooms.join / rooms.leave.
json filter_room(const json& r, const mxscope::VerifiedToken& t, const std::string& room) {
  json out = json::object();
  if (!r.is_object()) return out;
  const bool timeline = allows(t, Action::read_timeline, room);
  const auto ev = [&](const json& e) { return event_visible(t, room, e); };
  const auto st = [&](const json& e) { return state_visible(t, room, e); };
  if (const auto it = r.find("timeline"); it != r.end() && it->is_object()) {
    json tl = json::object();
    tl["events"] = timeline ? filter_events(*it, ev) : json::array();
    if (timeline) {
      if (it->contains("limited")) tl["limited"] = (*it)["limited"];
      if (it->contains("prev_batch")) tl["prev_batch"] = (*it)["prev_batch"];
    }
    out["timeline"] = std::move(tl);
  }
  for (const char* key : {"state", "state_after", "org.matrix.msc4222.state_after"})
    if (const auto it = r.find(key); it != r.end()) out[key] = json{{"events", filter_events(*it, st)}};
  if (const auto it = r.find("ephemeral"); it != r.end())
    out["ephemeral"] = json{{"events", timeline ? filter_events(*it, [](const json&) { return true; }) : json::array()}};
  if (const auto it = r.find("account_data"); it != r.end()) {
    const bool ad = allows(t, Action::read_room_account_data, room);
    out["account_data"] = json{{"events", ad ? filter_events(*it, [](const json&) { return true; }) : json::array()}};
  }
  for (const char* key :
       {"summary", "unread_notifications", "unread_thread_notifications", "org.matrix.msc2654.unread_count"})
    if (const auto it = r.find(key); it != r.end()) out[key] = *it;
  return out;
}

// One room of rooms.invite / rooms.knock, whose stripped state sits under `state_key`.
json filter_stripped(const json& r, const mxscope::VerifiedToken& t, const std::string& room, const char* state_key) {
  json out = json::object();
  const auto it = r.is_object() ? r.find(state_key) : r.end();
  if (it == r.end()) return out;
  if (allows(t, Action::join, room)) out[state_key] = json{{"events", filter_events(*it, [](const json&) { return true; })}};
  else out[state_key] = json{{"events", filter_events(*it, [&](const json& e) { return state_visible(t, room, e); })}};
  return out;
}

}  // namespace

bool state_visible(const mxscope::VerifiedToken& t, const std::string& room, const json& e) {
  const auto type = str(e, "type");
  const auto key = str(e, "state_key");
  if (!type || !key) return false;
  return authorize(t, Request{Action::read_state, room, *type, *key}).allowed;
}

bool event_visible(const mxscope::VerifiedToken& t, const std::string& room, const json& e) {
  const auto type = str(e, "type");
  if (!type) return false;
  if (const auto key = str(e, "state_key")) {
    if (authorize(t, Request{Action::read_state, room, *type, *key}).allowed) return true;
    return authorize(t, Request{Action::read_timeline, room, *type, std::nullopt}).allowed;
  }
  std::optional<std::string> msgtype;
  if (*type == "m.room.message") {
    const auto c = e.find("content");
    if (c != e.end()) msgtype = str(*c, "msgtype");
  }
  return authorize(t, Request{Action::read_timeline, room, *type, msgtype}).allowed;
}

void filter_sync(json& body, const mxscope::VerifiedToken& t) {
  if (!body.is_object()) {
    body = json::object();
    return;
  }
  json out = json::object();
  if (const auto it = body.find("next_batch"); it != body.end()) out["next_batch"] = *it;
  json rooms = json::object();
  if (const auto it = body.find("rooms"); it != body.end() && it->is_object()) {
    for (const char* section : {"join", "leave"}) {
      const auto s = it->find(section);
      if (s == it->end() || !s->is_object()) continue;
      json kept = json::object();
      for (const auto& [room, r] : s->items()) {
        if (!room_in_scope(t, room)) continue;
        if (!allows(t, Action::read_timeline, room) && !allows(t, Action::read_state, room)) continue;
        kept[room] = filter_room(r, t, room);
      }
      rooms[section] = std::move(kept);
    }
    for (auto [section, state_key] : {std::pair{"invite", "invite_state"}, std::pair{"knock", "knock_state"}}) {
      const auto s = it->find(section);
      if (s == it->end() || !s->is_object()) continue;
      json kept = json::object();
      for (const auto& [room, r] : s->items()) {
        if (!room_in_scope(t, room)) continue;
        if (!allows(t, Action::join, room) && !allows(t, Action::read_state, room) &&
            !allows(t, Action::read_timeline, room))
          continue;
        kept[room] = filter_stripped(r, t, room, state_key);
      }
      rooms[section] = std::move(kept);
    }
  }
  out["rooms"] = std::move(rooms);
  if (const auto it = body.find("to_device"); it != body.end()) {
    out["to_device"] = json{{"events", filter_events(*it, [&](const json& e) {
                               const auto type = str(e, "type");
                               return type && authorize(t, Request{Action::receive_to_device, std::nullopt, *type,
                                                                   std::nullopt})
                                                  .allowed;
                             })}};
  }
  // The account's own data is root-only: global account data, presence, device lists and key
  // counts are not passed to scoped tokens.
  out["account_data"] = json{{"events", json::array()}};
  out["presence"] = json{{"events", json::array()}};
  body = std::move(out);
}

void filter_joined_rooms(json& body, const mxscope::VerifiedToken& t) {
  json kept = json::array();
  if (body.is_object())
    if (const auto it = body.find("joined_rooms"); it != body.end() && it->is_array())
      for (const auto& r : *it)
        if (r.is_string() && room_in_scope(t, r.get<std::string>())) kept.push_back(r);
  body = json{{"joined_rooms", std::move(kept)}};
}

bool filter_room_read(json& body, const mxscope::VerifiedToken& t, const std::string& room) {
  const auto ev = [&](const json& e) { return event_visible(t, room, e); };
  const auto st = [&](const json& e) { return state_visible(t, room, e); };
  if (body.is_array()) {  // GET /rooms/{room}/state
    body = filter_array(body, st);
    return true;
  }
  if (!body.is_object()) return true;
  if (body.contains("event_id") && body.contains("type") && !body.contains("chunk")) return ev(body);  // /event/{id}
  if (const auto it = body.find("event"); it != body.end() && it->is_object() && !ev(*it)) return false;  // /context
  for (const char* key : {"chunk", "events_before", "events_after"})
    if (const auto it = body.find(key); it != body.end()) *it = filter_array(*it, ev);
  if (const auto it = body.find("state"); it != body.end()) *it = filter_array(*it, st);
  if (const auto it = body.find("messages"); it != body.end() && it->is_object())  // room /initialSync
    if (const auto c = it->find("chunk"); c != it->end()) *c = filter_array(*c, ev);
  if (const auto it = body.find("account_data"); it != body.end() && !allows(t, Action::read_room_account_data, room))
    *it = json::array();
  return true;
}

}  // namespace mxgw
