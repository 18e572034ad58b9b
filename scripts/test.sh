#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (idempotent; fast the second time) and runs every test suite:
#   1. native: Catch2 unit/property/vector tests and the installed-package test (ctest)
#   2. fuzz:   a bounded libFuzzer run of the parser/verifier and the builder
#   3. wasm:   the WebAssembly build and its node --test suites (API, errors, vectors, memory)
#   4. package: the npm tarball installed into a scratch project, in Node, Chromium and Vite
#   5. widget host: real matrix-widget-api, real Synapse, real headless Chromium
#   6. web client: end to end in Chromium against the real Synapse
#   7. gateway: matrix-js-sdk and curl through the gateway in front of the real Synapse
#   8. cli: every subcommand and exit code against the real gateway and Synapse
#   9. API reference: Doxygen and TypeDoc build with no undocumented public symbol
# Every suite runs even if an earlier one fails; the exit status is non-zero if any failed.
# usage: scripts/test.sh            (CI runs exactly this)
# env:   MXSCOPE_FUZZ_SECONDS (default 60)
set -uo pipefail
cd "$(dirname "$0")/.."
export MXSCOPE_SCREENSHOT_DIR=${MXSCOPE_SCREENSHOT_DIR:-$(mktemp -d)}  # keep docs/screenshots as committed

step() { printf '\n==== %s ====\n' "$*"; }
failed=()
run() {  # run NAME COMMAND...: run a suite, remember whether it failed
  local name=$1; shift
  step "$name"
  local t0=$SECONDS
  if "$@"; then echo "---- $name: ok ($((SECONDS - t0)) s)"; else echo "---- $name: FAILED ($((SECONDS - t0)) s)"; failed+=("$name"); fi
}

step "machine set-up"
scripts/setup.sh || exit 1

native() {
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null &&
    cmake --build build &&
    ctest --test-dir build --output-on-failure -j2 &&
    ./build/mxscope-example >/dev/null
}
wasm() {
  scripts/build-wasm.sh && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && node --test tests/node/
}

run "native (ctest)" native
run "fuzz (${MXSCOPE_FUZZ_SECONDS:-60} s)" scripts/fuzz.sh "${MXSCOPE_FUZZ_SECONDS:-60}"
run "wasm + JS API (node --test)" wasm
export MXSCOPE_SKIP_WASM_BUILD=1
[ -x scripts/test-package.sh ] && run "npm package in Node, Chromium and Vite" scripts/test-package.sh
run "widget host" scripts/test-widget-host.sh
run "web client" scripts/test-web.sh
[ -x scripts/test-gateway.sh ] && run "gateway" scripts/test-gateway.sh
[ -x scripts/test-cli.sh ] && run "cli" scripts/test-cli.sh
run "API reference (Doxygen + TypeDoc, undocumented public API is an error)" scripts/api-docs.sh

step "summary"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi
echo "all test suites passed"
