#include "mxscope/error.hpp"
#include "mxscope/version.hpp"

namespace mxscope {

std::string_view code_name(Errc code) noexcept {
  switch (code) {
    case Errc::malformed_token: return "malformed_token";
    case Errc::bad_checksum: return "bad_checksum";
    case Errc::unsupported_version: return "unsupported_version";
    case Errc::unknown_critical: return "unknown_critical";
    case Errc::too_large: return "too_large";
    case Errc::unknown_key: return "unknown_key";
    case Errc::bad_signature: return "bad_signature";
    case Errc::token_expired: return "token_expired";
    case Errc::token_not_yet_valid: return "token_not_yet_valid";
    case Errc::token_revoked: return "token_revoked";
    case Errc::token_sealed: return "token_sealed";
    case Errc::scope_too_broad: return "scope_too_broad";
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::io_error: return "io_error";
  }
  return "unknown_error";
}

std::string_view version() noexcept { return MXSCOPE_VERSION_STRING; }

}  // namespace mxscope
