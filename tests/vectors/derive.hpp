// Turns a test-vector case's inputs into its outputs (tests/vectors/README.md describes the JSON).
// The generator and the native test both call this, so the pinned file is checked against the
// same derivation that wrote it; other implementations (wasm) write their own from the README.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "mxscope/scope.hpp"

namespace vectors {

using json = nlohmann::json;

/// The "issuers" entry for a 32-byte seed given as hex: seed, public key text, key id, secret text.
json issuer_entry(const std::string& seed_hex);

/// The "output" object of a case, from the file's "issuers" and the case's "input".
json derive_case(const json& issuers, const json& input);

mxscope::Caveats caveats_from_json(const json& j);
json caveats_to_json(const mxscope::Caveats& c);
json scope_to_json(const mxscope::Scope& s);

}  // namespace vectors
