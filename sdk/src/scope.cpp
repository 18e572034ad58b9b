#include "mxscope/scope.hpp"

#include <algorithm>

namespace mxscope {

namespace {
bool type_covers(const std::string& outer, const std::string& inner) { return outer == "*" || outer == inner; }
}  // namespace

std::strong_ordering EventPattern::operator<=>(const EventPattern& other) const noexcept {
  if (action != other.action) return action < other.action ? std::strong_ordering::less : std::strong_ordering::greater;
  if (const int c = type.compare(other.type); c != 0) return c < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
  if (key.has_value() != other.key.has_value()) return key ? std::strong_ordering::greater : std::strong_ordering::less;
  if (!key) return std::strong_ordering::equal;
  const int c = key->compare(*other.key);
  return c < 0 ? std::strong_ordering::less : c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
}

bool EventPattern::covers(const EventPattern& other) const {
  if (action != other.action || !type_covers(type, other.type)) return false;
  if (!key) return true;
  return other.key && *key == *other.key;
}

std::optional<EventPattern> EventPattern::intersect(const EventPattern& other) const {
  if (action != other.action) return std::nullopt;
  EventPattern out{action, {}, {}};
  if (type == "*") out.type = other.type;
  else if (other.type == "*" || other.type == type) out.type = type;
  else return std::nullopt;
  if (!key) out.key = other.key;
  else if (!other.key || *other.key == *key) out.key = key;
  else return std::nullopt;
  return out;
}

Scope Scope::unrestricted() {
  Scope s;
  s.full_account = true;
  s.actions = ActionSet::all_delegable();
  s.actions.add(Action::account);
  return s;
}

void Scope::narrow(const Caveats& block) {
  // Any restriction of what or where makes this a scoped token: account powers never survive it.
  if (block.actions || block.rooms || block.events) {
    full_account = false;
    actions.remove(Action::account);
  }
  if (block.actions) actions = actions & *block.actions;
  if (block.rooms) {
    if (!rooms) {
      rooms = block.rooms;
    } else {
      std::set<std::string> both;
      std::set_intersection(rooms->begin(), rooms->end(), block.rooms->begin(), block.rooms->end(),
                            std::inserter(both, both.end()));
      rooms = std::move(both);
    }
  }
  if (block.events) {
    if (!events) {
      events = *block.events;
    } else {
      std::vector<EventPattern> both;
      for (const auto& a : *events)
        for (const auto& b : *block.events)
          if (auto p = a.intersect(b)) both.push_back(*p);
      std::sort(both.begin(), both.end());
      both.erase(std::unique(both.begin(), both.end()), both.end());
      events = std::move(both);
    }
  }
  if (block.not_before) not_before = not_before ? std::max(*not_before, *block.not_before) : *block.not_before;
  if (block.not_after) not_after = not_after ? std::min(*not_after, *block.not_after) : *block.not_after;
  if (block.name) name = block.name;
}

bool Scope::events_allow(Action action, const std::string& type, const std::optional<std::string>& key) const {
  if (!events) return true;
  for (const auto& p : *events) {
    if (p.action != action || !type_covers(p.type, type)) continue;
    if (!p.key || (key && *p.key == *key)) return true;
  }
  return false;
}

std::vector<EventPattern> Scope::patterns_for(Action action) const {
  std::vector<EventPattern> out;
  if (!events) return out;
  for (const auto& p : *events)
    if (p.action == action) out.push_back(p);
  return out;
}

}  // namespace mxscope
