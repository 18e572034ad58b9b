#!/usr/bin/env bash
# Sets up and runs the web client's tests: Node unit tests of its pieces, then the end-to-end
# suite in Debian's headless Chromium (playwright-core) against the real local Synapse, and for
# gateway mode (devices, tokens) against real mxscope gateways in front of it: this script builds
# mxscope-gateway (build-gateway/, as scripts/test-gateway.sh does); each gateway test file starts
# its own gateway on a free port with a fresh store (tests/web/support/gateway.mjs).
# usage: scripts/test-web.sh          (idempotent; reuses Synapse, the chroot and the wasm build)
# env:   MXSCOPE_SKIP_WASM_BUILD=1  use the dist/ that is there
#        MXSCOPE_SKIP_E2E=1         Node unit tests only (no Synapse, no Chromium)
#        MXSCOPE_SCREENSHOT_DIR=DIR  write the screenshots there instead of docs/screenshots/
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==== %s ====\n' "$*"; }
npm_install() { # npm ci when there is a lock file, else npm install (which writes one)
  ( cd "$1" && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi )
}

step "machine set-up (scripts/setup.sh)"
if [ "${MXSCOPE_SKIP_E2E:-0}" != 1 ]; then scripts/setup.sh native wasm browser synapse gateway cli; else scripts/setup.sh wasm; fi
command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null

step "packages (web/package.json, tests/web/package.json)"
npm_install web
npm_install tests/web

if [ "${MXSCOPE_SKIP_WASM_BUILD:-0}" != 1 ]; then
  step "wasm build (scripts/build-wasm.sh)"
  scripts/build-wasm.sh
fi

E2E_REQUIRED=0
STARTED=0
if [ "${MXSCOPE_SKIP_E2E:-0}" != 1 ]; then
  step "mxscope-gateway (cmake, build-gateway/)"
  cmake -S . -B build-gateway -G Ninja -DCMAKE_BUILD_TYPE=Release -DMXSCOPE_TESTS=OFF -DMXSCOPE_BENCH=OFF >/dev/null
  cmake --build build-gateway --target mxscope-gateway
  export MXSCOPE_GATEWAY_BIN="$PWD/build-gateway/gateway/mxscope-gateway"

  step "Synapse (scripts/synapse.sh)"
  scripts/synapse.sh setup
  if ! scripts/synapse.sh status >/dev/null 2>&1; then scripts/synapse.sh start; STARTED=1; fi
  E2E_REQUIRED=1
fi
# A Synapse this script started is stopped again; one that was running is left alone.
trap '[ "$STARTED" = 1 ] && scripts/synapse.sh stop >/dev/null' EXIT

step "web client tests (node --test)"
MXSCOPE_E2E_REQUIRED=$E2E_REQUIRED node --test --test-concurrency=1 --test-reporter=spec tests/web/*.test.mjs 2>&1 |
  tee /tmp/mxscope-web-tests.log | tail -n 200
status=${PIPESTATUS[0]}
# node --test's totals as one line ("N passed, N failed, N skipped").
echo "screenshots: ${MXSCOPE_SCREENSHOT_DIR:-docs/screenshots}/"
awk '/^ℹ duration_ms /{printf "took %.1f s\n", $3/1000}' /tmp/mxscope-web-tests.log
awk '/^ℹ pass /{p=$3} /^ℹ fail /{f=$3} /^ℹ skipped /{s=$3}
     END { printf "web: %d passed, %d failed, %d skipped\n", p, f, s }' /tmp/mxscope-web-tests.log
exit "$status"
