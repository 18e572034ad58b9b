#!/usr/bin/env bash
# A real Matrix homeserver for mxscope's integration tests: Synapse from Debian sid, run from an
# mmdebstrap chroot that is cached outside the work tree, listening on loopback only. Needs root.
# (Recipe: shared/reference/real-homeserver.md, "Recipe A".)
#
# usage: scripts/synapse.sh setup|start|stop|restart|reset|status|env
#        scripts/synapse.sh register USER PASS [--admin]
#
#   setup     build the chroot (once; ~1 min, skipped when it exists) and (re)write the config
#   start     start Synapse in the background and wait until it answers; no-op if already up
#   stop      stop it (SIGTERM, then wait until the port is free)
#   restart   stop + start
#   reset     wipe server state (database, media, logs), keep the chroot; restarts it if it was up
#   status    say whether it is up; exit 0 if up, 3 if not
#   env       print MXSCOPE_HS_URL=http://127.0.0.1:PORT
#   register  create a user through the shared-secret API; exit 0 if the user already exists
#
# environment:
#   MXSCOPE_SYNAPSE_ROOT      chroot location   (default /var/tmp/mxscope-synapse)
#   MXSCOPE_HS_PORT           listening port    (default 18008, bound to 127.0.0.1)
#   MXSCOPE_HS_SHARED_SECRET  registration shared secret (default: a fixed test value)
#   MXSCOPE_DEBIAN_MIRROR     Debian mirror URI for the chroot (default: taken from this machine's
#                             apt sources, the URIs: of the main Debian entry)
#
# The server name is "localhost", so users are @USER:localhost. CORS: Synapse answers every client
# API request (and the OPTIONS preflight) with Access-Control-Allow-Origin: * and allows the
# Authorization header, so a web client served from another loopback port can talk to it.
set -euo pipefail

ROOT=${MXSCOPE_SYNAPSE_ROOT:-/var/tmp/mxscope-synapse}
PORT=${MXSCOPE_HS_PORT:-18008}
SECRET=${MXSCOPE_HS_SHARED_SECRET:-mxscope-test-shared-secret}
URL="http://127.0.0.1:$PORT"
DATA="$ROOT/data"
PIDFILE="$DATA/synapse.pid"
LOCK="$ROOT.lock"

log() { echo "synapse.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

need_root() { [ "$(id -u)" -eq 0 ] || die "needs root (chroot/mmdebstrap)"; }

chroot_ready() { [ -x "$ROOT/usr/bin/synapse_homeserver" ] && [ -f "$ROOT/.mxscope-complete" ]; }

is_up() { curl -sf --max-time 2 "$URL/_matrix/client/versions" >/dev/null 2>&1; }

# PID of our Synapse, if it runs: from the pid file, else any process whose root is our chroot
# and whose command line is the homeserver (covers a lost pid file).
server_pid() {
  local p root
  p=$(cat "$PIDFILE" 2>/dev/null || true)
  if [ -n "$p" ] && [ -r "/proc/$p/cmdline" ] && grep -qa 'synapse.app.homeserver' "/proc/$p/cmdline"; then
    echo "$p"; return 0
  fi
  for d in /proc/[0-9]*; do
    root=$(readlink "$d/root" 2>/dev/null || true)
    [ "$root" = "$(readlink -f "$ROOT")" ] || continue
    grep -qa 'synapse.app.homeserver' "$d/cmdline" 2>/dev/null || continue
    echo "${d#/proc/}"; return 0
  done
  return 1
}

# The Debian mirror URI of this machine's main Debian entry (never hard-coded here).
debian_mirror() {
  if [ -n "${MXSCOPE_DEBIAN_MIRROR:-}" ]; then echo "$MXSCOPE_DEBIAN_MIRROR"; return 0; fi
  local codename="" uri="" f
  codename=$(. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-}")
  # deb822 files: first stanza with Types: deb whose Suites: contains the release codename itself
  # (not -updates/-security); without a codename, the first deb stanza not on a -security suite.
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri=$(awk -v cn="$codename" '
      function flush() {
        if (enabled != "no" && (" " types " ") ~ / deb / && uris != "") {
          if ((cn != "" && (" " suites " ") ~ (" " cn " ")) || (cn == "" && suites !~ /-security/)) {
            split(uris, u, " "); print u[1]; done = 1; exit
          }
        }
        types = ""; uris = ""; suites = ""; enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      { key = tolower($1); val = $0; sub(/^[^:]*:[ \t]*/, "", val) }
      key == "types:"   { types = val }
      key == "uris:"    { uris = val }
      key == "suites:"  { suites = val }
      key == "enabled:" { enabled = tolower(val) }
      END { if (!done) flush() }' "$f")
    [ -n "$uri" ] && { echo "$uri"; return 0; }
  done
  # one-line format: "deb [options] URI SUITE COMPONENTS..."
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(awk -v cn="$codename" '
      $1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        if ((cn != "" && $(i+1) == cn) || (cn == "" && $(i+1) !~ /-security/)) { print $i; exit }
      }' "$f")
    [ -n "$uri" ] && { echo "$uri"; return 0; }
  done
  return 1
}

write_config() {
  mkdir -p "$DATA"
  [ -f "$DATA/signing.key" ] || chroot "$ROOT" synapse_generate_signing_key -o /data/signing.key
  cat >"$DATA/homeserver.yaml" <<YAML
# Written by scripts/synapse.sh (mxscope); rewritten on every setup/start. Loopback test server.
server_name: "localhost"
public_baseurl: "http://127.0.0.1:$PORT/"
pid_file: /data/homeserver.pid
listeners:
  - port: $PORT
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources: [{names: [client], compress: false}]
database: {name: sqlite3, args: {database: /data/homeserver.db}}
log_config: /data/log.yaml
media_store_path: /data/media_store
signing_key_path: /data/signing.key
report_stats: false
registration_shared_secret: "$SECRET"
macaroon_secret_key: "mxscope-test-macaroon-secret"
form_secret: "mxscope-test-form-secret"
enable_registration: true
enable_registration_without_verification: true
trusted_key_servers: []
suppress_key_server_warning: true
federation_domain_whitelist: []
url_preview_enabled: false
presence: {enabled: false}
# CORS: Synapse sends Access-Control-Allow-Origin: * (and allows Authorization) on the client API
# by default, which is what a web client on another loopback port needs; nothing to configure.
rc_message: {per_second: 1000, burst_count: 1000}
rc_registration: {per_second: 1000, burst_count: 1000}
rc_login:
  address: {per_second: 1000, burst_count: 1000}
  account: {per_second: 1000, burst_count: 1000}
  failed_attempts: {per_second: 1000, burst_count: 1000}
rc_joins: {local: {per_second: 1000, burst_count: 1000}, remote: {per_second: 1000, burst_count: 1000}}
rc_invites: {per_room: {per_second: 1000, burst_count: 1000}, per_user: {per_second: 1000, burst_count: 1000}}
rc_room_creation: {per_second: 1000, burst_count: 1000}
YAML
  cat >"$DATA/log.yaml" <<'YAML'
version: 1
formatters: {precise: {format: '%(asctime)s - %(name)s - %(levelname)s - %(request)s - %(message)s'}}
handlers: {file: {class: logging.FileHandler, formatter: precise, filename: /data/homeserver.log, encoding: utf8}}
root: {level: INFO, handlers: [file]}
disable_existing_loggers: false
YAML
}

apt_install() {
  # waits for a dpkg/apt lock held by another apt-get instead of failing
  apt-get -o DPkg::Lock::Timeout=900 update -qq >&2 || log "apt-get update failed (continuing)"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "$@" >&2
}

cmd_setup() {
  need_root
  command -v curl >/dev/null || apt_install curl
  mkdir -p "$(dirname "$ROOT")"
  exec 9>"$LOCK"
  flock 9   # one setup at a time
  if chroot_ready; then
    log "chroot exists at $ROOT (reusing it)"
  else
    command -v mmdebstrap >/dev/null || apt_install mmdebstrap
    local mirror t0=$SECONDS
    mirror=$(debian_mirror) || die "no Debian mirror found in /etc/apt/sources*; set MXSCOPE_DEBIAN_MIRROR"
    log "building sid chroot with matrix-synapse at $ROOT (from $mirror; takes about a minute)"
    rm -rf "$ROOT.tmp"
    # The sid InRelease seen through the mirror can be past its Valid-Until; mmdebstrap uses its own
    # apt config, so the check is disabled here explicitly.
    mmdebstrap --variant=apt --quiet \
      --aptopt='Acquire::Check-Valid-Until "false"' --aptopt='Acquire::Check-Date "false"' \
      --include=matrix-synapse sid "$ROOT.tmp" "$mirror" >&2
    [ -x "$ROOT.tmp/usr/bin/synapse_homeserver" ] || die "mmdebstrap finished but synapse_homeserver is missing"
    touch "$ROOT.tmp/.mxscope-complete"
    if [ -d "$ROOT" ]; then
      server_pid >/dev/null && die "an incomplete chroot at $ROOT is in use; stop it first"
      rm -rf "$ROOT"
    fi
    mv "$ROOT.tmp" "$ROOT"
    log "chroot ready in $((SECONDS - t0)) s ($(chroot "$ROOT" dpkg-query -W -f='${Version}' matrix-synapse))"
  fi
  write_config
  log "config written to $DATA/homeserver.yaml (port $PORT)"
}

cmd_start() {
  local p
  if is_up; then
    p=$(server_pid || true)
    echo "synapse already up at $URL${p:+ (pid $p)}"
    return 0
  fi
  need_root
  chroot_ready || cmd_setup
  write_config
  if p=$(server_pid); then
    die "a Synapse from $ROOT runs (pid $p) but $URL does not answer; run '$0 stop' first"
  fi
  : >"$DATA/stdout.log"
  # setsid + stdin from /dev/null: the server is detached from this terminal and session.
  # chroot execs python3, so $! is the server's own PID.
  setsid chroot "$ROOT" python3 -m synapse.app.homeserver -c /data/homeserver.yaml \
    </dev/null >>"$DATA/stdout.log" 2>&1 &
  p=$!
  echo "$p" >"$PIDFILE"
  local i
  for i in $(seq 1 240); do   # up to 60 s; a fresh DB takes ~1-2 s
    if is_up; then echo "synapse up at $URL (pid $p)"; return 0; fi
    if ! kill -0 "$p" 2>/dev/null; then
      log "synapse exited during startup; last log lines:"
      tail -n 30 "$DATA/stdout.log" "$DATA/homeserver.log" >&2 2>/dev/null || true
      rm -f "$PIDFILE"
      return 1
    fi
    sleep 0.25
  done
  log "timeout waiting for $URL (pid $p still running; see $DATA/homeserver.log)"
  return 1
}

cmd_stop() {
  local p i
  if ! p=$(server_pid); then
    rm -f "$PIDFILE"
    if is_up; then die "something answers on $URL but it is not the Synapse from $ROOT"; fi
    echo "synapse not running"
    return 0
  fi
  kill -TERM "$p" 2>/dev/null || true
  for i in $(seq 1 100); do   # SIGTERM normally ends it in ~0.1 s
    kill -0 "$p" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$p" 2>/dev/null; then
    log "pid $p ignored SIGTERM for 10 s; sending SIGKILL"
    kill -KILL "$p" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$PIDFILE" "$DATA/homeserver.pid"
  echo "synapse stopped (pid $p)"
}

cmd_reset() {
  local was_up=0
  if server_pid >/dev/null; then was_up=1; cmd_stop; fi
  rm -rf "$DATA"/homeserver.db* "$DATA/media_store" "$DATA"/*.log
  echo "synapse state wiped (chroot kept)"
  if [ "$was_up" = 1 ]; then cmd_start; fi
}

cmd_status() {
  local p
  p=$(server_pid || true)
  if is_up; then
    echo "synapse up at $URL${p:+ (pid $p)}; chroot $ROOT"
    return 0
  fi
  if [ -n "$p" ]; then echo "synapse process $p exists but $URL does not answer"; else echo "synapse not running ($URL)"; fi
  chroot_ready && echo "chroot ready at $ROOT" || echo "no chroot at $ROOT (run: $0 setup)"
  return 3
}

cmd_register() {
  [ $# -ge 2 ] || { usage; exit 2; }
  local user=$1 pass=$2 admin=--no-admin out rc
  case "${3:-}" in
    --admin) admin=--admin ;;
    "" | --no-admin) ;;
    *) usage; exit 2 ;;
  esac
  need_root
  is_up || die "synapse is not answering on $URL (run: $0 start)"
  set +e
  out=$(chroot "$ROOT" synapse_register_new_matrix_user -u "$user" -p "$pass" "$admin" \
    -k "$SECRET" "$URL" </dev/null 2>&1)
  rc=$?
  set -e
  if [ $rc -eq 0 ]; then
    if [ "$admin" = --admin ]; then echo "registered @$user:localhost (admin)"; else echo "registered @$user:localhost"; fi
    return 0
  fi
  if grep -qiE 'already taken|M_USER_IN_USE' <<<"$out"; then
    echo "user @$user:localhost already exists (ok)"
    return 0
  fi
  printf '%s\n' "$out" >&2
  die "registering $user failed"
}

usage() {
  echo "usage: $0 setup|start|stop|restart|reset|status|env | register USER PASS [--admin]" >&2
}

case "${1:-}" in
  setup) cmd_setup ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  reset) cmd_reset ;;
  status) cmd_status ;;
  env) echo "MXSCOPE_HS_URL=$URL" ;;
  register) shift; cmd_register "$@" ;;
  *) usage; exit 2 ;;
esac
