// mxscope-wasm vs @biscuit-auth/biscuit-wasm vs macaroons.js, side by side in ONE Node process, on
// the same work: a root token for a user and a room; attenuation with a room+action restriction;
// serialisation; parse + verify + authorize at depth 1, 2 and 5 (root + 0, 1, 4 attenuations).
// Also: token sizes per depth, the gzipped size of what a browser downloads, cold import + init.
//
// Run through scripts/bench-node.sh (Node 20 needs --experimental-wasm-modules for biscuit-wasm).
// usage: node --experimental-wasm-modules bench/node/bench.mjs [--seconds S] [--json FILE]
//   --seconds: time per measurement (default 2.5: 0.5 s warm-up + 5 windows of 0.4 s; the median
//              window is reported)
import { readFileSync, writeFileSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';

const loadAtStart = os.loadavg();
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const require = createRequire(import.meta.url);

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const SECONDS = Number(opt('seconds', process.env.MXSCOPE_BENCH_SECONDS ?? 2.5));
const JSON_OUT = opt('json', null);
const ONLY = opt('only', null) && new RegExp(opt('only'));          // row ids to run, e.g. 'verify'
const LIBS = opt('libs', 'mxscope,biscuit,macaroons').split(',');  // libraries to time

// ------------------------------------------------------------------------------------------------
// The libraries
// ------------------------------------------------------------------------------------------------
const mxscopeEntry = path.join(repoRoot, 'dist/node/index.mjs'); // the package's "node" export
const mx = await import(pathToFileURL(mxscopeEntry).href);
await mx.ready();

// biscuit-wasm logs "biscuit-wasm loading" on import; keep the table clean.
const log = console.log;
console.log = () => {};
const B = await import('@biscuit-auth/biscuit-wasm');
console.log = log;
const { biscuit, block, authorizer, Biscuit, KeyPair, SignatureAlgorithm } = B;

const { MacaroonsBuilder, MacaroonsVerifier } = require('macaroons.js');

const versions = {
  node: process.version,
  mxscope: mx.version,
  biscuit: JSON.parse(readFileSync(path.join(here, 'node_modules/@biscuit-auth/biscuit-wasm/package.json'), 'utf8')).version,
  macaroons: JSON.parse(readFileSync(path.join(path.dirname(require.resolve('macaroons.js')), 'package.json'), 'utf8')).version,
};

// ------------------------------------------------------------------------------------------------
// The same work for each
// ------------------------------------------------------------------------------------------------
const USER = '@alice:example.org';
const ROOM = '!backups:example.org';
const OTHER = '!other:example.org';
const ACTION = 'send_message';
const DEPTHS = [1, 2, 5];

// mxscope: Ed25519 issuer key; root restricted to one room; each attenuation restricts to the
// room and one action. Tokens are text (mxs1_...); verify checks every block's signature.
const mxKey = mx.generateIssuerKey();
const mxImpl = {
  mint: () => mx.mint({ issuerSecretKey: mxKey.secretKey, userId: USER, rooms: [ROOM] }),
  attenuate: (text) => mx.attenuate(text, { rooms: [ROOM], actions: [ACTION] }),
  check(text, room = ROOM) {
    const v = mx.verify(text, { trustedKeys: mxKey.publicKey });
    return mx.authorize(v, { action: ACTION, roomId: room }).allowed;
  },
};
const mxVerifier = new mx.Verifier({ trustedKeys: mxKey.publicKey });
const mxCached = (text, room = ROOM) => mx.authorize(mxVerifier.verify(text), { action: ACTION, roomId: room }).allowed;

// Biscuit: Ed25519 root key; the authority block holds the user and a check restricting it to the
// room; each attenuation appends a block with a check on room and operation. The authorizer holds
// the request (resource, operation) and allows any user. Every wasm object is freed as soon as it
// is done with (build() and buildAuthenticated() consume their builders; appendBlock does not),
// so Biscuit pays no garbage-collection or finalizer cost for the harness.
const bKeys = new KeyPair(SignatureAlgorithm.Ed25519);
const bSk = bKeys.getPrivateKey();
const bPk = bKeys.getPublicKey();
const biscuitImpl = {
  mint: () => biscuit`user(${USER}); check if resource(${ROOM});`.build(bSk),
  attenuate(token) {
    const b = block`check if resource(${ROOM}), operation(${ACTION});`; // not consumed by appendBlock
    try {
      return token.appendBlock(b);
    } finally {
      b.free();
    }
  },
  check(text, room = ROOM) {
    const token = Biscuit.fromBase64(text, bPk);
    const az = authorizer`resource(${room}); operation(${ACTION}); allow if user($u);`.buildAuthenticated(token);
    try {
      return az.authorize() === 0;
    } catch {
      return false;
    } finally {
      az.free();
      token.free();
    }
  },
};

// Macaroons (HMAC-SHA256 chain, libmacaroons v1 format): caveats `user = ...` and `room = ...` at
// the root; each attenuation adds `room = ...` and `action = ...`. Verifying needs the issuer's
// SECRET (symmetric) and is a recomputation of the HMAC chain plus the caveat predicates.
const mSecret = 'this is our super secret key; only we should know it';
const mLocation = 'https://matrix.example.org';
let mCounter = 0;
const macaroonsImpl = {
  mint: () =>
    new MacaroonsBuilder(mLocation, mSecret, `tok-${(mCounter++).toString(36)}`)
      .add_first_party_caveat(`user = ${USER}`)
      .add_first_party_caveat(`room = ${ROOM}`)
      .getMacaroon(),
  attenuate: (m) => MacaroonsBuilder.modify(m).add_first_party_caveat(`room = ${ROOM}`).add_first_party_caveat(`action = ${ACTION}`).getMacaroon(),
  check(text, room = ROOM) {
    const m = MacaroonsBuilder.deserialize(text);
    return new MacaroonsVerifier(m)
      .satisfyGeneral((c) => c.startsWith('user = @'))
      .satisfyExact(`room = ${room}`)
      .satisfyExact(`action = ${ACTION}`)
      .isValid(mSecret);
  },
};

// Tokens at each depth, as text, for each library.
function chain(depth, impl, toText) {
  let t = impl.mint();
  for (let i = 1; i < depth; i++) t = impl.attenuate(t);
  return toText(t);
}
const tokens = {
  mxscope: Object.fromEntries(DEPTHS.map((d) => [d, chain(d, mxImpl, (t) => t)])),
  biscuit: Object.fromEntries(DEPTHS.map((d) => [d, chain(d, biscuitImpl, (t) => t.toBase64())])),
  macaroons: Object.fromEntries(DEPTHS.map((d) => [d, chain(d, macaroonsImpl, (m) => m.serialize())])),
};
// "Cold" rows cycle through POOL distinct tokens per depth (the same for every library), so that
// no library profits from having seen the token a moment ago: mxscope remembers the last 16 key
// derivations per thread (a token's proof key is derived on every verify and attenuate), and a
// pool larger than that keeps every cold row a miss.
const POOL = Number(process.env.MXSCOPE_BENCH_POOL ?? 48);
const pools = {
  mxscope: Object.fromEntries(DEPTHS.map((d) => [d, Array.from({ length: POOL }, () => chain(d, mxImpl, (t) => t))])),
  biscuit: Object.fromEntries(DEPTHS.map((d) => [d, Array.from({ length: POOL }, () => chain(d, biscuitImpl, (t) => t.toBase64()))])),
  macaroons: Object.fromEntries(DEPTHS.map((d) => [d, Array.from({ length: POOL }, () => chain(d, macaroonsImpl, (m) => m.serialize()))])),
};
const cycling = (list, fn) => {
  let i = 0;
  return () => fn(list[i++ % list.length]);
};

// Every check does what it says before it is timed: allows the request, denies another room, and
// rejects a token signed by someone else.
for (const d of DEPTHS) {
  assert.equal(mxImpl.check(tokens.mxscope[d]), true, `mxscope depth ${d}`);
  assert.equal(mxImpl.check(tokens.mxscope[d], OTHER), false);
  assert.equal(mxCached(tokens.mxscope[d]), true);
  assert.equal(mxCached(tokens.mxscope[d], OTHER), false);
  assert.equal(mx.inspect(tokens.mxscope[d]).blockCount, d);
  assert.equal(biscuitImpl.check(tokens.biscuit[d]), true, `biscuit depth ${d}`);
  assert.equal(biscuitImpl.check(tokens.biscuit[d], OTHER), false);
  assert.equal(Biscuit.fromBase64(tokens.biscuit[d], bPk).countBlocks(), d);
  assert.equal(macaroonsImpl.check(tokens.macaroons[d]), true, `macaroons depth ${d}`);
  assert.equal(macaroonsImpl.check(tokens.macaroons[d], OTHER), false);
  for (const lib of ['mxscope', 'biscuit', 'macaroons']) assert.equal(new Set(pools[lib][d]).size, POOL, `${lib} pool depth ${d}`);
  assert.equal(pools.mxscope[d].every((t) => mxImpl.check(t) && !mxImpl.check(t, OTHER)), true);
  assert.equal(pools.biscuit[d].every((t) => biscuitImpl.check(t) && !biscuitImpl.check(t, OTHER)), true);
  assert.equal(pools.macaroons[d].every((t) => macaroonsImpl.check(t) && !macaroonsImpl.check(t, OTHER)), true);
}
assert.throws(() => mx.verify(tokens.mxscope[2], { trustedKeys: mx.generateIssuerKey().publicKey }), { code: 'unknown_key' });
assert.throws(() => Biscuit.fromBase64(tokens.biscuit[2], new KeyPair(SignatureAlgorithm.Ed25519).getPublicKey()));
assert.equal(new MacaroonsVerifier(MacaroonsBuilder.deserialize(tokens.macaroons[2])).satisfyGeneral(() => true).isValid('another secret'), false);

// ------------------------------------------------------------------------------------------------
// Timing: warm-up, then 5 windows; the median window's ops/s is the figure (min and max kept).
// ------------------------------------------------------------------------------------------------
let sink = 0;
const consume = (x) => {
  sink = (sink + (typeof x === 'string' ? x.length : x ? 1 : 2)) | 0;
};
function measure(fn) {
  const windows = 5;
  const windowMs = ((SECONDS * 1000) * 0.8) / windows;
  const warmMs = SECONDS * 1000 * 0.2;
  let t0 = performance.now();
  while (performance.now() - t0 < warmMs) consume(fn());
  const rates = [];
  for (let w = 0; w < windows; w++) {
    let n = 0;
    t0 = performance.now();
    let t;
    do {
      for (let i = 0; i < 8; i++) consume(fn());
      n += 8;
      t = performance.now();
    } while (t - t0 < windowMs);
    rates.push((n * 1000) / (t - t0));
  }
  rates.sort((a, b) => a - b);
  return { opsPerSec: rates[Math.floor(windows / 2)], min: rates[0], max: rates[windows - 1] };
}

// Objects the object-level operations start from (freed where the library needs it).
const bRoot = biscuitImpl.mint();
const bDepth2 = biscuitImpl.attenuate(bRoot);
const mRoot = macaroonsImpl.mint();
const mDepth2 = macaroonsImpl.attenuate(mRoot);
const mxBytes2 = mx.toBytes(tokens.mxscope[2]);

const rows = [];
function row(id, label, impls, note) {
  if (ONLY && !ONLY.test(id)) return;
  const r = { id, label, note, results: {} };
  for (const [lib, fn] of Object.entries(impls)) r.results[lib] = fn && LIBS.includes(lib) ? measure(fn) : null;
  rows.push(r);
  process.stderr.write(`  ${label}: ${Object.entries(r.results).map(([k, v]) => `${k} ${v ? Math.round(v.opsPerSec) : '-'}`).join(', ')}\n`);
}

process.stderr.write(`bench: ${SECONDS} s per measurement\n`);
row('mint', 'mint root (user + room) -> text', {
  mxscope: () => mxImpl.mint(),
  biscuit: () => {
    const t = biscuitImpl.mint();
    const s = t.toBase64();
    t.free();
    return s;
  },
  macaroons: () => macaroonsImpl.mint().serialize(),
});
row('attenuate-cold', 'attenuate a token not seen before (text -> text)', {
  mxscope: cycling(pools.mxscope[1], (t) => mxImpl.attenuate(t)),
  biscuit: cycling(pools.biscuit[1], (text) => {
    const root = Biscuit.fromBase64(text, bPk);
    const t = biscuitImpl.attenuate(root);
    const s = t.toBase64();
    t.free();
    root.free();
    return s;
  }),
  macaroons: cycling(pools.macaroons[1], (text) => macaroonsImpl.attenuate(MacaroonsBuilder.deserialize(text)).serialize()),
}, 'each library parses a token it has not handled before (48 distinct roots in turn), appends the block, serialises');
row('attenuate', 'attenuate (room + action) -> text', {
  mxscope: () => mxImpl.attenuate(tokens.mxscope[1]),
  biscuit: () => {
    const t = biscuitImpl.attenuate(bRoot);
    const s = t.toBase64();
    t.free();
    return s;
  },
  macaroons: () => macaroonsImpl.attenuate(mRoot).serialize(),
}, 'mxscope: the same token text each time (parse + sign + serialise; its proof key derivation is remembered, like the key pair inside the other libraries\' in-memory root); biscuit and macaroons: from the in-memory root object, then serialised');
row('attenuate-object', 'attenuate, in-memory object only', {
  mxscope: null,
  biscuit: () => {
    const t = biscuitImpl.attenuate(bRoot);
    t.free();
    return 1;
  },
  macaroons: () => macaroonsImpl.attenuate(mRoot),
}, 'mxscope has no object form: its attenuate row above already includes parsing and serialising');
// A timed check that does not allow (a Biscuit authorizer timing out on a busy machine, say) is
// counted, and reported: the figures are only for checks that did their whole job.
const denied = { mxscope: 0, biscuit: 0, macaroons: 0 };
const counted = (lib, fn) => () => {
  const ok = fn();
  if (!ok) denied[lib]++;
  return ok;
};
for (const d of DEPTHS) {
  row(`verify-${d}`, `parse + verify + authorize, depth ${d} (cold)`, {
    mxscope: counted('mxscope', cycling(pools.mxscope[d], (t) => mxImpl.check(t))),
    biscuit: counted('biscuit', cycling(pools.biscuit[d], (t) => biscuitImpl.check(t))),
    macaroons: counted('macaroons', cycling(pools.macaroons[d], (t) => macaroonsImpl.check(t))),
  }, `${POOL} distinct tokens in turn`);
}
for (const d of DEPTHS) {
  row(`cached-${d}`, `mxscope Verifier (cached chain) + authorize, depth ${d}`, {
    mxscope: counted('mxscope', () => mxCached(tokens.mxscope[d])),
    biscuit: null,
    macaroons: null,
  }, 'the same token again: signatures are remembered, revocation and time are checked each call');
}
// Last: on Node 20, many fromBytes() calls followed by verify() crash V8 11.3 (see
// repro-node20-crash.mjs), so nothing that verifies runs after this row.
row('serialise', 'serialise a depth-2 token', {
  mxscope: () => mx.fromBytes(mxBytes2),
  biscuit: () => bDepth2.toBase64(),
  macaroons: () => mDepth2.serialize(),
}, 'mxscope: binary form -> text (checks the binary and adds the checksum); others: object -> text');

// ------------------------------------------------------------------------------------------------
// Sizes
// ------------------------------------------------------------------------------------------------
const sizes = {};
for (const d of DEPTHS) {
  sizes[d] = {
    mxscope: { text: tokens.mxscope[d].length, bytes: mx.inspect(tokens.mxscope[d]).byteLength },
    biscuit: { text: tokens.biscuit[d].length, bytes: Biscuit.fromBase64(tokens.biscuit[d], bPk).toBytes().length },
    macaroons: { text: tokens.macaroons[d].length, bytes: Buffer.from(tokens.macaroons[d], 'base64url').length },
  };
}

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const rawSize = (file) => statSync(file).size;
function download(files) {
  return { files: files.map((f) => path.relative(repoRoot, f)), raw: files.reduce((a, f) => a + rawSize(f), 0), gzip: files.reduce((a, f) => a + gz(f), 0) };
}
const biscuitDir = path.dirname(fileURLToPath(import.meta.resolve('@biscuit-auth/biscuit-wasm')));
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
const macaroonsDir = path.dirname(require.resolve('macaroons.js'));
const downloads = {
  mxscope: download(['dist/web/index.mjs', 'dist/web/mxscope-core.mjs', 'dist/web/mxscope-core.wasm'].map((f) => path.join(repoRoot, f))),
  biscuit: download(walk(biscuitDir).filter((f) => /\.(js|wasm)$/.test(f))),
  macaroons: download([path.join(macaroonsDir, 'index.js'), ...walk(path.join(macaroonsDir, 'lib')).filter((f) => f.endsWith('.js'))]),
};

// ------------------------------------------------------------------------------------------------
// Cold import + init: fresh Node processes, time from before import() to ready.
// ------------------------------------------------------------------------------------------------
function coldStart(code, flags = []) {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const out = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', code], { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    runs.push(Number(out.trim().split('\n').pop()));
  }
  runs.sort((a, b) => a - b);
  return { medianMs: runs[2], minMs: runs[0], maxMs: runs[4] };
}
const cold = {
  mxscope: coldStart(`const t=performance.now(); const m=await import(${JSON.stringify(pathToFileURL(mxscopeEntry).href)}); await m.ready(); console.log(performance.now()-t);`),
  biscuit: coldStart(`const t=performance.now(); await import('@biscuit-auth/biscuit-wasm'); console.log(performance.now()-t);`, ['--experimental-wasm-modules', '--disable-warning=ExperimentalWarning']),
  macaroons: coldStart(`import {createRequire} from 'node:module'; const t=performance.now(); createRequire(import.meta.url)('macaroons.js'); console.log(performance.now()-t);`),
};

// ------------------------------------------------------------------------------------------------
// Report
// ------------------------------------------------------------------------------------------------
const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
const ratio = (id, a = 'mxscope', b = 'biscuit') => {
  const r = byId[id];
  return r?.results[a] && r?.results[b] ? r.results[a].opsPerSec / r.results[b].opsPerSec : null;
};
const times = (x) => (x == null ? 'not measured' : `${x.toFixed(1)}x`);
const targets = [
  ...DEPTHS.map((d) => ({ name: `verify+authorize depth ${d} >= 3x biscuit (cold)`, value: ratio(`verify-${d}`), ok: ratio(`verify-${d}`) >= 3, show: times(ratio(`verify-${d}`)) })),
  { name: 'attenuate >= 3x biscuit', value: ratio('attenuate'), ok: ratio('attenuate') >= 3, show: times(ratio('attenuate')) },
  { name: 'attenuate a token not seen before >= 3x biscuit', value: ratio('attenuate-cold'), ok: ratio('attenuate-cold') >= 3, show: times(ratio('attenuate-cold')) },
  ...DEPTHS.map((d) => ({ name: `token bytes depth ${d} <= biscuit`, ok: sizes[d].mxscope.bytes <= sizes[d].biscuit.bytes && sizes[d].mxscope.text <= sizes[d].biscuit.text, show: `${sizes[d].mxscope.bytes} B / ${sizes[d].mxscope.text} ch vs ${sizes[d].biscuit.bytes} B / ${sizes[d].biscuit.text} ch` })),
  { name: 'browser download <= 120 KB gzipped', ok: downloads.mxscope.gzip <= 120_000, show: `${downloads.mxscope.gzip} B` },
  { name: 'cold import + init <= 30 ms in Node', ok: cold.mxscope.medianMs <= 30, show: `${cold.mxscope.medianMs.toFixed(1)} ms` },
];

const fmt = (n) => (n == null ? '—' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const us = (n) => (n == null ? '' : ` (${(1e6 / n).toFixed(n > 1e5 ? 2 : 1)} µs)`);
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

const lines = [];
lines.push(`mxscope ${versions.mxscope} (wasm) vs @biscuit-auth/biscuit-wasm ${versions.biscuit} vs macaroons.js ${versions.macaroons}`);
lines.push(`Node ${versions.node}${process.execArgv.length ? ` (${process.execArgv.join(' ')})` : ''}; ${os.cpus()[0].model.trim()} x${os.cpus().length}; load average ${loadAtStart[0].toFixed(2)} at start, ${os.loadavg()[0].toFixed(2)} at end; ${SECONDS} s per measurement (median of 5 windows)`);
lines.push('');
lines.push(`${pad('operation (ops/s, higher is better)', 50)} ${lpad('mxscope', 20)} ${lpad('biscuit-wasm', 18)} ${lpad('macaroons.js', 20)} ${lpad('mxscope/biscuit', 16)}`);
lines.push('-'.repeat(50 + 1 + 20 + 1 + 18 + 1 + 20 + 1 + 16));
for (const r of rows) {
  const c = (lib) => (r.results[lib] ? fmt(r.results[lib].opsPerSec) + us(r.results[lib].opsPerSec) : '—');
  const cold = byId[r.id.replace('cached', 'verify')];
  const rt = r.id.startsWith('cached-') ? (r.results.mxscope && cold?.results.biscuit ? r.results.mxscope.opsPerSec / cold.results.biscuit.opsPerSec : null) : ratio(r.id);
  lines.push(`${pad(r.label, 50)} ${lpad(c('mxscope'), 20)} ${lpad(c('biscuit'), 18)} ${lpad(c('macaroons'), 20)} ${lpad(rt == null ? '—' : `${rt.toFixed(1)}x`, 16)}`);
}
lines.push('');
lines.push(`${pad('token size (binary bytes / text characters)', 50)} ${lpad('mxscope', 20)} ${lpad('biscuit-wasm', 18)} ${lpad('macaroons.js', 20)}`);
lines.push('-'.repeat(111));
for (const d of DEPTHS) {
  const c = (lib) => `${sizes[d][lib].bytes} / ${sizes[d][lib].text}`;
  lines.push(`${pad(`depth ${d}`, 50)} ${lpad(c('mxscope'), 20)} ${lpad(c('biscuit'), 18)} ${lpad(c('macaroons'), 20)}`);
}
lines.push('');
lines.push(`${pad('what a browser downloads (bytes)', 50)} ${lpad('mxscope', 20)} ${lpad('biscuit-wasm', 18)} ${lpad('macaroons.js*', 20)}`);
lines.push('-'.repeat(111));
lines.push(`${pad('raw', 50)} ${lpad(downloads.mxscope.raw.toLocaleString('en-US'), 20)} ${lpad(downloads.biscuit.raw.toLocaleString('en-US'), 18)} ${lpad(downloads.macaroons.raw.toLocaleString('en-US'), 20)}`);
lines.push(`${pad('gzip -9', 50)} ${lpad(downloads.mxscope.gzip.toLocaleString('en-US'), 20)} ${lpad(downloads.biscuit.gzip.toLocaleString('en-US'), 18)} ${lpad(downloads.macaroons.gzip.toLocaleString('en-US'), 20)}`);
lines.push(`${pad('cold import + init in Node (ms, median of 5)', 50)} ${lpad(cold.mxscope.medianMs.toFixed(1), 20)} ${lpad(cold.biscuit.medianMs.toFixed(1), 18)} ${lpad(cold.macaroons.medianMs.toFixed(1), 20)}`);
lines.push('* macaroons.js: its own JS only; it is written for Node (Buffer, crypto) and needs polyfills in a browser.');
if (Object.values(denied).some((n) => n > 0)) lines.push(`WARNING: timed checks that did not allow: ${JSON.stringify(denied)}`);
lines.push('');
lines.push('targets');
for (const t of targets) lines.push(`  ${t.ok ? 'PASS' : 'FAIL'}  ${pad(t.name, 44)} ${t.show}`);
lines.push('');
lines.push('notes');
for (const r of rows.filter((r) => r.note)) lines.push(`  ${r.label}: ${r.note}`);
lines.push('  cold: mxscope verify() with the trusted key text each call; biscuit Biscuit.fromBase64(text, key) + authorizer`...`.buildAuthenticated(token).authorize() (Datalog); macaroons deserialize + verifier predicates + isValid(secret) (HMAC, needs the issuer secret).');
lines.push('  mxscope/biscuit for the cached rows compares the cached mxscope figure with biscuit\'s cold one (biscuit-wasm has no verification cache).');

const report = lines.join('\n');
console.log(report);
if (JSON_OUT) {
  mkdirSync(path.dirname(JSON_OUT), { recursive: true });
  writeFileSync(JSON_OUT, JSON.stringify({ versions, execArgv: process.execArgv, seconds: SECONDS, cpu: os.cpus()[0].model.trim(), cpus: os.cpus().length, loadavg: { start: loadAtStart, end: os.loadavg() }, rows, sizes, downloads, cold, targets, denied, sink }, null, 2));
}
bRoot.free();
bDepth2.free();
// A missed target is reported, not an error: the exit status says only that the run completed.
