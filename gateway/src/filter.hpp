// What a scoped token may see in responses that span more than it may read: /sync,
// /joined_rooms, and room reads that return events of several types. Full-account roots are
// never filtered. Everything not known to be safe is dropped (allow-lists, not deny-lists).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "mxscope/token.hpp"

namespace mxgw {

// Whether `event` (a client-format event) in `room` is visible to the token: timeline events by
// read_timeline (m.room.message narrowed by msgtype), state events by read_state or read_timeline.
bool event_visible(const mxscope::VerifiedToken& token, const std::string& room, const nlohmann::json& event);
// Whether a state event is visible through read_state (the `state` sections).
bool state_visible(const mxscope::VerifiedToken& token, const std::string& room, const nlohmann::json& event);

// /sync: rooms (join, leave, invite, knock) reduced to the token's rooms and each room's
// timeline, state, ephemeral and account data to what the token may read; account data,
// presence, device lists and key counts dropped; to-device kept only by receive_to_device.
void filter_sync(nlohmann::json& body, const mxscope::VerifiedToken& token);

// /joined_rooms: only the token's rooms.
void filter_joined_rooms(nlohmann::json& body, const mxscope::VerifiedToken& token);

// /publicRooms: only the token's rooms whose state it may read; per room, the fields backed by a
// state event the token may not read (name, topic, avatar, alias, join rule, room type) are
// dropped. total_room_count_estimate is dropped (it counts rooms the token cannot see); the
// pagination tokens are kept, so a page may hold fewer rooms than asked for, or none.
void filter_public_rooms(nlohmann::json& body, const mxscope::VerifiedToken& token);

// POST /search, before forwarding: restricts room_events.filter.rooms to the token's rooms (the
// intersection with the rooms asked for), so the homeserver searches nothing else.
enum class SearchRequest {
  forward,     // `body` rewritten: forward it
  no_rooms,    // nothing the token may read is left to search: answer empty_search_result()
  malformed,   // not a search body: answer 400
};
SearchRequest scope_search_request(nlohmann::json& body, const mxscope::VerifiedToken& token);
nlohmann::json empty_search_result();
// POST /search, the answer: results (and their context, state, groups) the token may not read
// are removed; `count` is kept only when the token reads every event type of its rooms.
void filter_search(nlohmann::json& body, const mxscope::VerifiedToken& token);

// GET /notifications: only notifications of the token's rooms whose event it may read.
void filter_notifications(nlohmann::json& body, const mxscope::VerifiedToken& token);

// GET /pushrules[/...]: for a token limited to some rooms, push rules that name another room
// (room rules, whose id is the room id, and rules with a room_id condition) are removed, so the
// answer does not list the account's other rooms. `rest` is the path after the version
// ("pushrules/global/room/%21r%3Ahs"). Returns false when the path addresses one such rule (the
// caller answers 404).
bool filter_push_rules(nlohmann::json& body, const mxscope::VerifiedToken& token, const std::string& rest);

// A room read (/messages, /context, /event, /relations, /threads, /state, /members,
// /initialSync): drops the events the token may not read. Returns false when the response is
// a single event the token may not read (the caller answers 404).
bool filter_room_read(nlohmann::json& body, const mxscope::VerifiedToken& token, const std::string& room);

}  // namespace mxgw
