// Writes the shared test vectors (tests/vectors/v1.json). Run it by hand when a case is added:
//   build/tests/mxscope-generate-vectors tests/vectors/v1.json
// Never regenerate to make a failing test pass: a changed output for an existing case means
// tokens in the wild would stop verifying (docs/token-format.md, "Status").
#include <fstream>
#include <iostream>

#include "derive.hpp"

using vectors::json;

namespace {

constexpr std::int64_t now = 1777640550;      // 2026-05-01 13:02:30 UTC
constexpr std::int64_t two_pm = 1777644120;   // 2026-05-01 14:02:00 UTC
const std::string alice = "@alice:example.org";
const std::string backups = "!backups:example.org";
const std::string general = "!general:example.org";
const std::string random_room = "!r4nd0m:other.example";

std::string seed_hex(int start) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 32; ++i) {
    const int b = (start + i) & 0xff;
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

json verify_at(std::int64_t t, json extra = json::object()) {
  json v{{"now", t}, {"clock_skew", 30}, {"trusted", {"alice-gateway"}}};
  if (!extra.is_null()) v.update(extra);
  return v;
}

json describe_at(std::int64_t t) {
  return {{"now", t}, {"room_names", {{backups, "Backup alerts"}, {general, "General"}}}};
}

json root(bool device = true, json caveats = json::object()) {
  json r{{"user_id", alice}, {"caveats", caveats}};
  if (device) r["device_id"] = "PHONE";
  return r;
}

const json backup_bot{{"actions", {"send_message"}},
                      {"rooms", {backups}},
                      {"events", {{{"action", "send_message"}, {"type", "m.room.message"}, {"key", "m.text"}}}},
                      {"not_after", two_pm},
                      {"name", "backup-bot"}};

struct Case {
  std::string name;
  std::string description;
  json input;
};

json with(json base, json extra) {
  if (!extra.is_null()) base.update(extra);  // a bare {} argument is JSON null
  return base;
}

std::vector<Case> cases() {
  const json base{{"issuer", "alice-gateway"}, {"root", root()}, {"verify", verify_at(now)}, {"describe", describe_at(now)}};
  auto input = [&](const std::string& name, json extra) {
    return with(with(base, {{"random_seed", "mxscope vectors v1/" + name}}), extra);
  };
  const json depth2 = json::array({
      {{"rooms", {backups, general}}, {"not_after", now + 86400}},
      backup_bot,
  });
  const json depth5 = json::array({
      {{"not_after", now + 7 * 86400}, {"name", "family"}},
      {{"actions", {"read_timeline", "read_state", "send_message", "send_event", "send_state", "typing", "receipts"}}},
      {{"rooms", {backups, general, random_room}}, {"not_before", now - 60}},
      {{"events",
        {{{"action", "read_timeline"}, {"type", "*"}},
         {{"action", "read_state"}, {"type", "*"}},
         {{"action", "send_message"}, {"type", "m.room.message"}, {"key", "m.notice"}},
         {{"action", "send_message"}, {"type", "m.room.message"}, {"key", "m.text"}},
         {{"action", "send_event"}, {"type", "m.reaction"}},
         {{"action", "send_state"}, {"type", "m.room.topic"}, {"key", ""}},
         {{"action", "send_state"}, {"type", "org.example.status"}, {"key", "@alice:example.org"}}}}},
      {{"rooms", {general, random_room}}, {"not_after", now + 3600}, {"name", "status-bot"}},
  });

  std::vector<Case> out{
      {"root-minimal", "A root token with a user id only: a full-account root.",
       input("root-minimal", {{"root", root(false)}})},
      {"root-with-device", "A root token for one login (device).", input("root-with-device", {})},
      {"root-with-expiry-and-name", "A root token that expires in 12 hours and carries a name.",
       input("root-with-expiry-and-name", {{"root", root(true, {{"not_after", now + 12 * 3600}, {"name", "laptop"}})}})},
      {"root-restricted", "A root token with an actions caveat is not a full-account root.",
       input("root-restricted", {{"root", root(true, {{"actions", {"read_timeline", "read_state", "identity"}}})}})},
      {"attenuate-depth-1", "The backup-bot subtoken: text messages in one room for an hour, named.",
       input("attenuate-depth-1", {{"attenuate", json::array({backup_bot})}})},
      {"attenuate-depth-2", "Two rooms for a day, then the backup-bot limits inside them.",
       input("attenuate-depth-2", {{"attenuate", depth2}})},
      {"attenuate-depth-5", "Five blocks narrowing actions, rooms, events (state keys, common and other names) and time.",
       input("attenuate-depth-5", {{"attenuate", depth5}})},
      {"sealed", "The backup-bot subtoken, sealed.", input("sealed", {{"attenuate", json::array({backup_bot})}, {"seal", true}})},
      {"sealed-root", "A sealed root token: still a full-account root, but it cannot be attenuated.",
       input("sealed-root", {{"seal", true}})},
      {"expiry-within-skew", "Verified 30 seconds after expiry: still valid with the default 30 s skew.",
       input("expiry-within-skew", {{"attenuate", json::array({backup_bot})}, {"verify", verify_at(two_pm + 30)}})},
      {"expired", "Verified 31 seconds after expiry.",
       input("expired", {{"attenuate", json::array({backup_bot})}, {"verify", verify_at(two_pm + 31)}})},
      {"expired-no-skew", "Verified one second after expiry with no skew allowed.",
       input("expired-no-skew", {{"attenuate", json::array({backup_bot})}, {"verify", verify_at(two_pm + 1, {{"clock_skew", 0}})}})},
      {"not-yet-valid", "A block with a not_before an hour away.",
       input("not-yet-valid", {{"attenuate", json::array({json{{"not_before", now + 3600}}})}})},
      {"revoked-root", "The root block's id is revoked: the whole family is.",
       input("revoked-root", {{"attenuate", depth2}, {"verify", verify_at(now, {{"revoke_blocks", {0}}})}})},
      {"revoked-middle", "A middle block's id is revoked.",
       input("revoked-middle", {{"attenuate", depth2}, {"verify", verify_at(now, {{"revoke_blocks", {1}}})}})},
      {"revoked-own", "The token's own (last) block id is revoked.",
       input("revoked-own", {{"attenuate", depth2}, {"verify", verify_at(now, {{"revoke_blocks", {2}}})}})},
      {"unknown-key", "Verified by someone who trusts only another issuer.",
       input("unknown-key", {{"attenuate", json::array({backup_bot})}, {"verify", verify_at(now, {{"trusted", {"other-issuer"}}})}})},
      {"bad-signature-block", "One bit of the root block's signature flipped; the text checksum is recomputed.",
       input("bad-signature-block", {{"root", root(false)}, {"tamper", {{"flip_bit", {{"offset", -33}, {"bit", 0}}}}}})},
      {"bad-signature-proof", "One bit of the proof seed flipped: the last block no longer commits to it.",
       input("bad-signature-proof", {{"attenuate", json::array({backup_bot})}, {"tamper", {{"flip_bit", {{"offset", -1}, {"bit", 7}}}}}})},
      {"bad-signature-seal", "One bit of the seal signature flipped.",
       input("bad-signature-seal",
             {{"attenuate", json::array({backup_bot})}, {"seal", true}, {"tamper", {{"flip_bit", {{"offset", -2}, {"bit", 3}}}}}})},
      {"bad-checksum", "One character of the text form changed.",
       input("bad-checksum", {{"tamper", {{"text_replace_char", {{"index", 20}, {"char", "Q"}}}}}})},
      {"wrong-prefix", "The text form with a prefix that is not mxs1_.",
       input("wrong-prefix", {{"tamper", {{"text_replace_char", {{"index", 0}, {"char", "X"}}}}}})},
      {"unsupported-version-text", "The text prefix of another format version (mxs2_).",
       input("unsupported-version-text", {{"tamper", {{"text_replace_char", {{"index", 3}, {"char", "2"}}}}}})},
      {"unsupported-version", "The version byte set to 2; the text checksum is recomputed.",
       input("unsupported-version", {{"tamper", {{"set_byte", {{"offset", 0}, {"value", 2}}}}}})},
      {"malformed-truncated", "The last byte removed; the text checksum is recomputed.",
       input("malformed-truncated", {{"attenuate", json::array({backup_bot})}, {"tamper", {{"truncate_by", 1}}}})},
      {"malformed-trailing", "One byte appended; the text checksum is recomputed.",
       input("malformed-trailing", {{"tamper", {{"append_hex", "00"}}}})},
      {"malformed-reserved-bits", "A reserved header bit set.",
       input("malformed-reserved-bits", {{"tamper", {{"set_byte", {{"offset", 1}, {"value", 0x40}}}}}})},
      {"unknown-critical", "The root block's first caveat tag changed to 0x09, unknown and critical: refused at parse.",
       input("unknown-critical", {{"root", root(false)}, {"tamper", {{"set_byte", {{"offset", 7}, {"value", 9}}}}}})},
      {"sealed-attenuate", "Attenuating a sealed token.",
       input("sealed-attenuate", {{"attenuate", json::array({backup_bot})}, {"seal", true}, {"then_attenuate", {{"name", "more"}}}})},
      {"scope-too-broad", "Attenuating with a room the parent does not allow.",
       input("scope-too-broad", {{"attenuate", json::array({backup_bot})}, {"then_attenuate", {{"rooms", {general}}}}})},
      {"root-rooms-only", "A root token with only a rooms caveat: scoped to those rooms, not a full-account root.",
       input("root-rooms-only", {{"root", root(true, {{"rooms", {backups, general}}})}})},
      {"state-keys", "Empty state keys: nothing added for well-known settings, \"only the main entry\" for app types.",
       input("state-keys", {{"attenuate", json::array({json{
                                {"actions", {"read_state", "send_state"}},
                                {"rooms", {general}},
                                {"events",
                                 {{{"action", "read_state"}, {"type", "m.room.name"}, {"key", ""}},
                                  {{"action", "read_state"}, {"type", "org.example.status"}, {"key", ""}},
                                  {{"action", "send_state"}, {"type", "m.room.topic"}, {"key", ""}},
                                  {{"action", "send_state"}, {"type", "org.example.status"}, {"key", ""}}}}}})}})},
      {"redact-and-reactions", "Deleting messages is the redact action; reactions are a send_event pattern.",
       input("redact-and-reactions",
             {{"attenuate", json::array({json{{"actions", {"send_event", "redact"}},
                                              {"rooms", {general}},
                                              {"events", {{{"action", "send_event"}, {"type", "m.reaction"}}}}}})}})},
      {"unnamed-event-action", "Attenuating with event patterns that name nothing for actions the block allows.",
       input("unnamed-event-action",
             {{"then_attenuate",
               {{"actions", {"send_message", "send_state"}},
                {"events", {{{"action", "send_message"}, {"type", "m.room.message"}, {"key", "m.text"}}}}}}})},
      {"redaction-pattern", "Attenuating with a send_event pattern for m.room.redaction (redactions are the redact action).",
       input("redaction-pattern", {{"then_attenuate",
                                    {{"actions", {"send_event"}}, {"events", {{{"action", "send_event"}, {"type", "m.room.redaction"}}}}}}})},
      {"malformed-message-pattern", "The backup-bot pattern's type changed to m.reaction (common name 10): a send_message pattern "
                                    "is about m.room.message only. Refused at parse.",
       input("malformed-message-pattern",
             {{"attenuate", json::array({backup_bot})}, {"tamper", {{"set_byte", {{"offset", 162}, {"value", 10}}}}}})},
      {"malformed-event-pattern-message", "The backup-bot pattern's action changed to send_event: m.room.message is sent "
                                          "through send_message only. Refused at parse.",
       input("malformed-event-pattern-message",
             {{"attenuate", json::array({backup_bot})}, {"tamper", {{"set_byte", {{"offset", 159}, {"value", 3}}}}}})},
      {"malformed-event-pattern-redaction", "A send_event pattern's type changed from m.reaction to m.room.redaction (common "
                                            "name 12): redactions are the redact action. Refused at parse.",
       input("malformed-event-pattern-redaction",
             {{"attenuate", json::array({json{{"actions", {"send_event"}}, {"events", {{{"action", "send_event"}, {"type", "m.reaction"}}}}}})},
              {"tamper", {{"set_byte", {{"offset", 139}, {"value", 12}}}}}})},
  };
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  json file;
  file["description"] =
      "mxscope token format v1 test vectors. Every implementation must derive each case's output from its "
      "input byte for byte. Schema: tests/vectors/README.md.";
  file["format_version"] = 1;
  file["issuers"] = {{"alice-gateway", vectors::issuer_entry(seed_hex(0x00))},
                     {"other-issuer", vectors::issuer_entry(seed_hex(0xa0))}};
  file["cases"] = json::array();
  for (const Case& c : cases()) {
    json output;
    try {
      output = vectors::derive_case(file["issuers"], c.input);
    } catch (const std::exception& e) {
      std::cerr << "case " << c.name << ": " << e.what() << "\n" << c.input.dump(2) << "\n";
      return 1;
    }
    file["cases"].push_back({{"name", c.name}, {"description", c.description}, {"input", c.input}, {"output", output}});
  }
  const std::string text = file.dump(2) + "\n";
  if (argc > 1) {
    std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
      std::cerr << "cannot write " << argv[1] << "\n";
      return 1;
    }
  } else {
    std::cout << text;
  }
  return 0;
}
