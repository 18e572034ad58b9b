// No memory growth: 100,000 mint/attenuate/verify(+authorize) cycles keep the WebAssembly heap
// flat after warm-up. The cycles are split over two worker threads (one module instance each, one
// per core) to keep the suite fast; every instance must stay flat on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';

const total = Number(process.env.MXSCOPE_MEMORY_CYCLES ?? 100_000);
const workers = 2;
const warmup = 2_000;

function run(fill) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./memory-cycles.mjs', import.meta.url), {
      workerData: { cycles: total / workers, warmup, checkpoints: 10, fill },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
  });
}

test(`${total.toLocaleString('en')} mint/attenuate/verify cycles keep the wasm heap flat`, { timeout: 300_000 }, async () => {
  const results = await Promise.all(Array.from({ length: workers }, (_, i) => run(i + 1)));
  for (const [i, { baseline, samples, ms }] of results.entries()) {
    const last = samples.at(-1);
    const maxInUse = Math.max(...samples.map((s) => s.inUseBytes));
    const maxTop = Math.max(...samples.map((s) => s.heapTop));
    console.log(
      `instance ${i}: ${total / workers} cycles in ${(ms / 1000).toFixed(1)} s (${((ms * 1000) / (total / workers)).toFixed(0)} µs/cycle); ` +
        `heap ${baseline.heapBytes} -> ${last.heapBytes} B, in use ${baseline.inUseBytes} -> ${last.inUseBytes} B (max ${maxInUse}), ` +
        `heap top ${baseline.heapTop} -> ${last.heapTop} (max ${maxTop})`,
    );
    for (const s of samples) assert.equal(s.heapBytes, baseline.heapBytes, 'the WebAssembly memory grew after warm-up');
    assert.ok(maxInUse - baseline.inUseBytes <= 32 * 1024, `malloc'd bytes grew by ${maxInUse - baseline.inUseBytes}`);
    assert.ok(maxTop - baseline.heapTop <= 64 * 1024, `the heap top rose by ${maxTop - baseline.heapTop}`);
  }
});
