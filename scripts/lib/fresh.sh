# Sourced by scripts that need the built package or a pinned npm directory. Both functions log
# through the caller's log() and are no-ops when everything is up to date.

# ensure_dist: builds dist/ (scripts/build-wasm.sh) when a file is missing, a copied file differs
# from its source in js/, or anything under sdk/, wasm/, cmake/ or CMakeLists.txt is newer than the
# built .wasm.
ensure_dist() {
  local need="" f newer
  for f in dist/index.d.ts dist/{node,web}/{index.mjs,mxscope-core.mjs,mxscope-core.wasm}; do
    [ -f "$f" ] || need="$f is missing"
  done
  if [ -z "$need" ]; then
    for f in dist/node/index.mjs dist/web/index.mjs; do cmp -s js/index.mjs "$f" || need="$f differs from js/index.mjs"; done
    cmp -s js/index.d.ts dist/index.d.ts || need="dist/index.d.ts differs from js/index.d.ts"
    newer=$(find sdk wasm cmake CMakeLists.txt -type f -newer dist/web/mxscope-core.wasm 2>/dev/null | head -n 1)
    [ -n "$newer" ] && need="$newer is newer than dist/"
  fi
  if [ -n "$need" ]; then
    log "building the wasm ($need)"
    scripts/build-wasm.sh
  fi
}

# ensure_npm_ci DIR: `npm ci` in DIR when its node_modules is missing or older than its lock file
# (npm's cache makes reruns offline).
ensure_npm_ci() {
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    log "installing $dir/node_modules (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error)
  fi
}
