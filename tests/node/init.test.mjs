// Initialisation: nothing works before ready(), with a clear error; ready() is shared and cheap.
// (This file must not import fixtures.mjs, which awaits ready() on import.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as mx from 'mxscope';

test('every call before ready() throws not_ready', () => {
  assert.equal(mx.isReady(), false);
  assert.deepEqual(mx.actions, []);
  assert.equal(mx.version, '0.1.0', 'the version is known before ready()');
  const calls = [
    () => mx.generateIssuerKey(),
    () => mx.inspect('mxs1_x'),
    () => mx.mapEndpoint('GET', '/'),
    () => new mx.RevocationSet(),
    () => new mx.Verifier({ trustedKeys: 'mxpk1_x' }),
    () => mx.testing.memory(),
  ];
  for (const call of calls) {
    assert.throws(call, (e) => e instanceof mx.MxscopeError && e.code === 'not_ready' && /await ready\(\)/.test(e.message));
  }
});

test('ready() loads once, quickly, and concurrent callers share it', async () => {
  const start = performance.now();
  const [a, b] = [mx.ready(), mx.ready()];
  assert.equal(a, b);
  await a;
  const ms = performance.now() - start;
  assert.equal(mx.isReady(), true);
  assert.equal(mx.actions.length, 26);
  assert.ok(ms < 1000, `ready() took ${ms} ms`);
  console.log(`ready() in ${ms.toFixed(1)} ms`);
});

test('the repository entry js/index.mjs works too (what the web client maps "mxscope" to in development)', async () => {
  const repo = await import('../../js/index.mjs');
  await repo.ready();
  const key = repo.generateIssuerKey();
  const token = repo.mint({ issuerSecretKey: key.secretKey, userId: '@a:example.org' });
  assert.equal(repo.verify(token, { trustedKeys: key }).userId, '@a:example.org');
  assert.notEqual(repo.MxscopeError, mx.MxscopeError, 'a separate module instance');
});

// Randomness comes from the Web Crypto API only (wasm/sodium-randombytes.c). Both builds run in
// child processes so that removing globalThis.crypto cannot disturb this one.
const runChild = async (code) => {
  const { execFileSync } = await import('node:child_process');
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }).trim();
};

for (const build of ['node', 'web']) {
  test(`${build} build: without Web Crypto, ready() refuses with init_failed instead of minting without randomness`, async () => {
    const entry = new URL(`../../dist/${build}/index.mjs`, import.meta.url).href;
    const out = await runChild(`
      Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
      const mx = await import(${JSON.stringify(entry)});
      try { await mx.ready(); console.log('started'); }
      catch (e) { console.log(e.code + ': ' + e.message); }`);
    assert.match(out, /^init_failed: .*Web Crypto/);
  });

  test(`${build} build: keys and tokens draw fresh randomness from crypto.getRandomValues`, async () => {
    const entry = new URL(`../../dist/${build}/index.mjs`, import.meta.url).href;
    const out = await runChild(`
      let bytes = 0;
      const real = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
      globalThis.crypto.getRandomValues = (a) => { bytes += a.byteLength; return real(a); };
      const mx = await import(${JSON.stringify(entry)});
      const { readFileSync } = await import('node:fs');
      // The web build fetches its .wasm next to it; under Node it is handed over instead.
      await mx.ready(${JSON.stringify(build)} === 'web' ? { wasmBinary: readFileSync(new URL('mxscope-core.wasm', ${JSON.stringify(entry)})) } : {});
      const before = bytes;
      const k = mx.generateIssuerKey();
      const t1 = mx.mint({ issuerSecretKey: k.secretKey, userId: '@a:example.org' });
      const t2 = mx.mint({ issuerSecretKey: k.secretKey, userId: '@a:example.org' });
      console.log(JSON.stringify({ drawn: bytes - before, differ: t1 !== t2 }));`);
    const { drawn, differ } = JSON.parse(out);
    assert.equal(differ, true, 'two mints of the same claims differ (fresh proof keys)');
    assert.ok(drawn >= 3 * 32, `a key seed and two proof seeds come from getRandomValues (drew ${drawn} bytes)`);
  });
}
