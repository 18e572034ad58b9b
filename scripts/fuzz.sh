#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and runs them for a
# bounded time; exits non-zero on any crash, sanitizer report, leak, timeout or broken invariant.
# usage: scripts/fuzz.sh [seconds=60] [extra libFuzzer flags...]
#   The seconds are the total: fuzz_token (hostile bytes -> parsers, verifier, ...) gets half,
#   fuzz_build (mint/attenuate/seal recipes -> invariants) and fuzz_http (hostile bytes -> the
#   gateway's HTTP/1.1 request parser, whole and split) a quarter each.
# env:   MXSCOPE_FUZZ_TARGETS   which targets to run (default "fuzz_token fuzz_build fuzz_http")
#        MXSCOPE_FUZZ_JOBS      parallel libFuzzer workers per target (default 1)
#        MXSCOPE_FUZZ_COVERAGE=1  afterwards, replay the corpora in a source-coverage build
#                               (build-fuzz-cov/) and print llvm-cov's line coverage of sdk/src
#                               and gateway/src/http_parse.cpp
# Inputs that found something are written to build-fuzz/artifacts/; reproduce one with
#   build-fuzz/tests/fuzz/<target> <file>
# The corpus grows in build-fuzz/corpus/<target>/ and is reused by the next run.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
[ $# -gt 0 ] && shift
targets="${MXSCOPE_FUZZ_TARGETS:-fuzz_token fuzz_build fuzz_http}"
jobs="${MXSCOPE_FUZZ_JOBS:-1}"
dir=build-fuzz

for tool in clang clang++; do
  command -v "$tool" >/dev/null || { echo "fuzz.sh: $tool not found (scripts/setup.sh native installs it)" >&2; exit 1; }
done

CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMXSCOPE_FUZZ=ON -DMXSCOPE_TESTS=OFF -DMXSCOPE_BENCH=OFF >/dev/null
# shellcheck disable=SC2086
cmake --build "$dir" --target $targets mxscope-fuzz-seeds

mkdir -p "$dir/seeds/fuzz_token" "$dir/artifacts" "$dir/logs"
"$dir/tests/fuzz/mxscope-fuzz-seeds" "$dir/seeds/fuzz_token" >/dev/null

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

ntargets=$(wc -w <<<"$targets")
status=0
for target in $targets; do
  if [ "$ntargets" -eq 1 ]; then t="$seconds"
  elif [ "$target" = fuzz_token ]; then t=$(( seconds / 2 ))
  else t=$(( (seconds - seconds / 2) / (ntargets - 1) ))
  fi
  [ "$t" -lt 1 ] && t=1
  corpus="$dir/corpus/$target"
  mkdir -p "$corpus"
  # fuzz_build reads a recipe: let it use long inputs from the start rather than growing slowly.
  extra=(-max_len=1024 -len_control=0)
  seeds=()
  if [ "$target" = fuzz_token ]; then
    # Longer than the longest valid token text, so the size limits are exercised too.
    extra=(-max_len=12288 -dict=tests/fuzz/fuzz_token.dict)
    seeds=("$dir/seeds/fuzz_token")
  elif [ "$target" = fuzz_http ]; then
    # Past the production line limit (8 KiB); the small-limits mode reaches the other limits.
    extra=(-max_len=16384 -dict=tests/fuzz/fuzz_http.dict)
    seeds=(tests/fuzz/corpus/http)
  fi
  log="$dir/logs/$target.log"
  echo "fuzz.sh: $target for ${t}s (log: $log)"
  run=("$dir/tests/fuzz/$target" -max_total_time="$t" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256
       -print_final_stats=1 -artifact_prefix="$dir/artifacts/$target-" "${extra[@]}" "$@")
  [ "$jobs" -gt 1 ] && run+=(-fork="$jobs" -ignore_crashes=0)
  if "${run[@]}" "$corpus" "${seeds[@]}" >"$log" 2>&1; then
    grep -E '^#[0-9]+[[:space:]]+DONE|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" | sed 's/^/  /'
    grep -m1 -E 'INFO: Loaded [0-9]+ modules' "$log" | sed 's/^/  /' || true
  else
    status=1
    echo "fuzz.sh: $target FAILED; the end of its log:" >&2
    tail -n 60 "$log" >&2
    ls -1 "$dir/artifacts/$target-"* 2>/dev/null | sed 's/^/  artifact: /' >&2 || true
  fi
done

if [ "$status" -eq 0 ] && [ "${MXSCOPE_FUZZ_COVERAGE:-0}" = 1 ]; then
  cov=build-fuzz-cov
  flags="-fprofile-instr-generate -fcoverage-mapping"
  CC=clang CXX=clang++ cmake -S . -B "$cov" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMXSCOPE_FUZZ=ON -DMXSCOPE_TESTS=OFF -DMXSCOPE_BENCH=OFF \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
  # shellcheck disable=SC2086
  cmake --build "$cov" --target $targets >/dev/null
  rm -f "$cov"/*.profraw
  objects=()
  for target in $targets; do
    corpora=("$dir/corpus/$target"); [ "$target" = fuzz_token ] && corpora+=("$dir/seeds/fuzz_token")
    [ "$target" = fuzz_http ] && corpora+=(tests/fuzz/corpus/http)
    LLVM_PROFILE_FILE="$cov/$target.profraw" "$cov/tests/fuzz/$target" -runs=0 "${corpora[@]}" >/dev/null 2>&1
    objects+=(-object "$cov/tests/fuzz/$target")
  done
  llvm-profdata-14 merge -sparse "$cov"/*.profraw -o "$cov/fuzz.profdata"
  echo "fuzz.sh: line coverage of sdk/src and the gateway's request parser by the corpora ($targets)"
  llvm-cov-14 report -instr-profile="$cov/fuzz.profdata" "${objects[@]:1}" sdk/src/*.cpp gateway/src/http_parse.cpp \
    | awk '{ print "  " $0 }'
fi
exit "$status"
