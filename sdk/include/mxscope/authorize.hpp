/// @file
/// mxscope — deciding whether a verified token may perform one request.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mxscope/actions.hpp"
#include "mxscope/token.hpp"

namespace mxscope {

/// One thing a holder wants to do.
struct Request {
  Action action;                          ///< what is asked; send_event of m.room.message is judged as send_message, of m.room.redaction as redact
  std::optional<std::string> room_id;     ///< the room, for room actions
  std::optional<std::string> event_type;  ///< for send/read of events and state
  std::optional<std::string> key;         ///< msgtype (m.room.message) or state key (state events)
};

/// Stable reason codes for a decision. `allowed` is the only one that permits.
enum class Reason {
  allowed,              ///< the request is within the scope
  root_only,            ///< the action is reserved for the full-account root token
  action_not_allowed,   ///< some block does not allow this action
  room_not_allowed,     ///< some block does not allow this room
  room_required,        ///< the request must name a room for this action
  event_not_allowed,    ///< the event type / msgtype / state key is outside the patterns
  event_type_required,  ///< the request must name an event type for this action
};

/// The stable snake_case name of a reason, identical to the enumerator, e.g. "room_not_allowed".
std::string_view reason_name(Reason reason) noexcept;

/// The outcome of authorize(): whether the request may proceed, a stable reason and a message.
///
/// Some requests are allowed on condition that the caller filters the response: a *filter*
/// action (RoomUse::filter, e.g. /sync) with no room must be filtered to the scope's rooms, and a
/// read_timeline or read_state with no event type against an event-restricted scope must be
/// filtered to its event patterns (the message then says so).
struct Decision {
  bool allowed = false;                        ///< whether the request may proceed
  Reason reason = Reason::action_not_allowed;  ///< Reason::allowed exactly when `allowed`
  std::string message;  ///< a sentence a developer can act on, e.g. "block 2 allows only rooms !abc:example.org"
  /// Same as `allowed`.
  explicit operator bool() const noexcept { return allowed; }
};

/// Decides a request against a verified token's effective scope. Does not re-check time or
/// revocation: verify again (cheap with a VerifiedChainCache) when time has passed.
/// A denial's message names the first block that denies ("block 2 ..."), or "the token" when
/// only the combination of blocks denies. Does not throw mxscope::Error.
Decision authorize(const VerifiedToken& token, const Request& request);

/// The same decision against a bare scope (for a widget host checking a requested scope, and for
/// tests comparing prompts with enforcement). Messages say "the token" rather than naming a
/// block. Does not throw mxscope::Error.
Decision authorize(const Scope& scope, const Request& request);

}  // namespace mxscope
