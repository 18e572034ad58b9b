/// @file
/// mxscope — errors a caller can act on.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace mxscope {

/// Stable error codes. The string form (`code_name`) is part of the public API and never changes
/// meaning; JavaScript sees it as `err.code`.
enum class Errc {
  malformed_token,      ///< Not a token: bad prefix, bad base64, truncated, trailing bytes, bad field.
  bad_checksum,         ///< The text form's checksum does not match: most likely a typo or truncation.
  unsupported_version,  ///< A format version this build does not understand.
  unknown_critical,     ///< A caveat this build does not understand and that must not be ignored.
  too_large,            ///< Over the size or block-count limit.
  unknown_key,          ///< Signed by an issuer key that is not in the trusted set.
  bad_signature,        ///< A signature does not verify: tampered, reordered or spliced.
  token_expired,        ///< Now is after the token's not-after (plus allowed skew).
  token_not_yet_valid,  ///< Now is before the token's not-before (minus allowed skew).
  token_revoked,        ///< One of the token's revocation ids is in the revocation set.
  token_sealed,         ///< The token is sealed and cannot be attenuated.
  scope_too_broad,      ///< An attenuation asked for more than the parent token allows.
  invalid_argument,     ///< A caller-supplied value is not valid (bad room id, bad key text, ...).
  io_error,             ///< Reading or writing a file failed.
};

/// The stable snake_case name of a code, e.g. "token_expired".
std::string_view code_name(Errc code) noexcept;

/// Every failure in mxscope is thrown as this type: a stable code plus a message for people.
/// Messages never contain token text or key material.
class Error : public std::runtime_error {
 public:
  /// `message` becomes what(); it is for people, and its wording may change between releases.
  Error(Errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
  /// The stable code to branch on (see code_name() for its string form).
  Errc code() const noexcept { return code_; }

 private:
  Errc code_;
};

}  // namespace mxscope
