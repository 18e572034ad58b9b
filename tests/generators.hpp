// Deterministic pseudo-random caveats and requests for the property tests.
#pragma once

#include <random>
#include <vector>

#include "mxscope/authorize.hpp"
#include "mxscope/scope.hpp"

namespace gen {

using Rng = std::mt19937;

/// The rooms the generators draw from.
const std::vector<std::string>& rooms();

/// Any caveats at all (valid to encode, but not necessarily narrower than anything).
mxscope::Caveats any_caveats(Rng& rng);
/// Caveats that `Token::attenuate` must accept under a parent with scope `parent`: narrower in
/// every field, and an events caveat names a pattern for every event-bearing action it allows.
mxscope::Caveats narrower_than(const mxscope::Scope& parent, Rng& rng);
/// Whether an events caveat in `c` (if any) names a pattern for every event-bearing action the
/// block allows under `parent`: the rule mint and attenuate enforce (docs/token-format.md §8).
bool names_every_event_action(const mxscope::Scope& parent, const mxscope::Caveats& c);
/// A request drawn from the same vocabularies (any action, rooms in and out of the pool, types, keys).
mxscope::Request any_request(Rng& rng);
/// Every request over a small grid: each action x room (none, pool, outsider) x type x key.
const std::vector<mxscope::Request>& request_grid();

}  // namespace gen
