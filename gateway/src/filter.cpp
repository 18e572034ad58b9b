#include "filter.hpp"

#include <set>
#include <string_view>
#include <vector>

#include "http_common.hpp"
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
  if (const auto it = r.find("ephemeral"); it != r.end()) {
    const auto known = [](const json& e) {
      const auto type = str(e, "type");
      return type && (*type == "m.typing" || *type == "m.receipt");
    };
    out["ephemeral"] = json{{"events", timeline ? filter_events(*it, known) : json::array()}};
  }
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

void filter_public_rooms(json& body, const mxscope::VerifiedToken& t) {
  // Fields every entry has (the spec requires them) and fields that show a state event.
  static constexpr const char* always[] = {"room_id", "num_joined_members", "world_readable", "guest_can_join"};
  static constexpr std::pair<const char*, const char*> from_state[] = {
      {"name", "m.room.name"},          {"topic", "m.room.topic"},         {"avatar_url", "m.room.avatar"},
      {"canonical_alias", "m.room.canonical_alias"}, {"join_rule", "m.room.join_rules"}, {"room_type", "m.room.create"}};
  json out = json::object();
  json chunk = json::array();
  if (body.is_object())
    if (const auto it = body.find("chunk"); it != body.end() && it->is_array())
      for (const auto& r : *it) {
        const auto room = str(r, "room_id");
        if (!room || !room_in_scope(t, *room) || !allows(t, Action::read_state, *room)) continue;
        json kept = json::object();
        for (const char* key : always)
          if (const auto f = r.find(key); f != r.end()) kept[key] = *f;
        for (const auto& [key, type] : from_state)
          if (const auto f = r.find(key); f != r.end() && authorize(t, Request{Action::read_state, *room, type, ""}).allowed)
            kept[key] = *f;
        chunk.push_back(std::move(kept));
      }
  out["chunk"] = std::move(chunk);
  for (const char* key : {"next_batch", "prev_batch"})
    if (const auto v = str(body, key)) out[key] = *v;
  body = std::move(out);
}

SearchRequest scope_search_request(json& body, const mxscope::VerifiedToken& t) {
  if (!body.is_object()) return SearchRequest::malformed;
  const auto cats = body.find("search_categories");
  if (cats == body.end() || !cats->is_object()) return SearchRequest::malformed;
  // Only room events are searched for a scoped token; other categories (none are specified
  // today) are not passed on.
  for (auto it = cats->begin(); it != cats->end();) it = it.key() == "room_events" ? std::next(it) : cats->erase(it);
  const auto re = cats->find("room_events");
  if (re == cats->end()) return SearchRequest::no_rooms;
  if (!re->is_object()) return SearchRequest::malformed;
  const auto& scope_rooms = t.scope().rooms;
  if (!scope_rooms) return SearchRequest::forward;  // every room of the account: the answer is filtered
  json& filter = (*re)["filter"];
  if (filter.is_null()) filter = json::object();
  if (!filter.is_object()) return SearchRequest::malformed;
  std::set<std::string> asked;
  if (const auto it = filter.find("rooms"); it != filter.end() && !it->is_null()) {
    if (!it->is_array()) return SearchRequest::malformed;
    for (const auto& r : *it) {
      if (!r.is_string()) return SearchRequest::malformed;
      asked.insert(r.get<std::string>());
    }
  } else {
    asked = *scope_rooms;
  }
  json rooms = json::array();
  for (const auto& r : asked)
    if (room_in_scope(t, r) && allows(t, Action::read_timeline, r)) rooms.push_back(r);
  if (rooms.empty()) return SearchRequest::no_rooms;
  filter["rooms"] = std::move(rooms);
  return SearchRequest::forward;
}

json empty_search_result() {
  return json{{"search_categories", {{"room_events", {{"results", json::array()}, {"count", 0}, {"highlights", json::array()}}}}}};
}

void filter_search(json& body, const mxscope::VerifiedToken& t) {
  json re_out = json::object();
  const json* re = nullptr;
  if (body.is_object())
    if (const auto c = body.find("search_categories"); c != body.end() && c->is_object())
      if (const auto r = c->find("room_events"); r != c->end() && r->is_object()) re = &*r;
  json results = json::array();
  std::set<std::string> kept_ids;
  if (re)
    if (const auto it = re->find("results"); it != re->end() && it->is_array())
      for (const auto& r : *it) {
        if (!r.is_object()) continue;
        const auto ev = r.find("result");
        if (ev == r.end() || !ev->is_object()) continue;
        const auto room = str(*ev, "room_id");
        if (!room || !room_in_scope(t, *room) || !allows(t, Action::read_timeline, *room) || !event_visible(t, *room, *ev))
          continue;
        json kept = json{{"result", *ev}};
        if (const auto rank = r.find("rank"); rank != r.end() && rank->is_number()) kept["rank"] = *rank;
        if (const auto ctx = r.find("context"); ctx != r.end() && ctx->is_object()) {
          const auto visible = [&](const json& e) { return event_visible(t, *room, e); };
          json c = json::object();
          for (const char* key : {"events_before", "events_after"})
            if (const auto f = ctx->find(key); f != ctx->end()) c[key] = filter_array(*f, visible);
          for (const char* key : {"start", "end", "profile_info"})
            if (const auto f = ctx->find(key); f != ctx->end()) c[key] = *f;
          kept["context"] = std::move(c);
        }
        if (const auto id = str(*ev, "event_id")) kept_ids.insert(*id);
        results.push_back(std::move(kept));
      }
  re_out["results"] = std::move(results);
  if (re) {
    // The homeserver counted the rooms it searched (already only the token's); the count is
    // still right unless event patterns hide some of the events it counted.
    if (const auto it = re->find("count"); it != re->end() && it->is_number() && !t.scope().events) re_out["count"] = *it;
    if (const auto it = re->find("highlights"); it != re->end() && it->is_array()) re_out["highlights"] = *it;
    if (const auto v = str(*re, "next_batch")) re_out["next_batch"] = *v;
    if (const auto it = re->find("state"); it != re->end() && it->is_object()) {
      json state = json::object();
      for (const auto& [room, events] : it->items())
        if (room_in_scope(t, room) && allows(t, Action::read_state, room))
          state[room] = filter_array(events, [&](const json& e) { return state_visible(t, room, e); });
      re_out["state"] = std::move(state);
    }
    if (const auto it = re->find("groups"); it != re->end() && it->is_object()) {
      json groups = json::object();
      for (const char* by : {"room_id", "sender"}) {
        const auto g = it->find(by);
        if (g == it->end() || !g->is_object()) continue;
        json kept = json::object();
        for (const auto& [key, group] : g->items()) {
          if (std::string_view(by) == "room_id" && !room_in_scope(t, key)) continue;
          if (!group.is_object()) continue;
          const auto ids = group.find("results");
          json left = filter_array(ids != group.end() ? *ids : json::array(), [&](const json& id) {
            return id.is_string() && kept_ids.count(id.get<std::string>()) != 0;
          });
          if (left.empty()) continue;
          json entry = json{{"results", std::move(left)}};
          if (const auto o = group.find("order"); o != group.end() && o->is_number()) entry["order"] = *o;
          if (const auto v = str(group, "next_batch")) entry["next_batch"] = *v;
          kept[key] = std::move(entry);
        }
        groups[by] = std::move(kept);
      }
      re_out["groups"] = std::move(groups);
    }
  }
  body = json{{"search_categories", {{"room_events", std::move(re_out)}}}};
}

void filter_notifications(json& body, const mxscope::VerifiedToken& t) {
  json kept = json::array();
  if (body.is_object())
    if (const auto it = body.find("notifications"); it != body.end() && it->is_array())
      for (const auto& n : *it) {
        const auto room = str(n, "room_id");
        if (!room || !room_in_scope(t, *room) || !allows(t, Action::read_timeline, *room)) continue;
        const auto ev = n.find("event");
        if (ev == n.end() || !ev->is_object() || !event_visible(t, *room, *ev)) continue;
        json out = json::object();
        for (const char* key : {"actions", "event", "profile_tag", "read", "room_id", "ts"})
          if (const auto f = n.find(key); f != n.end()) out[key] = *f;
        kept.push_back(std::move(out));
      }
  json out = json{{"notifications", std::move(kept)}};
  if (const auto v = str(body, "next_token")) out["next_token"] = *v;
  body = std::move(out);
}

namespace {

constexpr const char* push_rule_kinds[] = {"override", "content", "room", "sender", "underride"};

bool push_rule_visible(const mxscope::VerifiedToken& t, std::string_view kind, const json& rule) {
  if (!rule.is_object()) return false;
  const auto id = str(rule, "rule_id");
  if (!id || (kind == "room" && !room_in_scope(t, *id))) return false;
  if (const auto c = rule.find("conditions"); c != rule.end() && c->is_array())
    for (const auto& cond : *c)
      if (str(cond, "key") == "room_id") {
        const auto pattern = str(cond, "pattern");
        if (!pattern || !room_in_scope(t, *pattern)) return false;
      }
  return true;
}

json filter_rules(const json& rules, const mxscope::VerifiedToken& t, std::string_view kind) {
  return filter_array(rules, [&](const json& rule) { return push_rule_visible(t, kind, rule); });
}

void filter_ruleset(json& set, const mxscope::VerifiedToken& t) {
  if (!set.is_object()) return;
  for (const char* kind : push_rule_kinds)
    if (const auto it = set.find(kind); it != set.end()) *it = filter_rules(*it, t, kind);
}

// Path segments, percent-decoded.
std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const std::string_view seg = path.substr(0, slash);
    std::string d;
    for (std::size_t i = 0; i < seg.size(); ++i) {
      if (seg[i] == '%' && i + 2 < seg.size() && http::hexval(seg[i + 1]) >= 0 && http::hexval(seg[i + 2]) >= 0) {
        d += static_cast<char>(http::hexval(seg[i + 1]) * 16 + http::hexval(seg[i + 2]));
        i += 2;
      } else d += seg[i];
    }
    out.push_back(std::move(d));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace

bool filter_push_rules(json& body, const mxscope::VerifiedToken& t, const std::string& rest) {
  if (!t.scope().rooms) return true;
  const auto seg = segments(rest);  // "pushrules", scope, kind, rule id, attribute
  if (seg.size() >= 4) {
    if (seg[2] == "room" && !room_in_scope(t, seg[3])) return false;
    return seg.size() > 4 || push_rule_visible(t, seg[2], body);  // enabled/actions name no room
  }
  if (seg.size() == 3) {
    body = filter_rules(body, t, seg[2]);
  } else if (seg.size() == 2) {
    filter_ruleset(body, t);
  } else if (body.is_object()) {
    for (auto& [scope, set] : body.items()) filter_ruleset(set, t);
  }
  return true;
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
