// mxscope — deciding whether a verified token may perform one request.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mxscope/actions.hpp"
#include "mxscope/token.hpp"

namespace mxscope {

/// One thing a holder wants to do.
struct Request {
  Action action;
  std::optional<std::string> room_id;     ///< the room, for room actions
  std::optional<std::string> event_type;  ///< for send/read of events and state
  std::optional<std::string> key;         ///< msgtype (m.room.message) or state key (state events)
};

/// Stable reason codes for a decision. `allowed` is the only one that permits.
enum class Reason {
  allowed,
  root_only,            ///< the action is reserved for the full-account root token
  action_not_allowed,   ///< some block does not allow this action
  room_not_allowed,     ///< some block does not allow this room
  room_required,        ///< the request must name a room for this action
  event_not_allowed,    ///< the event type / msgtype / state key is outside the patterns
  event_type_required,  ///< the request must name an event type for this action
};

std::string_view reason_name(Reason reason) noexcept;

struct Decision {
  bool allowed = false;
  Reason reason = Reason::action_not_allowed;
  std::string message;  ///< a sentence a developer can act on, e.g. "block 2 allows only rooms !abc:example.org"
  explicit operator bool() const noexcept { return allowed; }
};

/// Decides a request against a verified token's effective scope. Does not re-check time or
/// revocation: verify again (cheap with a VerifiedChainCache) when time has passed.
Decision authorize(const VerifiedToken& token, const Request& request);

/// The same decision against a bare scope (for a widget host checking a requested scope, and for
/// tests comparing prompts with enforcement). `block_hint` only shapes the message.
Decision authorize(const Scope& scope, const Request& request);

}  // namespace mxscope
