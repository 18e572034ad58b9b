#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine (idempotent; seconds the second time):
#   scripts/demo.sh          the web client with widgets, served on loopback against a local Synapse
#                            (prints the URL and demo accounts; Ctrl-C stops everything it started)
#   scripts/demo.sh native   the native walk-through: mint, attenuate, describe, verify, authorise, revoke
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = native ]; then
  scripts/setup.sh native >/dev/null
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build --target mxscope-example >/dev/null
  exec ./build/mxscope-example
fi
exec scripts/demo-web.sh "$@"
