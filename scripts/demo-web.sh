#!/usr/bin/env bash
# The web client, from a fresh Debian 12 machine, in one command: installs what is missing
# (scripts/setup.sh), builds the WebAssembly SDK and the mxscope gateway, starts the local Synapse
# with two demo users and a demo room holding the example widgets, starts a gateway in front of it
# (sign-in goes through it: gateway mode, with "Devices & tokens"), serves the client and the
# widgets on two loopback origins, and prints the URL and the demo credentials. Ctrl-C stops
# everything it started (a Synapse that was already running is left running).
#
# usage: scripts/demo-web.sh
# env:   MXSCOPE_WEB_PORT (8470), MXSCOPE_WIDGET_PORT (8471), MXSCOPE_GATEWAY_PORT (8472),
#        MXSCOPE_HS_PORT (18008, scripts/synapse.sh)
#        MXSCOPE_SKIP_WASM_BUILD=1  use the dist/ that is there
#        MXSCOPE_NO_GATEWAY=1       browser-only mode: sign in directly to Synapse, no gateway
#        MXSCOPE_DEMO_GATEWAY_DIR   the gateway's store and keys (default /var/tmp/mxscope-demo-gateway;
#                                   kept between runs, so logins and tokens survive a restart)
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${MXSCOPE_WEB_PORT:-8470}
WIDGET_PORT=${MXSCOPE_WIDGET_PORT:-8471}
GATEWAY_PORT=${MXSCOPE_GATEWAY_PORT:-8472}
NO_GATEWAY=${MXSCOPE_NO_GATEWAY:-0}
GATEWAY_DIR=${MXSCOPE_DEMO_GATEWAY_DIR:-/var/tmp/mxscope-demo-gateway}
GATEWAY_URL=http://127.0.0.1:$GATEWAY_PORT
HS_URL=$(scripts/synapse.sh env | sed 's/^MXSCOPE_HS_URL=//')
LOG=${TMPDIR:-/tmp}/mxscope-demo-web.log
: >"$LOG"
T0=$SECONDS

# On a terminal a step shows "… doing" until its "✓ done" line replaces it; in a log, both stay.
PENDING=0
clear_pending() { [ "$PENDING" = 1 ] && printf '\r\033[K'; PENDING=0; }
say() { clear_pending; printf '  %s\n' "$*"; }
doing() { if [ -t 1 ]; then printf '  … %s' "$*"; PENDING=1; else printf '  … %s\n' "$*"; fi; }
ok() { clear_pending; printf '  \033[32m✓\033[0m %s\n' "$*"; }
fail() {
  clear_pending
  printf '  \033[31m✗\033[0m %s\n' "$*" >&2
  echo "    last lines of $LOG:" >&2
  tail -n 25 "$LOG" | sed 's/^/    /' >&2
  exit 1
}
# Runs a step quietly (its output goes to the log); on failure, shows the log's tail.
quiet() { "$@" >>"$LOG" 2>&1; }
# wait_up URL PID WHAT: waits up to 10 s for URL to answer while process PID lives.
wait_up() {
  local url=$1 pid=$2 what=$3
  for _ in $(seq 1 100); do
    curl -sf -o /dev/null "$url" && return 0
    kill -0 "$pid" 2>/dev/null || fail "$what exited"
    sleep 0.1
  done
  curl -sf -o /dev/null "$url" || fail "$what does not answer at $url"
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

SERVER_PID=""
GATEWAY_PID=""
STARTED_SYNAPSE=0
cleanup() {
  trap - INT TERM EXIT
  echo
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true   # gone already when Ctrl-C reached it too
    wait "$SERVER_PID" 2>/dev/null || true
    say "web servers stopped"
  fi
  if [ -n "$GATEWAY_PID" ]; then
    kill "$GATEWAY_PID" 2>/dev/null || true
    wait "$GATEWAY_PID" 2>/dev/null || true
    say "gateway stopped (its store stays in $GATEWAY_DIR)"
  fi
  if [ "$STARTED_SYNAPSE" = 1 ]; then
    scripts/synapse.sh stop >>"$LOG" 2>&1 && say "Synapse stopped" || say "could not stop Synapse (scripts/synapse.sh stop)"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "mxscope web demo"

PORTS=("$PORT" "$WIDGET_PORT"); [ "$NO_GATEWAY" = 1 ] || PORTS+=("$GATEWAY_PORT")
for p in "${PORTS[@]}"; do
  port_busy "$p" && fail "port $p is in use (another demo running?). Set MXSCOPE_WEB_PORT / MXSCOPE_WIDGET_PORT / MXSCOPE_GATEWAY_PORT, or stop it."
done

SETUP_PARTS=(wasm synapse); [ "$NO_GATEWAY" = 1 ] || SETUP_PARTS+=(native gateway)
doing "checking the machine (the first time installs packages and builds a Synapse chroot: a few minutes)"
quiet scripts/setup.sh "${SETUP_PARTS[@]}" || fail "machine set-up failed (scripts/setup.sh ${SETUP_PARTS[*]})"
if ! command -v npm >/dev/null; then
  quiet apt-get install -y -qq --no-install-recommends npm || fail "could not install npm"
fi
ok "machine ready: Debian packages, libsodium source, Synapse chroot"

want=$(node -p 'require("./web/package.json").dependencies["matrix-widget-api"]')
have=$(node -p 'try { require("./web/node_modules/matrix-widget-api/package.json").version } catch { "" }')
if [ "$want" != "$have" ]; then
  ( cd web && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi ) >>"$LOG" 2>&1 ||
    fail "npm could not install web/package.json"
fi
ok "web client packages (matrix-widget-api $want)"

if [ "${MXSCOPE_SKIP_WASM_BUILD:-0}" != 1 ]; then
  doing "building the WebAssembly SDK (seconds when nothing changed)"
  quiet scripts/build-wasm.sh || fail "the WebAssembly build failed (scripts/build-wasm.sh)"
fi
[ -f dist/web/mxscope-core.wasm ] || fail "dist/web is missing (scripts/build-wasm.sh)"
ok "WebAssembly SDK built (dist/web)"

if scripts/synapse.sh status >/dev/null 2>&1; then
  ok "Synapse already running at $HS_URL (left running on exit)"
else
  quiet scripts/synapse.sh start || fail "Synapse did not start (scripts/synapse.sh start)"
  STARTED_SYNAPSE=1
  ok "Synapse started at $HS_URL"
fi

# Register the demo users only when they cannot log in yet (registration is the slow part).
for pair in alice:alicepass bob:bobpass; do
  u=${pair%%:*} pw=${pair#*:}
  if ! curl -sf -o /dev/null -X POST "$HS_URL/_matrix/client/v3/login" -H 'Content-Type: application/json' \
      -d "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"$u\"},\"password\":\"$pw\"}"; then
    quiet scripts/synapse.sh register "$u" "$pw" || fail "could not register $u"
  fi
done
ok "demo users alice and bob"

SERVE_ARGS=()
if [ "$NO_GATEWAY" != 1 ]; then
  # As scripts/test-gateway.sh builds it: its own build tree, only what the gateway needs.
  doing "building the mxscope gateway (the first time: a few minutes)"
  quiet cmake -S . -B build-gateway -G Ninja -DCMAKE_BUILD_TYPE=Release -DMXSCOPE_TESTS=OFF -DMXSCOPE_BENCH=OFF ||
    fail "cmake could not configure the gateway build (build-gateway/)"
  quiet cmake --build build-gateway --target mxscope-gateway || fail "the gateway build failed (cmake --build build-gateway --target mxscope-gateway)"
  ok "gateway built (build-gateway/gateway/mxscope-gateway)"
  mkdir -p "$GATEWAY_DIR" && chmod 700 "$GATEWAY_DIR"
  build-gateway/gateway/mxscope-gateway --homeserver "$HS_URL" --listen "127.0.0.1:$GATEWAY_PORT" \
    --store "$GATEWAY_DIR/gateway.db" --issuer-key-file "$GATEWAY_DIR/issuer.key" \
    --secret-key-file "$GATEWAY_DIR/secretbox.key" --public-url "$GATEWAY_URL" >>"$LOG" 2>&1 &
  GATEWAY_PID=$!
  wait_up "$GATEWAY_URL/_mxscope/v1/keys" "$GATEWAY_PID" "the gateway (build-gateway/gateway/mxscope-gateway)"
  ok "gateway in front of Synapse at $GATEWAY_URL"
  SERVE_ARGS+=(--gateway "$GATEWAY_URL")
fi

MXSCOPE_HS_URL=$HS_URL node web/serve.mjs --port "$PORT" --widget-port "$WIDGET_PORT" "${SERVE_ARGS[@]}" --demo >>"$LOG" 2>&1 &
SERVER_PID=$!
wait_up "http://127.0.0.1:$PORT/config.json" "$SERVER_PID" "the web server (node web/serve.mjs)"
ok "client and widgets served on two loopback origins"

room=$(node web/demo-setup.mjs --homeserver "$HS_URL" --widgets "http://127.0.0.1:$WIDGET_PORT" 2>>"$LOG") || fail "could not set up the demo room"
ok "demo room: $room"

if [ "$NO_GATEWAY" = 1 ]; then
  MODE_LINE="  Mode          browser-only (MXSCOPE_NO_GATEWAY=1): the client signs in to Synapse directly"
  TOKENS_HINT=""
  STOPS="the web servers"
else
  MODE_LINE="  Gateway       $GATEWAY_URL   (sign-in goes through it; it hands the client an mxscope root token)"
  TOKENS_HINT="
  Then Devices & tokens (bottom left): \"Sign in on another device…\" makes a read-only sign-in
  code. Open the sign-in link in a private window (or choose \"Sign in with a token from your main
  device\" there and paste the token): try to send, ask for more, grant it, then revoke it.
  \"New token for a script or bot…\" makes a token for a cron job: use it with the mxscope CLI
  (docs/cli.md) or any Matrix client call at $GATEWAY_URL.
"
  STOPS="the web servers and the gateway"
fi
[ "$STARTED_SYNAPSE" = 1 ] && STOPS="${STOPS/ and /, } and Synapse"

cat <<TXT

  Ready in $((SECONDS - T0)) s.  Open:

      http://127.0.0.1:$PORT/

  Sign in as    alice / alicepass      (a second account: bob / bobpass)
  Homeserver    $HS_URL   (Synapse, server name "localhost")
$MODE_LINE
  Widgets from  http://127.0.0.1:$WIDGET_PORT   (another origin, as they would be in real life)

  Try: open "Demo room", open the Notifier on the right and allow it, press its Send button;
  open the Room admin tool (Bob added it: it first asks whether to load it at all) and see what
  it asks for; then Permissions (bottom left) to revoke.
$TOKENS_HINT
  Ctrl-C stops $STOPS.  Log: $LOG
TXT

wait "$SERVER_PID"
