// --pre-js for both builds: libsodium 1.0.18 on Emscripten draws each random byte from
// Module.getRandomValue() (one 32-bit value per byte). Web Crypto exists in browsers, workers and
// Node >= 19, so use it everywhere (the web build run under Node would otherwise find no
// generator), refilling a small pool so a 32-byte seed costs one getRandomValues call, not 32.
if (!Module['getRandomValue']) {
  var mxscopeRandomPool = new Uint32Array(256);
  var mxscopeRandomNext = mxscopeRandomPool.length;
  Module['getRandomValue'] = function () {
    if (mxscopeRandomNext === mxscopeRandomPool.length) {
      globalThis.crypto.getRandomValues(mxscopeRandomPool);
      mxscopeRandomNext = 0;
    }
    var v = mxscopeRandomPool[mxscopeRandomNext];
    mxscopeRandomPool[mxscopeRandomNext++] = 0;
    return v >>> 0;
  };
}
