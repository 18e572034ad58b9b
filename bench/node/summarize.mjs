// Combines the JSON of several bench.mjs passes (separate processes, one after the other) into one
// table: each pass's ops/s, the median over passes, and the mxscope/biscuit ratio per pass.
// usage: node bench/node/summarize.mjs pass1.json pass2.json ...
import { readFileSync } from 'node:fs';

const passes = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8')));
if (passes.length === 0) {
  console.error('usage: summarize.mjs pass1.json [pass2.json ...]');
  process.exit(2);
}
const LIBS = ['mxscope', 'biscuit', 'macaroons'];
const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  if (s.length === 0) return null;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ops = (p, id, lib) => p.rows.find((r) => r.id === id)?.results[lib]?.opsPerSec ?? null;
const fmt = (n) => (n == null ? '—' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const us = (n) => (n == null ? '' : ` (${(1e6 / n).toFixed(n > 1e5 ? 2 : 1)} µs)`);
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const first = passes[0];
const out = [];

out.push(`${passes.length} pass(es): mxscope ${first.versions.mxscope} (wasm) vs @biscuit-auth/biscuit-wasm ${first.versions.biscuit} vs macaroons.js ${first.versions.macaroons}`);
out.push(`Node ${first.versions.node}${first.execArgv?.length ? ` (${first.execArgv.join(' ')})` : ''}; ${first.cpu} x${first.cpus}; ${first.seconds} s per measurement; load average at start of each pass: ${passes.map((p) => p.loadavg.start[0].toFixed(2)).join(', ')}`);
out.push('');
out.push('ops/s: median over passes (µs per op); ratio = mxscope / biscuit-wasm, median and each pass');
const W = [50, 22, 22, 24, 26];
out.push(`${pad('operation', W[0])} ${lpad('mxscope', W[1])} ${lpad('biscuit-wasm', W[2])} ${lpad('macaroons.js', W[3])} ${lpad('mxscope/biscuit', W[4])}`);
out.push('-'.repeat(W.reduce((a, b) => a + b + 1, -1)));
const ratios = {};
for (const row of first.rows) {
  const m = Object.fromEntries(LIBS.map((l) => [l, median(passes.map((p) => ops(p, row.id, l)))]));
  const coldId = row.id.replace('cached', 'verify');
  const perPass = passes.map((p) => {
    const a = ops(p, row.id, 'mxscope');
    const b = ops(p, row.id.startsWith('cached-') ? coldId : row.id, 'biscuit');
    return a != null && b != null ? a / b : null;
  });
  const r = median(perPass);
  ratios[row.id] = { median: r, perPass };
  const cell = (l) => (m[l] == null ? '—' : fmt(m[l]) + us(m[l]));
  const rc = r == null ? '—' : `${r.toFixed(2)}x [${perPass.map((x) => x.toFixed(2)).join(' ')}]`;
  out.push(`${pad(row.label, W[0])} ${lpad(cell('mxscope'), W[1])} ${lpad(cell('biscuit'), W[2])} ${lpad(cell('macaroons'), W[3])} ${lpad(rc, W[4])}`);
}
out.push('');
out.push(`${pad('token size: binary bytes / text characters', W[0])} ${lpad('mxscope', W[1])} ${lpad('biscuit-wasm', W[2])} ${lpad('macaroons.js', W[3])}`);
out.push('-'.repeat(W[0] + W[1] + W[2] + W[3] + 3));
for (const [d, s] of Object.entries(first.sizes)) {
  out.push(`${pad(`depth ${d}`, W[0])} ${LIBS.map((l, i) => lpad(`${s[l].bytes} / ${s[l].text}`, W[i + 1])).join(' ')}`);
}
out.push('');
out.push(`${pad('browser download, bytes', W[0])} ${lpad('mxscope', W[1])} ${lpad('biscuit-wasm', W[2])} ${lpad('macaroons.js (JS only)', W[3])}`);
out.push('-'.repeat(W[0] + W[1] + W[2] + W[3] + 3));
out.push(`${pad('raw', W[0])} ${LIBS.map((l, i) => lpad(first.downloads[l].raw.toLocaleString('en-US'), W[i + 1])).join(' ')}`);
out.push(`${pad('gzip -9', W[0])} ${LIBS.map((l, i) => lpad(first.downloads[l].gzip.toLocaleString('en-US'), W[i + 1])).join(' ')}`);
const coldMs = Object.fromEntries(LIBS.map((l) => [l, median(passes.map((p) => p.cold[l].medianMs))]));
out.push(`${pad('cold import + init in Node, ms (median)', W[0])} ${LIBS.map((l, i) => lpad(coldMs[l].toFixed(1), W[i + 1])).join(' ')}`);
out.push('');
out.push('targets (on the medians)');
const depths = Object.keys(first.sizes);
const t = [];
for (const d of depths) t.push([`verify+authorize depth ${d} >= 3x biscuit-wasm (cold)`, ratios[`verify-${d}`].median >= 3, `${ratios[`verify-${d}`].median.toFixed(2)}x`]);
t.push(['attenuate >= 3x biscuit-wasm', ratios.attenuate.median >= 3, `${ratios.attenuate.median.toFixed(2)}x`]);
if (ratios['attenuate-cold']) t.push(['attenuate, token not seen before, >= 3x biscuit-wasm', ratios['attenuate-cold'].median >= 3, `${ratios['attenuate-cold'].median.toFixed(2)}x`]);
for (const d of depths) {
  const s = first.sizes[d];
  t.push([`token depth ${d} no larger than Biscuit's`, s.mxscope.bytes <= s.biscuit.bytes && s.mxscope.text <= s.biscuit.text, `${s.mxscope.bytes} B vs ${s.biscuit.bytes} B; ${s.mxscope.text} vs ${s.biscuit.text} characters`]);
}
t.push(['.wasm + JS <= 120 KB (120,000 B) gzipped', first.downloads.mxscope.gzip <= 120_000, `${first.downloads.mxscope.gzip.toLocaleString('en-US')} B`]);
t.push(['cold import + init <= 30 ms in Node', coldMs.mxscope <= 30, `${coldMs.mxscope.toFixed(1)} ms`]);
for (const [name, ok, show] of t) out.push(`  ${ok ? 'PASS' : 'FAIL'}  ${pad(name, 50)} ${show}`);
console.log(out.join('\n'));
