// JSON renderings of scopes and descriptions (the same shapes as the gateway's token API), times.
#include <ctime>

#include "cli.hpp"

namespace mxcli {

std::int64_t now_s() { return static_cast<std::int64_t>(std::time(nullptr)); }

namespace {

json actions_json(mxscope::ActionSet set) {
  json actions = json::array();
  for (const auto& info : mxscope::action_table())
    if (set.contains(info.action)) actions.push_back(std::string(info.name));
  return actions;
}

json events_json(const std::optional<std::vector<mxscope::EventPattern>>& events) {
  if (!events) return nullptr;
  json ev = json::array();
  for (const auto& p : *events) {
    json e = {{"action", std::string(mxscope::action_name(p.action))}, {"type", p.type}};
    if (p.key) e["key"] = *p.key;
    ev.push_back(std::move(e));
  }
  return ev;
}

template <class T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace

json scope_json(const mxscope::Scope& s) {
  return {{"full_account", s.full_account},
          {"actions", actions_json(s.actions)},
          {"rooms", s.rooms ? json(std::vector<std::string>(s.rooms->begin(), s.rooms->end())) : json(nullptr)},
          {"events", events_json(s.events)},
          {"not_before", opt(s.not_before)},
          {"not_after", opt(s.not_after)},
          {"name", opt(s.name)},
          {"sealed", s.sealed}};
}

json caveats_json(const mxscope::Caveats& c) {
  return {{"actions", c.actions ? actions_json(*c.actions) : json(nullptr)},
          {"rooms", c.rooms ? json(std::vector<std::string>(c.rooms->begin(), c.rooms->end())) : json(nullptr)},
          {"events", events_json(c.events)},
          {"not_before", opt(c.not_before)},
          {"not_after", opt(c.not_after)},
          {"name", opt(c.name)}};
}

json describe_json(const std::vector<mxscope::Sentence>& lines) {
  json out = json::array();
  for (const auto& line : lines)
    out.push_back({{"kind", std::string(mxscope::sentence_kind_name(line.kind))}, {"risk", std::string(mxscope::risk_name(line.risk))},
                   {"text", line.text}});
  return out;
}

std::string utc_time(std::int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string relative_time(std::int64_t at, std::int64_t now) {
  const std::int64_t d = at - now;
  const std::int64_t a = d < 0 ? -d : d;
  std::string amount;
  if (a < 60) amount = std::to_string(a) + " s";
  else if (a < 3600) amount = std::to_string(a / 60) + " min";
  else if (a < 172800) amount = std::to_string(a / 3600) + " h";
  else amount = std::to_string(a / 86400) + " days";
  return d < 0 ? amount + " ago" : "in " + amount;
}

}  // namespace mxcli
