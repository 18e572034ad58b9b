#include "support.hpp"

#include <vector>

namespace mxtest {

mxscope::IssuerKey issuer(std::uint8_t fill) {
  const std::vector<std::uint8_t> seed(mxscope::secret_seed_bytes, fill);
  return mxscope::IssuerKey::from_seed(mxscope::SecretBytes(seed.data(), seed.size()));
}

const mxscope::IssuerKey& key() {
  static const mxscope::IssuerKey k = issuer(1);
  return k;
}

const mxscope::TrustedKeys& trusted() {
  static const mxscope::TrustedKeys k{key().public_key()};
  return k;
}

mxscope::Token root_token(const mxscope::IssuerKey& key, mxscope::Caveats caveats) {
  return mxscope::Token::mint(key, {.user_id = alice, .device_id = "PHONE", .caveats = std::move(caveats)});
}

mxscope::VerifiedToken verify_at(const mxscope::Token& token, const mxscope::IssuerKey& key, std::int64_t at,
                                 const mxscope::RevocationSet* revoked) {
  const mxscope::TrustedKeys keys{key.public_key()};
  return token.verify(keys, {.now = at, .revoked = revoked});
}

}  // namespace mxtest
