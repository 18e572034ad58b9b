// mxscope — hooks for deterministic test vectors. Never use in production code.
#pragma once

#include <cstdint>
#include <string_view>

namespace mxscope::testing {

/// While alive, every random byte mxscope draws on this thread comes from a deterministic stream
/// derived from `seed` (BLAKE2b in counter mode). Used to produce and check the shared test vectors.
class DeterministicRandom {
 public:
  explicit DeterministicRandom(std::string_view seed);
  ~DeterministicRandom();
  DeterministicRandom(const DeterministicRandom&) = delete;
  DeterministicRandom& operator=(const DeterministicRandom&) = delete;
};

}  // namespace mxscope::testing
