#!/usr/bin/env bash
# The gateway's tests against a real Synapse: sets up (idempotent), starts Synapse, builds
# mxscope-gateway, runs tests/gateway/*.test.mjs (matrix-js-sdk from npm, curl checks) with
# node --test, and prints node's summary.
# usage: scripts/test-gateway.sh [node --test args...]     e.g. --test-name-pattern=revok
# env:   MXSCOPE_SKIP_SETUP=1   do not run scripts/setup.sh (machine already set up)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/node-tests.sh

step() { printf '\n==== %s ====\n' "$*"; }

if [ "${MXSCOPE_SKIP_SETUP:-0}" != 1 ]; then
  step "setup (native, gateway, synapse)"
  scripts/setup.sh native gateway synapse
fi

step "synapse"
started_synapse=0
scripts/synapse.sh status >/dev/null 2>&1 || started_synapse=1
scripts/synapse.sh start
[ "$started_synapse" = 1 ] && trap 'scripts/synapse.sh stop >/dev/null 2>&1 || true' EXIT
eval "$(scripts/synapse.sh env)"
export MXSCOPE_HS_URL

step "build mxscope-gateway"
# Its own build tree, with only what the gateway needs.
cmake -S . -B build-gateway -G Ninja -DCMAKE_BUILD_TYPE=Release -DMXSCOPE_TESTS=OFF -DMXSCOPE_BENCH=OFF >/dev/null
cmake --build build-gateway --target mxscope-gateway
export MXSCOPE_GATEWAY_BIN="$PWD/build-gateway/gateway/mxscope-gateway"

step "npm dependencies (tests/gateway)"
if [ ! -d tests/gateway/node_modules/matrix-js-sdk ]; then
  (cd tests/gateway && npm ci --no-audit --no-fund --loglevel=error)
fi

step "gateway tests (node --test, real Synapse at $MXSCOPE_HS_URL)"
run_node_tests gateway --test-concurrency=1 "$@" tests/gateway/
