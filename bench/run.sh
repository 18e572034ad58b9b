#!/usr/bin/env bash
# Builds the native benchmarks in Release (build-bench/) and runs them PASSES times, then prints
# the summary of every pass side by side with the median. Passes are separate processes, run one
# after the other, so a burst of noise on a busy machine spoils one column, not the table.
# usage: bench/run.sh [passes=3] [extra Google Benchmark flags...]
#   e.g. bench/run.sh 1 --benchmark_filter='verify|ed25519'
# env:   MXSCOPE_BENCH_MIN_TIME (seconds per benchmark, default 0.5)
#        MXSCOPE_BENCH_OUT      (directory for the raw outputs, default build-bench/results)
set -euo pipefail
cd "$(dirname "$0")/.."

passes="${1:-3}"
[ $# -gt 0 ] && shift
min_time="${MXSCOPE_BENCH_MIN_TIME:-0.5}"
out="${MXSCOPE_BENCH_OUT:-build-bench/results}"

cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DMXSCOPE_TESTS=OFF -DMXSCOPE_BENCH=ON -DMXSCOPE_FUZZ=OFF >/dev/null
cmake --build build-bench --target mxscope-bench
[ -x build-bench/bench/mxscope-bench ] || { echo "bench/run.sh: mxscope-bench was not built (is libbenchmark-dev installed?)" >&2; exit 1; }

mkdir -p "$out"
for i in $(seq 1 "$passes"); do
  echo "==== pass $i/$passes ===="
  build-bench/bench/mxscope-bench --benchmark_min_time="$min_time" "$@" | tee "$out/pass$i.txt"
done

echo
echo "==== summary: $passes pass(es), CPU time per operation in microseconds (sizes in characters) ===="
{
  printf '%-28s' "metric"
  for i in $(seq 1 "$passes"); do printf ' %10s' "pass$i"; done
  printf ' %10s  %s\n' "median" "what"
  # One row per SUMMARY key, in first-seen order; columns are passes; last column the median.
  awk -v passes="$passes" '
    FNR == 1 { pass++ }
    $1 == "SUMMARY" {
      key = $2
      if (!(key in seen)) { seen[key] = 1; order[++n] = key
        what = ""; for (f = 4; f <= NF; f++) what = what (f > 4 ? " " : "") $f; label[key] = what }
      val[key, pass] = $3
    }
    END {
      for (k = 1; k <= n; k++) {
        key = order[k]; printf "%-28s", key; m = 0
        for (p = 1; p <= passes; p++) {
          if ((key, p) in val) { printf " %10s", val[key, p]; v[++m] = val[key, p] + 0 } else printf " %10s", "-"
        }
        # median of the passes that reported this key (insertion sort: at most a handful)
        for (a = 2; a <= m; a++) { x = v[a]; b = a - 1; while (b >= 1 && v[b] > x) { v[b + 1] = v[b]; b-- } v[b + 1] = x }
        med = (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
        # The verdict a pass printed is about that pass: judge the median again.
        what = label[key]
        if (match(what, /target (<=|<) [0-9.]+/)) {
          t = substr(what, RSTART, RLENGTH); split(t, tp, " ")
          ok = (tp[2] == "<=") ? (med <= tp[3] + 0) : (med < tp[3] + 0)
          sub(/: (ok|MISSED)$/, "", what); what = what ": " (ok ? "ok" : "MISSED")
        }
        if (med == int(med)) printf " %10d  %s\n", med, what; else printf " %10.3f  %s\n", med, what
      }
    }' $(for i in $(seq 1 "$passes"); do echo "$out/pass$i.txt"; done)
} | tee "$out/summary.txt"
