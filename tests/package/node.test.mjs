// (a) Node: the tarball installed into a scratch project and imported by name, as a user does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { scratch, runNodeConsumer, assertScenario, WIDGET_HOST_FILES } from './support.mjs';

test('the installed package holds the built modules, the .wasm files, the types and the widget host, and nothing else', () => {
  const { dir } = scratch();
  const installed = JSON.parse(readFileSync(path.join(dir, 'node_modules/mxscope/package.json'), 'utf8'));
  assert.equal(installed.name, 'mxscope');
  assert.deepEqual(installed.dependencies, { 'matrix-widget-api': '1.19.0' }, 'the widget host\'s protocol library is the one dependency');
  const listing = execFileSync('find', ['node_modules/mxscope', '-type', 'f'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').sort();
  assert.deepEqual(listing, [
    'node_modules/mxscope/README.md',
    'node_modules/mxscope/dist/index.d.ts',
    'node_modules/mxscope/dist/node/index.mjs',
    'node_modules/mxscope/dist/node/mxscope-core.mjs',
    'node_modules/mxscope/dist/node/mxscope-core.wasm',
    'node_modules/mxscope/dist/web/index.mjs',
    'node_modules/mxscope/dist/web/mxscope-core.mjs',
    'node_modules/mxscope/dist/web/mxscope-core.wasm',
    'node_modules/mxscope/package.json',
    ...WIDGET_HOST_FILES.map((f) => `node_modules/mxscope/${f}`),
  ].sort());
});

test('Node (ESM, import by name): mint -> attenuate -> verify -> authorize -> describe, and the failures', (t) => {
  const out = runNodeConsumer();
  assert.match(out.resolved, /\/node_modules\/mxscope\/dist\/node\/index\.mjs$/, 'Node picks the "node" export');
  assertScenario(out, 'node');
  // Room names come through describe's roomNames; the exact wording is the native library's.
  assert.equal(out.result.sentences.length, 5, out.result.sentences.join('\n'));
  assert.equal(out.result.sentences.filter((s) => s.includes(' in Backups')).length, 2, out.result.sentences.join('\n'));
  t.diagnostic(`ready() took ${out.result.initMs.toFixed(1)} ms; depth-2 token ${out.result.byteLength} bytes, ${out.result.bot.length} characters`);
});

test('Node: the package is importable from a CommonJS program through import()', () => {
  const { dir } = scratch();
  const out = execFileSync(process.execPath, ['-e', "import('mxscope').then(async (m) => { await m.ready(); console.log(m.version, typeof m.mint); })"], { cwd: dir, encoding: 'utf8' });
  assert.match(out, /^\d+\.\d+\.\d+ function\n$/);
});
