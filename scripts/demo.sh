#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine: set up, build, and walk through what mxscope does:
# mint a root token, hand a bot a scoped subtoken, read its plain-language description, verify,
# authorise, revoke. Idempotent; fast the second time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh native >/dev/null
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target mxscope-example >/dev/null
exec ./build/mxscope-example
