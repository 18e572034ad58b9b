// Shared fixtures for the native tests: fixed keys, a fixed clock, and error assertions.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "mxscope/mxscope.hpp"

namespace mxtest {

/// The fixed clock every test uses: 2026-05-01 13:02:30 UTC.
inline constexpr std::int64_t now = 1777640550;

inline const std::string alice = "@alice:example.org";
inline const std::string room_a = "!aaa:example.org";
inline const std::string room_b = "!bbb:example.org";
inline const std::string room_c = "!ccc:example.org";

/// An issuer key from a seed of 32 copies of `fill`, so tests are reproducible.
mxscope::IssuerKey issuer(std::uint8_t fill = 1);

/// issuer(1), built once: the key most tests mint with.
const mxscope::IssuerKey& key();
/// TrustedKeys holding just key()'s public half.
const mxscope::TrustedKeys& trusted();

/// A root token for @alice on device PHONE, with `caveats` on the root block.
mxscope::Token root_token(const mxscope::IssuerKey& key, mxscope::Caveats caveats = {});

/// Verifies at the fixed clock against just `key`.
mxscope::VerifiedToken verify_at(const mxscope::Token& token, const mxscope::IssuerKey& key, std::int64_t at = now,
                                 const mxscope::RevocationSet* revoked = nullptr);

/// The mxscope::Error `f` throws, or nullopt if it returns. Any other exception fails the test.
template <class F>
std::optional<mxscope::Error> error_of(F&& f) {
  try {
    f();
  } catch (const mxscope::Error& e) {
    return e;
  }
  return std::nullopt;
}

}  // namespace mxtest

/// Requires `expr` to throw mxscope::Error with code `errc`; shows the code names and message if not.
#define REQUIRE_ERRC(expr, errc)                                                          \
  do {                                                                                    \
    const auto mxtest_err_ = ::mxtest::error_of([&] { (void)(expr); });                   \
    INFO("expected " << ::mxscope::code_name(errc) << " from: " #expr);                   \
    REQUIRE(mxtest_err_.has_value());                                                     \
    INFO("message: " << mxtest_err_->what());                                             \
    REQUIRE(::mxscope::code_name(mxtest_err_->code()) == ::mxscope::code_name(errc));     \
  } while (0)
