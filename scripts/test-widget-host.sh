#!/usr/bin/env bash
# Sets up and runs the widget host suites: unit/session tests in Node (real matrix-widget-api,
# the wasm SDK, fakes for the DOM and the homeserver), the fetch client against the real Synapse,
# and the end-to-end tests in real headless Chromium against that Synapse.
# usage: scripts/test-widget-host.sh          (idempotent; reuses Synapse and the wasm build)
# env:   MXSCOPE_SKIP_WASM_BUILD=1  use the dist/ that is there
#        MXSCOPE_SKIP_E2E=1         Node suites only (no Synapse, no Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==== %s ====\n' "$*"; }

step "machine set-up (scripts/setup.sh wasm browser synapse)"
if [ "${MXSCOPE_SKIP_E2E:-0}" != 1 ]; then scripts/setup.sh wasm browser synapse; else scripts/setup.sh wasm; fi

step "widget-host test dependencies (tests/widget-host/package.json)"
# Kept apart from the top-level package.json: matrix-widget-api (the widget side; the host's own
# copy is the package's dependency, resolved from here when the top-level node_modules lacks it),
# matrix-js-sdk (a real MatrixClient for the adapter test) and playwright-core (drives Debian's
# chromium; no browser is downloaded).
( cd tests/widget-host
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error
  else npm install --no-audit --no-fund --loglevel=error; fi )

if [ "${MXSCOPE_SKIP_WASM_BUILD:-0}" != 1 ]; then
  step "wasm build (scripts/build-wasm.sh)"
  [ -x scripts/build-wasm.sh ] || { echo "scripts/build-wasm.sh is missing" >&2; exit 1; }
  scripts/build-wasm.sh
fi

E2E_REQUIRED=0
if [ "${MXSCOPE_SKIP_E2E:-0}" != 1 ]; then
  step "Synapse (scripts/synapse.sh)"
  scripts/synapse.sh setup
  scripts/synapse.sh start
  scripts/synapse.sh register alice alicepass
  scripts/synapse.sh register bob bobpass
  E2E_REQUIRED=1
fi

step "widget host tests (node --test)"
MXSCOPE_E2E_REQUIRED=$E2E_REQUIRED node --import ./tests/widget-host/support/register.mjs \
  --test --test-concurrency=1 --test-reporter=spec tests/widget-host/*.test.mjs 2>&1 | tee /tmp/mxscope-widget-host-tests.log | tail -n 400
status=${PIPESTATUS[0]}
if [ -f tests/widget-host/timings.json ]; then
  step "measured (ms): request->prompt visible, approve->token minted / notify_capabilities sent, close->token rejected"
  cat tests/widget-host/timings.json
fi
exit "$status"
