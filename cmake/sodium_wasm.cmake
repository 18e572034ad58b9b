# Builds libsodium as a static library target `sodium` from Debian's libsodium source tree, for
# Emscripten builds (no autotools: "Route A" in shared/reference/toolchain.md).
#
# Input: the cache variable SODIUM_SRC = the libsodium source tree, as printed (last line) by
#   scripts/libsodium-src.sh   (e.g. -DSODIUM_SRC="$(scripts/libsodium-src.sh | tail -n 1)")
# If SODIUM_SRC is empty, the newest complete tree in that script's cache
# ($ENV{MXSCOPE_CACHE} or /var/tmp/mxscope-cache, subdir libsodium-src) is used.
#
# Output: target `sodium` (STATIC). Linking it gives the public include dir (sodium.h) and
# SODIUM_STATIC. Only libsodium's portable C code is compiled (no asm, no SIMD, no TI mode), the
# same choice upstream's configure makes for wasm32.
#
# Randomness: on __EMSCRIPTEN__ libsodium 1.0.18 calls Module.getRandomValue, which it sets up from
# crypto.getRandomValues (browser) or require('crypto') (Node with `require` available). A web build
# run under Node needs a --pre-js that defines Module.getRandomValue (see toolchain.md).
# SODIUM_RANDOMBYTES_SOURCE replaces that file instead (mxscope: wasm/sodium-randombytes.c).
#
# Usage (top-level CMakeLists.txt, inside if(EMSCRIPTEN)):
#   include(cmake/sodium_wasm.cmake)
#   target_link_libraries(mylib PRIVATE sodium)

include_guard(GLOBAL)

set(SODIUM_SRC "" CACHE PATH "libsodium source tree (scripts/libsodium-src.sh prints it)")
set(SODIUM_RANDOMBYTES_SOURCE "" CACHE FILEPATH "a C file replacing libsodium's randombytes/randombytes.c (empty: libsodium's own)")
set(SODIUM_OPT_FLAGS "-Os" CACHE STRING "optimisation flags for the libsodium sources (e.g. -Os, -O2, -O3)")

if(NOT EMSCRIPTEN)
  message(WARNING "sodium_wasm.cmake is meant for Emscripten builds; native builds should use the system libsodium (pkg-config)")
endif()

if(NOT SODIUM_SRC)
  if(DEFINED ENV{MXSCOPE_CACHE} AND NOT "$ENV{MXSCOPE_CACHE}" STREQUAL "")
    set(_sodium_cache "$ENV{MXSCOPE_CACHE}/libsodium-src")
  else()
    set(_sodium_cache "/var/tmp/mxscope-cache/libsodium-src")
  endif()
  file(GLOB _sodium_candidates LIST_DIRECTORIES true "${_sodium_cache}/libsodium-*")
  set(_sodium_found "")
  foreach(_cand IN LISTS _sodium_candidates)
    if(EXISTS "${_cand}/.mxscope-complete" AND EXISTS "${_cand}/src/libsodium/include/sodium.h")
      list(APPEND _sodium_found "${_cand}")
    endif()
  endforeach()
  if(_sodium_found)
    list(SORT _sodium_found COMPARE NATURAL ORDER DESCENDING)
    list(GET _sodium_found 0 _sodium_pick)
    set(SODIUM_SRC "${_sodium_pick}" CACHE PATH "libsodium source tree (scripts/libsodium-src.sh prints it)" FORCE)
    message(STATUS "SODIUM_SRC not given; using ${SODIUM_SRC}")
  endif()
endif()

if(NOT SODIUM_SRC OR NOT EXISTS "${SODIUM_SRC}/src/libsodium/include/sodium/version.h.in")
  message(FATAL_ERROR
    "SODIUM_SRC='${SODIUM_SRC}' is not a libsodium source tree.\n"
    "Run scripts/libsodium-src.sh (as root, once) and pass -DSODIUM_SRC=<the path it prints>.")
endif()

# .c sources need the C language; the project may have declared only CXX.
get_property(_sodium_langs GLOBAL PROPERTY ENABLED_LANGUAGES)
if(NOT "C" IN_LIST _sodium_langs)
  enable_language(C)
endif()

function(_mxscope_add_sodium_wasm)
  set(src "${SODIUM_SRC}/src/libsodium")
  set(gen "${CMAKE_BINARY_DIR}/sodium-gen")

  # Version numbers for version.h, read from the tree's configure.ac (what ./configure would substitute).
  file(STRINGS "${SODIUM_SRC}/configure.ac" ac_init REGEX "^AC_INIT\\(\\[libsodium\\],")
  string(REGEX REPLACE "^AC_INIT\\(\\[libsodium\\],\\[([^]]+)\\].*$" "\\1" VERSION "${ac_init}")
  file(STRINGS "${SODIUM_SRC}/configure.ac" ac_major REGEX "^SODIUM_LIBRARY_VERSION_MAJOR=")
  file(STRINGS "${SODIUM_SRC}/configure.ac" ac_minor REGEX "^SODIUM_LIBRARY_VERSION_MINOR=")
  string(REGEX REPLACE "^.*=([0-9]+).*$" "\\1" SODIUM_LIBRARY_VERSION_MAJOR "${ac_major}")
  string(REGEX REPLACE "^.*=([0-9]+).*$" "\\1" SODIUM_LIBRARY_VERSION_MINOR "${ac_minor}")
  if(NOT VERSION MATCHES "^[0-9]+\\.[0-9]+" OR NOT SODIUM_LIBRARY_VERSION_MAJOR MATCHES "^[0-9]+$"
     OR NOT SODIUM_LIBRARY_VERSION_MINOR MATCHES "^[0-9]+$")
    message(FATAL_ERROR "could not read libsodium version numbers from ${SODIUM_SRC}/configure.ac")
  endif()
  set(SODIUM_LIBRARY_MINIMAL_DEF "")   # full library, not --enable-minimal

  # version.h includes "export.h" from its own directory, so the public headers are copied next to
  # the generated file and that copy is the include directory.
  file(COPY "${src}/include/" DESTINATION "${gen}" PATTERN "*.in" EXCLUDE)
  configure_file("${src}/include/sodium/version.h.in" "${gen}/sodium/version.h" @ONLY)

  file(GLOB_RECURSE sodium_c CONFIGURE_DEPENDS "${src}/*.c")
  if(SODIUM_RANDOMBYTES_SOURCE)
    # The project's own randombytes (wasm/sodium-randombytes.c: Web Crypto, no require("crypto")).
    list(FILTER sodium_c EXCLUDE REGEX "/randombytes/randombytes\\.c$")
    list(APPEND sodium_c "${SODIUM_RANDOMBYTES_SOURCE}")
  endif()
  add_library(sodium STATIC ${sodium_c})
  target_include_directories(sodium
    PUBLIC "${gen}"
    PRIVATE "${gen}/sodium")
  target_compile_definitions(sodium
    PUBLIC SODIUM_STATIC
    PRIVATE CONFIGURED=1 NATIVE_LITTLE_ENDIAN=1 HAVE_STDINT_H=1 HAVE_INTTYPES_H=1 HAVE_UNISTD_H=1)
  separate_arguments(opt UNIX_COMMAND "${SODIUM_OPT_FLAGS}")
  target_compile_options(sodium PRIVATE ${opt}
    -fno-strict-aliasing -fno-strict-overflow -Wno-unused-function -Wno-unknown-pragmas)
  set_target_properties(sodium PROPERTIES C_VISIBILITY_PRESET hidden)

  list(LENGTH sodium_c n)
  message(STATUS "libsodium ${VERSION} (wasm, ${n} C files, ${SODIUM_OPT_FLAGS}) from ${SODIUM_SRC}")
endfunction()

if(NOT TARGET sodium)
  _mxscope_add_sodium_wasm()
endif()
