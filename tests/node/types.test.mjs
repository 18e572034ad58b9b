// index.d.ts describes the API: a TypeScript file using all of it (and misusing it where the
// types must say no, e.g. authorising a parsed token) type-checks under --strict.
import { test } from 'node:test';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = new URL('../../', import.meta.url);
const tsc = fileURLToPath(new URL('node_modules/typescript/bin/tsc', repo));

test('the declarations type-check a program using the whole API', { skip: !existsSync(tsc) && 'typescript is not installed (npm install)' }, () => {
  execFileSync(process.execPath, [tsc, '-p', fileURLToPath(new URL('tests/node/types/tsconfig.json', repo))], { stdio: 'inherit' });
});
