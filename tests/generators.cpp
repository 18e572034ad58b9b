#include "generators.hpp"

#include <algorithm>
#include <set>

namespace gen {

using namespace mxscope;

namespace {

template <class T>
const T& pick(const std::vector<T>& v, Rng& rng) {
  return v[rng() % v.size()];
}
bool coin(Rng& rng, int percent = 50) { return static_cast<int>(rng() % 100) < percent; }

const std::vector<Action> event_actions{Action::read_timeline, Action::read_state,     Action::send_message,
                                        Action::send_event,    Action::send_state,     Action::send_to_device,
                                        Action::receive_to_device};

std::vector<std::string> types_for(Action a) {
  switch (action_info(a).events) {
    case EventUse::message: return {"m.room.message", "*"};
    case EventUse::event:
      if (action_info(a).rooms == RoomUse::none) return {"m.call.invite", "org.example.ping", "*"};
      return {"m.reaction", "m.sticker", "org.example.app", "*"};
    case EventUse::state: return {"m.room.name", "m.room.topic", "m.room.member", "*"};
    case EventUse::timeline: return {"m.room.message", "m.reaction", "m.room.member", "*"};
    case EventUse::none: break;
  }
  return {};
}

std::vector<std::optional<std::string>> keys_for(Action a, const std::string& type) {
  switch (action_info(a).events) {
    case EventUse::message: return {std::nullopt, "m.text", "m.image"};
    case EventUse::timeline:
      if (type == "m.room.message" || type == "*") return {std::nullopt, "m.text", "m.notice"};
      return {std::nullopt};
    case EventUse::state: return {std::nullopt, "", "@alice:example.org"};
    default: return {std::nullopt};
  }
}

EventPattern any_pattern(Rng& rng) {
  const Action a = pick(event_actions, rng);
  const std::string type = pick(types_for(a), rng);
  return {a, type, pick(keys_for(a, type), rng)};
}

std::int64_t base_time = 1777640550;

// What a block with caveats `c` allows under `parent`, as far as actions go.
ActionSet allowed_actions(const Scope& parent, const Caveats& c) {
  return c.actions ? (*c.actions & parent.actions) : parent.actions;
}

std::vector<Action> unnamed_event_actions(const Scope& parent, const Caveats& c) {
  std::vector<Action> out;
  if (!c.events) return out;
  const ActionSet allowed = allowed_actions(parent, c);
  for (const Action a : event_actions) {
    if (!allowed.contains(a)) continue;
    if (std::none_of(c.events->begin(), c.events->end(), [&](const EventPattern& e) { return e.action == a; }))
      out.push_back(a);
  }
  return out;
}

// Makes an events caveat name every event-bearing action the block allows under `parent`: for
// each one left out, either add a pattern the parent allows or take the action out of the block.
void name_every_event_action(const Scope& parent, Caveats& c, Rng& rng) {
  const std::vector<Action> missing = unnamed_event_actions(parent, c);
  if (missing.empty()) return;
  std::set<EventPattern> patterns(c.events->begin(), c.events->end());
  ActionSet dropped;
  for (const Action a : missing) {
    const std::vector<EventPattern> from_parent = parent.patterns_for(a);
    if (!parent.events && coin(rng)) {
      const std::string type = pick(types_for(a), rng);
      patterns.insert({a, type, pick(keys_for(a, type), rng)});
    } else if (!from_parent.empty() && coin(rng)) {
      patterns.insert(pick(from_parent, rng));
    } else {
      dropped.add(a);
    }
  }
  c.events = std::vector<EventPattern>(patterns.begin(), patterns.end());
  if (dropped.empty()) return;
  ActionSet kept = allowed_actions(parent, c) - dropped;
  for (const auto& row : action_table())
    if (row.root_only) kept.remove(row.action);  // never delegable: asking for it is too broad
  c.actions = kept;
}

}  // namespace

const std::vector<std::string>& rooms() {
  static const std::vector<std::string> r{"!aaa:example.org", "!bbb:example.org", "!ccc:example.org",
                                          "!ddd:other.example"};
  return r;
}

Caveats any_caveats(Rng& rng) {
  Caveats c;
  if (coin(rng, 60)) {
    ActionSet s;
    for (const auto& row : action_table())
      if (!row.root_only && coin(rng, 40)) s.add(row.action);
    c.actions = s;
  }
  if (coin(rng, 50)) {
    std::set<std::string> r;
    for (const auto& room : rooms())
      if (coin(rng)) r.insert(room);
    c.rooms = r;
  }
  if (coin(rng, 50)) {
    std::set<EventPattern> p;
    const int n = static_cast<int>(rng() % 5);
    for (int i = 0; i < n; ++i) p.insert(any_pattern(rng));
    c.events = std::vector<EventPattern>(p.begin(), p.end());
  }
  if (coin(rng, 30)) c.not_before = base_time - static_cast<std::int64_t>(rng() % 7200);
  if (coin(rng, 40)) c.not_after = base_time + static_cast<std::int64_t>(rng() % 7200);
  if (coin(rng, 30)) c.name = "n" + std::to_string(rng() % 100);
  return c;
}

Caveats narrower_than(const Scope& parent, Rng& rng) {
  Caveats c;
  if (coin(rng, 60)) {
    ActionSet s;
    for (const auto& row : action_table())
      if (parent.actions.contains(row.action) && !row.root_only && coin(rng, 70)) s.add(row.action);
    c.actions = s;
  }
  if (coin(rng, 50)) {
    std::set<std::string> r;
    for (const auto& room : parent.rooms ? std::vector<std::string>(parent.rooms->begin(), parent.rooms->end()) : rooms())
      if (coin(rng, 70)) r.insert(room);
    c.rooms = r;
  }
  if (coin(rng, 50)) {
    std::set<EventPattern> p;
    if (parent.events) {
      for (const auto& e : *parent.events) {
        if (!coin(rng, 70)) continue;
        EventPattern narrowed = e;
        if (narrowed.type == "*" && coin(rng)) narrowed.type = pick(types_for(e.action), rng);
        if (!narrowed.key && coin(rng)) narrowed.key = pick(keys_for(e.action, narrowed.type), rng);
        p.insert(narrowed);
      }
    } else {
      const int n = static_cast<int>(rng() % 4);
      for (int i = 0; i < n; ++i) p.insert(any_pattern(rng));
    }
    c.events = std::vector<EventPattern>(p.begin(), p.end());
  }
  const std::int64_t lo = parent.not_before.value_or(base_time - 7200);
  const std::int64_t hi = parent.not_after.value_or(base_time + 7200);
  if (coin(rng, 30)) c.not_before = lo + static_cast<std::int64_t>(rng() % 600);
  if (coin(rng, 40)) c.not_after = std::max(c.not_before.value_or(lo), hi - static_cast<std::int64_t>(rng() % 600));
  if (c.not_after && parent.not_after && *c.not_after > *parent.not_after) c.not_after = parent.not_after;
  if (c.not_before && c.not_after && *c.not_before > *c.not_after) c.not_before.reset();
  if (coin(rng, 30)) c.name = "n" + std::to_string(rng() % 100);
  name_every_event_action(parent, c, rng);
  return c;
}

bool names_every_event_action(const Scope& parent, const Caveats& c) { return unnamed_event_actions(parent, c).empty(); }

Request any_request(Rng& rng) {
  const auto& table = action_table();
  Request r{table[rng() % table.size()].action, {}, {}, {}};
  if (coin(rng, 85)) r.room_id = coin(rng, 85) ? pick(rooms(), rng) : "!outsider:example.org";
  if (action_info(r.action).events != EventUse::none && coin(rng, 85)) {
    std::vector<std::string> types = types_for(r.action);
    types.back() = "org.example.unlisted";  // a request names a concrete type, never "*"
    r.event_type = pick(types, rng);
    r.key = pick(keys_for(r.action, *r.event_type), rng);
  } else if (coin(rng, 10)) {
    // e.g. send_event of m.room.message (judged as send_message) or of m.room.redaction (redact)
    r.event_type = coin(rng) ? "m.room.message" : "m.room.redaction";
    r.key = coin(rng) ? std::optional<std::string>("m.text") : std::nullopt;
  }
  return r;
}

const std::vector<Request>& request_grid() {
  static const std::vector<Request> grid = [] {
    std::vector<Request> out;
    std::vector<std::optional<std::string>> room_choices{std::nullopt, "!outsider:example.org"};
    for (const auto& r : rooms()) room_choices.push_back(r);
    for (const auto& row : action_table()) {
      std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> details{{std::nullopt, std::nullopt}};
      std::vector<std::string> types = types_for(row.action);
      if (!types.empty()) types.back() = "org.example.unlisted";
      types.push_back("m.room.message");
      types.push_back("m.room.redaction");
      for (const auto& t : types) {
        auto keys = keys_for(row.action, t);
        keys.push_back("m.text");
        keys.push_back("");
        for (const auto& k : keys) details.emplace_back(t, k);
      }
      for (const auto& room : room_choices)
        for (const auto& [t, k] : details) out.push_back({row.action, room, t, k});
    }
    return out;
  }();
  return grid;
}

}  // namespace gen
