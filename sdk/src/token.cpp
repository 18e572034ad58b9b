#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "mxscope/error.hpp"
#include "token_impl.hpp"

namespace mxscope {

using namespace detail;

namespace {
constexpr char block_context[16] = {'m', 'x', 's', 'c', 'o', 'p', 'e', '-', 'b', 'l', 'o', 'c', 'k', '-', 'v', '1'};
constexpr char seal_context[16] = {'m', 'x', 's', 'c', 'o', 'p', 'e', '-', 's', 'e', 'a', 'l', '-', 'v', '1', 0};
constexpr std::uint8_t sealed_flag = 0x80;
constexpr std::size_t crc_bytes = 4;

[[noreturn]] void malformed(const std::string& what) { throw Error(Errc::malformed_token, "malformed token: " + what); }

std::string room_list(const std::set<std::string>& rooms) {
  std::string out;
  for (const auto& r : rooms) out += (out.empty() ? "" : ", ") + r;
  return out.empty() ? "no rooms" : out;
}

std::string pattern_text(const EventPattern& p) {
  std::string s = std::string(action_name(p.action)) + " " + p.type;
  if (p.key) s += "#" + *p.key;
  return s;
}

void check_caveat_values(const Caveats& c) {
  // The same limits the parser enforces, so the SDK never mints a token it would then reject.
  constexpr std::size_t max_list = 64, max_string = 255;
  if (c.rooms && c.rooms->size() > max_list) throw Error(Errc::invalid_argument, "a block names at most 64 rooms");
  if (c.events && c.events->size() > max_list) throw Error(Errc::invalid_argument, "a block has at most 64 event patterns");
  if (c.events)
    for (const auto& e : *c.events)
      if (e.type.size() > max_string || (e.key && e.key->size() > max_string))
        throw Error(Errc::invalid_argument, "event types and keys are at most 255 bytes");
  if (c.rooms)
    for (const auto& r : *c.rooms)
      if (!valid_room_id(r)) throw Error(Errc::invalid_argument, "not a room id (expected !opaque:server): " + r);
  if (c.actions && c.actions->contains(Action::account))
    throw Error(Errc::scope_too_broad, "account actions (password, devices, keys, admin) can never be delegated");
  if (c.events) {
    for (const auto& e : *c.events) {
      if (action_info(e.action).events == EventUse::none || e.type.empty())
        throw Error(Errc::invalid_argument, "event pattern needs an event-bearing action and a type: " + pattern_text(e));
    }
  }
  for (auto t : {c.not_before, c.not_after})
    if (t && (*t < 0 || *t > (std::int64_t{1} << 40))) throw Error(Errc::invalid_argument, "time out of range");
  if (c.not_before && c.not_after && *c.not_before > *c.not_after)
    throw Error(Errc::invalid_argument, "not_before is after not_after");
  if (c.name && (c.name->empty() || c.name->size() > 255))
    throw Error(Errc::invalid_argument, "a name is 1 to 255 bytes");
}

// Whether a new block asks for more than the parent's scope; names the first thing too broad.
// An events caveat restricts every event-bearing action (docs/token-format.md §8), so a block
// that allows such an action but names no pattern for it would silently allow none of it.
// Say so at mint time instead of handing out a token that surprises its user.
void check_patterns_name_allowed_actions(const Scope& parent, const Caveats& c) {
  if (!c.events) return;
  const ActionSet allowed = c.actions ? (*c.actions & parent.actions) : parent.actions;
  std::string missing;
  for (const auto& row : action_table()) {
    if (row.root_only || row.events == EventUse::none || !allowed.contains(row.action)) continue;
    const bool named = std::any_of(c.events->begin(), c.events->end(), [&](const EventPattern& e) { return e.action == row.action; });
    if (!named) missing += (missing.empty() ? "" : ", ") + std::string(row.name);
  }
  if (!missing.empty())
    throw Error(Errc::invalid_argument, "the block's event patterns name nothing for " + missing +
                                            ", so it could do none of it: add a pattern (type \"*\" for any) or leave those actions out");
}

void check_within(const Scope& parent, const Caveats& c) {
  if (c.actions) {
    const ActionSet extra = *c.actions - parent.actions;
    if (!extra.empty()) {
      std::string names;
      for (const auto& row : action_table())
        if (extra.contains(row.action)) names += (names.empty() ? "" : ", ") + std::string(row.name);
      throw Error(Errc::scope_too_broad, "the parent token does not allow: " + names);
    }
  }
  if (c.rooms && parent.rooms) {
    for (const auto& r : *c.rooms)
      if (!parent.rooms->count(r))
        throw Error(Errc::scope_too_broad, "room " + r + " is outside the parent token's rooms (" + room_list(*parent.rooms) + ")");
  }
  if (c.events && parent.events) {
    for (const auto& e : *c.events) {
      const bool covered = std::any_of(parent.events->begin(), parent.events->end(),
                                       [&](const EventPattern& p) { return p.covers(e); });
      if (!covered) throw Error(Errc::scope_too_broad, "event pattern " + pattern_text(e) + " is outside the parent token's events");
    }
  }
  if (parent.not_after && (!c.not_after || *c.not_after > *parent.not_after)) {
    if (c.not_after) throw Error(Errc::scope_too_broad, "expiry is later than the parent token's expiry");
  }
  if (parent.not_before && c.not_before && *c.not_before < *parent.not_before)
    throw Error(Errc::scope_too_broad, "not_before is earlier than the parent token's not_before");
}

// Encodes a block's payload and reads it back the way every verifier will: a value the decoder
// refuses (control characters, strings over 255 bytes, more than 64 rooms or patterns) is refused
// here, instead of producing a token that nobody can parse. Keeps what the decoder keeps (unknown
// action bits are dropped), so the token in memory matches the token parsed from its text.
void encode_block(Token::Impl::Block& b) {
  b.payload = encode_payload(b.decoded);
  try {
    b.decoded = decode_payload(b.payload.data(), b.payload.size());
  } catch (const Error& e) {
    std::string what = e.what();
    if (what.starts_with("malformed token: ")) what.erase(0, 17);
    throw Error(Errc::invalid_argument, "cannot be put in a token: " + what);
  }
}

std::shared_ptr<Token::Impl> copy_for_extension(const Token::Impl& from) {
  auto impl = std::make_shared<Token::Impl>();
  impl->key_id = from.key_id;
  impl->blocks = from.blocks;
  return impl;
}
}  // namespace

namespace detail {

Bytes block_message(std::size_t index, const KeyId& key_id, const Signature* previous, const Bytes& payload,
                    const PublicKeyBytes& next_key) {
  Bytes m;
  m.reserve(16 + 2 + 64 + 3 + payload.size() + 32);
  m.insert(m.end(), block_context, block_context + sizeof block_context);
  m.push_back(token_format_version);
  m.push_back(static_cast<std::uint8_t>(index));
  if (previous) m.insert(m.end(), previous->begin(), previous->end());
  else m.insert(m.end(), key_id.begin(), key_id.end());
  put_varint(m, payload.size());
  m.insert(m.end(), payload.begin(), payload.end());
  m.insert(m.end(), next_key.begin(), next_key.end());
  return m;
}

Bytes seal_message(const Signature& last) {
  Bytes m(seal_context, seal_context + sizeof seal_context);
  m.insert(m.end(), last.begin(), last.end());
  return m;
}

RevocationId revocation_id_of(const Signature& sig) {
  RevocationId id;
  blake2b(id.bytes.data(), id.bytes.size(), sig.data(), sig.size());
  return id;
}

PublicKeyBytes last_next_key(const Token::Impl& impl) {
  if (impl.sealed) return impl.final_key;
  return keypair_from_seed(impl.next_seed.data()).pk;
}

void encode_token(Token::Impl& impl) {
  Bytes& out = impl.bytes;
  out.clear();
  out.push_back(token_format_version);
  out.push_back(static_cast<std::uint8_t>((impl.sealed ? sealed_flag : 0) | (impl.blocks.size() - 1)));
  out.insert(out.end(), impl.key_id.begin(), impl.key_id.end());
  for (const auto& b : impl.blocks) {
    if (b.signer) out.insert(out.end(), b.signer->begin(), b.signer->end());
    put_varint(out, b.payload.size());
    out.insert(out.end(), b.payload.begin(), b.payload.end());
    out.insert(out.end(), b.signature.begin(), b.signature.end());
  }
  if (impl.sealed) {
    out.insert(out.end(), impl.final_key.begin(), impl.final_key.end());
    out.insert(out.end(), impl.seal_sig.begin(), impl.seal_sig.end());
  } else {
    out.insert(out.end(), impl.next_seed.data(), impl.next_seed.data() + impl.next_seed.size());
  }
  if (out.size() > max_token_bytes) throw Error(Errc::too_large, "token would exceed " + std::to_string(max_token_bytes) + " bytes");
}

}  // namespace detail

// ---- mint / attenuate / seal ----

Token Token::mint(const IssuerKey& issuer, const RootClaims& claims) {
  if (!valid_user_id(claims.user_id))
    throw Error(Errc::invalid_argument, "not a Matrix user id (expected @localpart:server): " + claims.user_id);
  if (claims.device_id && (claims.device_id->empty() || claims.device_id->size() > 255))
    throw Error(Errc::invalid_argument, "a device id is 1 to 255 bytes");
  check_caveat_values(claims.caveats);
  check_patterns_name_allowed_actions(Scope::unrestricted(), claims.caveats);

  auto impl = std::make_shared<Impl>();
  impl->key_id = issuer.id();
  Impl::Block b;
  b.decoded.user_id = claims.user_id;
  b.decoded.device_id = claims.device_id;
  b.decoded.caveats = claims.caveats;
  encode_block(b);

  impl->next_seed = SecretBytes(secret_seed_bytes);
  random_bytes(impl->next_seed.data(), impl->next_seed.size());
  const KeyPair next = keypair_from_seed(impl->next_seed.data());
  const KeyPair root = keypair_from_seed(issuer.seed().data());
  b.signature = sign(root.sk, block_message(0, impl->key_id, nullptr, b.payload, next.pk));
  b.revocation_id = revocation_id_of(b.signature);
  impl->blocks.push_back(std::move(b));
  encode_token(*impl);
  return Token(impl);
}

Token Token::attenuate(const Caveats& caveats) const {
  if (impl_->sealed) throw Error(Errc::token_sealed, "this token is sealed and cannot be attenuated");
  if (impl_->blocks.size() >= max_blocks)
    throw Error(Errc::too_large, "a token has at most " + std::to_string(max_blocks) + " blocks");
  check_caveat_values(caveats);
  const Scope parent = claimed_scope();
  check_within(parent, caveats);
  check_patterns_name_allowed_actions(parent, caveats);

  auto impl = copy_for_extension(*impl_);
  const KeyPair current = keypair_from_seed(impl_->next_seed.data());
  impl->next_seed = SecretBytes(secret_seed_bytes);
  random_bytes(impl->next_seed.data(), impl->next_seed.size());
  const KeyPair next = keypair_from_seed(impl->next_seed.data());

  Impl::Block b;
  b.signer = current.pk;
  b.decoded.caveats = caveats;
  encode_block(b);
  const std::size_t index = impl->blocks.size();
  b.signature = sign(current.sk, block_message(index, impl->key_id, &impl->blocks.back().signature, b.payload, next.pk));
  b.revocation_id = revocation_id_of(b.signature);
  impl->blocks.push_back(std::move(b));
  encode_token(*impl);
  return Token(impl);
}

Token Token::seal() const {
  if (impl_->sealed) return *this;
  auto impl = copy_for_extension(*impl_);
  const KeyPair current = keypair_from_seed(impl_->next_seed.data());
  impl->sealed = true;
  impl->final_key = current.pk;
  impl->seal_sig = sign(current.sk, seal_message(impl->blocks.back().signature));
  encode_token(*impl);
  return Token(impl);
}

// ---- parse / serialise ----

Token Token::from_bytes(const std::uint8_t* data, std::size_t size) {
  if (size > max_token_bytes) throw Error(Errc::too_large, "token is larger than " + std::to_string(max_token_bytes) + " bytes");
  Reader r(data, size);
  if (size == 0) malformed("empty");
  const std::uint8_t version = r.byte();
  if (version != token_format_version)
    throw Error(Errc::unsupported_version, "token format version " + std::to_string(version) + " is not supported (this build reads version 1)");
  const std::uint8_t header = r.byte();
  if (header & 0x60) malformed("reserved header bits set");
  auto impl = std::make_shared<Impl>();
  impl->sealed = (header & sealed_flag) != 0;
  const std::size_t count = (header & 0x1f) + 1u;
  std::memcpy(impl->key_id.data(), r.take(key_id_bytes), key_id_bytes);
  impl->blocks.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    Impl::Block b;
    if (i > 0) {
      PublicKeyBytes pk;
      std::memcpy(pk.data(), r.take(public_key_bytes), public_key_bytes);
      b.signer = pk;
    }
    const std::uint64_t len = r.varint();
    if (len > r.remaining()) malformed("truncated block");
    const std::uint8_t* at = r.take(static_cast<std::size_t>(len));
    b.payload.assign(at, at + len);
    std::memcpy(b.signature.data(), r.take(signature_bytes), signature_bytes);
    b.decoded = decode_payload(b.payload.data(), b.payload.size());
    if (i == 0 && !b.decoded.user_id) malformed("root block has no user id");
    if (i > 0 && (b.decoded.user_id || b.decoded.device_id)) malformed("only the root block names the user and device");
    b.revocation_id = revocation_id_of(b.signature);
    impl->blocks.push_back(std::move(b));
  }
  if (impl->sealed) {
    std::memcpy(impl->final_key.data(), r.take(public_key_bytes), public_key_bytes);
    std::memcpy(impl->seal_sig.data(), r.take(signature_bytes), signature_bytes);
  } else {
    impl->next_seed = SecretBytes(r.take(secret_seed_bytes), secret_seed_bytes);
  }
  if (!r.done()) malformed("trailing bytes");
  impl->bytes.assign(data, data + size);
  return Token(impl);
}

Token Token::parse(std::string_view text) {
  // Longest possible text: prefix + base64 of (max bytes + checksum).
  constexpr std::size_t max_text = 5 + ((max_token_bytes + crc_bytes) * 4 + 2) / 3;
  if (text.size() > max_text) throw Error(Errc::too_large, "token text is longer than any valid token");
  if (!text.starts_with(token_prefix)) {
    if (text.size() > 3 && text.substr(0, 3) == "mxs" && text.find('_') != std::string_view::npos && text[3] >= '0' &&
        text[3] <= '9' && text[3] != '1')  // "mxs" and another digit, not a secret key (mxsk1_)
      throw Error(Errc::unsupported_version, "token text version is not supported (this build reads mxs1_)");
    throw Error(Errc::malformed_token, "malformed token: it must start with mxs1_");
  }
  Bytes raw;
  if (!base64url_decode(text.substr(token_prefix.size()), raw)) malformed("not base64url");
  if (raw.size() < crc_bytes + 1) malformed("too short");
  const std::size_t n = raw.size() - crc_bytes;
  const std::uint32_t want = crc32(raw.data(), n);
  const std::uint32_t got = std::uint32_t(raw[n]) << 24 | std::uint32_t(raw[n + 1]) << 16 |
                            std::uint32_t(raw[n + 2]) << 8 | std::uint32_t(raw[n + 3]);
  if (want != got)
    throw Error(Errc::bad_checksum, "token checksum does not match: it was mistyped or cut short");
  return from_bytes(raw.data(), n);
}

std::vector<std::uint8_t> Token::to_bytes() const { return impl_->bytes; }

std::string Token::to_text() const {
  Bytes raw = impl_->bytes;
  const std::uint32_t c = crc32(raw.data(), raw.size());
  for (int s = 24; s >= 0; s -= 8) raw.push_back(static_cast<std::uint8_t>(c >> s));
  return std::string(token_prefix) + base64url_encode(raw.data(), raw.size());
}

// ---- inspection ----

bool Token::sealed() const noexcept { return impl_->sealed; }
std::size_t Token::block_count() const noexcept { return impl_->blocks.size(); }
const KeyId& Token::key_id() const noexcept { return impl_->key_id; }
const std::string& Token::user_id() const noexcept { return *impl_->blocks.front().decoded.user_id; }
const std::optional<std::string>& Token::device_id() const noexcept { return impl_->blocks.front().decoded.device_id; }

std::vector<BlockView> Token::blocks() const {
  std::vector<BlockView> out;
  for (std::size_t i = 0; i < impl_->blocks.size(); ++i) {
    const auto& b = impl_->blocks[i];
    out.push_back({i, b.decoded.caveats, b.decoded.unknown_tags, b.revocation_id});
  }
  return out;
}

std::vector<RevocationId> Token::revocation_ids() const {
  std::vector<RevocationId> out;
  for (const auto& b : impl_->blocks) out.push_back(b.revocation_id);
  return out;
}

Scope Token::claimed_scope() const {
  Scope s = Scope::unrestricted();
  for (std::size_t i = 0; i < impl_->blocks.size(); ++i) {
    if (i == 1) {  // every subtoken loses root-only powers, whatever its blocks say
      s.full_account = false;
      s.actions.remove(Action::account);
    }
    s.narrow(impl_->blocks[i].decoded.caveats);
  }
  s.sealed = impl_->sealed;
  return s;
}

// ---- verification ----

namespace {
void verify_signatures(const Token::Impl& impl, const TrustedKeys& keys) {
  const auto issuer = keys.find(impl.key_id);
  if (!issuer)
    throw Error(Errc::unknown_key, "token is signed by issuer key " + hex_encode(impl.key_id.data(), impl.key_id.size()) + ", which is not trusted");
  for (std::size_t i = 0; i < impl.blocks.size(); ++i) {
    const auto& b = impl.blocks[i];
    const PublicKeyBytes& signer = i == 0 ? issuer->bytes() : *b.signer;
    const PublicKeyBytes next = i + 1 < impl.blocks.size() ? *impl.blocks[i + 1].signer : last_next_key(impl);
    const Signature* previous = i == 0 ? nullptr : &impl.blocks[i - 1].signature;
    if (!verify(signer, b.signature, block_message(i, impl.key_id, previous, b.payload, next)))
      throw Error(Errc::bad_signature, "signature of block " + std::to_string(i) + " does not verify: the token was altered or assembled from parts");
  }
  if (impl.sealed && !verify(impl.final_key, impl.seal_sig, seal_message(impl.blocks.back().signature)))
    throw Error(Errc::bad_signature, "seal signature does not verify");
}

void check_revocation_and_time(const Token& token, const Scope& scope, const VerifyOptions& o) {
  // Token times are at most 2^40; clamping the caller's clock and skew keeps the arithmetic
  // below from overflowing on absurd inputs without changing any real decision.
  constexpr std::int64_t limit = std::int64_t{1} << 50;
  const std::int64_t now = std::clamp<std::int64_t>(o.now, -limit, limit);
  const std::int64_t skew = std::clamp<std::int64_t>(o.clock_skew, 0, limit);
  if (o.revoked) {
    const auto& blocks = token.impl().blocks;
    for (std::size_t i = 0; i < blocks.size(); ++i)
      if (o.revoked->contains(blocks[i].revocation_id))
        throw Error(Errc::token_revoked, i == 0 ? "token is revoked (its whole login was revoked)"
                                                : "token is revoked (block " + std::to_string(i) + " was revoked)");
  }
  if (scope.not_after && now > *scope.not_after + skew)
    throw Error(Errc::token_expired, "token expired " + std::to_string(now - *scope.not_after) + " seconds ago");
  if (scope.not_before && now < *scope.not_before - skew)
    throw Error(Errc::token_not_yet_valid, "token is not valid for another " + std::to_string(*scope.not_before - now) + " seconds");
}
}  // namespace

struct VerifiedChainCache::Impl {
  struct Entry {
    Token token;
    Scope scope;
    PublicKeyBytes issuer;
  };
  std::size_t capacity;
  std::unordered_map<std::string, Entry> by_text;
  std::unordered_map<std::string, Entry> by_bytes;
};

VerifiedToken Token::verify(const TrustedKeys& keys, const VerifyOptions& options) const {
  VerifiedChainCache::Impl* cache = options.cache ? &options.cache->impl() : nullptr;
  const std::string key = cache ? std::string(impl_->bytes.begin(), impl_->bytes.end()) : std::string();
  if (cache) {
    auto it = cache->by_bytes.find(key);
    const auto issuer = keys.find(impl_->key_id);
    if (it != cache->by_bytes.end() && issuer && issuer->bytes() == it->second.issuer) {
      check_revocation_and_time(*this, it->second.scope, options);
      return VerifiedToken(*this, it->second.scope, options.now);
    }
  }
  verify_signatures(*impl_, keys);
  Scope scope = claimed_scope();
  check_revocation_and_time(*this, scope, options);
  if (cache) {
    if (cache->by_bytes.size() >= cache->capacity) cache->by_bytes.clear();
    cache->by_bytes.emplace(key, VerifiedChainCache::Impl::Entry{*this, scope, keys.find(impl_->key_id)->bytes()});
  }
  return VerifiedToken(*this, std::move(scope), options.now);
}

VerifiedChainCache::VerifiedChainCache(std::size_t capacity) : impl_(std::make_unique<Impl>()) {
  impl_->capacity = capacity == 0 ? 1 : capacity;
}
VerifiedChainCache::~VerifiedChainCache() = default;
std::size_t VerifiedChainCache::size() const noexcept { return impl_->by_bytes.size() + impl_->by_text.size(); }
void VerifiedChainCache::clear() noexcept {
  impl_->by_bytes.clear();
  impl_->by_text.clear();
}

VerifiedToken VerifiedChainCache::verify_text(std::string_view text, const TrustedKeys& keys, const VerifyOptions& options) {
  auto it = impl_->by_text.find(std::string(text));
  if (it != impl_->by_text.end()) {
    const auto issuer = keys.find(it->second.token.key_id());
    if (issuer && issuer->bytes() == it->second.issuer) {
      check_revocation_and_time(it->second.token, it->second.scope, options);
      return VerifiedToken(it->second.token, it->second.scope, options.now);
    }
    impl_->by_text.erase(it);
  }
  Token token = Token::parse(text);
  VerifyOptions uncached = options;
  uncached.cache = nullptr;
  VerifiedToken v = token.verify(keys, uncached);
  if (impl_->by_text.size() >= impl_->capacity) impl_->by_text.clear();
  impl_->by_text.emplace(std::string(text), Impl::Entry{token, v.scope(), keys.find(token.key_id())->bytes()});
  return v;
}

}  // namespace mxscope
