// A second, deliberately separate implementation of docs/token-format.md, written from the spec
// and libsodium only. Tests use it to take tokens apart, to build blocks the SDK would refuse to
// mint (so that verification, not minting, is what is tested), and to check that the SDK's bytes
// are exactly what the spec says.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mxscope/scope.hpp"

namespace spec {

using Bytes = std::vector<std::uint8_t>;
using Key = std::array<std::uint8_t, 32>;
using Sig = std::array<std::uint8_t, 64>;

struct Block {
  std::optional<Key> signer;  ///< blocks after the first
  Bytes payload;
  Sig signature{};
};

/// A token's binary form split into its fields (§3). No checks beyond framing.
struct Layout {
  std::uint8_t version = 1;
  bool sealed = false;
  std::array<std::uint8_t, 4> key_id{};
  std::vector<Block> blocks;
  Bytes tail;  ///< next_seed (32) or final_key || seal_signature (96)
};

Layout split(const Bytes& token);
/// The binary form of a layout; the header's block count comes from `blocks.size()`.
Bytes join(const Layout& layout);

/// `mxs1_` + base64url(binary || crc32 big-endian).
std::string text_of(const Bytes& binary, const std::string& prefix = "mxs1_");
std::uint32_t crc32(const Bytes& data);
std::string hex(const std::uint8_t* data, std::size_t size);
template <class C>
std::string hex(const C& c) {
  return hex(c.data(), c.size());
}

void put_varint(Bytes& out, std::uint64_t v);

/// A payload (§4) for the given fields, with `extra` fields (tag, value) merged in tag order.
Bytes payload(const mxscope::Caveats& caveats, const std::optional<std::string>& user_id = std::nullopt,
              const std::optional<std::string>& device_id = std::nullopt,
              const std::vector<std::pair<std::uint8_t, Bytes>>& extra = {});

/// The signed message of block `index` (§5).
Bytes block_message(std::size_t index, const std::array<std::uint8_t, 4>& key_id, const Bytes& prev,
                    const Bytes& payload, const Key& next_key);

Key public_of(const Key& seed);
Sig sign(const Key& seed, const Bytes& message);

/// A root token signed by the issuer seed, committing to `next_seed`.
Bytes mint(const Key& issuer_seed, const Bytes& payload, const Key& next_seed);
/// Appends a block signed with the token's proof seed, committing to `next_seed`. Does not look at
/// what the payload says: this is how a hostile holder would extend a token.
Bytes append(const Bytes& token, const Bytes& payload, const Key& next_seed);
/// Seals an unsealed token (§5, seal signature).
Bytes seal(const Bytes& token);
/// The key id of an issuer public key (§2).
std::array<std::uint8_t, 4> key_id_of(const Key& public_key);

/// A 32-byte seed filled with `fill`.
Key seed(std::uint8_t fill);

}  // namespace spec
