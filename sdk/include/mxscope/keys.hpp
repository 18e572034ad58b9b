/// @file
/// mxscope — issuer keys (Ed25519) and the trusted-key set a verifier uses.
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

/// @name Byte sizes, as named constants (libsodium style).
/// @{
inline constexpr std::size_t public_key_bytes = 32;   ///< an Ed25519 public key
inline constexpr std::size_t secret_seed_bytes = 32;  ///< an Ed25519 seed: an issuer's whole secret
inline constexpr std::size_t signature_bytes = 64;    ///< an Ed25519 signature
inline constexpr std::size_t key_id_bytes = 4;        ///< a key id (see KeyId)
/// @}

/// The raw bytes of an Ed25519 public key.
using PublicKeyBytes = std::array<std::uint8_t, public_key_bytes>;
/// Names an issuer key inside a token: the first 4 bytes of BLAKE2b-128 of the public key.
/// A lookup hint, not an identity: the signature check decides.
using KeyId = std::array<std::uint8_t, key_id_bytes>;

/// Secret bytes that are wiped (sodium_memzero) when destroyed and that never print.
/// Copying is allowed (each copy wipes itself); there is deliberately no stream operator.
class SecretBytes {
 public:
  /// Empty (size 0).
  SecretBytes() = default;
  /// `size` zero bytes, to be filled through data().
  explicit SecretBytes(std::size_t size);
  /// Copies `size` bytes from `data`; the caller still owns (and should wipe) its buffer.
  SecretBytes(const std::uint8_t* data, std::size_t size);
  /// Deep copy; each copy wipes itself.
  SecretBytes(const SecretBytes& other);
  /// Takes `other`'s bytes and leaves it empty.
  SecretBytes(SecretBytes&& other) noexcept;
  /// Wipes the current bytes, then copies `other`'s.
  SecretBytes& operator=(const SecretBytes& other);
  /// Wipes the current bytes, takes `other`'s and leaves it empty.
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  /// Wipes the bytes.
  ~SecretBytes();

  /// The bytes; the pointer is valid until this object is assigned to, moved from or destroyed.
  std::uint8_t* data() noexcept { return bytes_.data(); }
  /// The bytes (read-only); same lifetime as the non-const overload.
  const std::uint8_t* data() const noexcept { return bytes_.data(); }
  /// Length in bytes.
  std::size_t size() const noexcept { return bytes_.size(); }
  /// Constant-time comparison (of the contents; different sizes compare unequal).
  bool equals(const SecretBytes& other) const noexcept;

 private:
  void wipe() noexcept;
  std::vector<std::uint8_t> bytes_;
};

/// An issuer's public key, with its key id (the first 4 bytes of BLAKE2b-128 of the key).
/// Safe to publish: it lets anyone verify tokens, never mint them.
class PublicKey {
 public:
  /// From the 32 raw key bytes; computes the key id. The bytes are not checked to be a valid
  /// curve point: a bad key simply never verifies anything.
  explicit PublicKey(const PublicKeyBytes& bytes);
  /// Parses the text form `mxpk1_<base64url>`. Throws Error(invalid_argument).
  static PublicKey from_text(std::string_view text);
  /// The text form `mxpk1_<base64url of the 32 key bytes>`.
  std::string to_text() const;
  /// The 32 raw key bytes.
  const PublicKeyBytes& bytes() const noexcept { return bytes_; }
  /// The key id tokens carry to name this key.
  const KeyId& id() const noexcept { return id_; }
  /// The key id as 8 lowercase hex characters.
  std::string id_hex() const;
  /// Equal when the key bytes are equal.
  bool operator==(const PublicKey& other) const noexcept { return bytes_ == other.bytes_; }

 private:
  PublicKeyBytes bytes_;
  KeyId id_;
};

/// An issuer's signing key. Only the party that mints root tokens holds one.
/// The seed lives in SecretBytes (wiped on destruction); copies are independent.
class IssuerKey {
 public:
  /// A fresh random key.
  static IssuerKey generate();
  /// A key from a 32-byte seed (for deterministic tests and for import).
  /// Throws Error(invalid_argument) if `seed` is not secret_seed_bytes long.
  static IssuerKey from_seed(const SecretBytes& seed);
  /// Parses the secret text form `mxsk1_<base64url(seed || crc32)>`. Throws Error(invalid_argument)
  /// for a wrong prefix, alphabet or length, and Error(bad_checksum) when the text is damaged.
  static IssuerKey from_text(std::string_view text);
  /// Exports the secret in text form. Treat the result as a password.
  /// It is returned as SecretBytes (the ASCII text, not NUL-terminated) so that it is wiped.
  SecretBytes to_text() const;

  /// The public half, for verifiers (TrustedKeys).
  const PublicKey& public_key() const noexcept { return public_; }
  /// The key id root tokens minted with this key carry; same as `public_key().id()`.
  const KeyId& id() const noexcept { return public_.id(); }

  /// Internal use: the 32-byte seed. Not part of the stable API; export with to_text().
  const SecretBytes& seed() const noexcept { return seed_; }

 private:
  IssuerKey(SecretBytes seed, PublicKey pub) : seed_(std::move(seed)), public_(pub) {}
  SecretBytes seed_;
  PublicKey public_;
};

/// The public keys a verifier accepts, looked up by key id.
class TrustedKeys {
 public:
  /// Trusts no key: every token fails with Error(unknown_key).
  TrustedKeys() = default;
  /// Trusts each of `keys` (as by add()).
  TrustedKeys(std::initializer_list<PublicKey> keys);
  /// Trusts `key`, replacing any trusted key with the same id.
  void add(const PublicKey& key);
  /// Removes a key (key rotation). Returns whether it was present.
  bool remove(const KeyId& id);
  /// The key with that id, if trusted.
  std::optional<PublicKey> find(const KeyId& id) const;
  /// Number of trusted keys.
  std::size_t size() const noexcept { return keys_.size(); }

 private:
  std::map<KeyId, PublicKey> keys_;
};

}  // namespace mxscope
