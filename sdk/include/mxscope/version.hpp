// mxscope — library version (shared by the C++ library, the wasm build and the npm package).
#pragma once

#include <string_view>

namespace mxscope {

inline constexpr int version_major = 0;
inline constexpr int version_minor = 1;
inline constexpr int version_patch = 0;
/// "0.1.0". The token format has its own version (token_format_version in token.hpp).
std::string_view version() noexcept;

}  // namespace mxscope
