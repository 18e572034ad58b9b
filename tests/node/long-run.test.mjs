// A long run of hot calls in one process must not crash it. Node 20's V8 segfaulted after
// inlining many JS-to-wasm calls (bench/node/repro-node20-crash.mjs); the Node build turns that
// inlining off on V8 11. Runs in a child so a crash is a failed test, not a dead test runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('30,000 parses then 30,000 verifications in one process do not crash Node', () => {
  const script = fileURLToPath(new URL('../../bench/node/repro-node20-crash.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(r.signal, null, `killed by ${r.signal}`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /survived/);
});
