/// @file
/// mxscope — library version (shared by the C++ library, the wasm build and the npm package).
#pragma once

#include <string_view>

namespace mxscope {

/// @name Library version of these headers (semantic versioning).
/// @{
inline constexpr int version_major = 0;  ///< major: incompatible API changes
inline constexpr int version_minor = 1;  ///< minor: compatible additions
inline constexpr int version_patch = 0;  ///< patch: fixes
/// @}
/// "0.1.0". The token format has its own version (token_format_version in token.hpp).
/// Returned by the compiled library, so comparing it with the constants above detects headers
/// and library from different releases.
std::string_view version() noexcept;

}  // namespace mxscope
