// Worker for memory.test.mjs: runs mint/attenuate/verify/authorize cycles in its own module
// instance and reports the module's memory after warm-up and at checkpoints.
import { parentPort, workerData } from 'node:worker_threads';
import * as mx from 'mxscope';

const { cycles, warmup, checkpoints, fill } = workerData;
const now = 1777640550 * 1000;
const roomA = '!aaa:example.org';

await mx.ready();
const key = mx.issuerKeyFromSeed(new Uint8Array(32).fill(fill));
const revoked = new mx.RevocationSet(['0123456789abcdef0123456789abcdef']);
const verifier = new mx.Verifier({ trustedKeys: key, revoked, cacheSize: 256 });

function cycle(i) {
  const root = mx.mint({ issuerSecretKey: key.secretKey, userId: '@alice:example.org', deviceId: 'PHONE', notAfter: now + 3_600_000 });
  const sub = mx.attenuate(root, { actions: ['send_message', 'read_timeline'], rooms: [roomA], name: `bot ${i % 1000}` });
  // Alternate the one-shot verify() and the cached Verifier, so both paths are exercised.
  const v = i % 2 ? mx.verify(sub, { trustedKeys: key.publicKey, now, revoked }) : verifier.verify(sub, now);
  if (!mx.authorize(v, { action: 'send_message', roomId: roomA }).allowed) throw new Error('cycle denied');
  if (i % 97 === 0) mx.describe(v, { now });  // now and then, the JSON-heavy paths too
}

// Sampled with the verifier cache empty, so every sample sees the same live objects.
function sample() {
  verifier.clearCache();
  return mx.testing.memory();
}

const started = performance.now();
for (let i = 0; i < warmup; i++) cycle(i);
const baseline = sample();
const samples = [];
const step = Math.floor((cycles - warmup) / checkpoints);
for (let i = warmup; i < cycles; i++) {
  cycle(i);
  if ((i + 1 - warmup) % step === 0) samples.push(sample());
}
parentPort.postMessage({ baseline, samples, ms: performance.now() - started });
