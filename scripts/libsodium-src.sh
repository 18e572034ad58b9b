#!/usr/bin/env bash
# Makes Debian's libsodium source tree (the one the machine's libsodium-dev is built from, Debian
# patches applied) available for the WebAssembly build, cached outside the work tree.
# Prints the tree's path on its last stdout line (everything else goes to stderr):
#   SODIUM_SRC=$(scripts/libsodium-src.sh | tail -n 1)
#   emcmake cmake ... -DSODIUM_SRC="$SODIUM_SRC"
#
# Cache: ${MXSCOPE_CACHE:-/var/tmp/mxscope-cache}/libsodium-src/libsodium-<version>
# If no deb-src entry is configured, writes /etc/apt/sources.list.d/mxscope-src.sources with the
# same URIs/Suites/Components/Signed-By as the machine's own Debian entries (Types: deb-src).
# Idempotent: when the tree is already there it only prints the path. Needs root the first time.
# MXSCOPE_LIBSODIUM_REFRESH=1 forces a new download.
set -euo pipefail

CACHE=${MXSCOPE_CACHE:-/var/tmp/mxscope-cache}/libsodium-src
SRC_LIST=/etc/apt/sources.list.d/mxscope-src.sources
STAMP=.mxscope-complete

log() { echo "libsodium-src.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

# newest complete tree in the cache, if any
cached_tree() {
  local d best=""
  for d in "$CACHE"/libsodium-*/; do
    d=${d%/}
    [ -f "$d/$STAMP" ] && [ -f "$d/src/libsodium/include/sodium/version.h.in" ] || continue
    best=$(printf '%s\n%s\n' "$best" "$d" | sed '/^$/d' | sort -V | tail -n 1)
  done
  [ -n "$best" ] && echo "$best"
}

if [ "${MXSCOPE_LIBSODIUM_REFRESH:-0}" != 1 ] && tree=$(cached_tree); then
  echo "$tree"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "first run needs root (apt sources, apt-get update); run it once as root"

APT_LOCK_OPT=(-o DPkg::Lock::Timeout=900)

# apt-get, retried while another apt/dpkg (e.g. a background install) holds a lock
apt_retry() {
  local i out rc
  for i in $(seq 1 180); do
    set +e
    out=$(DEBIAN_FRONTEND=noninteractive apt-get "${APT_LOCK_OPT[@]}" "$@" 2>&1)
    rc=$?
    set -e
    if [ $rc -eq 0 ]; then [ -z "$out" ] || printf '%s\n' "$out" | tail -n 3 >&2; return 0; fi
    if grep -qE 'Could not get lock|Unable to lock|Unable to acquire' <<<"$out"; then
      [ "$i" = 1 ] && log "waiting for another apt/dpkg to finish..."
      sleep 5
      continue
    fi
    printf '%s\n' "$out" >&2
    return $rc
  done
  die "apt lock still held after 15 minutes"
}

# Is any deb-src entry configured (one-line or deb822 format)?
have_deb_src() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] && grep -qE '^[[:space:]]*deb-src[[:space:]]' "$f" && return 0
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '
      function flush() { if (types ~ /(^|[ \t])deb-src([ \t]|$)/ && enabled != "no") found = 1; types = ""; enabled = "" }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      { key = tolower($1); val = $0; sub(/^[^:]*:[ \t]*/, "", val) }
      key == "types:" { types = val }
      key == "enabled:" { enabled = tolower(val) }
      END { flush(); exit !found }' "$f" && return 0
  done
  return 1
}

# deb-src stanzas mirroring the machine's Debian "deb" entries: those whose suites are the
# release codename or codename-<something> (bookworm, bookworm-updates, bookworm-security).
derive_deb_src() {
  local codename f
  codename=$(. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-}")
  [ -n "$codename" ] || die "no VERSION_CODENAME in /etc/os-release"
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && [ "$f" != "$SRC_LIST" ] || continue
    awk -v cn="$codename" '
      function flush(   n, s, i, ok) {
        if (enabled != "no" && (" " types " ") ~ / deb / && uris != "" && suites != "") {
          n = split(suites, s, " "); ok = 1
          for (i = 1; i <= n; i++) if (s[i] != cn && index(s[i], cn "-") != 1) ok = 0
          if (ok) {
            print "Types: deb-src"; print "URIs: " uris; print "Suites: " suites
            if (comps != "") print "Components: " comps
            if (signed != "") print "Signed-By: " signed
            print ""
          }
        }
        types = ""; uris = ""; suites = ""; comps = ""; signed = ""; enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]/ { next }   # continuation lines (e.g. an inline Signed-By key) are not copied
      { key = tolower($1); val = $0; sub(/^[^:]*:[ \t]*/, "", val) }
      key == "types:"      { types = val }
      key == "uris:"       { uris = val }
      key == "suites:"     { suites = val }
      key == "components:" { comps = val }
      key == "signed-by:"  { signed = val }
      key == "enabled:"    { enabled = tolower(val) }
      END { flush() }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v cn="$codename" '
      $1 == "deb" {
        i = 2; signed = ""
        if ($i ~ /^\[/) {
          for (; i <= NF; i++) {
            if (match($i, /signed-by=[^] ]+/)) signed = substr($i, RSTART + 10, RLENGTH - 10)
            if ($i ~ /\]$/) break
          }
          i++
        }
        suite = $(i + 1)
        if (suite != cn && index(suite, cn "-") != 1) next
        comps = ""; for (j = i + 2; j <= NF; j++) comps = comps (comps == "" ? "" : " ") $j
        print "Types: deb-src"; print "URIs: " $i; print "Suites: " suite
        if (comps != "") print "Components: " comps
        if (signed != "") print "Signed-By: " signed
        print ""
      }' "$f"
  done
}

updated=0
if ! have_deb_src; then
  stanzas=$(derive_deb_src)
  [ -n "$stanzas" ] || die "found no Debian 'deb' entry in /etc/apt/sources* to derive a deb-src entry from"
  log "no deb-src configured; writing $SRC_LIST (derived from this machine's apt sources)"
  { echo "# Written by mxscope scripts/libsodium-src.sh: deb-src twins of this machine's Debian entries."
    printf '%s\n' "$stanzas"; } >"$SRC_LIST"
  log "apt-get update"
  apt_retry update -qq
  updated=1
fi

if ! command -v dpkg-source >/dev/null; then
  log "installing dpkg-dev"
  [ "$updated" = 1 ] || { apt_retry update -qq; updated=1; }
  apt_retry install -y -qq --no-install-recommends dpkg-dev
fi

# deb-src configured but its index never fetched?
# (output captured first: with pipefail, `apt-cache | grep -q` fails when grep exits early)
have_src_index() { local out; out=$(apt-cache showsrc libsodium 2>/dev/null || true); grep -q '^Package: libsodium' <<<"$out"; }
if ! have_src_index; then
  [ "$updated" = 1 ] && die "apt knows no source package 'libsodium' even after apt-get update"
  log "apt-get update (no source index for libsodium yet)"
  apt_retry update -qq
  have_src_index || die "apt knows no source package 'libsodium'"
fi

mkdir -p "$CACHE"
work=$(mktemp -d "$CACHE/.get.XXXXXX")
trap 'rm -rf "$work"' EXIT
log "apt-get source libsodium"
# root downloads are done unsandboxed (the _apt user cannot write in the temp dir); that warning is expected
(cd "$work" && apt-get -q source libsodium >&2)
tree=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'libsodium-*' | sort -V | tail -n 1)
[ -n "$tree" ] && [ -f "$tree/src/libsodium/include/sodium/version.h.in" ] || die "apt-get source produced no libsodium tree"
debver=$(sed -n 's/^Version: //p' "$work"/libsodium_*.dsc | head -n 1)
echo "${debver:-unknown}" >"$tree/.mxscope-debian-version"
touch "$tree/$STAMP"
dest="$CACHE/$(basename "$tree")"
rm -rf "$dest"
mv "$tree" "$dest"
log "libsodium ${debver:-?} source tree ready"
echo "$dest"
