# Sourced by the suite scripts. run_node_tests LABEL ARGS...: runs `node --test ARGS...`, then
# repeats node's own summary lines and failing tests, and prints "LABEL: N passed, M failed".
# Returns node's exit status.
run_node_tests() {
  local label=$1; shift
  local log rc=0 pass fail
  log=$(mktemp)
  node --test "$@" 2>&1 | tee "$log" || rc=$?
  pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -1)
  fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -1)
  printf '\n==== %s ====\n' "summary"
  grep -E '^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ' "$log" | tail -8
  grep -E '^not ok ' "$log" || true
  echo "$label: ${pass:-0} passed, ${fail:-0} failed"
  rm -f "$log"
  return "$rc"
}
