#include "mxscope/actions.hpp"

#include <array>

namespace mxscope {

namespace {
using enum Action;
using R = RoomUse;
using E = EventUse;

// The action vocabulary. Endpoint and capability tables, the text catalogue and the risk levels
// all key on these rows; tests/test_tables.cpp fails if any of them misses a row.
constexpr std::array<ActionInfo, action_count> table{{
    {read_timeline, "read_timeline", Risk::high, R::filter, E::timeline, false, false},
    {read_state, "read_state", Risk::medium, R::filter, E::state, false, false},
    {send_message, "send_message", Risk::high, R::required, E::message, false, false},
    {send_event, "send_event", Risk::high, R::required, E::event, false, false},
    {send_state, "send_state", Risk::critical, R::required, E::state, false, false},
    {redact, "redact", Risk::high, R::required, E::none, false, false},
    {join, "join", Risk::medium, R::required, E::none, false, false},
    {leave, "leave", Risk::medium, R::required, E::none, false, false},
    {invite, "invite", Risk::high, R::required, E::none, false, false},
    {kick, "kick", Risk::high, R::required, E::none, false, false},
    {ban, "ban", Risk::high, R::required, E::none, false, false},
    {typing, "typing", Risk::low, R::required, E::none, false, false},
    {receipts, "receipts", Risk::low, R::required, E::none, false, false},
    {read_room_account_data, "read_room_account_data", Risk::medium, R::required, E::none, false, false},
    {write_room_account_data, "write_room_account_data", Risk::medium, R::required, E::none, false, false},
    {upload_media, "upload_media", Risk::medium, R::none, E::none, false, false},
    {download_media, "download_media", Risk::low, R::none, E::none, false, false},
    {identity, "identity", Risk::low, R::none, E::none, false, false},
    {openid, "openid", Risk::low, R::none, E::none, false, false},
    {send_to_device, "send_to_device", Risk::high, R::none, E::event, false, false},
    {receive_to_device, "receive_to_device", Risk::high, R::none, E::event, false, false},
    {user_directory, "user_directory", Risk::medium, R::none, E::none, false, false},
    {turn_servers, "turn_servers", Risk::low, R::none, E::none, false, false},
    {navigate, "navigate", Risk::low, R::none, E::none, false, true},
    {always_on_screen, "always_on_screen", Risk::low, R::none, E::none, false, true},
    {account, "account", Risk::critical, R::none, E::none, true, false},
}};

constexpr bool table_in_order() {
  for (std::size_t i = 0; i < table.size(); ++i)
    if (static_cast<std::size_t>(table[i].action) != i) return false;
  return true;
}
static_assert(table_in_order(), "action table rows must be in Action order");
}  // namespace

std::span<const ActionInfo> action_table() noexcept { return table; }
const ActionInfo& action_info(Action action) noexcept { return table[static_cast<std::size_t>(action)]; }
std::string_view action_name(Action action) noexcept { return action_info(action).name; }

std::optional<Action> action_from_name(std::string_view name) noexcept {
  for (const auto& row : table)
    if (row.name == name) return row.action;
  return std::nullopt;
}

std::string_view risk_name(Risk risk) noexcept {
  switch (risk) {
    case Risk::low: return "low";
    case Risk::medium: return "medium";
    case Risk::high: return "high";
    case Risk::critical: return "critical";
  }
  return "critical";
}

ActionSet ActionSet::all_delegable() noexcept {
  ActionSet s;
  for (const auto& row : table)
    if (!row.root_only) s.add(row.action);
  return s;
}

}  // namespace mxscope
