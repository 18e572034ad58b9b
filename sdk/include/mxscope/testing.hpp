/// @file
/// mxscope — hooks for deterministic test vectors. Never use in production code.
#pragma once

#include <cstdint>
#include <string_view>

/// Test-only hooks. Not part of the stable API: may change or disappear in any release.
namespace mxscope::testing {

/// While alive, every random byte mxscope draws on this thread comes from a deterministic stream
/// derived from `seed` (BLAKE2b in counter mode). Used to produce and check the shared test vectors.
class DeterministicRandom {
 public:
  /// Starts the stream for the calling thread; `seed` is any text. Do not nest instances.
  explicit DeterministicRandom(std::string_view seed);
  /// Returns the calling thread to libsodium's random bytes.
  ~DeterministicRandom();
  DeterministicRandom(const DeterministicRandom&) = delete;
  DeterministicRandom& operator=(const DeterministicRandom&) = delete;
};

}  // namespace mxscope::testing
