// The pinned shared test vectors (tests/vectors/v1.json): every case re-derived from its inputs
// must match byte for byte, so a change to the format cannot slip through unnoticed.
#include <fstream>
#include <set>

#include "derive.hpp"
#include "support.hpp"

using vectors::json;

namespace {
const json& pinned() {
  static const json file = [] {
    std::ifstream in(MXSCOPE_VECTORS_FILE);
    REQUIRE(in.good());
    return json::parse(in);
  }();
  return file;
}

const json& find_case(const std::string& name) {
  for (const auto& c : pinned()["cases"])
    if (c["name"] == name) return c;
  FAIL("no case " << name);
  throw;
}
}  // namespace

TEST_CASE("the pinned issuer keys derive from their seeds") {
  for (const auto& [name, entry] : pinned()["issuers"].items()) {
    INFO(name);
    CHECK(vectors::issuer_entry(entry["seed_hex"]) == entry);
  }
}

TEST_CASE("every pinned test vector is reproduced byte for byte from its inputs") {
  const json& file = pinned();
  REQUIRE(file["format_version"] == 1);
  REQUIRE(file["cases"].size() >= 25);
  std::set<std::string> names;
  for (const auto& c : file["cases"]) {
    INFO("case " << c["name"].get<std::string>());
    CHECK(names.insert(c["name"].get<std::string>()).second);
    const json derived = vectors::derive_case(file["issuers"], c["input"]);
    const json& expected = c["output"];
    for (const auto& [field, value] : expected.items()) {
      INFO("output." << field);
      REQUIRE(derived.contains(field));
      CHECK(derived[field].dump(2) == value.dump(2));
    }
    CHECK(derived.size() == expected.size());
  }
}

TEST_CASE("every pinned token parses back to its own bytes and ids") {
  for (const auto& c : pinned()["cases"]) {
    const json& t = c["output"]["token"];
    INFO("case " << c["name"].get<std::string>());
    const mxscope::Token token = mxscope::Token::parse(t["text"].get<std::string>());
    CHECK(t["text"].get<std::string>().starts_with("mxs1_"));
    std::string hex;
    for (auto b : token.to_bytes()) {
      static const char* d = "0123456789abcdef";
      hex += d[b >> 4];
      hex += d[b & 15];
    }
    CHECK(hex == t["hex"]);
    CHECK(token.block_count() == t["block_count"]);
    CHECK(token.sealed() == t["sealed"]);
    std::vector<std::string> ids;
    for (const auto& id : token.revocation_ids()) ids.push_back(id.to_hex());
    CHECK(json(ids) == t["revocation_ids"]);
  }
}

TEST_CASE("the vectors cover every token shape and every failure a verifier reports") {
  std::set<std::string> errors;
  std::set<std::size_t> depths;
  bool sealed = false, ok = false, device = false, no_device = false;
  for (const auto& c : pinned()["cases"]) {
    const json& out = c["output"];
    depths.insert(out["token"]["block_count"].get<std::size_t>());
    sealed |= out["token"]["sealed"].get<bool>();
    device |= c["input"]["root"].contains("device_id");
    no_device |= !c["input"]["root"].contains("device_id");
    if (out.contains("verify")) {
      if (out["verify"]["ok"].get<bool>()) ok = true;
      else errors.insert(out["verify"]["error"].get<std::string>());
    }
    if (out.contains("then_attenuate") && !out["then_attenuate"]["ok"].get<bool>())
      errors.insert(out["then_attenuate"]["error"].get<std::string>());
  }
  CHECK(ok);
  CHECK(sealed);
  CHECK(device);
  CHECK(no_device);
  for (std::size_t d : {1, 2, 3, 6}) CHECK(depths.count(d));  // root, and 1, 2 and 5 attenuations
  for (const std::string e : {"token_expired", "token_not_yet_valid", "token_revoked", "unknown_key", "bad_signature",
                              "bad_checksum", "malformed_token", "unsupported_version", "unknown_critical",
                              "token_sealed", "scope_too_broad", "invalid_argument"}) {
    INFO(e);
    CHECK(errors.count(e));
  }
}

TEST_CASE("the pinned rooms-only root is not a full-account root") {
  const json& c = find_case("root-rooms-only");
  REQUIRE(c["output"]["verify"]["ok"] == true);
  CHECK(c["output"]["verify"]["scope"]["full_account"] == false);
  for (const auto& s : c["output"]["describe"]) CHECK(s["kind"] != "account");
  CHECK(find_case("root-minimal")["output"]["verify"]["scope"]["full_account"] == true);
}

TEST_CASE("the pinned backup-bot vector reads as the issue describes it") {
  const json& c = find_case("attenuate-depth-1");
  std::vector<std::string> texts;
  for (const auto& s : c["output"]["describe"]) texts.push_back(s["text"]);
  CHECK(texts == std::vector<std::string>{"Send text messages in Backup alerts as you", "Expires in 59 minutes (at 14:02 UTC)",
                                          "Messages it sends are labelled \"backup-bot\"",
                                          "Can create further tokens with the same or less access"});
  CHECK(c["output"]["verify"]["ok"] == true);
  CHECK(c["output"]["verify"]["scope"]["rooms"] == json::array({"!backups:example.org"}));
}
