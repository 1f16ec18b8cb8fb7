// GPT benchmarks: training tokens/s against the same model in PyTorch (transformer_peer.py), and
// generation time per token with and without the key/value cache at positions 10 .. 500.
// Run: node --import tsx packages/lm/bench/transformer.bench.ts   (GEN_BACKEND picks the backend; default wasm)
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { adamW, describeBackend, initBackend, train } from '@gen/core';
import { type BenchRow, median, recordResults, repoRoot, runPython } from '../../../scripts/bench/kit.js';
import { CharTokenizer, Gpt, lmBatches } from '../src/index.js';

const backend = await initBackend((process.env.GEN_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm');
console.log(`backend ${JSON.stringify(await describeBackend())}`);
const smoke = process.env.GEN_SMOKE === '1';
const [layers, heads, dModel, context, batch] = [4, 4, 128, 128, 16];
const steps = smoke ? 3 : 20;
// A 65-symbol vocabulary like tiny-shakespeare's (63 characters + <s>, </s>).
const alphabet = Array.from({ length: 63 }, (_, i) => String.fromCharCode(48 + i)).join('');
const tok = CharTokenizer.train(alphabet);
const rows: BenchRow[] = [];

// 1. Training throughput.
const gpt = Gpt.create(tok, { contextLength: context, numLayers: layers, numHeads: heads, dModel }, 0);
const ids = Int32Array.from({ length: 100_000 }, (_, i) => 2 + ((i * 7919) % 63));
const optimizer = adamW(gpt.params as never, { lr: 3e-4 });
const run = await train({ optimizer, data: lmBatches(ids, { batchSize: batch, contextLength: context, seed: 1 }), lossFn: (b, _s, key) => gpt.loss(b, { key }), steps: steps + 2, seed: 0, progress: false });
const stepMs = median(run.metrics.rows.slice(2).map((r) => r.stepMs));
const oursTps = (batch * context * 1000) / stepMs;
const threads = Number(process.env.GEN_PEER_THREADS ?? 1);
const peer = runPython<{ tokensPerSecond: number; torch: string }>(join(repoRoot, 'packages/lm/bench/transformer_peer.py'), [String(tok.vocabSize), String(layers), String(heads), String(dModel), String(context), String(batch), String(smoke ? 3 : 20), String(threads)]);
rows.push({
  name: `GPT training ${layers}L/${heads}H/d${dModel}, batch ${batch}x${context} (${backend})`,
  ours: oursTps,
  peer: peer.ok ? peer.value.tokensPerSecond : null,
  peerName: peer.ok ? `PyTorch ${peer.value.torch} CPU, ${threads} thread(s)` : 'PyTorch',
  unit: 'tokens/s',
  lowerIsBetter: false,
  note: peer.ok ? `ours ${stepMs.toFixed(0)} ms/step` : peer.reason,
});
optimizer.dispose();
gpt.dispose();

// 2. Generation time per token, cache vs no cache, contextLength 512.
const gen = Gpt.create(tok, { contextLength: 512, numLayers: layers, numHeads: heads, dModel }, 1);
const maxPos = smoke ? 40 : 500;
// Warm-up session (JIT and wasm kernels), then the measured one.
{
  const warm = gen.startSession();
  let w = await warm.append([]);
  for (let i = 0; i < 60; i++) w = await warm.append([2 + (i % 60)]);
  warm.dispose();
  await gen.nextLogProbs(Array.from({ length: 400 }, (_, i) => 2 + (i % 60)));
}
const session = gen.startSession();
let d = await session.append([]);
const perToken: number[] = [];
const context2: number[] = [];
for (let pos = 1; pos <= maxPos; pos++) {
  const next = d.indexOf(Math.max(...Array.from(d).slice(2))); // greedy among non-special tokens
  context2.push(next);
  const t0 = performance.now();
  d = await session.append([next]);
  perToken[pos] = performance.now() - t0;
}
session.dispose();
const around = (p: number) => median(perToken.slice(Math.max(1, p - 5), p + 5).filter((v) => v !== undefined));
const at10 = around(10);
const atEnd = around(maxPos - 5);
const noCache = async (pos: number) => {
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    await gen.nextLogProbs(context2.slice(0, pos));
    times.push(performance.now() - t0);
  }
  return median(times);
};
const noCache10 = await noCache(10);
const noCacheEnd = await noCache(maxPos - 5);
gen.dispose();
rows.push({ name: 'GPT generation ms/token with KV cache, position ~10', ours: at10, peer: null, peerName: '-', unit: 'ms', lowerIsBetter: true });
rows.push({ name: `GPT generation ms/token with KV cache, position ~${maxPos - 5}`, ours: atEnd, peer: null, peerName: '-', unit: 'ms', lowerIsBetter: true, note: `late/early = ${(atEnd / at10).toFixed(2)} (flat within 20% means <= 1.20)` });
rows.push({ name: 'GPT generation ms/token without cache, position ~10', ours: noCache10, peer: null, peerName: '-', unit: 'ms', lowerIsBetter: true });
rows.push({ name: `GPT generation ms/token without cache, position ~${maxPos - 5}`, ours: noCacheEnd, peer: null, peerName: '-', unit: 'ms', lowerIsBetter: true, note: `cache speed-up at this position ${(noCacheEnd / atEnd).toFixed(1)}x` });
if (!smoke) recordResults('lm-transformer', 'GPT: training throughput vs PyTorch, generation with/without KV cache', 'node --import tsx packages/lm/bench/transformer.bench.ts', rows);
else console.log(rows);
console.log(`tensors alive at end: ${tf.memory().numTensors}`);
