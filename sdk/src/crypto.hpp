// Internal: thin wrappers over libsodium and the byte encodings the format uses.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mxscope/keys.hpp"

namespace mxscope::detail {

using Bytes = std::vector<std::uint8_t>;
using Signature = std::array<std::uint8_t, signature_bytes>;

void ensure_sodium();

/// Random bytes from libsodium, or from the thread's deterministic test stream if one is active.
void random_bytes(std::uint8_t* out, std::size_t size);

/// An Ed25519 key pair derived from a 32-byte seed.
struct KeyPair {
  PublicKeyBytes pk{};
  SecretBytes sk{64};  // libsodium's 64-byte secret key (seed || pk)
};
KeyPair keypair_from_seed(const std::uint8_t* seed);
Signature sign(const SecretBytes& sk, const Bytes& message);
bool verify(const PublicKeyBytes& pk, const Signature& sig, const Bytes& message);

/// BLAKE2b with the given output size (16..64).
void blake2b(std::uint8_t* out, std::size_t out_size, const std::uint8_t* in, std::size_t in_size);

std::uint32_t crc32(const std::uint8_t* data, std::size_t size);

std::string base64url_encode(const std::uint8_t* data, std::size_t size);
/// Strict: only the URL-safe alphabet, no padding, no whitespace. Returns false on any other input.
bool base64url_decode(std::string_view text, Bytes& out);

std::string hex_encode(const std::uint8_t* data, std::size_t size);
bool hex_decode(std::string_view text, std::uint8_t* out, std::size_t size);

}  // namespace mxscope::detail
