#include "mxscope/keys.hpp"

#include <sodium.h>

#include <cstring>

#include "crypto.hpp"
#include "mxscope/error.hpp"

namespace mxscope {

using namespace detail;

namespace {
constexpr std::string_view public_prefix = "mxpk1_";
constexpr std::string_view secret_prefix = "mxsk1_";

KeyId key_id_of(const PublicKeyBytes& pk) {
  std::uint8_t h[16];
  blake2b(h, sizeof h, pk.data(), pk.size());
  KeyId id{};
  std::memcpy(id.data(), h, id.size());
  return id;
}
}  // namespace

// ---- SecretBytes ----
SecretBytes::SecretBytes(std::size_t size) : bytes_(size, 0) {}
SecretBytes::SecretBytes(const std::uint8_t* data, std::size_t size) : bytes_(data, data + size) {}
SecretBytes::SecretBytes(const SecretBytes& other) : bytes_(other.bytes_) {}
SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }
SecretBytes& SecretBytes::operator=(const SecretBytes& other) {
  if (this != &other) {
    wipe();
    bytes_ = other.bytes_;
  }
  return *this;
}
SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}
SecretBytes::~SecretBytes() { wipe(); }
void SecretBytes::wipe() noexcept {
  if (!bytes_.empty()) sodium_memzero(bytes_.data(), bytes_.size());
}
bool SecretBytes::equals(const SecretBytes& other) const noexcept {
  return bytes_.size() == other.bytes_.size() &&
         (bytes_.empty() || sodium_memcmp(bytes_.data(), other.bytes_.data(), bytes_.size()) == 0);
}

// ---- PublicKey ----
PublicKey::PublicKey(const PublicKeyBytes& bytes) : bytes_(bytes), id_(key_id_of(bytes)) {}

PublicKey PublicKey::from_text(std::string_view text) {
  Bytes raw;
  if (!text.starts_with(public_prefix) || !base64url_decode(text.substr(public_prefix.size()), raw) ||
      raw.size() != public_key_bytes) {
    throw Error(Errc::invalid_argument, "not a public key: expected mxpk1_ followed by 43 base64url characters");
  }
  PublicKeyBytes b{};
  std::memcpy(b.data(), raw.data(), b.size());
  return PublicKey(b);
}

std::string PublicKey::to_text() const {
  return std::string(public_prefix) + base64url_encode(bytes_.data(), bytes_.size());
}

std::string PublicKey::id_hex() const { return hex_encode(id_.data(), id_.size()); }

// ---- IssuerKey ----
IssuerKey IssuerKey::generate() {
  SecretBytes seed(secret_seed_bytes);
  random_bytes(seed.data(), seed.size());
  return from_seed(seed);
}

IssuerKey IssuerKey::from_seed(const SecretBytes& seed) {
  if (seed.size() != secret_seed_bytes) throw Error(Errc::invalid_argument, "an issuer key seed is 32 bytes");
  KeyPair kp = keypair_from_seed(seed.data());
  return IssuerKey(seed, PublicKey(kp.pk));
}

IssuerKey IssuerKey::from_text(std::string_view text) {
  Bytes raw;
  const bool ok = text.starts_with(secret_prefix) && base64url_decode(text.substr(secret_prefix.size()), raw) &&
                  raw.size() == secret_seed_bytes + 4;
  if (!ok) {
    if (!raw.empty()) sodium_memzero(raw.data(), raw.size());
    throw Error(Errc::invalid_argument, "not a secret key: expected mxsk1_ followed by 48 base64url characters");
  }
  const std::uint32_t want = crc32(raw.data(), secret_seed_bytes);
  const std::uint32_t got = std::uint32_t(raw[32]) << 24 | std::uint32_t(raw[33]) << 16 |
                            std::uint32_t(raw[34]) << 8 | std::uint32_t(raw[35]);
  SecretBytes seed(raw.data(), secret_seed_bytes);
  sodium_memzero(raw.data(), raw.size());
  if (want != got) throw Error(Errc::bad_checksum, "secret key checksum does not match: the key text is damaged");
  return from_seed(seed);
}

SecretBytes IssuerKey::to_text() const {
  std::uint8_t raw[secret_seed_bytes + 4];
  std::memcpy(raw, seed_.data(), secret_seed_bytes);
  const std::uint32_t c = crc32(raw, secret_seed_bytes);
  raw[32] = std::uint8_t(c >> 24), raw[33] = std::uint8_t(c >> 16), raw[34] = std::uint8_t(c >> 8), raw[35] = std::uint8_t(c);
  std::string text = std::string(secret_prefix) + base64url_encode(raw, sizeof raw);
  sodium_memzero(raw, sizeof raw);
  SecretBytes out(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  sodium_memzero(text.data(), text.size());
  return out;
}

// ---- TrustedKeys ----
TrustedKeys::TrustedKeys(std::initializer_list<PublicKey> keys) {
  for (const auto& k : keys) add(k);
}
void TrustedKeys::add(const PublicKey& key) { keys_.insert_or_assign(key.id(), key); }
bool TrustedKeys::remove(const KeyId& id) { return keys_.erase(id) > 0; }
std::optional<PublicKey> TrustedKeys::find(const KeyId& id) const {
  auto it = keys_.find(id);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

}  // namespace mxscope
