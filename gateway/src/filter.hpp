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

// A room read (/messages, /context, /event, /relations, /threads, /state, /members,
// /initialSync): drops the events the token may not read. Returns false when the response is
// a single event the token may not read (the caller answers 404).
bool filter_room_read(nlohmann::json& body, const mxscope::VerifiedToken& token, const std::string& room);

}  // namespace mxgw
