#include <array>

#include "catalogue.hpp"

namespace mxscope::detail {

namespace {
struct Entry {
  std::string_view id;
  std::string_view text;
};

// English. Ids: action.<name> for an unnarrowed action; msg.<msgtype>, send.<type>, state.<type>,
// read.<type>, seestate.<type> for narrowed ones; *.other for types without their own sentence.
constexpr std::array en{
    Entry{"account", "Full access to your account, including your password, devices and encryption keys"},
    Entry{"action.read_timeline", "Read messages and other events in {rooms}"},
    Entry{"action.read_state", "See the name, settings and member list of {rooms}"},
    Entry{"action.send_message", "Send any kind of message in {rooms} that will appear to come from you"},
    Entry{"action.send_event", "Send any kind of event in {rooms} as you, including encrypted messages"},
    Entry{"action.send_state", "Change any setting of {rooms} for everyone, including who are admins"},
    Entry{"action.redact", "Delete messages in {rooms} as you"},
    Entry{"action.join", "Join {rooms} as you"},
    Entry{"action.leave", "Make you leave {rooms}"},
    Entry{"action.invite", "Invite people to {rooms}"},
    Entry{"action.kick", "Remove people from {rooms}"},
    Entry{"action.ban", "Ban or unban people in {rooms}"},
    Entry{"action.typing", "Show that you are typing in {rooms}"},
    Entry{"action.receipts", "Mark messages as read in {rooms}"},
    Entry{"action.read_room_account_data", "See your private settings for {rooms}"},
    Entry{"action.write_room_account_data", "Change your private settings for {rooms}"},
    Entry{"action.upload_media", "Upload files to your server as you"},
    Entry{"action.download_media", "Download files and media from your server"},
    Entry{"action.identity", "See your user ID and people's public profiles"},
    Entry{"action.openid", "Tell other services who you are (they cannot act as you)"},
    Entry{"action.send_to_device", "Send private device-to-device messages as you"},
    Entry{"action.receive_to_device", "Receive private device-to-device messages sent to you"},
    Entry{"action.user_directory", "Search your server's user directory"},
    Entry{"action.turn_servers", "Use your server's call relay (TURN) credentials"},
    Entry{"action.navigate", "Open links to rooms, messages or people (you'll see where it takes you)"},
    Entry{"action.always_on_screen", "Keep running in a small window when you switch rooms"},
    Entry{"action.account", "Change your password, devices, encryption keys and account"},

    Entry{"msg.m.text", "Send text messages in {rooms} as you"},
    Entry{"msg.m.notice", "Send notices (bot-style messages) in {rooms} as you"},
    Entry{"msg.m.emote", "Send \"/me\" actions in {rooms} as you"},
    Entry{"msg.m.image", "Send images in {rooms} as you"},
    Entry{"msg.m.video", "Send videos in {rooms} as you"},
    Entry{"msg.m.audio", "Send audio in {rooms} as you"},
    Entry{"msg.m.file", "Send files in {rooms} as you"},
    Entry{"msg.m.location", "Send locations in {rooms} as you"},
    Entry{"msg.", "Send messages with an empty message type in {rooms} (ordinary messages are not included)"},
    Entry{"msg.other", "Send \"{key}\" messages in {rooms} as you"},

    Entry{"send.m.reaction", "React to messages in {rooms} as you"},
    Entry{"send.m.sticker", "Post stickers in {rooms} as you"},
    Entry{"send.m.room.encrypted", "Send encrypted messages of any kind in {rooms} as you"},
    Entry{"send.other", "Post \"{type}\" data in {rooms} as you (app-specific)"},

    Entry{"state.m.room.name", "Change the name of {rooms} for everyone"},
    Entry{"state.m.room.topic", "Change the topic of {rooms} for everyone"},
    Entry{"state.m.room.avatar", "Change the picture of {rooms} for everyone"},
    Entry{"state.m.room.power_levels", "Change who are admins and moderators in {rooms}"},
    Entry{"state.m.room.member", "Invite, remove or ban people in {rooms}, or make you leave"},
    Entry{"state.m.room.join_rules", "Change who can join {rooms}"},
    Entry{"state.m.room.history_visibility", "Change who can read the history of {rooms}"},
    Entry{"state.m.room.encryption", "Change the encryption settings of {rooms}"},
    Entry{"state.m.room.pinned_events", "Pin and unpin messages in {rooms}"},
    Entry{"state.im.vector.modular.widgets", "Add, change or remove widgets in {rooms}"},
    Entry{"state.other", "Change \"{type}\" settings in {rooms} for everyone"},

    Entry{"read.m.room.message", "Read messages in {rooms}"},
    Entry{"read.m.room.encrypted", "Read encrypted messages in {rooms}"},
    Entry{"read.m.reaction", "See reactions in {rooms}"},
    Entry{"read.m.sticker", "See stickers in {rooms}"},
    Entry{"read.m.room.redaction", "See when messages are deleted in {rooms}"},
    Entry{"read.other", "See \"{type}\" events in {rooms}"},
    Entry{"readmsg.m.text", "Read text messages in {rooms}"},
    Entry{"readmsg.other", "Read \"{key}\" messages in {rooms}"},

    Entry{"seestate.m.room.member", "See who is in {rooms} and when people join or leave"},
    Entry{"seestate.m.room.name", "See the name of {rooms}"},
    Entry{"seestate.m.room.topic", "See the topic of {rooms}"},
    Entry{"seestate.m.room.avatar", "See the picture of {rooms}"},
    Entry{"seestate.m.room.create", "Learn which rooms you are in"},
    Entry{"seestate.other", "See \"{type}\" settings in {rooms}"},

    Entry{"todevice.send", "Send private device-to-device messages of type \"{type}\" as you"},
    Entry{"todevice.receive", "Receive private device-to-device messages of type \"{type}\""},

    Entry{"key.main", "{text} (only the main entry)"},
    Entry{"key.only", "{text} (only the entry \"{key}\")"},
    Entry{"rooms.any", "any room you're in"},
    Entry{"rooms.list2", "{a} and {b}"},
    Entry{"rooms.listn", "{list} and {last}"},

    Entry{"time.expires_in", "Expires in {duration} (at {at})"},
    Entry{"time.expired", "Expired {duration} ago"},
    Entry{"time.never", "Never expires"},
    Entry{"time.from", "Valid from {at}"},
    Entry{"duration.seconds", "{n} seconds"},
    Entry{"duration.minute", "1 minute"},
    Entry{"duration.minutes", "{n} minutes"},
    Entry{"duration.hour", "1 hour"},
    Entry{"duration.hours", "{n} hours"},
    Entry{"duration.day", "1 day"},
    Entry{"duration.days", "{n} days"},
    Entry{"name.labelled", "Messages it sends are labelled \"{name}\""},
    Entry{"delegation.sealed", "Cannot create further tokens"},
    Entry{"delegation.open", "Can create further tokens with the same or less access"},
};

const Entry* find(std::string_view id) {
  for (const auto& e : en)
    if (e.id == id) return &e;
  return nullptr;
}
}  // namespace

bool catalogue_has(std::string_view, std::string_view id) { return find(id) != nullptr; }

std::string say(std::string_view, std::string_view id,
                std::initializer_list<std::pair<std::string_view, std::string>> values) {
  const Entry* e = find(id);
  if (!e) return std::string();
  std::string out;
  std::string_view t = e->text;
  while (!t.empty()) {
    const std::size_t open = t.find('{');
    if (open == std::string_view::npos) break;
    const std::size_t close = t.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(t.substr(0, open));
    const std::string_view name = t.substr(open + 1, close - open - 1);
    for (const auto& [k, v] : values)
      if (k == name) out += v;
    t.remove_prefix(close + 1);
  }
  out.append(t);
  return out;
}

}  // namespace mxscope::detail
