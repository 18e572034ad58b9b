// TypeScript: a consumer's .mts file type-checks against the installed package's declarations,
// with Node's resolution (no DOM lib, no @types/node) and with a bundler's (DOM lib).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { scratch } from './support.mjs';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const check = (dir, project) => {
  try {
    execFileSync(process.execPath, [tsc, '-p', project], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return '';
  } catch (e) {
    return `${e.stdout}${e.stderr}` || String(e);
  }
};

for (const [project, label] of [['tsconfig.json', 'moduleResolution nodenext, lib es2022 only'], ['tsconfig.bundler.json', 'moduleResolution bundler, lib dom']]) {
  test(`tsc --noEmit compiles a consumer of the installed package (${label})`, () => {
    assert.equal(check(scratch().dir, project), '');
  });
}

test('the consumer check has teeth: a wrong call is a type error', () => {
  const dir = scratch().dir;
  const file = path.join(dir, 'wrong.mts');
  writeFileSync(file, "import { authorize } from 'mxscope';\nauthorize('mxs1_text', { action: 'send_message' });\n");
  writeFileSync(path.join(dir, 'tsconfig.wrong.json'), JSON.stringify({ extends: './tsconfig.json', files: ['wrong.mts'] }));
  try {
    assert.match(check(dir, 'tsconfig.wrong.json'), /wrong\.mts\(2,11\): error TS2345/);
  } finally {
    rmSync(file);
    rmSync(path.join(dir, 'tsconfig.wrong.json'));
  }
});
