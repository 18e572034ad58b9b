// Minimal reproduction of a process crash (SIGSEGV, exit 139) on Node 20.20.2 (V8 11.3), found
// while writing bench.mjs: many fromBytes() calls, then verify() calls. Not on Node 22.23.3; gone
// with `node --no-turbo-inline-js-wasm-calls` or `--no-turbofan`, so it is V8's TurboFan inlining
// of JS->Wasm calls. Kept here for whoever fixes it (js/index.mjs or the wasm build); not a test.
// usage: node bench/node/repro-node20-crash.mjs    (prints "survived" when it does not crash)
import * as mx from '../../dist/node/index.mjs';

await mx.ready();
const key = mx.generateIssuerKey();
const token = mx.mint({ issuerSecretKey: key.secretKey, userId: '@alice:example.org' });
const bytes = mx.toBytes(token);
for (let i = 0; i < 30_000; i++) mx.fromBytes(bytes);
for (let i = 0; i < 30_000; i++) mx.verify(token, { trustedKeys: key.publicKey });
console.log('survived', process.version);
