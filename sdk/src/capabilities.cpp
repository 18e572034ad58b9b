// Widget API capabilities <-> scope (see docs/token-format.md §9 and the widget host).
#include <algorithm>
#include <array>

#include "mxscope/matrix.hpp"
#include "payload.hpp"

namespace mxscope {

namespace {

using Kind = CapabilityInfo::Kind;

// Plain capabilities with no parameter.
struct Simple {
  std::string_view capability;
  Kind kind;
  Action action;
};
constexpr std::array simple{
    Simple{"m.always_on_screen", Kind::grant, Action::always_on_screen},
    Simple{"org.matrix.msc2931.navigate", Kind::grant, Action::navigate},
    Simple{"io.element.view_room", Kind::grant, Action::navigate},
    Simple{"org.matrix.msc4039.upload_file", Kind::grant, Action::upload_media},
    Simple{"org.matrix.msc4039.download_file", Kind::grant, Action::download_media},
    Simple{"org.matrix.msc3973.user_directory_search", Kind::grant, Action::user_directory},
    Simple{"town.robin.msc3846.turn_servers", Kind::grant, Action::turn_servers},
    Simple{"m.capability.screenshot", Kind::host_only, Action::account},
    Simple{"io.element.requires_client", Kind::host_only, Action::account},
    Simple{"visibility", Kind::host_only, Action::account},
};

// Parameterised capabilities: unstable and stable prefixes of the same thing.
struct Prefixed {
  std::string_view unstable;
  std::string_view stable;
  Action action;
  char split;  // 'm': '#' splits only for m.room.message; 's': '#' always splits (state key); 0: never
};
constexpr std::array prefixed{
    Prefixed{"org.matrix.msc2762.send.event:", "m.send.event:", Action::send_event, 'm'},
    Prefixed{"org.matrix.msc2762.receive.event:", "m.receive.event:", Action::read_timeline, 'm'},
    Prefixed{"org.matrix.msc2762.send.state_event:", "m.send.state_event:", Action::send_state, 's'},
    Prefixed{"org.matrix.msc2762.receive.state_event:", "m.receive.state_event:", Action::read_state, 's'},
    Prefixed{"org.matrix.msc3819.send.to_device:", "m.send.to_device:", Action::send_to_device, 0},
    Prefixed{"org.matrix.msc3819.receive.to_device:", "m.receive.to_device:", Action::receive_to_device, 0},
    Prefixed{"com.beeper.capabilities.receive.room_account_data:", "m.receive.room_account_data:",
             Action::read_room_account_data, 0},
};
constexpr std::string_view timeline_unstable = "org.matrix.msc2762.timeline:";
constexpr std::string_view timeline_stable = "m.timeline:";

// Splits "type#key" at the first unescaped '#', unescaping "\#" (matrix-widget-api's rule).
void split_type(std::string_view value, bool do_split, std::string& type, std::optional<std::string>& key) {
  type.clear();
  key.reset();
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size() && value[i + 1] == '#') {
      (key ? *key : type) += '#';
      ++i;
    } else if (value[i] == '#' && do_split && !key) {
      key = std::string();
    } else {
      (key ? *key : type) += value[i];
    }
  }
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '#') out += '\\';
    out += c;
  }
  return out;
}

bool room_in(const Scope& scope, const std::string& room) { return !scope.rooms || scope.rooms->count(room) > 0; }

// Whether `scope` allows everything pattern `p` names, in `room`.
bool scope_covers(const Scope& scope, const EventPattern& p, const std::string& room) {
  if (!scope.actions.contains(p.action)) return false;
  if (action_info(p.action).rooms != RoomUse::none && !room_in(scope, room)) return false;
  if (!scope.events) return true;
  return std::any_of(scope.events->begin(), scope.events->end(), [&](const EventPattern& s) { return s.covers(p); });
}

}  // namespace

CapabilityInfo parse_capability(std::string_view cap) {
  CapabilityInfo info;
  for (const auto& s : simple)
    if (cap == s.capability) {
      info.kind = s.kind;
      info.action = s.action;
      return info;
    }
  if (cap == "m.sticker") {
    info.kind = Kind::grant;
    info.action = Action::send_event;
    info.pattern = EventPattern{Action::send_event, "m.sticker", std::nullopt};
    return info;
  }
  for (std::string_view prefix : {timeline_unstable, timeline_stable}) {
    if (cap.starts_with(prefix)) {
      const std::string_view room = cap.substr(prefix.size());
      if (room == "*") info.kind = Kind::any_room;
      else if (detail::valid_room_id(std::string(room))) {  // anything else could never be minted
        info.kind = Kind::room;
        info.room_id = std::string(room);
      }
      return info;
    }
  }
  for (const auto& p : prefixed) {
    for (std::string_view prefix : {p.unstable, p.stable}) {
      if (!cap.starts_with(prefix)) continue;
      const std::string_view value = cap.substr(prefix.size());
      if (value.empty()) return info;  // unknown
      std::string type;
      std::optional<std::string> key;
      const bool is_message = value.starts_with("m.room.message");
      split_type(value, p.split == 's' || (p.split == 'm' && is_message), type, key);
      if (type.empty()) return info;
      Action action = p.action;
      if (action == Action::send_event && type == "m.room.message") action = Action::send_message;
      if (action == Action::send_event && type == "m.room.redaction" && !key) action = Action::redact;
      info.kind = Kind::grant;
      info.action = action;
      if (action_info(action).events != EventUse::none) info.pattern = EventPattern{action, type, key};
      return info;
    }
  }
  return info;
}

RequestedScope capabilities_to_scope(const std::vector<std::string>& capabilities, const std::string& room_id) {
  RequestedScope out;
  Scope& s = out.scope;
  s.actions = ActionSet();
  s.events = std::vector<EventPattern>();
  std::set<std::string> rooms{room_id};
  for (const auto& cap : capabilities) {
    const CapabilityInfo info = parse_capability(cap);
    switch (info.kind) {
      case Kind::grant:
        s.actions.add(info.action);
        if (info.pattern) s.events->push_back(*info.pattern);
        break;
      case Kind::room: rooms.insert(info.room_id); break;
      case Kind::any_room: out.any_room = true; break;
      case Kind::host_only: out.host_only.push_back(cap); break;
      case Kind::unknown: out.not_grantable.push_back(cap); break;
    }
  }
  std::sort(s.events->begin(), s.events->end());
  s.events->erase(std::unique(s.events->begin(), s.events->end()), s.events->end());
  if (!out.any_room) s.rooms = std::move(rooms);
  return out;
}

std::vector<std::string> allowed_capabilities(const std::vector<std::string>& requested, const Scope& scope,
                                              const std::string& room_id) {
  std::vector<std::string> out;
  for (const auto& cap : requested) {
    const CapabilityInfo info = parse_capability(cap);
    bool ok = false;
    switch (info.kind) {
      case Kind::grant:
        ok = info.pattern ? scope_covers(scope, *info.pattern, room_id)
                          : scope.actions.contains(info.action) &&
                                (action_info(info.action).rooms == RoomUse::none || room_in(scope, room_id));
        break;
      case Kind::room: ok = room_in(scope, info.room_id); break;
      case Kind::any_room: ok = !scope.rooms; break;
      case Kind::host_only: ok = true; break;
      case Kind::unknown: ok = false; break;
    }
    if (ok && std::find(out.begin(), out.end(), cap) == out.end()) out.push_back(cap);
  }
  return out;
}

std::vector<std::string> scope_to_capabilities(const Scope& scope) {
  std::vector<std::string> out;
  auto prefix_of = [](Action a) -> std::string_view {
    for (const auto& p : prefixed)
      if (p.action == a || (a == Action::send_message && p.action == Action::send_event)) return p.unstable;
    return {};
  };
  for (const auto& info : action_table()) {
    if (!scope.actions.contains(info.action) || info.root_only) continue;
    if (info.action == Action::redact) {  // parse_capability reads this back as redact
      out.push_back(std::string(prefixed[0].unstable) + "m.room.redaction");
      continue;
    }
    const std::string_view prefix = prefix_of(info.action);
    if (!prefix.empty()) {
      if (info.events == EventUse::none) {
        out.push_back(std::string(prefix) + "*");  // room account data: all types
        continue;
      }
      std::vector<EventPattern> patterns =
          scope.events ? scope.patterns_for(info.action)
                       : std::vector<EventPattern>{{info.action, info.action == Action::send_message ? "m.room.message" : "*", std::nullopt}};
      for (const auto& p : patterns) {
        std::string type = p.type == "*" && info.action == Action::send_message ? "m.room.message" : p.type;
        std::string cap = std::string(prefix) + escape(type);
        if (p.key) cap += "#" + escape(*p.key);
        out.push_back(cap);
      }
      continue;
    }
    for (const auto& s : simple)
      if (s.kind == Kind::grant && s.action == info.action) {
        out.push_back(std::string(s.capability));
        break;
      }
  }
  if (!scope.rooms) out.push_back(std::string(timeline_unstable) + "*");
  else
    for (const auto& r : *scope.rooms) out.push_back(std::string(timeline_unstable) + r);
  return out;
}

}  // namespace mxscope
