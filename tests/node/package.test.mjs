// The npm package as users get it: metadata, the files it ships, dist/ matching the sources, the
// browser build, and the download size budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { WIDGET_HOST_FILES } from '../package/support.mjs';

const repo = new URL('../../', import.meta.url);
const read = (path) => readFileSync(new URL(path, repo));
const pkg = JSON.parse(read('package.json'));

test('package.json describes an ES module package for Node >= 20 and browsers', () => {
  assert.equal(pkg.name, 'mxscope');
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.engines.node, '>=20');
  assert.deepEqual(Object.keys(pkg.exports['.']), ['types', 'node', 'browser', 'default']);
  assert.equal(pkg.exports['.'].node, './dist/node/index.mjs');
  assert.equal(pkg.exports['.'].browser, './dist/web/index.mjs');
  assert.equal(pkg.scripts['test:node'], 'node --test tests/node/');
  // The widget host is a second entry; its protocol library is the one runtime dependency.
  assert.deepEqual(pkg.exports['./widget-host'], { types: './widget-host/index.d.ts', default: './widget-host/index.mjs' });
  assert.deepEqual(pkg.dependencies, { 'matrix-widget-api': '1.19.0' });
});

test('dist/ was built from the current js/ sources', () => {
  for (const env of ['node', 'web']) assert.ok(read(`dist/${env}/index.mjs`).equals(read('js/index.mjs')), `dist/${env}/index.mjs is stale: run scripts/build-wasm.sh`);
  assert.ok(read('dist/index.d.ts').equals(read('js/index.d.ts')), 'dist/index.d.ts is stale: run scripts/build-wasm.sh');
});

test('npm pack ships exactly the built modules, the .wasm files, the types and the widget host (and README.md, which npm always adds)', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const files = JSON.parse(out)[0].files.map((f) => f.path).sort();
  assert.deepEqual(files, [
    'README.md',
    'dist/index.d.ts',
    'dist/node/index.mjs',
    'dist/node/mxscope-core.mjs',
    'dist/node/mxscope-core.wasm',
    'dist/web/index.mjs',
    'dist/web/mxscope-core.mjs',
    'dist/web/mxscope-core.wasm',
    'package.json',
    ...WIDGET_HOST_FILES,
  ].sort());
});

test('what a browser downloads is at most 120 KB (120,000 bytes) gzipped', () => {
  const sizes = ['dist/web/mxscope-core.wasm', 'dist/web/mxscope-core.mjs', 'dist/web/index.mjs'].map((f) => gzipSync(read(f), { level: 9 }).length);
  const total = sizes.reduce((a, b) => a + b, 0);
  console.log(`browser download, gzip -9: wasm ${sizes[0]} + core ${sizes[1]} + index ${sizes[2]} = ${total} bytes`);
  assert.ok(total <= 120_000, `${total} bytes`);
});

test('the browser build also runs under Node when given the .wasm bytes', async () => {
  const web = await import('../../dist/web/index.mjs');
  await web.ready({ wasmBinary: read('dist/web/mxscope-core.wasm') });
  const key = web.generateIssuerKey();
  const token = web.attenuate(web.mint({ issuerSecretKey: key.secretKey, userId: '@a:example.org' }), { rooms: ['!r:example.org'] });
  const v = new web.Verifier({ trustedKeys: key }).verify(token);
  assert.equal(web.authorize(v, { action: 'join', roomId: '!r:example.org' }).allowed, true);
});
