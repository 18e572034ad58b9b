#!/usr/bin/env bash
# Tests the npm package as a user gets it (tests/package/): `npm pack` the repository, install the
# tarball into a scratch project in a temp dir, then use it
#   (a) from Node by name (ESM),                       tests/package/node.test.mjs
#   (b) from a plain page in Debian's headless Chromium, no bundler (import map / relative path),
#                                                      tests/package/browser.test.mjs
#   (c) through Vite: a production bundle in Chromium, and the dev server,
#                                                      tests/package/vite.test.mjs
#   and type-check a TypeScript consumer with tsc --noEmit, tests/package/types.test.mjs
# Builds the wasm first (scripts/build-wasm.sh) if dist/ is missing or older than its sources.
# tests/package/node_modules (playwright-core, vite, typescript) is installed with `npm ci` from
# its lockfile when missing or stale; npm's own cache (~/.npm) makes reruns offline and quick.
# Chromium is Debian's (scripts/setup.sh browser); nothing downloads a browser.
# usage: scripts/test-package.sh [extra node --test flags]
# env:   MXSCOPE_CHROMIUM (default /usr/bin/chromium)
#        MXSCOPE_PACKAGE_KEEP=1   keep the scratch project (its path is printed)
#        MXSCOPE_PACKAGE_REQUIRE_BROWSER=1   fail, not skip, when Chromium is missing
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/fresh.sh
log() { echo "test-package.sh: $*" >&2; }

# 1. dist/: build if missing or stale.
ensure_dist

# 2. The test tools, pinned by tests/package/package-lock.json.
ensure_npm_ci tests/package

# 3. Pack and install once; every test file uses this scratch project.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/mxscope-package-XXXXXX")
cleanup() {
  if [ "${MXSCOPE_PACKAGE_KEEP:-0}" = 1 ]; then log "kept the scratch project in $scratch/project"; else rm -rf "$scratch"; fi
}
trap cleanup EXIT
SECONDS=0
node --input-type=module -e "
  const { makeScratch } = await import('./tests/package/support.mjs');
  const s = makeScratch(process.argv[1]);
  console.log(s.tarball);
  console.error('test-package.sh: packed ' + s.packed.filename + ' (' + s.packed.size + ' B, ' + s.packed.files.length + ' files) and installed it into ' + s.dir);
" "$scratch" > "$scratch/tarball"
export MXSCOPE_PACKAGE_SCRATCH="$scratch/project"
MXSCOPE_PACKAGE_TARBALL=$(cat "$scratch/tarball")
export MXSCOPE_PACKAGE_TARBALL

# 4. The suites. node --test prints its own summary (tests / pass / fail); the last line repeats it.
set +e
node --test --test-reporter=spec "$@" tests/package/*.test.mjs 2>&1 | tee "$scratch/test.log"
status=${PIPESTATUS[0]}
set -e
count() { sed -n "s/^ℹ $1 \([0-9][0-9]*\)$/\1/p" "$scratch/test.log" | tail -n 1; }
log "packed, installed and tested in ${SECONDS} s"
echo "package: $(count pass) passed, $(( $(count fail) + $(count cancelled) )) failed, $(count skipped) skipped"
exit "$status"
