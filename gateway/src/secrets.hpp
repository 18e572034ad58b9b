// Key files and the encryption of stored homeserver tokens (libsodium secretbox).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mxscope/keys.hpp"

namespace mxgw {

// Reads the issuer key (mxsk1_ text) from `path`; creates a new random one (mode 0600) when the
// file is missing and `create` is set. Throws std::runtime_error without any key material.
mxscope::IssuerKey load_or_create_issuer_key(const std::string& path, bool create);

// XSalsa20-Poly1305 (crypto_secretbox) under a 32-byte key kept in a file (64 hex characters).
// A sealed value is nonce(24) || ciphertext; the plaintext binds the session it belongs to, so a
// value copied to another session's row does not open.
class SecretBox {
 public:
  static SecretBox load_or_create(const std::string& path, bool create);
  std::vector<std::uint8_t> seal(const std::string& binding, const std::string& secret) const;
  // The secret, or nullopt when the value was not sealed under this key for `binding`.
  std::optional<mxscope::SecretBytes> open(const std::string& binding, const std::vector<std::uint8_t>& sealed) const;

 private:
  explicit SecretBox(mxscope::SecretBytes key) : key_(std::move(key)) {}
  mxscope::SecretBytes key_;
};

// Writes `data` to a new file with mode 0600 (fails if it exists). Throws std::runtime_error.
void write_private_file(const std::string& path, const std::string& data);

}  // namespace mxgw
