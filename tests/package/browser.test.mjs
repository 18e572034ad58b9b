// (b) Real headless Chromium (Debian's), a plain HTML page, no bundler: the browser build straight
// out of the installed node_modules, by import map and by relative path, served on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { scratch, runNodeConsumer, assertScenario, serve, launchChromium, runPage, chromiumMissing } from './support.mjs';

const skip = chromiumMissing();
let browser;
let server;
let nodeOut;

before(async () => {
  if (skip) return;
  nodeOut = runNodeConsumer();
  server = await serve(scratch().dir);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

for (const [page, label] of [['importmap.html', 'import map'], ['relative.html', 'relative path']]) {
  test(`Chromium, plain page (${label}): the scenario passes in the page and matches Node byte for byte`, { skip }, async (t) => {
    const before = server.requests.length;
    const run = await runPage(browser, `${server.url}/${page}`);
    assert.deepEqual(run.pageErrors, []);
    assert.deepEqual(run.failedRequests, []);
    assertScenario(run.out, label);
    assert.equal(run.status, 'pass', run.text);
    assert.match(run.text, new RegExp(`^${label}: PASS`));

    // What the page fetched: the browser build (never the Node one), the .wasm as application/wasm.
    const fetched = server.requests.slice(before);
    assert.deepEqual(fetched.filter((r) => r.status !== 200), []);
    const wasm = fetched.filter((r) => r.path.endsWith('.wasm'));
    assert.deepEqual(wasm, [{ path: '/node_modules/mxscope/dist/web/mxscope-core.wasm', status: 200, type: 'application/wasm' }]);
    assert.ok(!fetched.some((r) => r.path.includes('/dist/node/')), 'the page loaded nothing from dist/node');
    // Streaming compilation worked (Emscripten logs a fallback when it does not).
    assert.deepEqual(run.consoleMessages.filter((m) => /streaming|falling back|error/i.test(m)), []);

    // Same bytes and the same sentences as Node.
    for (const k of ['issuerPublicKey', 'root', 'bot', 'revocationIds', 'scope', 'decisions', 'sentences', 'errors', 'byteLength']) {
      assert.deepEqual(run.out.result[k], nodeOut.result[k], k);
    }
    t.diagnostic(`ready() in Chromium took ${run.out.result.initMs.toFixed(1)} ms`);
  });
}
