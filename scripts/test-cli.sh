#!/usr/bin/env bash
# The mxscope CLI's tests against the real gateway and a real Synapse: sets up (idempotent),
# starts Synapse, builds `mxscope` and mxscope-gateway, runs tests/cli/*.test.mjs with node --test
# (each file starts its own gateway on a free loopback port and registers its own users; the CLI
# runs as a real process, some tests in a pseudo-terminal), and prints node's summary.
# usage: scripts/test-cli.sh [node --test args...]     e.g. --test-name-pattern=revoke
# env:   MXSCOPE_SKIP_SETUP=1        do not run scripts/setup.sh (machine already set up)
#        MXSCOPE_CLI_BUILD_DIR=DIR   build tree (default build-cli)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/node-tests.sh

step() { printf '\n==== %s ====\n' "$*"; }
BUILD=${MXSCOPE_CLI_BUILD_DIR:-build-cli}

if [ "${MXSCOPE_SKIP_SETUP:-0}" != 1 ]; then
  step "setup (native, gateway, cli, synapse)"
  scripts/setup.sh native gateway cli synapse
fi

step "synapse"
started_synapse=0
scripts/synapse.sh status >/dev/null 2>&1 || started_synapse=1
scripts/synapse.sh setup >/dev/null
scripts/synapse.sh start
[ "$started_synapse" = 1 ] && trap 'scripts/synapse.sh stop >/dev/null 2>&1 || true' EXIT
scripts/synapse.sh register alice alicepass
eval "$(scripts/synapse.sh env)"
export MXSCOPE_HS_URL

step "build mxscope (CLI) and mxscope-gateway in $BUILD"
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMXSCOPE_TESTS=OFF -DMXSCOPE_BENCH=OFF >/dev/null
cmake --build "$BUILD" --target mxscope-cli mxscope-gateway
export MXSCOPE_CLI_BIN="$PWD/$BUILD/cli/mxscope"
export MXSCOPE_GATEWAY_BIN="$PWD/$BUILD/gateway/mxscope-gateway"

step "CLI tests (node --test, real gateway and Synapse at $MXSCOPE_HS_URL)"
run_node_tests cli --test-concurrency=1 "$@" tests/cli/
