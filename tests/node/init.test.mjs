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
