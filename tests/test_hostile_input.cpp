// Hostile input: every malformed token gives a typed error, never a crash and never a success.
#include <random>

#include "mxscope/testing.hpp"
#include "spec_format.hpp"
#include "support.hpp"

using namespace mxscope;
using mxtest::key;
using mxtest::trusted;
using spec::Bytes;

namespace {

// A fixed 3-block token (root, room limit, message limit).
Token three_blocks(std::string_view seed = "hostile-input") {
  testing::DeterministicRandom random(seed);
  return mxtest::root_token(key())
      .attenuate({.rooms = std::set<std::string>{mxtest::room_a, mxtest::room_b}, .not_after = mxtest::now + 3600})
      .attenuate({.actions = ActionSet{Action::send_message},
                  .events = std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.text"}},
                  .name = "bot"});
}

Token parse_bytes(const Bytes& b) { return Token::from_bytes(b); }
VerifiedToken verify(const Token& t) { return t.verify(trusted(), {.now = mxtest::now}); }
VerifiedToken parse_and_verify(const Bytes& b) { return verify(parse_bytes(b)); }

// A root payload with a user id and the given extra fields.
Bytes root_payload_with(std::vector<std::pair<std::uint8_t, Bytes>> extra) {
  return spec::payload({}, mxtest::alice, std::nullopt, extra);
}

// A one-block token around `payload` with an all-zero signature and seed.
Bytes unsigned_root(const Bytes& payload) {
  spec::Layout l;
  l.key_id = key().id();
  l.blocks.push_back({std::nullopt, payload, {}});
  l.tail.assign(32, 0);
  return spec::join(l);
}
}  // namespace

TEST_CASE("every truncation of a token's binary form is a malformed token") {
  const Bytes full = three_blocks().to_bytes();
  for (std::size_t n = 0; n < full.size(); ++n) {
    INFO("length " << n << " of " << full.size());
    REQUIRE_ERRC(parse_bytes(Bytes(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n))), Errc::malformed_token);
  }
}

TEST_CASE("every truncation of a token's text form is refused as mistyped or malformed") {
  const std::string text = three_blocks().to_text();
  for (std::size_t n = 0; n < text.size(); ++n) {
    const auto err = mxtest::error_of([&] { Token::parse(text.substr(0, n)); });
    INFO("length " << n);
    REQUIRE(err);
    const bool expected = err->code() == Errc::bad_checksum || err->code() == Errc::malformed_token;
    CHECK(expected);
  }
}

TEST_CASE("no single-bit change to a token's bytes ever verifies") {
  const Token original = three_blocks();
  const Bytes bytes = original.to_bytes();
  std::size_t refused_at_parse = 0, refused_at_verify = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes b = bytes;
      b[i] ^= static_cast<std::uint8_t>(1u << bit);
      std::optional<Token> parsed;
      if (mxtest::error_of([&] { parsed = parse_bytes(b); })) {
        ++refused_at_parse;
        continue;
      }
      INFO("byte " << i << " bit " << bit);
      const auto err = mxtest::error_of([&] { verify(*parsed); });
      REQUIRE(err);
      const bool crypto_error = err->code() == Errc::bad_signature || err->code() == Errc::unknown_key;
      CHECK(crypto_error);
      ++refused_at_verify;
    }
  }
  CHECK(refused_at_parse + refused_at_verify == bytes.size() * 8);
  CHECK(refused_at_verify > 0);  // most flips land in keys, signatures and the proof
}

TEST_CASE("a mistyped character in a token's text is a bad checksum") {
  const std::string text = three_blocks().to_text();
  // Every position but the last: the last character may also carry unused bits, which strict
  // base64 refuses as malformed before the checksum is looked at.
  for (std::size_t i = token_prefix.size(); i + 1 < text.size(); ++i) {
    std::string typo = text;
    typo[i] = typo[i] == 'x' ? 'y' : 'x';
    INFO("position " << i);
    REQUIRE_ERRC(Token::parse(typo), Errc::bad_checksum);
  }
  std::string last = text;
  last.back() = last.back() == 'x' ? 'y' : 'x';
  const auto err = mxtest::error_of([&] { Token::parse(last); });
  REQUIRE(err);
  CHECK((err->code() == Errc::bad_checksum || err->code() == Errc::malformed_token));
}

TEST_CASE("text without the mxs1_ prefix or with other characters is malformed") {
  const std::string text = three_blocks().to_text();
  const std::string body = text.substr(token_prefix.size());
  REQUIRE_ERRC(Token::parse(""), Errc::malformed_token);
  REQUIRE_ERRC(Token::parse(body), Errc::malformed_token);
  REQUIRE_ERRC(Token::parse("MXS1_" + body), Errc::malformed_token);
  REQUIRE_ERRC(Token::parse("mxs1-" + body), Errc::malformed_token);
  REQUIRE_ERRC(Token::parse(" " + text), Errc::malformed_token);
  REQUIRE_ERRC(Token::parse(text + "\n"), Errc::malformed_token);
  REQUIRE_ERRC(Token::parse(text + "="), Errc::malformed_token);
  REQUIRE_ERRC(Token::parse("mxs1_" + body.substr(0, 10) + "+" + body.substr(11)), Errc::malformed_token);
  REQUIRE_ERRC(Token::parse("mxs1_" + body.substr(0, 10) + "/" + body.substr(11)), Errc::malformed_token);
}

TEST_CASE("a key pasted where a token belongs is malformed, not an unsupported version") {
  const SecretBytes secret = key().to_text();
  const std::string secret_text(reinterpret_cast<const char*>(secret.data()), secret.size());
  REQUIRE_ERRC(Token::parse(secret_text), Errc::malformed_token);
  REQUIRE_ERRC(Token::parse(key().public_key().to_text()), Errc::malformed_token);
}

TEST_CASE("a token of another format version is an unsupported version") {
  const Token t = three_blocks();
  Bytes b = t.to_bytes();
  for (std::uint8_t v : {0, 2, 0x81, 0xff}) {
    b[0] = v;
    INFO("version byte " << int(v));
    REQUIRE_ERRC(parse_bytes(b), Errc::unsupported_version);
    REQUIRE_ERRC(Token::parse(spec::text_of(b)), Errc::unsupported_version);
  }
  const std::string body = t.to_text().substr(token_prefix.size());
  REQUIRE_ERRC(Token::parse("mxs2_" + body), Errc::unsupported_version);
  REQUIRE_ERRC(Token::parse("mxs9_" + body), Errc::unsupported_version);
}

TEST_CASE("reserved header bits must be zero") {
  Bytes b = three_blocks().to_bytes();
  for (std::uint8_t bit : {0x20, 0x40}) {
    Bytes r = b;
    r[1] |= bit;
    REQUIRE_ERRC(parse_bytes(r), Errc::malformed_token);
    REQUIRE_ERRC(Token::parse(spec::text_of(r)), Errc::malformed_token);
  }
}

TEST_CASE("bytes after the end of a token are malformed") {
  for (const Token& t : {three_blocks(), three_blocks().seal()}) {
    Bytes b = t.to_bytes();
    b.push_back(0);
    REQUIRE_ERRC(parse_bytes(b), Errc::malformed_token);
    REQUIRE_ERRC(Token::parse(spec::text_of(b)), Errc::malformed_token);
  }
}

TEST_CASE("a header claiming more blocks than the token has is malformed") {
  Bytes b = three_blocks().to_bytes();
  b[1] = 0x1f;  // 32 blocks
  REQUIRE_ERRC(parse_bytes(b), Errc::malformed_token);
}

TEST_CASE("input over 8 KiB is too large before anything else is looked at") {
  Bytes big(max_token_bytes + 1, 0xff);  // not even a valid version byte
  REQUIRE_ERRC(parse_bytes(big), Errc::too_large);
  REQUIRE_ERRC(Token::parse("mxs1_" + std::string(12000, 'A')), Errc::too_large);
  REQUIRE_ERRC(Token::parse(std::string(1 << 20, 'x')), Errc::too_large);
}

TEST_CASE("a block too large to fit is refused when minting") {
  // 64 room ids of about 125 bytes each: over 8 KiB once keys and signatures are added.
  std::set<std::string> rooms;
  for (int i = 0; i < 64; ++i) rooms.insert("!" + std::string(110, char('a' + i % 26)) + std::to_string(i) + ":example.org");
  const Token root = mxtest::root_token(key());
  REQUIRE_ERRC(root.attenuate({.rooms = rooms}), Errc::too_large);
}

TEST_CASE("blocks cannot be reordered") {
  const Bytes bytes = three_blocks().to_bytes();
  spec::Layout l = spec::split(bytes);
  std::swap(l.blocks[1], l.blocks[2]);
  REQUIRE_ERRC(parse_and_verify(spec::join(l)), Errc::bad_signature);
}

TEST_CASE("a block cannot be dropped from the middle of a chain") {
  spec::Layout l = spec::split(three_blocks().to_bytes());
  l.blocks.erase(l.blocks.begin() + 1);
  REQUIRE_ERRC(parse_and_verify(spec::join(l)), Errc::bad_signature);
}

TEST_CASE("the last block cannot be dropped to widen a token") {
  spec::Layout l = spec::split(three_blocks().to_bytes());
  l.blocks.pop_back();
  REQUIRE_ERRC(parse_and_verify(spec::join(l)), Errc::bad_signature);
}

TEST_CASE("a block spliced in from another token of the same issuer is a bad signature") {
  const spec::Layout mine = spec::split(three_blocks("mine").to_bytes());
  const spec::Layout theirs = spec::split(three_blocks("theirs").to_bytes());
  REQUIRE(spec::hex(mine.blocks[0].signature) != spec::hex(theirs.blocks[0].signature));
  for (std::size_t i = 0; i < 3; ++i) {
    spec::Layout spliced = mine;
    spliced.blocks[i] = theirs.blocks[i];
    INFO("block " << i);
    REQUIRE_ERRC(parse_and_verify(spec::join(spliced)), Errc::bad_signature);
  }
  // Their whole suffix on my root: still refused, the chain names the previous signature.
  spec::Layout suffix = theirs;
  suffix.blocks[0] = mine.blocks[0];
  REQUIRE_ERRC(parse_and_verify(spec::join(suffix)), Errc::bad_signature);
}

TEST_CASE("the proof seed cannot be swapped for another token's") {
  spec::Layout mine = spec::split(three_blocks("mine").to_bytes());
  const spec::Layout theirs = spec::split(three_blocks("theirs").to_bytes());
  mine.tail = theirs.tail;
  REQUIRE_ERRC(parse_and_verify(spec::join(mine)), Errc::bad_signature);
}

TEST_CASE("a sealed token cannot be unsealed by editing its bytes") {
  spec::Layout l = spec::split(three_blocks().seal().to_bytes());
  REQUIRE(l.sealed);
  l.sealed = false;
  l.tail.assign(32, 7);
  REQUIRE_ERRC(parse_and_verify(spec::join(l)), Errc::bad_signature);
  // Nor by keeping the final key and dropping only the seal signature's role.
  spec::Layout keep = spec::split(three_blocks().seal().to_bytes());
  keep.sealed = false;
  keep.tail.resize(32);
  REQUIRE_ERRC(parse_and_verify(spec::join(keep)), Errc::bad_signature);
}

TEST_CASE("a seal signature from another token is a bad signature") {
  spec::Layout mine = spec::split(three_blocks("mine").seal().to_bytes());
  const spec::Layout theirs = spec::split(three_blocks("theirs").seal().to_bytes());
  std::copy(theirs.tail.begin() + 32, theirs.tail.end(), mine.tail.begin() + 32);
  REQUIRE_ERRC(parse_and_verify(spec::join(mine)), Errc::bad_signature);
}

TEST_CASE("an unknown critical caveat is refused at parse before any signature is checked") {
  // Tag 0x09 is not defined in version 1; the signature is all zeros.
  const Bytes b = unsigned_root(root_payload_with({{0x09, {0x01}}}));
  const auto err = mxtest::error_of([&] { parse_bytes(b); });
  REQUIRE(err);
  CHECK(err->code() == Errc::unknown_critical);
  CHECK_THAT(err->what(), Catch::Contains("9"));
  REQUIRE_ERRC(Token::parse(spec::text_of(b)), Errc::unknown_critical);
  REQUIRE_ERRC(parse_bytes(unsigned_root(root_payload_with({{0x7f, {}}}))), Errc::unknown_critical);
}

TEST_CASE("an unknown critical caveat is refused even when correctly signed") {
  const Bytes root = mxtest::root_token(key()).to_bytes();
  const Bytes child = spec::append(root, spec::payload({}, std::nullopt, std::nullopt, {{0x40, {1, 2, 3}}}), spec::seed(9));
  REQUIRE_ERRC(parse_bytes(child), Errc::unknown_critical);
}

TEST_CASE("an unknown informational caveat is listed and ignored") {
  const Bytes b = unsigned_root(root_payload_with({{0x90, {0xde, 0xad}}, {0xa0, {}}}));
  const Token t = parse_bytes(b);
  const auto blocks = t.blocks();
  REQUIRE(blocks.size() == 1);
  CHECK(blocks[0].unknown_tags == std::vector<std::uint8_t>{0x90, 0xa0});
  CHECK(t.claimed_scope().full_account);
  REQUIRE_ERRC(verify(t), Errc::bad_signature);  // unsigned: parse-level behaviour only
}

TEST_CASE("a correctly signed unknown informational caveat does not widen anything") {
  const Token parent = mxtest::root_token(key()).attenuate({.rooms = std::set<std::string>{mxtest::room_a}});
  const Caveats narrow{.actions = ActionSet{Action::read_timeline}};
  const Bytes plain = spec::append(parent.to_bytes(), spec::payload(narrow), spec::seed(9));
  const Bytes tagged = spec::append(parent.to_bytes(), spec::payload(narrow, std::nullopt, std::nullopt, {{0xfe, {0xff}}}),
                                    spec::seed(9));
  const VerifiedToken with_tag = parse_and_verify(tagged);
  const VerifiedToken without = parse_and_verify(plain);
  CHECK(with_tag.token().blocks()[2].unknown_tags == std::vector<std::uint8_t>{0xfe});
  CHECK(with_tag.scope().actions == without.scope().actions);
  CHECK(with_tag.scope().rooms == without.scope().rooms);
  CHECK(with_tag.scope().events == without.scope().events);
}

TEST_CASE("a block that grants the account action or unknown actions gains nothing") {
  // A hostile holder signs a block whose action bits include account (25) and bits no action has.
  const Bytes root = mxtest::root_token(key()).to_bytes();
  const Caveats hostile{.actions = ActionSet{(std::uint64_t{1} << 25) | (std::uint64_t{1} << 40) | 1u}};
  const VerifiedToken v = parse_and_verify(spec::append(root, spec::payload(hostile), spec::seed(9)));
  CHECK(v.scope().actions == ActionSet{Action::read_timeline});
  CHECK_FALSE(v.scope().full_account);
  CHECK_FALSE(authorize(v, {Action::account, {}, {}, {}}));
}

TEST_CASE("malformed caveats are refused at parse") {
  std::vector<std::pair<std::string, Bytes>> cases = {
      {"no user id in the root", spec::payload({.name = "x"})},
      {"a bad user id", spec::payload({}, std::string("alice"))},
      {"repeated tag", [&] {
         Bytes p = spec::payload({}, mxtest::alice);
         const Bytes again = spec::payload({.name = "x"});
         p.insert(p.end(), again.begin(), again.end());
         p.insert(p.end(), again.begin(), again.end());
         return p;
       }()},
      {"tags out of order", [&] {
         Bytes p = spec::payload({.name = "x"});
         const Bytes u = spec::payload({}, mxtest::alice);
         p.insert(p.end(), u.begin(), u.end());
         return p;
       }()},
      {"a common name written in full",
       root_payload_with({{0x05, {2, 0, 14, 'm', '.', 'r', 'o', 'o', 'm', '.', 'm', 'e', 's', 's', 'a', 'g', 'e'}}})},
      {"an unknown common name index", root_payload_with({{0x05, {2, 0, 0, 200}}})},
      {"an event pattern for an action without events", root_payload_with({{0x05, {5, 0, 0, 25}}})},
      {"bad event pattern flags", root_payload_with({{0x05, {2, 2, 0, 1}}})},
      {"a send_message pattern for another type",
       spec::payload({.events = std::vector<EventPattern>{{Action::send_message, "m.reaction", std::nullopt}}}, mxtest::alice)},
      {"a send_message pattern for an app type with a msgtype",
       spec::payload({.events = std::vector<EventPattern>{{Action::send_message, "org.example.app", "m.text"}}}, mxtest::alice)},
      {"a send_event pattern for m.room.message",
       spec::payload({.events = std::vector<EventPattern>{{Action::send_event, "m.room.message", std::nullopt}}}, mxtest::alice)},
      {"a send_event pattern for m.room.message with a msgtype",
       spec::payload({.events = std::vector<EventPattern>{{Action::send_event, "m.room.message", "m.text"}}}, mxtest::alice)},
      {"a send_event pattern for m.room.redaction",
       spec::payload({.events = std::vector<EventPattern>{{Action::send_event, "m.room.redaction", std::nullopt}}}, mxtest::alice)},
      {"rooms out of order", root_payload_with({{0x04, {4, '!', 'b', ':', 'x', 4, '!', 'a', ':', 'x'}}})},
      {"a room id without !", root_payload_with({{0x04, {4, '#', 'b', ':', 'x'}}})},
      {"a non-minimal varint", root_payload_with({{0x07, {0x80, 0x00}}})},
      {"a time past 2^40", root_payload_with({{0x07, {0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40}}})},
      {"an empty name", root_payload_with({{0x08, {}}})},
      {"a name with a control character", root_payload_with({{0x08, {'a', '\n'}}})},
      {"trailing bytes inside a caveat", root_payload_with({{0x07, {0x01, 0x01}}})},
      {"a caveat length past the payload", [&] {
         Bytes p = spec::payload({}, mxtest::alice);
         p.push_back(0x08);
         p.push_back(0x7f);
         p.push_back('n');
         return p;
       }()},
  };
  for (const auto& [what, payload] : cases) {
    INFO(what);
    REQUIRE_ERRC(parse_bytes(unsigned_root(payload)), Errc::malformed_token);
  }
}

TEST_CASE("non-canonical event patterns are refused at parse in any block, even correctly signed") {
  // One way to say each thing: m.room.message is sent through send_message and redactions through
  // redact, so no pattern can dodge the msgtype limits or the redact action.
  const Bytes root = mxtest::root_token(key()).to_bytes();
  const std::vector<EventPattern> refused{{Action::send_message, "m.reaction", std::nullopt},
                                          {Action::send_event, "m.room.message", std::nullopt},
                                          {Action::send_event, "m.room.redaction", std::nullopt}};
  for (const EventPattern& p : refused) {
    INFO(action_name(p.action) << " " << p.type);
    const Caveats c{.actions = ActionSet{p.action}, .events = std::vector<EventPattern>{p}};
    REQUIRE_ERRC(parse_bytes(spec::append(root, spec::payload(c), spec::seed(9))), Errc::malformed_token);
    REQUIRE_ERRC(parse_bytes(spec::mint(spec::seed(1), spec::payload(c, mxtest::alice), spec::seed(9))),
                 Errc::malformed_token);
  }
  // The canonical forms parse, and "*" is any type for both actions.
  for (const EventPattern& p : std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.text"},
                                                         {Action::send_message, "*", std::nullopt},
                                                         {Action::send_event, "*", std::nullopt},
                                                         {Action::send_event, "m.room.encrypted", std::nullopt},
                                                         {Action::read_timeline, "m.room.redaction", std::nullopt},
                                                         {Action::send_to_device, "m.room.message", std::nullopt}}) {
    INFO(action_name(p.action) << " " << p.type);
    const Caveats c{.actions = ActionSet{p.action}, .events = std::vector<EventPattern>{p}};
    CHECK_NOTHROW(parse_and_verify(spec::append(root, spec::payload(c), spec::seed(9))));
  }
}

TEST_CASE("a correctly signed block whose patterns name nothing for an allowed action allows none of it") {
  // Minting refuses such a block; a holder who signs one anyway gains nothing by it.
  const Bytes root = mxtest::root_token(key()).to_bytes();
  const Caveats c{.events = std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.text"}}};
  const VerifiedToken v = parse_and_verify(spec::append(root, spec::payload(c), spec::seed(9)));
  CHECK(authorize(v, {Action::send_message, mxtest::room_a, "m.room.message", "m.text"}).allowed);
  CHECK(authorize(v, {Action::send_event, mxtest::room_a, "m.reaction", std::nullopt}).reason == Reason::event_not_allowed);
  CHECK(authorize(v, {Action::send_state, mxtest::room_a, "m.room.topic", ""}).reason == Reason::event_not_allowed);
  CHECK(authorize(v, {Action::read_timeline, mxtest::room_a, std::nullopt, std::nullopt}).reason == Reason::event_not_allowed);
  CHECK(authorize(v, {Action::invite, mxtest::room_a, {}, {}}).allowed);  // not event-bearing
}

TEST_CASE("only the root block may name the user or device") {
  const Bytes root = mxtest::root_token(key()).to_bytes();
  REQUIRE_ERRC(parse_bytes(spec::append(root, spec::payload({}, std::string("@mallory:example.org")), spec::seed(9))),
               Errc::malformed_token);
  REQUIRE_ERRC(parse_bytes(spec::append(root, spec::payload({}, std::nullopt, std::string("DEV")), spec::seed(9))),
               Errc::malformed_token);
}

TEST_CASE("random bytes never crash the parser and never verify") {
  std::mt19937 rng(20260501);
  const Bytes valid = three_blocks().to_bytes();
  for (int i = 0; i < 3000; ++i) {
    Bytes b;
    if (i % 2 == 0) {  // noise with a plausible start
      b.resize(rng() % 600);
      for (auto& x : b) x = static_cast<std::uint8_t>(rng());
      if (b.size() > 2) b[0] = 1, b[1] &= 0x9f;
    } else {  // a valid token with a few random bytes overwritten
      b = valid;
      for (int k = 0; k < 3; ++k) b[rng() % b.size()] = static_cast<std::uint8_t>(rng());
      if (b == valid) continue;
    }
    std::optional<Token> t;
    if (mxtest::error_of([&] { t = parse_bytes(b); })) continue;
    INFO("case " << i);
    REQUIRE(mxtest::error_of([&] { verify(*t); }).has_value());
  }
}
