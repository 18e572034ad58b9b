// mxscope — tokens: mint, attenuate, seal, parse, serialise, inspect, verify.
//
// Two types keep the security states apart: a `Token` has only been parsed (anyone could have
// made it up), a `VerifiedToken` has passed signature, key, revocation and time checks. Only the
// latter can be authorised (see authorize.hpp). docs/token-format.md is the specification.
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
/// Format version byte carried in every token.
inline constexpr std::uint8_t token_format_version = 1;
/// Hostile-input limits, checked before anything else.
inline constexpr std::size_t max_token_bytes = 8192;
inline constexpr std::size_t max_blocks = 32;

/// What the root block says about the login it was issued to.
struct RootClaims {
  std::string user_id;                   ///< e.g. "@alice:example.org" (required)
  std::optional<std::string> device_id;  ///< the device (login) the root belongs to
  Caveats caveats;                       ///< optional restrictions on the root itself (expiry, name, ...)
};

/// One block as seen by `Token::blocks()`.
struct BlockView {
  std::size_t index;
  Caveats caveats;
  std::vector<std::uint8_t> unknown_tags;  ///< non-critical caveat tags this build ignored
  RevocationId revocation_id;
};

struct VerifyOptions;
class VerifiedToken;

/// A parsed, NOT verified token. Use it to inspect, serialise, attenuate or seal; verify it to
/// authorise anything. Immutable: attenuate/seal return new tokens.
class Token {
 public:
  /// Mints a root token for a login, signed by the issuer key.
  static Token mint(const IssuerKey& issuer, const RootClaims& claims);

  /// Parses the text form (`mxs1_...`). Throws Error: malformed_token, bad_checksum,
  /// unsupported_version, unknown_critical, too_large.
  static Token parse(std::string_view text);
  /// Parses the binary form (no prefix, no checksum). Same errors as `parse`.
  static Token from_bytes(const std::uint8_t* data, std::size_t size);
  static Token from_bytes(const std::vector<std::uint8_t>& bytes) { return from_bytes(bytes.data(), bytes.size()); }

  /// The text form: `mxs1_` + base64url(binary || crc32), no padding.
  std::string to_text() const;
  /// The binary form.
  std::vector<std::uint8_t> to_bytes() const;

  /// Offline attenuation: a new token with one more block carrying `caveats`.
  /// Throws Error(token_sealed) for a sealed token and Error(scope_too_broad) naming what was
  /// too broad if `caveats` asks for an action, room, event type or time outside this token's scope.
  Token attenuate(const Caveats& caveats) const;
  /// A sealed copy: it verifies as before but can no longer be attenuated.
  Token seal() const;

  bool sealed() const noexcept;
  std::size_t block_count() const noexcept;
  const KeyId& key_id() const noexcept;
  const std::string& user_id() const noexcept;
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

  struct Impl;
  explicit Token(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  const Impl& impl() const noexcept { return *impl_; }

 private:
  std::shared_ptr<const Impl> impl_;
};

class VerifiedChainCache;

/// Inputs to verification that change from call to call.
struct VerifyOptions {
  std::int64_t now = 0;                       ///< unix seconds, from the caller's clock
  std::int64_t clock_skew = 30;               ///< seconds of tolerance on not-before and not-after
  const RevocationSet* revoked = nullptr;     ///< ids to refuse (nullptr = none)
  VerifiedChainCache* cache = nullptr;        ///< optional: skip signature checks of chains seen before
};

/// A token whose signatures, key, revocation and time window have been checked.
class VerifiedToken {
 public:
  const Token& token() const noexcept { return token_; }
  /// The effective scope: the intersection of every block.
  const Scope& scope() const noexcept { return scope_; }
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
  explicit VerifiedChainCache(std::size_t capacity = 4096);
  ~VerifiedChainCache();
  VerifiedChainCache(const VerifiedChainCache&) = delete;
  VerifiedChainCache& operator=(const VerifiedChainCache&) = delete;
  std::size_t size() const noexcept;
  void clear() noexcept;
  /// Verifies a token from its text form, using the cache for the parse and the signatures.
  VerifiedToken verify_text(std::string_view text, const TrustedKeys& keys, const VerifyOptions& options);

  struct Impl;
  Impl& impl() noexcept { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mxscope
