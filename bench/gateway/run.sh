#!/usr/bin/env bash
# wrk against Synapse directly and through mxscope-gateway, in the same run, interleaved:
# throughput ratio (gateway / direct) and added latency (p50, p99) on a cheap read
# (/account/whoami), a room state read and a message send, with the login's root token and with
# a room-scoped, named subtoken (the latter also exercises authorisation and attribution).
#
# Also reports the CPU time the gateway and Synapse spend per request (from /proc), which is less
# sensitive than throughput to other load on the machine.
#
# "isolated-*" rows: the same gateway in front of a stand-in homeserver that answers at once
# (bench/gateway/fake-homeserver.mjs), against the stand-in directly: the gateway's own cost, on
# whoami and on a named subtoken's send (whose added latency is lost in Synapse's noise above).
#
# usage: bench/gateway/run.sh [seconds=8] [connections=16] [rounds=3]
# env:   MXSCOPE_SKIP_SETUP=1        machine already set up
#        MXSCOPE_BENCH_OUT=DIR       where raw results go (default build-gateway/bench)
#        MXSCOPE_BENCH_ACCESS_LOG=1  keep the gateway's per-request log line on (default off)
#        MXSCOPE_BENCH_BASELINE=BIN  also run another mxscope-gateway binary (e.g. a build of an
#                                    earlier commit) in the same rounds: target "baseline-root",
#                                    so a change is measured under the same load as its baseline
set -euo pipefail
cd "$(dirname "$0")/../.."

secs=${1:-8}
conns=${2:-16}
rounds=${3:-3}
out=${MXSCOPE_BENCH_OUT:-build-gateway/bench}

if [ "${MXSCOPE_SKIP_SETUP:-0}" != 1 ]; then scripts/setup.sh native gateway synapse; fi
scripts/synapse.sh start >/dev/null
eval "$(scripts/synapse.sh env)"
HS=$MXSCOPE_HS_URL
cmake -S . -B build-gateway -G Ninja -DCMAKE_BUILD_TYPE=Release -DMXSCOPE_TESTS=OFF -DMXSCOPE_BENCH=OFF >/dev/null
cmake --build build-gateway --target mxscope-gateway >/dev/null
scripts/synapse.sh register mxbench mxbench-password >/dev/null

mkdir -p "$out"
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
GW="http://127.0.0.1:$port"
access_log=false; [ "${MXSCOPE_BENCH_ACCESS_LOG:-0}" = 1 ] && access_log=true
build-gateway/gateway/mxscope-gateway --homeserver "$HS" --listen "127.0.0.1:$port" --store "$dir/gateway.db" \
  --issuer-key-file "$dir/issuer.key" --secret-key-file "$dir/secretbox.key" --access-log "$access_log" \
  2>"$out/gateway.log" &
gw_pid=$!
cleanup() {
  kill "$gw_pid" 2>/dev/null || true
  if [ "${base_pid:-0}" != 0 ]; then kill "$base_pid" 2>/dev/null || true; fi
  wait "$gw_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "$GW/_mxscope/v1/keys" >/dev/null && break; sleep 0.05; done
base_pid=0
if [ -n "${MXSCOPE_BENCH_BASELINE:-}" ]; then
  base_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  GWB="http://127.0.0.1:$base_port"
  mkdir -p "$dir/baseline"
  "$MXSCOPE_BENCH_BASELINE" --homeserver "$HS" --listen "127.0.0.1:$base_port" --store "$dir/baseline/gateway.db" \
    --issuer-key-file "$dir/baseline/issuer.key" --secret-key-file "$dir/baseline/secretbox.key" --access-log "$access_log" \
    2>>"$out/gateway.log" &
  base_pid=$!
  for _ in $(seq 1 100); do curl -sf "$GWB/_mxscope/v1/keys" >/dev/null && break; sleep 0.05; done
fi

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
login_body='{"type":"m.login.password","identifier":{"type":"m.id.user","user":"mxbench"},"password":"mxbench-password"}'
REAL=$(curl -sf -XPOST "$HS/_matrix/client/v3/login" -d "$login_body" | json '["access_token"]')
ROOT=$(curl -sf -XPOST "$GW/_matrix/client/v3/login" -d "$login_body" | json '["access_token"]')
ROOM=$(curl -sf -XPOST -H "Authorization: Bearer $REAL" "$HS/_matrix/client/v3/createRoom" -d '{"name":"bench"}' | json '["room_id"]')
ROOM_ENC=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$ROOM")
SUB=$(curl -sf -XPOST -H "Authorization: Bearer $ROOT" "$GW/_mxscope/v1/mint" \
  -d "{\"actions\":[\"identity\",\"read_state\",\"send_message\"],\"rooms\":[\"$ROOM\"],\"name\":\"bench-bot\"}" | json '["token"]')
[ "$base_pid" != 0 ] && BASE_ROOT=$(curl -sf -XPOST "$GWB/_matrix/client/v3/login" -d "$login_body" | json '["access_token"]')

results="$out/results.txt"
: >"$results"

# one CASE TARGET CONNECTIONS SECONDS
one() {
  local case=$1 target=$2 c=$3 s=$4 url token method path body="" pid=$gw_pid
  case $target in
    direct) url=$HS; token=$REAL ;;
    gateway-root) url=$GW; token=$ROOT ;;
    gateway-sub) url=$GW; token=$SUB ;;
    baseline-root) url=$GWB; token=$BASE_ROOT; pid=$base_pid ;;
  esac
  case $case in
    whoami) method=GET; path=/_matrix/client/v3/account/whoami ;;
    state) method=GET; path="/_matrix/client/v3/rooms/$ROOM_ENC/state/m.room.name" ;;
    send) method=PUT; path="/_matrix/client/v3/rooms/$ROOM_ENC/send/m.room.message/"; body='{"msgtype":"m.text","body":"bench"}' ;;
  esac
  local g0 h0 g1 h1 line
  g0=$(cpu "$pid"); h0=$(cpu "$hs_pid")
  # A fresh transaction-id prefix per run: Synapse answers a repeated (device, txn id) from its
  # cache, and every gateway token of a login shares the device.
  line=$(BENCH_RUN="$(date +%s%N)" BENCH_TOKEN=$token BENCH_METHOD=$method BENCH_PATH=$path BENCH_BODY=$body BENCH_LABEL="$case/$target/c$c" \
    wrk -t1 -c"$c" -d"${s}s" --timeout 10s -s bench/gateway/request.lua "$url" | grep '^RESULT')
  g1=$(cpu "$pid"); h1=$(cpu "$hs_pid")
  # CPU time (user + system) the gateway and Synapse spent during the run, in microseconds.
  echo "$line gw_cpu_us=$(( (g1 - g0) * 1000000 / clk )) hs_cpu_us=$(( (h1 - h0) * 1000000 / clk ))"
}
clk=$(getconf CLK_TCK)
cpu() { [ -r "/proc/$1/stat" ] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }
hs_pid=$(scripts/synapse.sh status | sed -n 's/.*(pid \([0-9]*\)).*/\1/p')

echo "==== warm-up ===="
all_targets="direct gateway-root gateway-sub"
[ "$base_pid" != 0 ] && all_targets="$all_targets baseline-root"
for t in $all_targets; do one whoami "$t" 4 1 >/dev/null; done
# Direct and gateway runs alternate, and the order flips every round, so that a burst of load
# from elsewhere on the machine falls on both sides alike.
for r in $(seq 1 "$rounds"); do
  targets=$all_targets
  [ $((r % 2)) = 0 ] && targets=$(echo "$all_targets" | tr ' ' '\n' | tac | tr '\n' ' ')
  for c in "$conns" 1; do
    echo "==== round $r/$rounds: $c connection(s), ${secs}s per run ===="
    for case in whoami state send; do
      for t in $targets; do one "$case" "$t" "$c" "$secs" | tee -a "$results"; done
    done
  done
done

# The gateway's own overhead, without Synapse: the same gateway binary in front of a stand-in
# homeserver that answers at once (bench/gateway/fake-homeserver.mjs), against that stand-in directly.
fake_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
gw2_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
node bench/gateway/fake-homeserver.mjs "$fake_port" >/dev/null &
fake_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$fake_port/" >/dev/null && break; sleep 0.05; done
mkdir -p "$dir/isolated"
build-gateway/gateway/mxscope-gateway --homeserver "http://127.0.0.1:$fake_port" --listen "127.0.0.1:$gw2_port" \
  --store "$dir/isolated/gateway.db" --issuer-key-file "$dir/isolated/issuer.key" \
  --secret-key-file "$dir/isolated/secretbox.key" --access-log "$access_log" 2>>"$out/gateway.log" &
gw2_pid=$!
trap 'kill $fake_pid $gw2_pid 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$gw2_port/_mxscope/v1/keys" >/dev/null && break; sleep 0.05; done
ISO_ROOT=$(curl -sf -XPOST "http://127.0.0.1:$gw2_port/_matrix/client/v3/login" -d '{"type":"m.login.password"}' | json '["access_token"]')
ISO_ROOM='!bench:localhost'
ISO_SUB=$(curl -sf -XPOST -H "Authorization: Bearer $ISO_ROOT" "http://127.0.0.1:$gw2_port/_mxscope/v1/mint" \
  -d "{\"actions\":[\"identity\",\"send_message\"],\"rooms\":[\"$ISO_ROOM\"],\"name\":\"bench-bot\"}" | json '["token"]')
iso() {  # iso CASE TARGET CONNECTIONS SECONDS
  local url="http://127.0.0.1:$gw2_port" token g0 g1 line method=GET path=/_matrix/client/v3/account/whoami body=""
  case $2 in
    direct) url="http://127.0.0.1:$fake_port"; token=syt_fake_real_token ;;
    gateway-root) token=$ISO_ROOT ;;
    gateway-sub) token=$ISO_SUB ;;
  esac
  if [ "$1" = send ]; then
    # The send path of a named subtoken: body parsed for the msgtype, attribution added.
    method=PUT; path="/_matrix/client/v3/rooms/%21bench%3Alocalhost/send/m.room.message/"; body='{"msgtype":"m.text","body":"bench"}'
  fi
  g0=$(cpu "$gw2_pid")
  line=$(BENCH_RUN="$(date +%s%N)" BENCH_TOKEN=$token BENCH_METHOD=$method BENCH_PATH=$path BENCH_BODY=$body BENCH_LABEL="isolated-$1/$2/c$3" \
    wrk -t1 -c"$3" -d"${4}s" --timeout 10s -s bench/gateway/request.lua "$url" | grep '^RESULT')
  g1=$(cpu "$gw2_pid")
  echo "$line gw_cpu_us=$(( (g1 - g0) * 1000000 / clk )) hs_cpu_us=0"
}
for r in $(seq 1 "$rounds"); do
  echo "==== round $r/$rounds: isolated (stand-in homeserver) ===="
  for c in "$conns" 1; do
    for t in direct gateway-root gateway-sub; do iso whoami "$t" "$c" "$secs" | tee -a "$results"; done
  done
  # Added latency on send, one connection: the gateway's own share of the "send" rows above.
  for t in direct gateway-sub; do iso send "$t" 1 "$secs" | tee -a "$results"; done
done

echo
echo "==== summary (median of $rounds rounds; raw lines in $results) ===="
python3 - "$results" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = dict(kv.split("=", 1) for kv in line.split()[1:])
    case, target, conc = f["label"].split("/")
    rows.setdefault((case, conc, target), []).append(f)
def med(case, conc, target, key):
    v = rows.get((case, conc, target))
    return statistics.median(float(x[key]) for x in v) if v else float("nan")
def cpu(case, conc, target, key):
    v = rows.get((case, conc, target))
    return sum(float(x[key]) for x in v) / max(1, sum(int(x["requests"]) for x in v)) if v else float("nan")
print(f"{'case':15} {'conns':5} {'target':13} {'req/s':>9} {'ratio':>6} {'p50 ms':>8} {'+p50 ms':>8} {'p99 ms':>8} {'+p99 ms':>8} {'gw us/req':>9} {'hs us/req':>9} {'errors':>6}")
for case in ("whoami", "state", "send", "isolated-whoami", "isolated-send"):
    for conc in sorted({k[1] for k in rows}, key=lambda c: -int(c[1:])):
        d_rps = med(case, conc, "direct", "rps")
        d50 = med(case, conc, "direct", "p50") / 1000
        d99 = med(case, conc, "direct", "p99") / 1000
        for target in ("direct", "gateway-root", "gateway-sub", "baseline-root"):
            if (case, conc, target) not in rows: continue
            rps = med(case, conc, target, "rps"); p50 = med(case, conc, target, "p50") / 1000; p99 = med(case, conc, target, "p99") / 1000
            errs = sum(int(x["errors"]) + int(x["status_errors"]) for x in rows[(case, conc, target)])
            if target == "direct":
                print(f"{case:15} {conc[1:]:5} {target:13} {rps:9.0f} {'':>6} {p50:8.2f} {'':>8} {p99:8.2f} {'':>8} {'':>9} {cpu(case, conc, target, 'hs_cpu_us'):9.0f} {errs:6d}")
            else:
                print(f"{case:15} {conc[1:]:5} {target:13} {rps:9.0f} {rps / d_rps:6.1%} {p50:8.2f} {p50 - d50:+8.2f} {p99:8.2f} {p99 - d99:+8.2f} {cpu(case, conc, target, 'gw_cpu_us'):9.0f} {cpu(case, conc, target, 'hs_cpu_us'):9.0f} {errs:6d}")
PY
