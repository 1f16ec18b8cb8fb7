// Name generation (makemore): character-level n-grams and a small GPT trained on the English
// first names that the stdlib packages ship; validation bits per character and samples.
// Writes out/lm-names/summary.json. Run: pnpm example lm-names   (GEN_SMOKE=1: seconds)
import { mkdir, writeFile } from 'node:fs/promises';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { adamW, initBackend, permutation } from '@gen/core';
import { loadFirstNames } from '@gen/datasets';
import { CharTokenizer, Gpt, NgramModel, generate, trainLm, type LanguageModel } from '@gen/lm';

const smoke = process.env.GEN_SMOKE === '1';
const outDir = 'out/lm-names';
const backend = await initBackend();

// Data: lower-case names, shuffled once with a fixed seed; the last 10% are validation.
const all = (await loadFirstNames('all')).map((n) => n.toLowerCase());
const order = permutation(0, all.length);
const names = Array.from(order, (i) => all[i]);
const cut = Math.floor(names.length * 0.9);
const [trainNames, validNames] = [names.slice(0, cut), names.slice(cut)];
const tok = CharTokenizer.train(names); // specials <s>, </s>; a-z and '-'

// Bits per character on validation names, each scored as <s> name </s>.
async function validBpc(lm: LanguageModel): Promise<number> {
  let nats = 0;
  let chars = 0;
  for (const name of smoke ? validNames.slice(0, 50) : validNames) {
    const ids = [...tok.encode(name), lm.eosId!];
    nats -= await lm.logProb(ids);
    chars += ids.length;
  }
  return nats / chars / Math.LN2;
}
const samples = async (lm: LanguageModel) => Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((seed) => generate(lm, '', { maxTokens: 20, temperature: 0.9, seed })));

const summary: Record<string, { bpc: number; samples: string[] }> = {};
for (const n of [2, 3, 5]) {
  const lm = NgramModel.train(tok, trainNames, { order: n });
  summary[`${n}-gram KN`] = { bpc: await validBpc(lm), samples: await samples(lm) };
}

// GPT on the names joined as <s>name</s><s>name</s>..., so windows see many name boundaries.
const stream = trainNames.flatMap((n) => [0, ...tok.encode(n), 1]);
const gpt = Gpt.create(tok, { contextLength: 32, numLayers: 2, numHeads: 4, dModel: 64, dropout: 0.1, positions: 'rotary' }, 0);
const optimizer = adamW(gpt.params as never, { lr: 2e-3, weightDecay: 0.01 });
const steps = smoke ? 5 : 1500;
const every = Math.max(1, Math.floor(steps / 10));
// trainLm: the core loop with validation loss (on windows of the held-out names) every tenth of the run.
const result = await trainLm(gpt, {
  optimizer,
  data: Int32Array.from(stream),
  batchSize: 32,
  dataSeed: 1,
  steps,
  seed: 2,
  validation: { data: Int32Array.from(validNames.flatMap((n) => [0, ...tok.encode(n), 1])), every, batches: 4 },
  progress: 'auto',
  log: process.stdout.isTTY ? undefined : { every },
});
const valCurve = result.metrics.series('valLoss').map(([s, v]) => [s, v / Math.LN2]);
summary['GPT (2 layers, rotary)'] = { bpc: await validBpc(gpt), samples: await samples(gpt) };

// save/load keeps the tokenizer with the weights.
await mkdir(outDir, { recursive: true });
await writeFile(`${outDir}/gpt.safetensors`, await gpt.save());
optimizer.dispose();
gpt.dispose();

await writeFile(`${outDir}/summary.json`, `${JSON.stringify({ backend, steps, summary, gptValidationBitsPerChar: valCurve }, null, 2)}\n`);
for (const [name, { bpc, samples: s }] of Object.entries(summary)) console.log(`${name}: ${bpc.toFixed(3)} bits/char; ${s.join(', ')}`);
console.log(`wrote ${outDir}/summary.json, gpt.safetensors`);
