// Internal: the in-memory form of a token and the signed-message construction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto.hpp"
#include "mxscope/token.hpp"
#include "payload.hpp"

namespace mxscope {

struct Token::Impl {
  struct Block {
    std::optional<PublicKeyBytes> signer;  ///< blocks >= 1: the ephemeral key that signed this block
    detail::Bytes payload;                 ///< exactly as carried and signed
    detail::Payload decoded;
    detail::Signature signature{};
    RevocationId revocation_id;
  };
  KeyId key_id{};
  std::vector<Block> blocks;
  bool sealed = false;
  SecretBytes next_seed;          ///< unsealed: seed of the key the last block committed to
  PublicKeyBytes final_key{};     ///< sealed: that key's public half
  detail::Signature seal_sig{};   ///< sealed: its signature over the last block signature
  detail::Bytes bytes;            ///< the binary form
};

namespace detail {
/// The message block `index` is signed over (docs/token-format.md §5).
Bytes block_message(std::size_t index, const KeyId& key_id, const Signature* previous, const Bytes& payload,
                    const PublicKeyBytes& next_key);
Bytes seal_message(const Signature& last);
RevocationId revocation_id_of(const Signature& sig);
/// Serialises blocks + tail into `impl.bytes`.
void encode_token(Token::Impl& impl);
/// The next key of the last block: derived from the seed, or the sealed final key.
PublicKeyBytes last_next_key(const Token::Impl& impl);
}  // namespace detail

}  // namespace mxscope
