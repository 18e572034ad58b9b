#!/usr/bin/env bash
# The native package as a C++ developer meets it:
#  1. every public header compiles on its own under g++ and clang++ with -Wall -Wextra -Wpedantic -Werror;
#  2. `cmake --install` (shared and static) into a scratch prefix, then an out-of-tree consumer
#     (examples/native-consumer) finds it with find_package(mxscope 0.1), builds, and runs;
#  3. the pkg-config file builds the same program.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

for cxx in g++ clang++; do
  command -v "$cxx" >/dev/null || { echo "missing $cxx"; exit 1; }
  for h in sdk/include/mxscope/*.hpp; do
    printf '#include "%s"\n' "${h#sdk/include/}" > "$scratch/one.cpp"
    "$cxx" -std=c++20 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -Isdk/include "$scratch/one.cpp" \
      || { echo "FAIL: $h does not compile on its own with $cxx"; exit 1; }
  done
done
echo "ok: every public header compiles on its own (g++, clang++)"

for kind in shared static; do
  shared=$([ $kind = shared ] && echo ON || echo OFF)
  cmake -S . -B "$scratch/build-$kind" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMXSCOPE_TESTS=OFF -DMXSCOPE_BENCH=OFF -DMXSCOPE_APPS=OFF \
    -DBUILD_SHARED_LIBS=$shared -DCMAKE_INSTALL_PREFIX="$scratch/prefix-$kind" >/dev/null
  cmake --build "$scratch/build-$kind" --target mxscope >/dev/null
  cmake --install "$scratch/build-$kind" >/dev/null
  cmake -S examples/native-consumer -B "$scratch/consumer-$kind" -G Ninja -DCMAKE_PREFIX_PATH="$scratch/prefix-$kind" >/dev/null
  cmake --build "$scratch/consumer-$kind" >/dev/null
  out=$(LD_LIBRARY_PATH="$scratch/prefix-$kind/lib" "$scratch/consumer-$kind/consumer")
  echo "$out" | grep -q ": ok$" || { echo "FAIL: consumer ($kind) said: $out"; exit 1; }
  echo "ok: installed $kind library works through find_package(mxscope 0.1)"
done

PKG_CONFIG_PATH="$scratch/prefix-shared/lib/pkgconfig" \
  g++ examples/native-consumer/main.cpp $(PKG_CONFIG_PATH="$scratch/prefix-shared/lib/pkgconfig" pkg-config --cflags --libs mxscope) \
  -o "$scratch/pc-consumer"
LD_LIBRARY_PATH="$scratch/prefix-shared/lib" "$scratch/pc-consumer" | grep -q ": ok$"
echo "ok: pkg-config mxscope builds and runs the consumer"
