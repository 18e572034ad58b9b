/// @file
/// mxscope — Matrix mappings: client-server endpoints and widget capabilities <-> requests and scopes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mxscope/authorize.hpp"
#include "mxscope/scope.hpp"

namespace mxscope {

/// The result of mapping an HTTP request of the client-server API.
struct EndpointMatch {
  /// How the mapping turned out.
  enum class Kind {
    request,  ///< a known endpoint: authorise `request`
    open,     ///< needs no token at all (/versions, /login flows, ...): not a token decision
    unknown,  ///< not in the table: denied to subtokens, allowed only to a full-account root
  } kind = Kind::unknown;  ///< which of the above
  /// For Kind::request: the action, with the room, event type and state key taken from the path
  /// (`/state/{type}` with no key addresses the empty state key, `key = ""`). For the other
  /// kinds: Action::account with nothing else, so authorising it allows only a full-account root.
  Request request{Action::account, {}, {}, {}};
  /// For send of m.room.message: the caller must fill `request.key` with the content's msgtype.
  bool needs_msgtype = false;
};

/// Maps (method, path) of the Matrix client-server API (r0/v3/v1, percent-encoded path, query
/// string ignored) to a request. Root-only endpoints map to Action::account. `method` is the
/// upper-case HTTP method. Never throws mxscope::Error: paths outside /_matrix/client/ and
/// /_matrix/media/, and undecodable percent-escapes, are Kind::unknown.
EndpointMatch map_endpoint(std::string_view method, std::string_view path);

/// How the SDK understands one widget capability string.
struct CapabilityInfo {
  /// How the capability maps.
  enum class Kind {
    grant,      ///< maps to an action (and maybe an event pattern) in the token scope
    room,       ///< `timeline:<room>`: extends the widget's rooms
    any_room,   ///< `timeline:*`
    host_only,  ///< harmless host features that need no token scope (screenshot, requires_client, visibility)
    unknown,    ///< not grantable
  } kind = Kind::unknown;  ///< which of the above
  /// For Kind::grant: the action granted (a send of m.room.message is send_message, a send of
  /// m.room.redaction is redact). Meaningless for the other kinds.
  Action action = Action::account;
  /// For Kind::grant of an event-bearing action: the event type and msgtype / state key it names.
  std::optional<EventPattern> pattern;
  std::string room_id;  ///< for Kind::room
};

/// Parses a capability string (unstable org.matrix.msc2762./msc3819./msc4039. ... and stable m.* forms).
/// Never throws mxscope::Error; anything not understood is Kind::unknown.
CapabilityInfo parse_capability(std::string_view capability);

/// The scope a set of capabilities asks for, in `room_id` (plus `timeline:` rooms).
/// Unknown capabilities are listed in `not_grantable` and contribute nothing.
struct RequestedScope {
  /// The actions and event patterns asked for; `events` is always an explicit list, and `rooms`
  /// is `room_id` plus the `timeline:` rooms, or nullopt when `any_room`.
  Scope scope;
  std::vector<std::string> not_grantable;  ///< capabilities not understood or never grantable, as given
  std::vector<std::string> host_only;      ///< capabilities the host handles itself, needing no token scope
  bool any_room = false;                   ///< a `timeline:*` capability asked for every room
};
/// Maps the capabilities a widget in `room_id` requests to the scope they ask for.
/// Never throws mxscope::Error.
RequestedScope capabilities_to_scope(const std::vector<std::string>& capabilities, const std::string& room_id);

/// The capabilities of `requested` that `scope` fully allows (what the host may approve and
/// report in notify_capabilities). Never returns a capability the scope does not allow.
std::vector<std::string> allowed_capabilities(const std::vector<std::string>& requested, const Scope& scope,
                                              const std::string& room_id);

/// The canonical (unstable-prefix) capability strings that express a scope, for display and
/// round trips.
std::vector<std::string> scope_to_capabilities(const Scope& scope);

}  // namespace mxscope
