/// @file
/// mxscope — what one block restricts (Caveats) and what a token may do in the end (Scope).
#pragma once

#include <compare>
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
  /// Orders by (action, type, key), an absent key first: the order in which tokens carry patterns.
  /// (Written out: libc++ 14 in Emscripten 3.1.6 cannot default `<=>` over string/optional members.)
  std::strong_ordering operator<=>(const EventPattern& other) const noexcept;
  /// Equal when action, type and key are all equal.
  bool operator==(const EventPattern&) const = default;
};

/// The restrictions one block adds. Every field is optional: absent means "no new restriction
/// here" (the block inherits its parent's), never "everything".
/// Minting and attenuating validate the values and throw Error(invalid_argument) for a bad one:
/// room ids start with `!` (4..255 bytes, no spaces or control characters), patterns only for
/// event-bearing actions and with a non-empty type, times in 0..2^40 with not_before <= not_after,
/// names of 1..255 bytes. An actions caveat holding Action::account is Error(scope_too_broad).
/// An events caveat must name a pattern for every event-bearing action the block allows, and
/// send_message / send_event patterns must be canonical (docs/token-format.md §4.2), or
/// Error(invalid_argument).
struct Caveats {
  std::optional<ActionSet> actions;             ///< only these actions
  std::optional<std::set<std::string>> rooms;   ///< only these room ids (for room actions)
  std::optional<std::vector<EventPattern>> events;  ///< event-bearing actions must match one of these
  std::optional<std::int64_t> not_before;       ///< unix seconds
  std::optional<std::int64_t> not_after;        ///< unix seconds
  std::optional<std::string> name;              ///< attribution label, e.g. "backup-bot"

  /// Field-wise equality (event patterns compare in list order).
  bool operator==(const Caveats&) const = default;
};

/// What a token may do: the intersection of all its blocks. Also used for a *requested* scope
/// (from widget capabilities) so that the prompt and enforcement read the same structure.
struct Scope {
  bool full_account = false;  ///< a root token with no actions, rooms or events caveat: may also do root-only things
  ActionSet actions;          ///< allowed actions (root-only ones only when full_account)
  std::optional<std::set<std::string>> rooms;        ///< nullopt = any room the account is in
  std::optional<std::vector<EventPattern>> events;   ///< nullopt = any event type
  std::optional<std::int64_t> not_before;  ///< unix seconds: the latest not-before of any block
  std::optional<std::int64_t> not_after;   ///< unix seconds: the earliest not-after of any block
  std::optional<std::string> name;  ///< the innermost name
  bool sealed = false;              ///< cannot be attenuated further

  /// The scope of a token with no restrictions at all (full_account, every action).
  static Scope unrestricted();
  /// Narrows this scope by one more block's caveats (the verifier's intersection). An actions,
  /// rooms or events caveat also clears full_account and removes Action::account.
  void narrow(const Caveats& block);
  /// Whether an event-bearing request (action, type, key) passes the event patterns. True when
  /// events are unrestricted; does not look at `actions` or `rooms`.
  bool events_allow(Action action, const std::string& type, const std::optional<std::string>& key) const;
  /// The patterns that apply to one action (empty if events are unrestricted).
  std::vector<EventPattern> patterns_for(Action action) const;
};

}  // namespace mxscope
