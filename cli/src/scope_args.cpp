// --allow and --ttl: SDK action names plus a few friendly shortcuts, and durations like 30m.
#include <algorithm>
#include <cctype>

#include "cli.hpp"

namespace mxcli {

namespace {

using mxscope::Action;
using mxscope::EventPattern;

struct Shortcut {
  const char* name;
  std::vector<Action> actions;
  std::vector<EventPattern> patterns;  // narrowing of some of `actions` (the others are unnarrowed)
  const char* help;
};

const std::vector<Shortcut>& shortcuts() {
  static const std::vector<Shortcut> s{
      {"read", {Action::read_timeline, Action::read_state}, {}, "read messages and room state (read_timeline, read_state)"},
      {"send", {Action::send_message}, {}, "send messages of any kind (send_message)"},
      {"send-text", {Action::send_message}, {{Action::send_message, "m.room.message", "m.text"}},
       "send plain text messages only (send_message, msgtype m.text)"},
      {"send-notice", {Action::send_message}, {{Action::send_message, "m.room.message", "m.notice"}},
       "send notices only, the usual msgtype for bots (send_message, msgtype m.notice)"},
      {"react", {Action::send_event}, {{Action::send_event, "m.reaction", std::nullopt}},
       "react to messages (send_event, type m.reaction)"},
      {"media", {Action::upload_media, Action::download_media}, {}, "upload and download media (upload_media, download_media)"},
      {"chat", {Action::read_timeline, Action::read_state, Action::send_message, Action::typing, Action::receipts}, {},
       "read, send messages, typing notifications and read receipts"},
  };
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

}  // namespace

std::int64_t parse_ttl(const std::string& text) {
  const std::string bad = "--ttl: expected a duration such as 90s, 30m, 1h, 7d, 2w or 1h30m (got '" + text + "')";
  if (text.empty()) usage_error(bad);
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t n = 0;
    const std::size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      n = n * 10 + (text[i] - '0');
      if (n > 100000000) usage_error(bad);
      ++i;
    }
    if (i == start || i == text.size()) usage_error(bad);
    std::int64_t unit = 0;
    switch (text[i]) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      case 'w': unit = 7 * 86400; break;
      default: usage_error(bad);
    }
    ++i;
    total += n * unit;
  }
  if (total <= 0) usage_error("--ttl: the duration must be longer than zero");
  if (total > 20LL * 365 * 86400) usage_error("--ttl: at most 20 years");
  return total;
}

AllowResult parse_allow(const std::vector<std::string>& values, const mxscope::Scope& parent) {
  AllowResult out;
  std::set<Action> plain;                             // asked for without narrowing
  std::map<Action, std::vector<EventPattern>> narrowed;  // asked for through a narrowing shortcut
  for (const auto& value : values) {
    std::size_t pos = 0;
    while (pos <= value.size()) {
      const auto comma = value.find(',', pos);
      const std::string item = trim(value.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
      pos = comma == std::string::npos ? value.size() + 1 : comma + 1;
      if (item.empty()) continue;
      const Shortcut* sc = nullptr;
      for (const auto& s : shortcuts())
        if (item == s.name) sc = &s;
      if (sc) {
        for (Action a : sc->actions) {
          out.actions.add(a);
          bool has_pattern = false;
          for (const auto& p : sc->patterns)
            if (p.action == a) {
              narrowed[a].push_back(p);
              has_pattern = true;
            }
          if (!has_pattern) plain.insert(a);
        }
        continue;
      }
      std::string name = item;
      std::replace(name.begin(), name.end(), '-', '_');
      const auto action = mxscope::action_from_name(name);
      if (!action)
        usage_error("--allow: unknown action '" + item + "' (see: mxscope token mint --help for the names)");
      out.actions.add(*action);
      plain.insert(*action);
    }
  }
  if (out.actions.empty()) usage_error("--allow: name at least one action (for example --allow read,send-text)");
  if (narrowed.empty()) return out;  // no event narrowing: the new block inherits the parent's patterns
  // An events caveat must name patterns for every event-bearing action the block allows.
  std::vector<EventPattern> events;
  for (const auto& info : mxscope::action_table()) {
    const Action a = info.action;
    if (!out.actions.contains(a) || info.events == mxscope::EventUse::none) continue;
    if (plain.count(a)) {
      if (parent.events) {
        const auto inherited = parent.patterns_for(a);
        events.insert(events.end(), inherited.begin(), inherited.end());
      } else {
        events.push_back({a, "*", std::nullopt});
      }
    } else {
      const auto& ps = narrowed[a];
      events.insert(events.end(), ps.begin(), ps.end());
    }
  }
  std::sort(events.begin(), events.end());
  events.erase(std::unique(events.begin(), events.end()), events.end());
  out.events = std::move(events);
  return out;
}

std::string allow_help() {
  std::string s = "Shortcuts:\n";
  for (const auto& sc : shortcuts()) {
    std::string n = sc.name;
    n.resize(std::max<std::size_t>(n.size(), 13), ' ');
    s += "  " + n + " " + sc.help + "\n";
  }
  s += "Action names (from the SDK; '-' may be written for '_'):\n ";
  std::size_t col = 1;
  for (const auto& info : mxscope::action_table()) {
    if (info.root_only) continue;
    const std::string n = " " + std::string(info.name);
    if (col + n.size() > 78) {
      s += "\n ";
      col = 1;
    }
    s += n;
    col += n.size();
  }
  return s + "\n";
}

}  // namespace mxcli
