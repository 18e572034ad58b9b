// mxscope — the action vocabulary: the one table every mapping reads from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>

namespace mxscope {

/// What a request does. The numeric value is the bit index in the token format and never changes.
enum class Action : std::uint8_t {
  read_timeline = 0,       ///< read messages and other timeline events (/messages, /context, /event, /sync)
  read_state = 1,          ///< read room state and members
  send_message = 2,        ///< send m.room.message events (optionally only some msgtypes)
  send_event = 3,          ///< send other non-state events (reactions, stickers, app data, ...)
  send_state = 4,          ///< send state events (name, topic, widgets, power levels, ...)
  redact = 5,              ///< delete (redact) events
  join = 6,                ///< join rooms
  leave = 7,               ///< leave or forget rooms
  invite = 8,              ///< invite people
  kick = 9,                ///< remove people
  ban = 10,                ///< ban or unban people
  typing = 11,             ///< typing notifications
  receipts = 12,           ///< read receipts and read markers
  read_room_account_data = 13,
  write_room_account_data = 14,
  upload_media = 15,
  download_media = 16,
  identity = 17,           ///< whoami, capabilities, filters, public profiles
  openid = 18,             ///< prove who you are to a third party (OpenID token)
  send_to_device = 19,
  receive_to_device = 20,
  user_directory = 21,
  turn_servers = 22,
  navigate = 23,           ///< widget-only: open matrix.to links in the client
  always_on_screen = 24,   ///< widget-only: keep running in a small window
  account = 25,            ///< ROOT ONLY: password, devices, keys, 3PIDs, deactivate, admin, login tokens
};

inline constexpr std::size_t action_count = 26;

/// How an action relates to rooms.
enum class RoomUse : std::uint8_t {
  none,      ///< not about a room (media, identity, to-device, ...); room caveats do not apply
  required,  ///< always about exactly one room; the request must name it
  filter,    ///< may name a room, or be a read across rooms that the caller filters to the scope (/sync)
};

/// Which kind of event detail an action can be narrowed by.
enum class EventUse : std::uint8_t {
  none,
  message,  ///< m.room.message, narrowed by msgtype
  event,    ///< event type (non-state)
  state,    ///< state event type, narrowed by state key
  timeline, ///< read: any event type, m.room.message narrowed by msgtype
};

/// How much harm a permission can do in the wrong hands; drives prompt defaults and colours.
enum class Risk : std::uint8_t { low = 0, medium = 1, high = 2, critical = 3 };

std::string_view risk_name(Risk risk) noexcept;

/// One row of the action table.
struct ActionInfo {
  Action action;
  std::string_view name;  ///< stable snake_case name, e.g. "send_message"
  Risk risk;              ///< risk when granted without narrowing
  RoomUse rooms;
  EventUse events;
  bool root_only;         ///< never allowed to a subtoken, whatever it says
  bool widget_only;       ///< has no client-server endpoint; only meaningful to a widget host
};

/// The whole table, in Action order.
std::span<const ActionInfo> action_table() noexcept;
const ActionInfo& action_info(Action action) noexcept;
/// Looks an action up by its stable name.
std::optional<Action> action_from_name(std::string_view name) noexcept;
std::string_view action_name(Action action) noexcept;

/// A set of actions (bit i = Action with value i).
class ActionSet {
 public:
  constexpr ActionSet() = default;
  constexpr explicit ActionSet(std::uint64_t bits) : bits_(bits) {}
  ActionSet(std::initializer_list<Action> actions) {
    for (Action a : actions) add(a);
  }
  /// Every action a subtoken can hold (everything except root-only ones).
  static ActionSet all_delegable() noexcept;

  void add(Action a) noexcept { bits_ |= bit(a); }
  void remove(Action a) noexcept { bits_ &= ~bit(a); }
  bool contains(Action a) const noexcept { return (bits_ & bit(a)) != 0; }
  bool empty() const noexcept { return bits_ == 0; }
  bool subset_of(ActionSet o) const noexcept { return (bits_ & ~o.bits_) == 0; }
  ActionSet operator&(ActionSet o) const noexcept { return ActionSet(bits_ & o.bits_); }
  ActionSet operator|(ActionSet o) const noexcept { return ActionSet(bits_ | o.bits_); }
  ActionSet operator-(ActionSet o) const noexcept { return ActionSet(bits_ & ~o.bits_); }
  bool operator==(const ActionSet&) const = default;
  std::uint64_t bits() const noexcept { return bits_; }

 private:
  static constexpr std::uint64_t bit(Action a) noexcept { return std::uint64_t{1} << static_cast<unsigned>(a); }
  std::uint64_t bits_ = 0;
};

}  // namespace mxscope
