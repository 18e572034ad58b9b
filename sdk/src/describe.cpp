#include "mxscope/describe.hpp"

#include <algorithm>

#include <string>
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
  // No rooms at all (disjoint room caveats): describe() then lists no room permission, so the
  // phrase is never shown. Without this, names.back() below reads an empty vector.
  if (names.empty()) return std::string();
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

// "14:02 UTC" when within a day of now, otherwise "2026-11-25 14:02 UTC". Formatted by hand
// (civil-from-days, H. Hinnant) rather than gmtime_r + strftime: in the WebAssembly build those
// are JavaScript library code (~3 KB gzip with timezone support nobody here needs).
std::string clock_text(std::int64_t at, std::int64_t now) {
  auto two = [](std::int64_t v) { return std::string(v < 10 ? "0" : "") + std::to_string(v); };
  const std::int64_t days = (at >= 0 ? at : at - 86399) / 86400;
  const std::int64_t secs = at - days * 86400;
  std::string text = two(secs / 3600) + ":" + two(secs / 60 % 60) + " UTC";
  if (at - now < 86400 && now - at < 86400) return text;
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return std::to_string(year) + "-" + two(month) + "-" + two(day) + " " + text;
}

// The catalogue id and risk for one narrowed permission; `specific` is false when the generic
// sentence for the action applies.
struct Line {
  std::string text;
  Risk risk;
};

// "(only the entry "k")". The empty state key is where well-known room settings live (name,
// topic, ...), so for those it adds nothing; for app types it is "the main entry".
std::string key_suffix(const std::string& lang, const std::string& text, const EventPattern& p, const std::string& prefix) {
  if (p.key->empty()) return catalogue_has(lang, prefix + p.type) && p.type != "*" ? text : say(lang, "key.main", {{"text", text}});
  return say(lang, "key.only", {{"text", text}, {"key", *p.key}});
}

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
      if (p.type == "m.room.encrypted") return {pick("send.", p.type, "send.other"), Risk::high};
      return {pick("send.", p.type, "send.other"), Risk::medium};
    case Action::send_state: {
      if (any_type && !p.key) return {say(lang, "action.send_state", {{"rooms", c.rooms}}), Risk::critical};
      Risk r = Risk::medium;
      if (p.type == "m.room.power_levels" || any_type) r = Risk::critical;
      else if (p.type == "m.room.member" || p.type == "m.room.join_rules" || p.type == "m.room.history_visibility" ||
               p.type == "m.room.encryption" || p.type == "im.vector.modular.widgets")
        r = Risk::high;
      std::string text = any_type ? say(lang, "action.send_state", {{"rooms", c.rooms}}) : pick("state.", p.type, "state.other");
      if (p.key) text = key_suffix(lang, text, p, "state.");
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
      if (p.key) text = key_suffix(lang, text, p, "seestate.");
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

std::string_view sentence_kind_name(SentenceKind kind) noexcept {
  switch (kind) {
    case SentenceKind::permission: return "permission";
    case SentenceKind::rooms: return "rooms";
    case SentenceKind::time: return "time";
    case SentenceKind::name: return "name";
    case SentenceKind::delegation: return "delegation";
    case SentenceKind::account: return "account";
  }
  return "permission";
}

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


  // Token times are at most 2^40; clamping an absurd caller clock keeps the arithmetic defined.
  const std::int64_t now = std::clamp<std::int64_t>(o.now, -(std::int64_t{1} << 50), std::int64_t{1} << 50);
  if (scope.not_before && *scope.not_before > now)
    out.push_back({SentenceKind::time, Risk::low, say(o.language, "time.from", {{"at", clock_text(*scope.not_before, now)}}), {}, {}});
  if (!scope.not_after) {
    out.push_back({SentenceKind::time, Risk::high, say(o.language, "time.never"), {}, {}});
  } else if (*scope.not_after <= now) {
    out.push_back({SentenceKind::time, Risk::low, say(o.language, "time.expired", {{"duration", duration(o, now - *scope.not_after)}}), {}, {}});
  } else {
    const std::int64_t left = *scope.not_after - now;
    const Risk r = left <= 86400 ? Risk::low : left <= 31 * 86400 ? Risk::medium : Risk::high;
    out.push_back({SentenceKind::time, r,
                   say(o.language, "time.expires_in", {{"duration", duration(o, left)}, {"at", clock_text(*scope.not_after, now)}}), {}, {}});
  }
  if (scope.name) out.push_back({SentenceKind::name, Risk::low, say(o.language, "name.labelled", {{"name", *scope.name}}), {}, {}});
  out.push_back(scope.sealed ? Sentence{SentenceKind::delegation, Risk::low, say(o.language, "delegation.sealed"), {}, {}}
                             : Sentence{SentenceKind::delegation, Risk::medium, say(o.language, "delegation.open"), {}, {}});
  return out;
}

}  // namespace mxscope
