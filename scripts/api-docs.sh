#!/usr/bin/env bash
# Builds the API reference into docs/api/ (generated, gitignored, never committed):
#   docs/api/cpp/html/index.html   Doxygen, from the public C++ headers (sdk/include/mxscope/*.hpp)
#   docs/api/js/index.html         TypeDoc, from the npm package's types (js/index.d.ts)
# Any warning fails the build, so an undocumented public declaration or export is an error.
# usage: scripts/api-docs.sh
#
# Installs what it lacks, idempotently: doxygen from Debian; TypeDoc and TypeScript (pinned) into
# a cache outside the repository ($MXSCOPE_CACHE, default /var/tmp/mxscope-cache), so the
# project's package.json and node_modules are never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

TYPEDOC_VERSION=0.28.20
TYPESCRIPT_VERSION=5.9.3
cache="${MXSCOPE_CACHE:-/var/tmp/mxscope-cache}/typedoc"
# The one library version (C++, wasm and npm share it), for the page titles.
version=$(sed -n 's/^project(mxscope VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
apt_install() {  # apt_install PACKAGE...: installs the ones that are missing
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "api-docs: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Runs a documentation tool that is silent on success (both run quiet, printing only warnings and
# errors); fails if it exits non-zero or prints anything at all.
run_checked() {  # run_checked NAME LOG COMMAND...
  local name=$1 log=$2 rc=0
  shift 2
  "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] || [ -s "$log" ]; then
    cat "$log" >&2
    echo "api-docs: $name failed (exit $rc): every warning is an error; an undocumented public declaration is one" >&2
    exit 1
  fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- C++: Doxygen ----
command -v doxygen >/dev/null || apt_install doxygen
rm -rf docs/api/cpp
mkdir -p docs/api/cpp
# docs/Doxyfile is the configuration (WARN_AS_ERROR=FAIL_ON_WARNINGS, WARN_IF_UNDOCUMENTED).
# Class graphs would need Graphviz; the reference does not need them, so they are turned off here.
run_checked doxygen "$tmp/doxygen.log" \
  sh -c '{ cat docs/Doxyfile; echo "HAVE_DOT = NO"; echo "PROJECT_NUMBER = $1"; } | doxygen -' sh "$version"
echo "api-docs: C++ reference: docs/api/cpp/html/index.html"

# ---- JavaScript: TypeDoc ----
if [ ! -f js/index.d.ts ]; then
  echo "api-docs: js/index.d.ts does not exist yet: JavaScript reference skipped"
  exit 0
fi
command -v node >/dev/null || apt_install nodejs
command -v npm >/dev/null || apt_install npm
installed() {  # installed PACKAGE: the version in the cache, or nothing
  node -p "require('$cache/node_modules/$1/package.json').version" 2>/dev/null || true
}
if [ "$(installed typedoc)" != "$TYPEDOC_VERSION" ] || [ "$(installed typescript)" != "$TYPESCRIPT_VERSION" ]; then
  echo "api-docs: installing typedoc@$TYPEDOC_VERSION typescript@$TYPESCRIPT_VERSION into $cache"
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-audit --no-fund --loglevel=error \
    "typedoc@$TYPEDOC_VERSION" "typescript@$TYPESCRIPT_VERSION" >/dev/null
fi

# The types are checked on their own (a repository tsconfig may cover more than the package's
# types), unless js/tsconfig.json exists to say how.
if [ -f js/tsconfig.json ]; then
  tsconfig=js/tsconfig.json
else
  tsconfig="$tmp/tsconfig.json"
  cat >"$tsconfig" <<EOF
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "ESNext",
    "moduleResolution": "Bundler",
    "lib": ["ES2022", "DOM"],
    "types": [],
    "strict": true,
    "noEmit": true
  },
  "files": ["$root/js/index.d.ts"]
}
EOF
fi

rm -rf docs/api/js
run_checked typedoc "$tmp/typedoc.log" \
  env NO_COLOR=1 "$cache/node_modules/.bin/typedoc" \
  --tsconfig "$tsconfig" \
  --entryPoints js/index.d.ts \
  --out docs/api/js \
  --name "mxscope $version" \
  --readme none \
  --disableSources \
  --validation.notExported \
  --validation.invalidLink \
  --validation.notDocumented \
  --treatWarningsAsErrors \
  --logLevel Warn
echo "api-docs: JavaScript reference: docs/api/js/index.html"
