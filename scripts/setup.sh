#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks for mxscope. Idempotent; quick the second time.
# usage: scripts/setup.sh [native] [wasm] [browser] [synapse] [gateway] [cli]   (no argument: everything)
set -euo pipefail
cd "$(dirname "$0")/.."

want() { [ $# -eq 0 ] && return 0; }
parts=("$@"); [ ${#parts[@]} -eq 0 ] && parts=(native wasm browser synapse gateway cli)
has() { local p; for p in "${parts[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

pkgs=()
has native  && pkgs+=(build-essential cmake ninja-build pkg-config git libsodium-dev nlohmann-json3-dev catch2 libbenchmark-dev clang libclang-rt-14-dev)
has wasm    && pkgs+=(emscripten dpkg-dev nodejs)
has browser && pkgs+=(chromium)
has synapse && pkgs+=(mmdebstrap curl)
has gateway && pkgs+=(libcpp-httplib-dev libsqlite3-dev wrk nodejs curl python3)
has cli     && pkgs+=(libqrencode-dev libcpp-httplib-dev zbar-tools)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if has wasm; then
  # The npm package and its tests need Node >= 20 (the machines ship NodeSource's 20.x).
  node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  [ "$node_major" -ge 20 ] || { echo "setup: Node >= 20 is required (found $(node -v 2>/dev/null || echo none))" >&2; exit 1; }
  scripts/libsodium-src.sh >/dev/null
fi
if has synapse; then scripts/synapse.sh setup; fi
echo "setup: ok (${parts[*]})"
