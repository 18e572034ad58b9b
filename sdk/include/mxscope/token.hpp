/// @file
/// mxscope — tokens: mint, attenuate, seal, parse, serialise, inspect, verify.
///
/// Two types keep the security states apart: a `Token` has only been parsed (anyone could have
/// made it up), a `VerifiedToken` has passed signature, key, revocation and time checks. Only the
/// latter can be authorised (see authorize.hpp). docs/token-format.md is the specification.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mxscope/keys.hpp"
#include "mxscope/revocation.hpp"
#include "mxscope/scope.hpp"

namespace mxscope {

/// The text prefix of every token (format version 1). Secret scanners can match `mxs1_[A-Za-z0-9_-]+`.
inline constexpr std::string_view token_prefix = "mxs1_";
/// Format version byte carried in every token. Independent of the library version (version()).
inline constexpr std::uint8_t token_format_version = 1;
/// @name Hostile-input limits, checked before anything else.
/// @{
inline constexpr std::size_t max_token_bytes = 8192;  ///< largest binary form parsed or produced (Errc::too_large)
inline constexpr std::size_t max_blocks = 32;         ///< most blocks in one token, root included (Errc::too_large)
/// @}

/// What the root block says about the login it was issued to.
struct RootClaims {
  std::string user_id;                   ///< e.g. "@alice:example.org" (required)
  std::optional<std::string> device_id;  ///< the device (login) the root belongs to
  Caveats caveats;                       ///< optional restrictions on the root itself (expiry, name, ...)
};

/// One block as seen by `Token::blocks()`.
struct BlockView {
  std::size_t index;  ///< position in the chain; 0 is the root block
  Caveats caveats;    ///< the restrictions this block adds, as carried (NOT verified)
  std::vector<std::uint8_t> unknown_tags;  ///< non-critical caveat tags this build ignored
  RevocationId revocation_id;  ///< revoking it rejects this block's token and every token made from it
};

struct VerifyOptions;
class VerifiedToken;

/// A parsed, NOT verified token. Use it to inspect, serialise, attenuate or seal; verify it to
/// authorise anything. Immutable: attenuate/seal return new tokens.
/// Copies are cheap and share the immutable state. An unsealed token carries the secret that
/// lets its holder attenuate it: treat token text like a password.
class Token {
 public:
  /// Mints a root token for a login, signed by the issuer key. Without an actions, rooms or
  /// events caveat in `claims.caveats` it is a full-account root. Throws Error(invalid_argument) for a bad user
  /// id (`@local:server`, at most 255 bytes), device id (1..255 bytes) or caveat value (see
  /// Caveats), Error(scope_too_broad) if the caveats name Action::account, Error(too_large).
  static Token mint(const IssuerKey& issuer, const RootClaims& claims);

  /// Parses the text form (`mxs1_...`). Throws Error: malformed_token, bad_checksum,
  /// unsupported_version, unknown_critical, too_large.
  static Token parse(std::string_view text);
  /// Parses the binary form (no prefix, no checksum). Same errors as `parse`.
  static Token from_bytes(const std::uint8_t* data, std::size_t size);
  /// Parses the binary form held in `bytes`. Same errors as `parse`.
  static Token from_bytes(const std::vector<std::uint8_t>& bytes) { return from_bytes(bytes.data(), bytes.size()); }

  /// The text form: `mxs1_` + base64url(binary || crc32), no padding.
  std::string to_text() const;
  /// The binary form.
  std::vector<std::uint8_t> to_bytes() const;

  /// Offline attenuation: a new token with one more block carrying `caveats`.
  /// Throws Error(token_sealed) for a sealed token and Error(scope_too_broad) naming what was
  /// too broad if `caveats` asks for an action, room, event type or time outside this token's scope.
  /// Also Error(invalid_argument) for a bad caveat value (see Caveats) and Error(too_large) at
  /// max_blocks blocks or max_token_bytes bytes. The check is against the claimed scope: the
  /// new block can never widen what verification allows anyway.
  Token attenuate(const Caveats& caveats) const;
  /// A sealed copy: it verifies as before but can no longer be attenuated. Sealing a sealed
  /// token returns it unchanged.
  Token seal() const;

  /// Whether the token is sealed (attenuate() throws Error(token_sealed)).
  bool sealed() const noexcept;
  /// Number of blocks, root included: 1..max_blocks.
  std::size_t block_count() const noexcept;
  /// Id of the issuer key the root block names (NOT verified).
  const KeyId& key_id() const noexcept;
  /// The account the root block names (NOT verified; use VerifiedToken::user_id() to act on it).
  const std::string& user_id() const noexcept;
  /// The device (login) the root block names, if any (NOT verified).
  const std::optional<std::string>& device_id() const noexcept;
  /// Every block's caveats and revocation id (for inspection; NOT verified).
  std::vector<BlockView> blocks() const;
  /// Revocation ids, root first: revoking any of them rejects this token and every token made from it.
  std::vector<RevocationId> revocation_ids() const;
  /// The scope the blocks claim (NOT verified; for display before verifying, and for attenuation).
  Scope claimed_scope() const;

  /// Verifies signatures against `keys`, then revocation and time. Throws Error: unknown_key,
  /// bad_signature, token_revoked, token_expired, token_not_yet_valid.
  VerifiedToken verify(const TrustedKeys& keys, const VerifyOptions& options) const;

  /// Internal: the in-memory representation, defined in the library. Not part of the stable API.
  struct Impl;
  /// Internal: wraps a representation built by the library. Not part of the stable API.
  explicit Token(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  /// Internal: the representation. Not part of the stable API.
  const Impl& impl() const noexcept { return *impl_; }

 private:
  std::shared_ptr<const Impl> impl_;
};

class VerifiedChainCache;

/// Inputs to verification that change from call to call.
struct VerifyOptions {
  std::int64_t now = 0;                       ///< unix seconds, from the caller's clock
  std::int64_t clock_skew = 30;               ///< seconds of tolerance on not-before and not-after
  const RevocationSet* revoked = nullptr;     ///< ids to refuse (nullptr = none); not owned
  VerifiedChainCache* cache = nullptr;        ///< optional: skip signature checks of chains seen before; not owned
};

/// A token whose signatures, key, revocation and time window have been checked.
/// Only the library creates one (Token::verify, VerifiedChainCache::verify_text). It records a
/// check at one moment: it does not expire or notice revocation by itself.
class VerifiedToken {
 public:
  /// The token that was verified.
  const Token& token() const noexcept { return token_; }
  /// The effective scope: the intersection of every block.
  const Scope& scope() const noexcept { return scope_; }
  /// The account the token acts for (signed by a trusted issuer key).
  const std::string& user_id() const noexcept { return token_.user_id(); }
  /// The innermost name, if any.
  const std::optional<std::string>& name() const noexcept { return scope_.name; }
  /// When verification happened (the `now` it was given).
  std::int64_t verified_at() const noexcept { return verified_at_; }

 private:
  friend class Token;
  friend class VerifiedChainCache;
  VerifiedToken(Token token, Scope scope, std::int64_t at)
      : token_(std::move(token)), scope_(std::move(scope)), verified_at_(at) {}
  Token token_;
  Scope scope_;
  std::int64_t verified_at_;
};

/// Remembers chains whose signatures verified, keyed by the exact token bytes, so verifying the
/// same token again costs a lookup. Revocation and time are still checked on every call.
/// Bounded: when full, it forgets everything and starts again. Not thread-safe.
class VerifiedChainCache {
 public:
  /// Remembers at most `capacity` tokens by binary form (Token::verify) and as many by text
  /// (verify_text); 0 counts as 1.
  explicit VerifiedChainCache(std::size_t capacity = 4096);
  /// Frees every entry.
  ~VerifiedChainCache();
  VerifiedChainCache(const VerifiedChainCache&) = delete;
  VerifiedChainCache& operator=(const VerifiedChainCache&) = delete;
  /// Entries held now, by binary form and by text together.
  std::size_t size() const noexcept;
  /// Forgets every entry.
  void clear() noexcept;
  /// Verifies a token from its text form, using the cache for the parse and the signatures.
  /// Same errors as Token::parse and Token::verify; `options.cache` is ignored.
  VerifiedToken verify_text(std::string_view text, const TrustedKeys& keys, const VerifyOptions& options);

  /// Internal: the cache's storage, defined in the library. Not part of the stable API.
  struct Impl;
  /// Internal: the storage. Not part of the stable API.
  Impl& impl() noexcept { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mxscope
