#include "mxscope/describe.hpp"

#include <ctime>
#include <vector>

#include "catalogue.hpp"

namespace mxscope {

using detail::catalogue_has;
using detail::say;

namespace {

struct Ctx {
  const Scope& scope;
  const DescribeOptions& o;
  std::string rooms;  // the rooms phrase, computed once
};

std::string room_phrase(const Scope& s, const DescribeOptions& o) {
  if (!s.rooms) return say(o.language, "rooms.any");
  std::vector<std::string> names;
  for (const auto& id : *s.rooms) {
    auto it = o.room_names.find(id);
    names.push_back(it != o.room_names.end() && !it->second.empty() ? it->second : id);
  }
  if (names.size() == 1) return names[0];
  if (names.size() == 2) return say(o.language, "rooms.list2", {{"a", names[0]}, {"b", names[1]}});
  std::string list;
  for (std::size_t i = 0; i + 1 < names.size(); ++i) list += (i ? ", " : "") + names[i];
  return say(o.language, "rooms.listn", {{"list", list}, {"last", names.back()}});
}

std::string duration(const DescribeOptions& o, std::int64_t secs) {
  if (secs < 60) return say(o.language, "duration.seconds", {{"n", std::to_string(secs)}});
  const std::int64_t m = secs / 60, h = secs / 3600, d = secs / 86400;
  if (m < 60) return m == 1 ? say(o.language, "duration.minute") : say(o.language, "duration.minutes", {{"n", std::to_string(m)}});
  if (h < 48) return h == 1 ? say(o.language, "duration.hour") : say(o.language, "duration.hours", {{"n", std::to_string(h)}});
  return d == 1 ? say(o.language, "duration.day") : say(o.language, "duration.days", {{"n", std::to_string(d)}});
}

// "14:02 UTC" when within a day of now, otherwise "2026-11-25 14:02 UTC".
std::string clock_text(std::int64_t at, std::int64_t now) {
  std::time_t t = static_cast<std::time_t>(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  const bool near = at - now < 86400 && now - at < 86400;
  std::strftime(buf, sizeof buf, near ? "%H:%M UTC" : "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

// The catalogue id and risk for one narrowed permission; `specific` is false when the generic
// sentence for the action applies.
struct Line {
  std::string text;
  Risk risk;
};

Line pattern_line(const Ctx& c, const EventPattern& p) {
  const auto& lang = c.o.language;
  const Risk base = action_info(p.action).risk;
  auto pick = [&](const std::string& prefix, const std::string& value, std::string_view other_id) {
    const std::string id = prefix + value;
    return catalogue_has(lang, id) ? say(lang, id, {{"rooms", c.rooms}, {"type", p.type}, {"key", p.key.value_or("")}})
                                   : say(lang, other_id, {{"rooms", c.rooms}, {"type", p.type}, {"key", p.key.value_or("")}});
  };
  const bool any_type = p.type == "*";
  switch (p.action) {
    case Action::send_message:
      if (!p.key) return {say(lang, "action.send_message", {{"rooms", c.rooms}}), base};
      return {pick("msg.", *p.key, "msg.other"), Risk::medium};
    case Action::send_event:
      if (any_type) return {say(lang, "action.send_event", {{"rooms", c.rooms}}), base};
      if (p.type == "m.reaction" || p.type == "m.sticker") return {pick("send.", p.type, "send.other"), Risk::low};
      if (p.type == "m.room.redaction" || p.type == "m.room.encrypted") return {pick("send.", p.type, "send.other"), Risk::high};
      return {pick("send.", p.type, "send.other"), Risk::medium};
    case Action::send_state: {
      if (any_type && !p.key) return {say(lang, "action.send_state", {{"rooms", c.rooms}}), Risk::critical};
      Risk r = Risk::medium;
      if (p.type == "m.room.power_levels" || any_type) r = Risk::critical;
      else if (p.type == "m.room.member" || p.type == "m.room.join_rules" || p.type == "m.room.history_visibility" ||
               p.type == "m.room.encryption" || p.type == "im.vector.modular.widgets")
        r = Risk::high;
      std::string text = any_type ? say(lang, "action.send_state", {{"rooms", c.rooms}}) : pick("state.", p.type, "state.other");
      if (p.key) text = say(lang, "key.only", {{"text", text}, {"key", *p.key}});
      return {text, r};
    }
    case Action::read_timeline:
      if (any_type) return {say(lang, "action.read_timeline", {{"rooms", c.rooms}}), base};
      if (p.type == "m.room.message" && p.key)
        return {pick("readmsg.", *p.key, "readmsg.other"), Risk::high};
      return {pick("read.", p.type, "read.other"), p.type == "m.room.message" || p.type == "m.room.encrypted" ? Risk::high : Risk::medium};
    case Action::read_state: {
      if (any_type && !p.key) return {say(lang, "action.read_state", {{"rooms", c.rooms}}), base};
      Risk r = p.type == "m.room.member" || p.type == "m.room.create" || any_type ? Risk::medium : Risk::low;
      std::string text = any_type ? say(lang, "action.read_state", {{"rooms", c.rooms}}) : pick("seestate.", p.type, "seestate.other");
      if (p.key) text = say(lang, "key.only", {{"text", text}, {"key", *p.key}});
      return {text, r};
    }
    case Action::send_to_device:
      if (any_type) return {say(lang, "action.send_to_device"), base};
      return {say(lang, "todevice.send", {{"type", p.type}}), Risk::medium};
    case Action::receive_to_device:
      if (any_type) return {say(lang, "action.receive_to_device"), base};
      return {say(lang, "todevice.receive", {{"type", p.type}}), Risk::medium};
    default:
      return {say(lang, "action." + std::string(action_name(p.action)), {{"rooms", c.rooms}}), base};
  }
}

}  // namespace

std::vector<Sentence> describe(const Scope& scope, const DescribeOptions& o) {
  std::vector<Sentence> out;
  Ctx c{scope, o, room_phrase(scope, o)};
  const bool no_rooms = scope.rooms && scope.rooms->empty();

  if (scope.full_account) out.push_back({SentenceKind::account, Risk::critical, say(o.language, "account"), Action::account, {}});

  for (const auto& info : action_table()) {
    if (info.root_only || !scope.actions.contains(info.action)) continue;
    if (info.rooms != RoomUse::none && no_rooms) continue;  // nothing this action could touch
    // Room-wide powers are "high" at least when they reach every room.
    auto widen = [&](Risk r) { return info.rooms != RoomUse::none && !scope.rooms && r < Risk::high ? Risk::high : r; };
    if (info.events != EventUse::none && scope.events) {
      for (const auto& p : scope.patterns_for(info.action)) {
        Line l = pattern_line(c, p);
        out.push_back({SentenceKind::permission, widen(l.risk), l.text, info.action, p});
      }
      continue;
    }
    const std::string text = say(o.language, "action." + std::string(info.name), {{"rooms", c.rooms}});
    Risk risk = info.risk;
    if (info.rooms != RoomUse::none) risk = widen(risk);
    out.push_back({SentenceKind::permission, risk, text, info.action, {}});
  }


  if (scope.not_before && *scope.not_before > o.now)
    out.push_back({SentenceKind::time, Risk::low, say(o.language, "time.from", {{"at", clock_text(*scope.not_before, o.now)}}), {}, {}});
  if (!scope.not_after) {
    out.push_back({SentenceKind::time, Risk::high, say(o.language, "time.never"), {}, {}});
  } else if (*scope.not_after <= o.now) {
    out.push_back({SentenceKind::time, Risk::low, say(o.language, "time.expired", {{"duration", duration(o, o.now - *scope.not_after)}}), {}, {}});
  } else {
    const std::int64_t left = *scope.not_after - o.now;
    const Risk r = left <= 86400 ? Risk::low : left <= 31 * 86400 ? Risk::medium : Risk::high;
    out.push_back({SentenceKind::time, r,
                   say(o.language, "time.expires_in", {{"duration", duration(o, left)}, {"at", clock_text(*scope.not_after, o.now)}}), {}, {}});
  }
  if (scope.name) out.push_back({SentenceKind::name, Risk::low, say(o.language, "name.labelled", {{"name", *scope.name}}), {}, {}});
  out.push_back(scope.sealed ? Sentence{SentenceKind::delegation, Risk::low, say(o.language, "delegation.sealed"), {}, {}}
                             : Sentence{SentenceKind::delegation, Risk::medium, say(o.language, "delegation.open"), {}, {}});
  return out;
}

}  // namespace mxscope
