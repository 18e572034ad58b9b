#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (idempotent) and runs every test suite:
#   native Catch2 tests (ctest), a bounded libFuzzer run, the wasm build and its node --test suites.
# usage: scripts/test.sh            (CI runs exactly this)
# env:   MXSCOPE_FUZZ_SECONDS (default 60), MXSCOPE_SKIP_WASM=1, MXSCOPE_SKIP_FUZZ=1
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh native wasm browser

step() { printf '\n==== %s ====\n' "$*"; }

step "native build"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build

step "native tests (ctest)"
ctest --test-dir build --output-on-failure -j2

step "native example"
./build/mxscope-example >/dev/null && echo "example ok"

if [ "${MXSCOPE_SKIP_FUZZ:-0}" != 1 ] && [ -x scripts/fuzz.sh ]; then
  step "fuzz (${MXSCOPE_FUZZ_SECONDS:-60} s)"
  scripts/fuzz.sh "${MXSCOPE_FUZZ_SECONDS:-60}"
fi

if [ "${MXSCOPE_SKIP_WASM:-0}" != 1 ] && [ -x scripts/build-wasm.sh ]; then
  step "wasm build"
  scripts/build-wasm.sh
  step "wasm / JS tests (node --test)"
  [ -d node_modules ] || npm install --no-audit --no-fund --loglevel=error
  node --test tests/node/
fi
step "all tests passed"
