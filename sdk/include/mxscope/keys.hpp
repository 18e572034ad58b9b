// mxscope — issuer keys (Ed25519) and the trusted-key set a verifier uses.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mxscope {

/// Byte sizes, as named constants (libsodium style).
inline constexpr std::size_t public_key_bytes = 32;
inline constexpr std::size_t secret_seed_bytes = 32;
inline constexpr std::size_t signature_bytes = 64;
inline constexpr std::size_t key_id_bytes = 4;

using PublicKeyBytes = std::array<std::uint8_t, public_key_bytes>;
using KeyId = std::array<std::uint8_t, key_id_bytes>;

/// Secret bytes that are wiped (sodium_memzero) when destroyed and that never print.
/// Copying is allowed (each copy wipes itself); there is deliberately no stream operator.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t size);
  SecretBytes(const std::uint8_t* data, std::size_t size);
  SecretBytes(const SecretBytes& other);
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(const SecretBytes& other);
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes();

  std::uint8_t* data() noexcept { return bytes_.data(); }
  const std::uint8_t* data() const noexcept { return bytes_.data(); }
  std::size_t size() const noexcept { return bytes_.size(); }
  /// Constant-time comparison.
  bool equals(const SecretBytes& other) const noexcept;

 private:
  void wipe() noexcept;
  std::vector<std::uint8_t> bytes_;
};

/// An issuer's public key, with its key id (the first 4 bytes of BLAKE2b-128 of the key).
class PublicKey {
 public:
  explicit PublicKey(const PublicKeyBytes& bytes);
  /// Parses the text form `mxpk1_<base64url>`. Throws Error(invalid_argument).
  static PublicKey from_text(std::string_view text);
  /// The text form `mxpk1_<base64url of the 32 key bytes>`.
  std::string to_text() const;
  const PublicKeyBytes& bytes() const noexcept { return bytes_; }
  const KeyId& id() const noexcept { return id_; }
  /// The key id as 8 lowercase hex characters.
  std::string id_hex() const;
  bool operator==(const PublicKey& other) const noexcept { return bytes_ == other.bytes_; }

 private:
  PublicKeyBytes bytes_;
  KeyId id_;
};

/// An issuer's signing key. Only the party that mints root tokens holds one.
class IssuerKey {
 public:
  /// A fresh random key.
  static IssuerKey generate();
  /// A key from a 32-byte seed (for deterministic tests and for import).
  static IssuerKey from_seed(const SecretBytes& seed);
  /// Parses the secret text form `mxsk1_<base64url(seed || crc32)>`. Throws Error(invalid_argument).
  static IssuerKey from_text(std::string_view text);
  /// Exports the secret in text form. Treat the result as a password.
  SecretBytes to_text() const;

  const PublicKey& public_key() const noexcept { return public_; }
  const KeyId& id() const noexcept { return public_.id(); }

  /// Internal use: the 32-byte seed.
  const SecretBytes& seed() const noexcept { return seed_; }

 private:
  IssuerKey(SecretBytes seed, PublicKey pub) : seed_(std::move(seed)), public_(pub) {}
  SecretBytes seed_;
  PublicKey public_;
};

/// The public keys a verifier accepts, looked up by key id.
class TrustedKeys {
 public:
  TrustedKeys() = default;
  TrustedKeys(std::initializer_list<PublicKey> keys);
  void add(const PublicKey& key);
  /// Removes a key (key rotation). Returns whether it was present.
  bool remove(const KeyId& id);
  /// The key with that id, if trusted.
  std::optional<PublicKey> find(const KeyId& id) const;
  std::size_t size() const noexcept { return keys_.size(); }

 private:
  std::map<KeyId, PublicKey> keys_;
};

}  // namespace mxscope
