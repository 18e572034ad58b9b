#include "mxscope/authorize.hpp"

namespace mxscope {

std::string_view reason_name(Reason reason) noexcept {
  switch (reason) {
    case Reason::allowed: return "allowed";
    case Reason::root_only: return "root_only";
    case Reason::action_not_allowed: return "action_not_allowed";
    case Reason::room_not_allowed: return "room_not_allowed";
    case Reason::room_required: return "room_required";
    case Reason::event_not_allowed: return "event_not_allowed";
    case Reason::event_type_required: return "event_type_required";
  }
  return "action_not_allowed";
}

namespace {

Decision deny(Reason reason, std::string message) { return Decision{false, reason, std::move(message)}; }

std::string rooms_text(const std::set<std::string>& rooms) {
  if (rooms.empty()) return "no rooms";
  std::string out;
  for (const auto& r : rooms) out += (out.empty() ? "" : ", ") + r;
  return out;
}

// Sending m.room.message through the generic send action must not dodge msgtype limits.
Request normalise(const Request& in) {
  Request r = in;
  if (r.action == Action::send_event && r.event_type == "m.room.message") r.action = Action::send_message;
  // A redaction event is a deletion: it needs the redact action, not a send_event pattern.
  if (r.action == Action::send_event && r.event_type == "m.room.redaction") {
    r.action = Action::redact;
    r.event_type.reset();
    r.key.reset();
  }
  if (r.action == Action::send_message && !r.event_type) r.event_type = "m.room.message";
  return r;
}

// The decision for one scope; `where` names it in messages ("the token", "block 2").
Decision decide(const Scope& scope, const Request& r, const std::string& where) {
  const ActionInfo& info = action_info(r.action);
  const std::string action(info.name);
  if (info.root_only) {
    if (scope.full_account) return Decision{true, Reason::allowed, "allowed"};
    return deny(Reason::root_only, action + " is reserved for the full-account root token; subtokens can never do it");
  }
  if (!scope.actions.contains(r.action)) return deny(Reason::action_not_allowed, where + " does not allow " + action);

  if (info.rooms == RoomUse::required && !r.room_id)
    return deny(Reason::room_required, action + " needs a room id");
  if (info.rooms != RoomUse::none && r.room_id && scope.rooms && !scope.rooms->count(*r.room_id))
    return deny(Reason::room_not_allowed, where + " allows only rooms " + rooms_text(*scope.rooms));
  // A read across rooms (/sync) filtered to no rooms at all could return nothing: deny it, as
  // describe() lists nothing for it.
  if (info.rooms == RoomUse::filter && !r.room_id && scope.rooms && scope.rooms->empty())
    return deny(Reason::room_not_allowed, where + " allows no rooms");

  if (info.events != EventUse::none && scope.events) {
    if (!r.event_type) {
      // A read with no type (e.g. /messages) is a read the caller filters to the patterns.
      // With no pattern for this action the filter would pass nothing: deny, as describe() does.
      if (info.events == EventUse::timeline || (info.events == EventUse::state && r.action == Action::read_state)) {
        if (scope.patterns_for(r.action).empty())
          return deny(Reason::event_not_allowed, where + " allows no event types for " + action);
        return Decision{true, Reason::allowed, "allowed (filter events to the token's patterns)"};
      }
      return deny(Reason::event_type_required, action + " needs an event type: " + where + " allows only some types");
    }
    if (!scope.events_allow(r.action, *r.event_type, r.key)) {
      std::string what = *r.event_type + (r.key ? "#" + *r.key : "");
      return deny(Reason::event_not_allowed, where + " does not allow " + action + " of " + what);
    }
  }
  return Decision{true, Reason::allowed, "allowed"};
}

}  // namespace

Decision authorize(const Scope& scope, const Request& request) { return decide(scope, normalise(request), "the token"); }

Decision authorize(const VerifiedToken& token, const Request& request) {
  const Request r = normalise(request);
  Decision d = decide(token.scope(), r, "the token");
  if (d.allowed || d.reason == Reason::root_only || d.reason == Reason::room_required ||
      d.reason == Reason::event_type_required) {
    return d;
  }
  // Denied by the intersection: name the first block that denies, so the message is actionable.
  const auto blocks = token.token().blocks();
  for (const auto& b : blocks) {
    Scope one = Scope::unrestricted();
    one.narrow(b.caveats);
    Decision bd = decide(one, r, "block " + std::to_string(b.index));
    if (!bd.allowed) return bd;
  }
  return d;  // denied only by the combination of blocks (e.g. disjoint event patterns)
}

}  // namespace mxscope
