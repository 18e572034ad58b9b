/*
 * libsodium's randombytes API for the WebAssembly build, replacing libsodium 1.0.18's
 * randombytes.c (cmake/sodium_wasm.cmake leaves that file out when this one is given).
 *
 * Why: on Emscripten, libsodium draws ONE 32-bit value per output byte from Module.getRandomValue
 * through an EM_ASM call, and carries a fallback that calls require("crypto"), which every browser
 * bundler flags ("Module "crypto" has been externalized"). Here every request is one call of the
 * Web Crypto API's getRandomValues (browsers, workers, Node >= 19) straight into wasm memory, in
 * chunks of at most 65,536 bytes (the API's limit). There is no fallback: without Web Crypto the
 * module refuses to produce randomness (sodium_misuse aborts; js/index.mjs checks for Web Crypto in
 * ready() first, so users get a typed error instead).
 *
 * The rest follows libsodium's own code: randombytes_uniform rejects values below 2^32 mod n,
 * randombytes_buf_deterministic is ChaCha20-IETF with libsodium's fixed nonce.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>

#include <emscripten.h>

#include "core.h"
#include "crypto_stream_chacha20.h"
#include "randombytes.h"

EM_JS(int, mxscope_fill_random, (unsigned char *buf, size_t size), {
  try {
    for (var done = 0; done < size; done += 65536) {
      var end = Math.min(size, done + 65536);
      globalThis.crypto.getRandomValues(HEAPU8.subarray(buf + done, buf + end));
    }
    return 0;
  } catch (e) {
    return -1;
  }
});

void randombytes_buf(void *const buf, const size_t size) {
  if (size > 0 && mxscope_fill_random((unsigned char *)buf, size) != 0) {
    sodium_misuse();
  }
}

uint32_t randombytes_random(void) {
  uint32_t r;
  randombytes_buf(&r, sizeof r);
  return r;
}

uint32_t randombytes_uniform(const uint32_t upper_bound) {
  uint32_t min;
  uint32_t r;
  if (upper_bound < 2) {
    return 0;
  }
  min = (1U + ~upper_bound) % upper_bound; /* 2^32 mod upper_bound */
  do {
    r = randombytes_random();
  } while (r < min);
  return r % upper_bound;
}

void randombytes_buf_deterministic(void *const buf, const size_t size,
                                   const unsigned char seed[randombytes_SEEDBYTES]) {
  static const unsigned char nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = {
      'L', 'i', 'b', 's', 'o', 'd', 'i', 'u', 'm', 'D', 'R', 'G'};
  crypto_stream_chacha20_ietf((unsigned char *)buf, (unsigned long long)size, nonce, seed);
}

size_t randombytes_seedbytes(void) { return randombytes_SEEDBYTES; }

void randombytes_stir(void) {}

int randombytes_close(void) { return 0; }

int randombytes_set_implementation(randombytes_implementation *impl) {
  (void)impl;
  return -1; /* the Web Crypto source is the only one */
}

const char *randombytes_implementation_name(void) { return "webcrypto"; }

void randombytes(unsigned char *const buf, const unsigned long long buf_len) {
  assert(buf_len <= SIZE_MAX);
  randombytes_buf(buf, (size_t)buf_len);
}
