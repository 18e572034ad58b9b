// The SDK's bytes against docs/token-format.md, using the separate implementation in spec_format.
#include <sodium.h>

#include <algorithm>

#include "spec_format.hpp"
#include "support.hpp"

using namespace mxscope;
using mxtest::key;

namespace {

spec::Key tail_seed(const Token& t) {
  const spec::Layout l = spec::split(t.to_bytes());
  REQUIRE(l.tail.size() == 32);
  spec::Key k;
  std::copy(l.tail.begin(), l.tail.end(), k.begin());
  return k;
}

const Caveats rich{.actions = ActionSet{Action::send_message, Action::send_state, Action::read_timeline},
                   .rooms = std::set<std::string>{"!zzz:example.org", "!aaa:example.org", "!mmm:other.example"},
                   .events = std::vector<EventPattern>{{Action::send_state, "com.example.custom", ""},
                                                       {Action::send_message, "m.room.message", "m.text"},
                                                       {Action::send_state, "m.room.topic", std::nullopt},
                                                       {Action::read_timeline, "*", std::nullopt},
                                                       {Action::send_message, "m.room.message", "org.example.custom"}},
                   .not_before = 1700000000,
                   .not_after = 1800000000,
                   .name = "backup-bot"};
}  // namespace

TEST_CASE("a root token is byte for byte the one the format spec describes") {
  const Token t = Token::mint(key(), {.user_id = mxtest::alice, .device_id = "PHONE", .caveats = rich});
  const spec::Bytes expected =
      spec::mint(spec::seed(1), spec::payload(rich, mxtest::alice, std::string("PHONE")), tail_seed(t));
  CHECK(spec::hex(t.to_bytes()) == spec::hex(expected));
  CHECK(t.to_text() == spec::text_of(expected));
}

TEST_CASE("an attenuated and a sealed token are byte for byte what the format spec describes") {
  const Token root = mxtest::root_token(key());
  const Caveats narrower{.actions = ActionSet{Action::send_message},
                         .rooms = std::set<std::string>{"!aaa:example.org"},
                         .events = std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.text"}},
                         .not_after = 1800000000,
                         .name = "inner"};
  const Token child = root.attenuate(rich);
  const Token grandchild = child.attenuate(narrower);

  const spec::Bytes c = spec::append(root.to_bytes(), spec::payload(rich), tail_seed(child));
  CHECK(spec::hex(child.to_bytes()) == spec::hex(c));
  const spec::Bytes g = spec::append(c, spec::payload(narrower), tail_seed(grandchild));
  CHECK(spec::hex(grandchild.to_bytes()) == spec::hex(g));
  CHECK(spec::hex(grandchild.seal().to_bytes()) == spec::hex(spec::seal(g)));
}

TEST_CASE("the header byte carries the sealed flag and the block count") {
  const Token root = mxtest::root_token(key());
  Token t = root;
  for (int i = 0; i < 4; ++i) t = t.attenuate({});
  const auto bytes = t.to_bytes();
  CHECK(bytes[0] == 0x01);
  CHECK(bytes[1] == 0x04);
  CHECK(std::equal(key().id().begin(), key().id().end(), bytes.begin() + 2));
  CHECK(t.seal().to_bytes()[1] == 0x84);
  CHECK(root.to_bytes()[1] == 0x00);
}

TEST_CASE("a revocation id is BLAKE2b-128 of its block's signature") {
  const Token t = mxtest::root_token(key()).attenuate({.name = "x"});
  const spec::Layout l = spec::split(t.to_bytes());
  const auto ids = t.revocation_ids();
  REQUIRE(ids.size() == l.blocks.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    std::uint8_t h[16];
    crypto_generichash(h, sizeof h, l.blocks[i].signature.data(), 64, nullptr, 0);
    CHECK(ids[i].to_hex() == spec::hex(h, 16));
  }
}

TEST_CASE("the text form's checksum is CRC-32 of the binary form, big-endian") {
  // The CRC-32/ISO-HDLC check value from the catalogue of CRC parameters.
  const std::string check = "123456789";
  CHECK(spec::crc32(spec::Bytes(check.begin(), check.end())) == 0xCBF43926u);
  const Token t = mxtest::root_token(key());
  CHECK(t.to_text() == spec::text_of(t.to_bytes()));
}

TEST_CASE("a token whose blocks were built from the spec alone verifies") {
  const spec::Bytes root = spec::mint(spec::seed(1), spec::payload({}, mxtest::alice), spec::seed(0x21));
  const spec::Bytes child = spec::append(root, spec::payload({.rooms = std::set<std::string>{mxtest::room_a}}), spec::seed(0x22));
  const Token t = Token::parse(spec::text_of(spec::seal(child)));
  const VerifiedToken v = mxtest::verify_at(t, key());
  CHECK(v.user_id() == mxtest::alice);
  CHECK(v.scope().rooms == std::set<std::string>{mxtest::room_a});
  CHECK(t.sealed());
}
