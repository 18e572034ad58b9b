// Internal: the plain-language string catalogue. One place for every sentence the SDK says, so
// other languages can be added by adding a table.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace mxscope::detail {

/// The catalogue text for `id` in `language` (falling back to English), with `{name}` placeholders
/// replaced. Returns an empty string for an unknown id (tests check every id exists).
std::string say(std::string_view language, std::string_view id,
                std::initializer_list<std::pair<std::string_view, std::string>> values = {});
bool catalogue_has(std::string_view language, std::string_view id);

}  // namespace mxscope::detail
