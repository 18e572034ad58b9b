/// @file
/// mxscope — the action vocabulary: the one table every mapping reads from.
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
  read_room_account_data = 13,   ///< read the account's private per-room data (tags, settings)
  write_room_account_data = 14,  ///< write the account's private per-room data
  upload_media = 15,       ///< upload media to the homeserver (also reads the media config)
  download_media = 16,     ///< download media and thumbnails
  identity = 17,           ///< whoami, capabilities, filters, public profiles
  openid = 18,             ///< prove who you are to a third party (OpenID token)
  send_to_device = 19,     ///< send to-device messages (narrowable by event type)
  receive_to_device = 20,  ///< receive to-device messages (narrowable by event type)
  user_directory = 21,     ///< search the homeserver's user directory
  turn_servers = 22,       ///< get TURN (VoIP relay) credentials
  navigate = 23,           ///< widget-only: open matrix.to links in the client
  always_on_screen = 24,   ///< widget-only: keep running in a small window
  account = 25,            ///< ROOT ONLY: password, devices, keys, 3PIDs, deactivate, admin, login tokens
};

/// Number of actions this build knows: the rows of action_table(). Grows only by appending;
/// bits at or above it in a token's actions caveat are masked out when read.
inline constexpr std::size_t action_count = 26;

/// How an action relates to rooms.
enum class RoomUse : std::uint8_t {
  none,      ///< not about a room (media, identity, to-device, ...); room caveats do not apply
  required,  ///< always about exactly one room; the request must name it
  filter,    ///< may name a room, or be a read across rooms that the caller filters to the scope (/sync)
};

/// Which kind of event detail an action can be narrowed by.
enum class EventUse : std::uint8_t {
  none,     ///< not event-bearing: event patterns never apply to it
  message,  ///< m.room.message, narrowed by msgtype
  event,    ///< event type (non-state)
  state,    ///< state event type, narrowed by state key
  timeline, ///< read: any event type, m.room.message narrowed by msgtype
};

/// How much harm a permission can do in the wrong hands; drives prompt defaults and colours.
/// Ordered: comparisons such as `risk >= Risk::high` are meaningful.
enum class Risk : std::uint8_t { low = 0, medium = 1, high = 2, critical = 3 };

/// The stable lowercase name of a risk level: "low", "medium", "high" or "critical".
std::string_view risk_name(Risk risk) noexcept;

/// One row of the action table.
struct ActionInfo {
  Action action;          ///< the row's action (also its index in action_table())
  std::string_view name;  ///< stable snake_case name, e.g. "send_message"
  Risk risk;              ///< risk when granted without narrowing
  RoomUse rooms;          ///< whether room caveats apply and whether a request must name a room
  EventUse events;        ///< which event patterns can narrow it (`none`: event caveats do not apply)
  bool root_only;         ///< never allowed to a subtoken, whatever it says
  bool widget_only;       ///< has no client-server endpoint; only meaningful to a widget host
};

/// The whole table, in Action order. Static storage: the span and its names never dangle.
std::span<const ActionInfo> action_table() noexcept;
/// The table row for `action`. `action` must be one of the declared enumerators (not checked).
const ActionInfo& action_info(Action action) noexcept;
/// Looks an action up by its stable name (exact, case-sensitive); nullopt if there is none.
std::optional<Action> action_from_name(std::string_view name) noexcept;
/// The stable snake_case name, e.g. "send_message" (same as `action_info(action).name`).
std::string_view action_name(Action action) noexcept;

/// A set of actions (bit i = Action with value i). A plain value type; cheap to copy.
class ActionSet {
 public:
  /// The empty set.
  constexpr ActionSet() = default;
  /// From a raw bitmask. Not validated: bits that name no Action (at or above action_count) are
  /// kept as given and take part in comparisons.
  constexpr explicit ActionSet(std::uint64_t bits) : bits_(bits) {}
  /// The listed actions, e.g. `ActionSet{Action::send_message, Action::redact}`.
  ActionSet(std::initializer_list<Action> actions) {
    for (Action a : actions) add(a);
  }
  /// Every action a subtoken can hold (everything except root-only ones).
  static ActionSet all_delegable() noexcept;

  /// Inserts `a`; no effect if already present.
  void add(Action a) noexcept { bits_ |= bit(a); }
  /// Erases `a`; no effect if absent.
  void remove(Action a) noexcept { bits_ &= ~bit(a); }
  /// Whether `a` is in the set.
  bool contains(Action a) const noexcept { return (bits_ & bit(a)) != 0; }
  /// Whether the set holds no action at all.
  bool empty() const noexcept { return bits_ == 0; }
  /// Whether every action in this set is also in `o`.
  bool subset_of(ActionSet o) const noexcept { return (bits_ & ~o.bits_) == 0; }
  /// Intersection: the actions in both sets.
  ActionSet operator&(ActionSet o) const noexcept { return ActionSet(bits_ & o.bits_); }
  /// Union: the actions in either set.
  ActionSet operator|(ActionSet o) const noexcept { return ActionSet(bits_ | o.bits_); }
  /// Difference: the actions in this set that are not in `o`.
  ActionSet operator-(ActionSet o) const noexcept { return ActionSet(bits_ & ~o.bits_); }
  /// Equal when the raw bitmasks are equal.
  bool operator==(const ActionSet&) const = default;
  /// The raw bitmask (bit i = Action i), the value the actions caveat carries.
  std::uint64_t bits() const noexcept { return bits_; }

 private:
  static constexpr std::uint64_t bit(Action a) noexcept { return std::uint64_t{1} << static_cast<unsigned>(a); }
  std::uint64_t bits_ = 0;
};

}  // namespace mxscope
