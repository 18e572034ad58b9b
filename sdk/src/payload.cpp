#include "payload.hpp"

#include <algorithm>

#include "mxscope/error.hpp"

namespace mxscope::detail {

namespace {
[[noreturn]] void malformed(const std::string& what) { throw Error(Errc::malformed_token, "malformed token: " + what); }

constexpr std::size_t max_string = 255;   // user ids, room ids, types, keys, names
constexpr std::size_t max_list = 64;      // rooms or event patterns per block

void put_string(Bytes& out, const std::string& s) {
  put_varint(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

// Event types and keys that tokens name often, written as two bytes (0x00, index) instead of
// their text. Indexes are part of the format: never reorder, only append (docs/token-format.md §4.3).
constexpr std::string_view common_names[] = {
    "",  // 0: the empty string (an empty state key)
    "m.room.message", "m.text", "m.notice", "m.emote", "m.image", "m.file", "m.video", "m.audio",
    "m.location", "m.reaction", "m.sticker", "m.room.redaction", "m.room.encrypted", "m.room.name",
    "m.room.topic", "m.room.avatar", "m.room.member", "m.room.power_levels", "m.room.join_rules",
    "m.room.history_visibility", "m.room.encryption", "m.room.pinned_events", "m.room.create",
    "im.vector.modular.widgets", "*",
};
constexpr std::size_t common_count = sizeof common_names / sizeof common_names[0];

void put_name(Bytes& out, const std::string& s) {
  for (std::size_t i = 0; i < common_count; ++i)
    if (common_names[i] == s) {
      out.push_back(0);
      out.push_back(static_cast<std::uint8_t>(i));
      return;
    }
  put_string(out, s);
}

bool printable(const std::string& s);

std::string read_name(Reader& v) {
  const std::uint64_t n = v.varint();
  if (n == 0) {
    const std::uint8_t i = v.byte();
    if (i >= common_count) malformed("unknown common name index");
    return std::string(common_names[i]);
  }
  if (n > max_string) malformed("string too long");
  const std::uint8_t* at = v.take(static_cast<std::size_t>(n));
  std::string s(reinterpret_cast<const char*>(at), static_cast<std::size_t>(n));
  for (std::size_t i = 1; i < common_count; ++i)
    if (common_names[i] == s) malformed("common name written out in full");
  if (!printable(s)) malformed("control character in an event type or key");  // they reach prompts and logs
  return s;
}

void put_field(Bytes& out, std::uint8_t tag, const Bytes& value) {
  out.push_back(tag);
  put_varint(out, value.size());
  out.insert(out.end(), value.begin(), value.end());
}

Bytes string_bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

bool printable(const std::string& s) {
  // Identifiers and labels: no control characters (they would corrupt logs and prompts).
  return std::none_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}
}  // namespace

std::uint8_t Reader::byte() {
  if (p_ == end_) malformed("truncated");
  return *p_++;
}

const std::uint8_t* Reader::take(std::size_t n) {
  if (n > remaining()) malformed("truncated");
  const std::uint8_t* at = p_;
  p_ += n;
  return at;
}

std::uint64_t Reader::varint() {
  std::uint64_t v = 0;
  for (int i = 0; i < 10; ++i) {
    const std::uint8_t b = byte();
    if (i == 9 && b > 1) malformed("integer too large");
    v |= std::uint64_t(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      if (i > 0 && b == 0) malformed("non-minimal integer");
      return v;
    }
  }
  malformed("integer too long");
}

std::string Reader::string(std::size_t max) {
  const std::uint64_t n = varint();
  if (n > max) malformed("string too long");
  const std::uint8_t* at = take(static_cast<std::size_t>(n));
  return std::string(reinterpret_cast<const char*>(at), static_cast<std::size_t>(n));
}

void put_varint(Bytes& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}

bool valid_user_id(const std::string& s) {
  return s.size() >= 4 && s.size() <= max_string && s[0] == '@' && s.find(':') != std::string::npos && printable(s);
}

bool valid_room_id(const std::string& s) {
  return s.size() >= 4 && s.size() <= max_string && s[0] == '!' && printable(s) &&
         s.find(' ') == std::string::npos;
}

Bytes encode_payload(const Payload& p) {
  Bytes out;
  const Caveats& c = p.caveats;
  if (p.user_id) put_field(out, tag_user_id, string_bytes(*p.user_id));
  if (p.device_id) put_field(out, tag_device_id, string_bytes(*p.device_id));
  if (c.actions) {
    Bytes v;
    put_varint(v, (*c.actions - ActionSet{Action::account}).bits());
    put_field(out, tag_actions, v);
  }
  if (c.rooms) {
    Bytes v;
    for (const auto& r : *c.rooms) put_string(v, r);  // std::set: sorted and unique
    put_field(out, tag_rooms, v);
  }
  if (c.events) {
    std::vector<EventPattern> sorted = *c.events;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    Bytes v;
    for (const auto& e : sorted) {
      v.push_back(static_cast<std::uint8_t>(e.action));
      v.push_back(e.key ? 1 : 0);
      put_name(v, e.type);
      if (e.key) put_name(v, *e.key);
    }
    put_field(out, tag_events, v);
  }
  if (c.not_before) {
    Bytes v;
    put_varint(v, static_cast<std::uint64_t>(*c.not_before));
    put_field(out, tag_not_before, v);
  }
  if (c.not_after) {
    Bytes v;
    put_varint(v, static_cast<std::uint64_t>(*c.not_after));
    put_field(out, tag_not_after, v);
  }
  if (c.name) put_field(out, tag_name, string_bytes(*c.name));
  return out;
}

Payload decode_payload(const std::uint8_t* data, std::size_t size) {
  Payload p;
  Reader r(data, size);
  int last_tag = -1;
  while (!r.done()) {
    const std::uint8_t tag = r.byte();
    if (tag <= last_tag) malformed("caveats out of order or repeated");
    last_tag = tag;
    const std::uint64_t len = r.varint();
    if (len > r.remaining()) malformed("truncated caveat");
    Reader v(r.take(static_cast<std::size_t>(len)), static_cast<std::size_t>(len));
    auto whole_string = [&] {
      if (len > max_string) malformed("string too long");
      const std::uint8_t* at = v.take(static_cast<std::size_t>(len));
      return std::string(reinterpret_cast<const char*>(at), static_cast<std::size_t>(len));
    };
    switch (tag) {
      case tag_user_id:
        p.user_id = whole_string();
        if (!valid_user_id(*p.user_id)) malformed("bad user id");
        break;
      case tag_device_id:
        p.device_id = whole_string();
        if (p.device_id->empty() || !printable(*p.device_id)) malformed("bad device id");
        break;
      case tag_actions: {
        // Bits this build does not know name actions it cannot map requests to, and the
        // account bit can never be granted: masking both out can only narrow.
        const std::uint64_t bits = v.varint();
        p.caveats.actions = ActionSet(bits) & ActionSet::all_delegable();
        break;
      }
      case tag_rooms: {
        std::set<std::string> rooms;
        std::string prev;
        while (!v.done()) {
          std::string room = v.string(max_string);
          if (!valid_room_id(room)) malformed("bad room id");
          if (!rooms.empty() && room <= prev) malformed("rooms out of order or repeated");
          if (rooms.size() == max_list) malformed("too many rooms");
          prev = room;
          rooms.insert(std::move(room));
        }
        p.caveats.rooms = std::move(rooms);
        break;
      }
      case tag_events: {
        std::vector<EventPattern> events;
        while (!v.done()) {
          const std::uint8_t a = v.byte();
          if (a >= action_count || action_info(static_cast<Action>(a)).events == EventUse::none)
            malformed("event pattern for an action without events");
          const std::uint8_t flags = v.byte();
          if (flags > 1) malformed("bad event pattern flags");
          EventPattern e{static_cast<Action>(a), read_name(v), std::nullopt};
          if (e.type.empty()) malformed("empty event type");
          if (flags) e.key = read_name(v);
          // One way to say each thing: m.room.message sends are send_message patterns and
          // redactions are the redact action, so no pattern can dodge their limits.
          if (e.action == Action::send_message && e.type != "m.room.message" && e.type != "*")
            malformed("a send_message pattern is about m.room.message");
          if (e.action == Action::send_event && (e.type == "m.room.message" || e.type == "m.room.redaction"))
            malformed("send m.room.message through send_message and redactions through redact");
          if (!events.empty() && !(events.back() < e)) malformed("event patterns out of order or repeated");
          if (events.size() == max_list) malformed("too many event patterns");
          events.push_back(std::move(e));
        }
        p.caveats.events = std::move(events);
        break;
      }
      case tag_not_before:
      case tag_not_after: {
        const std::uint64_t t = v.varint();
        if (t > (std::uint64_t{1} << 40)) malformed("time out of range");
        (tag == tag_not_before ? p.caveats.not_before : p.caveats.not_after) = static_cast<std::int64_t>(t);
        break;
      }
      case tag_name:
        p.caveats.name = whole_string();
        if (p.caveats.name->empty() || !printable(*p.caveats.name)) malformed("bad name");
        break;
      default:
        if (tag < 0x80) {
          throw Error(Errc::unknown_critical,
                      "token carries a caveat this version does not understand (tag " + std::to_string(tag) + ")");
        }
        p.unknown_tags.push_back(tag);
        continue;
    }
    if (!v.done()) malformed("trailing bytes in caveat");
  }
  return p;
}

}  // namespace mxscope::detail
