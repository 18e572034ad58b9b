// (c) Through a mainstream bundler: Vite (from npm) builds an app that imports 'mxscope' into a
// bundle, and the bundle runs in Debian's headless Chromium; the same app under Vite's dev server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { scratch, runNodeConsumer, assertScenario, serve, launchChromium, runPage, chromiumMissing, viteBuild, withViteDev } from './support.mjs';

// Warnings a Vite user sees today: none. Anything fails the test; list an entry here (with why) only
// for a warning that cannot be fixed. (libsodium's randombytes glue used to draw a bundler warning
// for its dead require("crypto"); wasm/sodium-randombytes.c replaced it.)
const KNOWN_WARNINGS = [];

const skip = chromiumMissing();
let outDir;
let built;
let browser;
let server;

before(async () => {
  const dir = scratch().dir;
  outDir = path.join(dir, 'vite-dist');
  built = await viteBuild(path.join(dir, 'vite-app'), outDir);
  if (skip) return;
  server = await serve(outDir);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('Vite builds an app that imports mxscope, emitting the .wasm as an asset', (t) => {
  const { assets, warnings } = built;
  assert.equal(assets.filter((f) => /^mxscope-core-[\w-]+\.wasm$/.test(f)).length, 1, assets.join(', '));
  assert.equal(assets.filter((f) => f.endsWith('.js')).length, 1, assets.join(', '));
  const unexpected = warnings.filter((w) => !KNOWN_WARNINGS.some((re) => re.test(w)));
  assert.deepEqual(unexpected, [], 'bundler warnings');
  t.diagnostic(`vite ${built.version}: built in ${built.ms.toFixed(0)} ms; assets ${assets.join(', ')}`);
  for (const w of warnings) t.diagnostic(`known warning: ${w.replace(/\s+/g, ' ').slice(0, 160)}`);
});

test('Chromium runs the Vite bundle: the scenario passes in the page and matches Node byte for byte', { skip }, async () => {
  const run = await runPage(browser, `${server.url}/index.html`);
  assert.deepEqual(run.pageErrors, []);
  assert.deepEqual(run.failedRequests, []);
  assertScenario(run.out, 'vite');
  assert.equal(run.status, 'pass', run.text);
  const wasm = server.requests.filter((r) => r.path.endsWith('.wasm'));
  assert.equal(wasm.length, 1);
  assert.match(wasm[0].path, /^\/assets\/mxscope-core-[\w-]+\.wasm$/);
  assert.equal(wasm[0].type, 'application/wasm');
  assert.deepEqual(server.requests.filter((r) => r.status !== 200), []);
  assert.deepEqual(run.consoleMessages.filter((m) => /streaming|falling back|error/i.test(m)), []);
  const nodeOut = runNodeConsumer();
  for (const k of ['issuerPublicKey', 'root', 'bot', 'revocationIds', 'scope', 'decisions', 'sentences', 'errors']) {
    assert.deepEqual(run.out.result[k], nodeOut.result[k], k);
  }
});

test('Chromium runs the same app under the Vite dev server (dependency pre-bundling, /@fs/ paths)', { skip }, async () => {
  const dir = scratch().dir;
  await withViteDev(path.join(dir, 'vite-app'), path.join(dir, '.vite-dev-cache'), async (url) => {
    const run = await runPage(browser, url);
    assert.deepEqual(run.pageErrors, []);
    assert.deepEqual(run.failedRequests, []);
    assertScenario(run.out, 'vite dev');
    assert.equal(run.status, 'pass', run.text);
  });
});
