// mxscope — scoped, attenuable, revocable Matrix tokens. Include this one header.
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

namespace mxscope {
/// Initialises libsodium. Called by every entry point that needs it; safe to call many times.
void init();
}
