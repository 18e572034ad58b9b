/// @file
/// mxscope — scoped, attenuable, revocable Matrix tokens. Include this one header.
#pragma once

#include "mxscope/actions.hpp"
#include "mxscope/authorize.hpp"
#include "mxscope/describe.hpp"
#include "mxscope/error.hpp"
#include "mxscope/keys.hpp"
#include "mxscope/matrix.hpp"
#include "mxscope/revocation.hpp"
#include "mxscope/scope.hpp"
#include "mxscope/token.hpp"
#include "mxscope/version.hpp"

/// The mxscope SDK: mint, attenuate, verify and authorise scoped Matrix subtokens, and describe
/// them in plain language. Every failure is thrown as mxscope::Error with a stable code.
/// docs/token-format.md specifies the token format.
namespace mxscope {
/// Initialises libsodium. Called by every entry point that needs it; safe to call many times,
/// from any thread. Throws Error(invalid_argument) if libsodium cannot initialise.
void init();
}
