#!/usr/bin/env bash
# Builds the WebAssembly SDK from the same sources as the native library and assembles dist/:
#   dist/node/{index.mjs, mxscope-core.mjs, mxscope-core.wasm}   Node ES module build
#   dist/web/{index.mjs,  mxscope-core.mjs, mxscope-core.wasm}   browser / worker / bundler build
#   dist/index.d.ts                                              types for both
# index.mjs is js/index.mjs unchanged; it imports ./mxscope-core.mjs, which in dist/ is the
# Emscripten module for that environment (in the repository, js/mxscope-core.mjs picks one).
# Idempotent: reruns rebuild only what changed. Prints the sizes (raw and gzip -9) at the end.
# env: MXSCOPE_WASM_BUILD_DIR (default build-wasm), MXSCOPE_WASM_OPT (-Oz | -Os, default -Oz),
#      MXSCOPE_SODIUM_OPT (libsodium's flags, default "-O3 -msimd128": it stays outside LTO, see
#      wasm/CMakeLists.txt; WebAssembly SIMD is in every browser and Node the package supports),
#      MXSCOPE_CACHE (see libsodium-src.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${MXSCOPE_WASM_BUILD_DIR:-build-wasm}
WASM_OPT=${MXSCOPE_WASM_OPT:--Oz}
SODIUM_OPT=${MXSCOPE_SODIUM_OPT:--O3 -msimd128}
log() { echo "build-wasm.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Pitfalls from shared/reference/toolchain.md: acorn lives in /usr/share/nodejs; never put
# /usr/include on emcc's include path (CMakeLists.txt exposes only nlohmann's directory).
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

command -v emcmake >/dev/null || die "emscripten is not installed (scripts/setup.sh wasm)"

# One version for the C++ project, the npm package and the JS wrapper.
cmake_version=$(sed -n 's/^project(mxscope VERSION \([0-9][0-9.]*\).*/\1/p' CMakeLists.txt)
package_version=$(node -p 'JSON.parse(require("fs").readFileSync("package.json", "utf8")).version')
js_version=$(sed -n "s/^export const version = '\([^']*\)';.*/\1/p" js/index.mjs)
[ -n "$cmake_version" ] || die "cannot read the project version from CMakeLists.txt"
[ "$cmake_version" = "$package_version" ] && [ "$cmake_version" = "$js_version" ] ||
  die "versions differ: CMakeLists.txt $cmake_version, package.json $package_version, js/index.mjs $js_version"

SODIUM_SRC=$(scripts/libsodium-src.sh | tail -n 1)
[ -f "$SODIUM_SRC/src/libsodium/include/sodium.h" ] || die "no libsodium source tree (got '$SODIUM_SRC')"

generator=()
command -v ninja >/dev/null && [ ! -f "$BUILD/Makefile" ] && generator=(-G Ninja)

# emcmake's default emulator ("node;--experimental-wasm-threads") is rejected by Node 20.
emcmake cmake -S . -B "$BUILD" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=MinSizeRel \
  -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node \
  -DSODIUM_SRC="$SODIUM_SRC" \
  -DSODIUM_OPT_FLAGS="$SODIUM_OPT" \
  -DMXSCOPE_WASM_OPT="$WASM_OPT" \
  -DMXSCOPE_TESTS=OFF -DMXSCOPE_BENCH=OFF >/dev/null
cmake --build "$BUILD" --target mxscope_core_node mxscope_core_web -j"$(nproc)"

for env in node web; do
  mkdir -p "dist/$env"
  for f in mxscope-core.mjs mxscope-core.wasm; do
    cp -p "$BUILD/wasm/$env/$f" "dist/$env/$f"
  done
  cp -p js/index.mjs "dist/$env/index.mjs"
done
cp -p js/index.d.ts dist/index.d.ts

size() { stat -c %s "$1"; }
gz() { gzip -9 -c "$@" | wc -c; }
for env in node web; do
  d=dist/$env
  printf 'build-wasm.sh: dist/%s: wasm %s B (gzip %s), core js %s B (gzip %s), index.mjs %s B (gzip %s); total gzip %s B\n' \
    "$env" "$(size $d/mxscope-core.wasm)" "$(gz $d/mxscope-core.wasm)" \
    "$(size $d/mxscope-core.mjs)" "$(gz $d/mxscope-core.mjs)" \
    "$(size $d/index.mjs)" "$(gz $d/index.mjs)" \
    "$(( $(gz $d/mxscope-core.wasm) + $(gz $d/mxscope-core.mjs) + $(gz $d/index.mjs) ))" >&2
done
