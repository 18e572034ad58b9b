// Writes the seed corpus for fuzz_token: valid tokens (text and binary) in the shapes a verifier
// meets, signed by the key the target trusts (and one by a stranger, one revoked, one expired, one
// not yet valid), plus endpoint lines, capability lists, a revocation list and key texts.
// Deterministic (fixed key and random stream), so the corpus is the same on every machine.
// usage: mxscope-fuzz-seeds <output directory>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "fuzz_common.hpp"

namespace {

using namespace mxscope;
namespace fs = std::filesystem;

void write(const fs::path& dir, const std::string& name, const std::string& content) {
  std::ofstream(dir / name, std::ios::binary | std::ios::trunc) << content;
}

void write_token(const fs::path& dir, const std::string& name, const Token& t) {
  write(dir, name + ".txt", t.to_text());
  const auto bytes = t.to_bytes();
  write(dir, name + ".bin", std::string(bytes.begin(), bytes.end()));
}

Caveats block(std::int64_t not_after) {
  Caveats c;
  c.actions = ActionSet{Action::send_message, Action::read_timeline};
  c.rooms = std::set<std::string>{"!backups:example.org"};
  c.events = std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.text"},
                                       {Action::read_timeline, "*", std::nullopt}};
  c.not_after = not_after;
  c.name = "backup-bot";
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " <output directory>\n";
    return 2;
  }
  const fs::path dir = argv[1];
  fs::create_directories(dir);
  testing::DeterministicRandom random("mxscope-fuzz-seeds");
  const std::int64_t now = fuzz::now;

  const Token root = Token::mint(fuzz::issuer(), {.user_id = "@alice:example.org", .device_id = std::nullopt, .caveats = {}});
  write_token(dir, "root", root);

  Caveats root_caveats;
  root_caveats.not_before = now - 60;
  root_caveats.not_after = now + 86400;
  root_caveats.name = "laptop session";
  const Token root_full = Token::mint(fuzz::issuer(), {.user_id = "@bob:example.org", .device_id = "LAPTOP", .caveats = root_caveats});
  write_token(dir, "root-device-caveats", root_full);

  const Token two = root.attenuate(block(now + 3600));
  Caveats narrower;
  narrower.actions = ActionSet{Action::send_message};
  narrower.events = std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.text"}};
  narrower.not_after = now + 600;
  const Token three = two.attenuate(narrower);
  write_token(dir, "depth3", three);
  write_token(dir, "depth3-sealed", three.seal());

  Token eight = root;
  for (int i = 1; i < 8; ++i) eight = eight.attenuate(block(now + 3600 - i));
  write_token(dir, "depth8", eight);
  Token longest = root;  // max_blocks: one more attenuation must fail with too_large
  while (longest.block_count() < max_blocks) longest = longest.attenuate(Caveats{});
  write_token(dir, "depth32", longest);

  Caveats state;
  state.actions = ActionSet{Action::send_state, Action::read_state, Action::send_event, Action::send_to_device};
  state.rooms = std::set<std::string>{"!a:example.org", "!b:example.org"};
  state.events = std::vector<EventPattern>{{Action::send_state, "m.room.topic", ""},
                                           {Action::read_state, "*", std::nullopt},
                                           {Action::send_event, "m.reaction", std::nullopt},
                                           {Action::send_to_device, "org.example.custom", std::nullopt}};
  write_token(dir, "state-events", root_full.attenuate(state).attenuate(Caveats{}));

  write_token(dir, "stranger", Token::mint(fuzz::stranger(), {.user_id = "@eve:evil.example", .device_id = std::nullopt, .caveats = {}}));
  write_token(dir, "revoked", fuzz::revoked_login().attenuate(block(now + 60)));
  Caveats expired;
  expired.not_after = now - 3600;
  write_token(dir, "expired", root.attenuate(expired));
  Caveats future;
  future.not_before = now + 3600;
  write_token(dir, "not-yet-valid", root.attenuate(future));

  // Regressions found by fuzzing, kept as seeds.
  // A block with no rooms left (disjoint room caveats): describe() read an empty list.
  Caveats none;
  none.rooms = std::set<std::string>{};
  write_token(dir, "regress-no-rooms", two.attenuate(none));
  // A byte >= 0x80 where the text has '_': libsodium 1.0.18 decoded it as '_' (one token, many texts).
  std::string high = three.to_text();
  if (const auto at = high.find('_', token_prefix.size()); at != std::string::npos) {
    high[at] = static_cast<char>(0x8e);
    write(dir, "regress-high-byte.txt", high);
  }

  write(dir, "endpoint-send", "PUT /_matrix/client/v3/rooms/!backups%3Aexample.org/send/m.room.message/txn1");
  write(dir, "endpoint-state", "PUT /_matrix/client/v3/rooms/!a:example.org/state/m.room.topic/");
  write(dir, "endpoint-sync", "GET /_matrix/client/v3/sync?since=s1&timeout=30000");
  write(dir, "endpoint-password", "POST /_matrix/client/v3/account/password");
  write(dir, "endpoint-media", "GET /_matrix/client/v1/media/download/example.org/abc");
  write(dir, "capabilities",
        "org.matrix.msc2762.send.event:m.room.message#m.text\n"
        "m.receive.event:m.reaction\n"
        "org.matrix.msc2762.send.state_event:m.room.topic\n"
        "org.matrix.msc2762.timeline:!backups:example.org\n"
        "m.timeline:*\n"
        "org.matrix.msc3819.send.to_device:org.example.custom\n"
        "m.always_on_screen\n"
        "io.element.requires_client\n"
        "org.example.unknown\n");
  RevocationSet set = fuzz::revoked();
  for (const auto& id : three.revocation_ids()) set.add(id);
  write(dir, "revocations", set.to_text());
  write(dir, "public-key", fuzz::issuer().public_key().to_text());
  const SecretBytes secret = fuzz::stranger().to_text();
  write(dir, "secret-key", std::string(reinterpret_cast<const char*>(secret.data()), secret.size()));

  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  std::cout << "wrote " << n << " seeds to " << dir.string() << "\n";
  return 0;
}
