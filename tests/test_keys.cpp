// Issuer keys, their text forms, key ids and the trusted-key set.
#include <sodium.h>

#include <string>

#include "spec_format.hpp"
#include "support.hpp"

using namespace mxscope;

namespace {
std::string text_of(const SecretBytes& s) { return std::string(reinterpret_cast<const char*>(s.data()), s.size()); }
}  // namespace

TEST_CASE("a generated issuer key survives export and import of its secret text") {
  const IssuerKey key = IssuerKey::generate();
  const std::string text = text_of(key.to_text());
  CHECK(text.starts_with("mxsk1_"));
  CHECK(text.size() == 6 + 48);  // base64url of 32 seed bytes + 4 checksum bytes

  const IssuerKey back = IssuerKey::from_text(text);
  CHECK(back.public_key() == key.public_key());
  CHECK(back.seed().equals(key.seed()));
  // The imported key mints tokens the original key's public half accepts.
  const Token t = mxtest::root_token(back);
  CHECK_NOTHROW(mxtest::verify_at(t, key));
}

TEST_CASE("two generated issuer keys differ") {
  CHECK_FALSE(IssuerKey::generate().public_key() == IssuerKey::generate().public_key());
}

TEST_CASE("a public key survives its mxpk1_ text form") {
  const IssuerKey key = mxtest::issuer(7);
  const std::string text = key.public_key().to_text();
  CHECK(text.starts_with("mxpk1_"));
  CHECK(text.size() == 6 + 43);
  const PublicKey back = PublicKey::from_text(text);
  CHECK(back == key.public_key());
  CHECK(back.id() == key.id());
}

TEST_CASE("a damaged secret key text is reported as a bad checksum, not as a different key") {
  const std::string text = text_of(mxtest::issuer(3).to_text());
  // Replace each character after the prefix by another base64url character.
  for (std::size_t i = 6; i < text.size(); ++i) {
    std::string damaged = text;
    damaged[i] = damaged[i] == 'A' ? 'B' : 'A';
    INFO("position " << i);
    REQUIRE_ERRC(IssuerKey::from_text(damaged), Errc::bad_checksum);
  }
}

TEST_CASE("secret and public key texts with the wrong shape are invalid arguments") {
  const std::string secret = text_of(mxtest::issuer(3).to_text());
  const std::string pub = mxtest::issuer(3).public_key().to_text();
  REQUIRE_ERRC(IssuerKey::from_text("mxpk1_" + secret.substr(6)), Errc::invalid_argument);
  REQUIRE_ERRC(IssuerKey::from_text(secret.substr(0, secret.size() - 4)), Errc::invalid_argument);
  REQUIRE_ERRC(IssuerKey::from_text(secret + "AAAA"), Errc::invalid_argument);
  REQUIRE_ERRC(IssuerKey::from_text(secret.substr(0, 20) + "=" + secret.substr(21)), Errc::invalid_argument);
  REQUIRE_ERRC(IssuerKey::from_text(""), Errc::invalid_argument);
  REQUIRE_ERRC(PublicKey::from_text(pub.substr(0, pub.size() - 1)), Errc::invalid_argument);
  REQUIRE_ERRC(PublicKey::from_text("mxsk1_" + pub.substr(6)), Errc::invalid_argument);
  REQUIRE_ERRC(PublicKey::from_text(pub + "A"), Errc::invalid_argument);
}

TEST_CASE("an issuer key seed must be 32 bytes") {
  const std::uint8_t bytes[33] = {};
  REQUIRE_ERRC(IssuerKey::from_seed(SecretBytes(bytes, 31)), Errc::invalid_argument);
  REQUIRE_ERRC(IssuerKey::from_seed(SecretBytes(bytes, 33)), Errc::invalid_argument);
}

TEST_CASE("a key id is the first 4 bytes of BLAKE2b-128 of the public key and is stable") {
  const IssuerKey a = mxtest::issuer(9);
  const IssuerKey again = mxtest::issuer(9);
  CHECK(a.id() == again.id());
  CHECK(a.id().size() == key_id_bytes);
  CHECK(key_id_bytes == 4);

  spec::Key pk;
  std::copy(a.public_key().bytes().begin(), a.public_key().bytes().end(), pk.begin());
  const auto expected = spec::key_id_of(pk);
  CHECK(std::equal(expected.begin(), expected.end(), a.id().begin()));
  CHECK(a.public_key().id_hex() == spec::hex(expected));
  CHECK_FALSE(mxtest::issuer(10).id() == a.id());
}

TEST_CASE("an issuer key from a seed is the Ed25519 key of that seed") {
  const IssuerKey a = mxtest::issuer(5);
  const spec::Key pk = spec::public_of(spec::seed(5));
  CHECK(std::equal(pk.begin(), pk.end(), a.public_key().bytes().begin()));
}

TEST_CASE("trusted keys can be added, found and removed by key id") {
  const IssuerKey a = mxtest::issuer(1);
  const IssuerKey b = mxtest::issuer(2);
  TrustedKeys keys;
  CHECK(keys.size() == 0);
  CHECK_FALSE(keys.find(a.id()).has_value());

  keys.add(a.public_key());
  keys.add(a.public_key());  // adding twice keeps one entry
  keys.add(b.public_key());
  CHECK(keys.size() == 2);
  REQUIRE(keys.find(a.id()).has_value());
  CHECK(*keys.find(a.id()) == a.public_key());
  CHECK(*keys.find(b.id()) == b.public_key());

  CHECK(keys.remove(a.id()));
  CHECK_FALSE(keys.remove(a.id()));
  CHECK_FALSE(keys.find(a.id()).has_value());
  CHECK(keys.find(b.id()).has_value());
  CHECK(keys.size() == 1);

  const TrustedKeys listed{a.public_key(), b.public_key()};
  CHECK(listed.size() == 2);
}

TEST_CASE("secret bytes compare by content") {
  const std::uint8_t x[4] = {1, 2, 3, 4};
  const std::uint8_t y[4] = {1, 2, 3, 5};
  const SecretBytes a(x, 4), same(x, 4), other(y, 4), shorter(x, 3);
  CHECK(a.equals(same));
  CHECK_FALSE(a.equals(other));
  CHECK_FALSE(a.equals(shorter));
  CHECK(SecretBytes().equals(SecretBytes()));

  SecretBytes copy = a;
  CHECK(copy.equals(a));
  SecretBytes moved = std::move(copy);
  CHECK(moved.equals(a));
  SecretBytes assigned;
  assigned = other;
  CHECK(assigned.equals(other));
  CHECK(SecretBytes(8).size() == 8);
}
