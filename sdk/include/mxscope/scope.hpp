// mxscope — what one block restricts (Caveats) and what a token may do in the end (Scope).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mxscope/actions.hpp"

namespace mxscope {

/// Narrows an event-bearing action to one event type and optionally one detail:
/// the msgtype for m.room.message, the state key for state events.
/// `type == "*"` means any type; an absent `key` means any key.
struct EventPattern {
  Action action;                   ///< one of the actions whose EventUse is not `none`
  std::string type;                ///< event type, or "*"
  std::optional<std::string> key;  ///< msgtype / state key; nullopt = any

  /// Whether this pattern allows everything `other` allows.
  bool covers(const EventPattern& other) const;
  /// The pattern allowing exactly what both allow, if any.
  std::optional<EventPattern> intersect(const EventPattern& other) const;
  auto operator<=>(const EventPattern&) const = default;
};

/// The restrictions one block adds. Every field is optional: absent means "no new restriction
/// here" (the block inherits its parent's), never "everything".
struct Caveats {
  std::optional<ActionSet> actions;             ///< only these actions
  std::optional<std::set<std::string>> rooms;   ///< only these room ids (for room actions)
  std::optional<std::vector<EventPattern>> events;  ///< event-bearing actions must match one of these
  std::optional<std::int64_t> not_before;       ///< unix seconds
  std::optional<std::int64_t> not_after;        ///< unix seconds
  std::optional<std::string> name;              ///< attribution label, e.g. "backup-bot"

  bool operator==(const Caveats&) const = default;
};

/// What a token may do: the intersection of all its blocks. Also used for a *requested* scope
/// (from widget capabilities) so that the prompt and enforcement read the same structure.
struct Scope {
  bool full_account = false;  ///< a root token with no action restriction: may also do root-only things
  ActionSet actions;          ///< allowed actions (root-only ones only when full_account)
  std::optional<std::set<std::string>> rooms;        ///< nullopt = any room the account is in
  std::optional<std::vector<EventPattern>> events;   ///< nullopt = any event type
  std::optional<std::int64_t> not_before;
  std::optional<std::int64_t> not_after;
  std::optional<std::string> name;  ///< the innermost name
  bool sealed = false;              ///< cannot be attenuated further

  /// The scope of a token with no restrictions at all.
  static Scope unrestricted();
  /// Narrows this scope by one more block's caveats (the verifier's intersection).
  void narrow(const Caveats& block);
  /// Whether an event-bearing request (action, type, key) passes the event patterns.
  bool events_allow(Action action, const std::string& type, const std::optional<std::string>& key) const;
  /// The patterns that apply to one action (empty if events are unrestricted).
  std::vector<EventPattern> patterns_for(Action action) const;
};

}  // namespace mxscope
