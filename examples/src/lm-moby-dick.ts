// The makemore ladder on Moby Dick, character level: bigram and 5-gram Kneser-Ney, an LSTM and a
// GPT, each scored in bits per character on the last 10% of the text, with samples. The neural
// models train for GEN_LM_STEPS steps with trainLm (validation loss every tenth, checkpointed every
// quarter, resumed exactly when a checkpoint is left). The benchmark with
// a fixed time budget is packages/lm/bench/ladder.bench.ts.
// Writes out/lm-moby-dick/{summary.json,samples.txt,loss.svg}. Run: pnpm example lm-moby-dick   (GEN_SMOKE=1: seconds)
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { adam, adamW, initBackend, lineChartSvg } from '@gen/core';
import { loadMobyDick } from '@gen/datasets';
import { CharTokenizer, Gpt, NgramModel, RnnLm, generate, trainLm, type LanguageModel } from '@gen/lm';

const smoke = process.env.GEN_SMOKE === '1';
const steps = smoke ? 4 : Number(process.env.GEN_LM_STEPS ?? 2000);
const outDir = 'out/lm-moby-dick';
const backend = await initBackend();
await mkdir(outDir, { recursive: true });

// Fixed split: the last 10% of the text is validation.
const { text: full } = await loadMobyDick();
const text = smoke ? full.slice(0, 60_000) : full;
const cut = Math.floor(text.length * 0.9);
const tok = CharTokenizer.train(text);
const trainIds = Int32Array.from(tok.encode(text.slice(0, cut)));
const validIds = tok.encode(text.slice(cut));
const evalIds = smoke ? validIds.slice(0, 1000) : validIds;
const bpc = async (lm: LanguageModel) => -(await lm.logProb(evalIds)) / evalIds.length / Math.LN2;
const sample = (lm: LanguageModel) => generate(lm, 'Call me ', { maxTokens: 300, temperature: 0.8, topP: 0.95, seed: 0, stopAtEos: false });

const rows: Array<{ model: string; bpc: number; sample: string }> = [];
for (const order of [2, 5]) {
  const lm = NgramModel.fit([Array.from(trainIds)], { order, vocabSize: tok.vocabSize, bosId: 0, eosId: 1 }, tok);
  rows.push({ model: `${order}-gram Kneser-Ney`, bpc: await bpc(lm), sample: await sample(lm) });
  lm.dispose();
}

const curves: Array<{ name: string; points: Array<readonly [number, number]> }> = [];
// Trains `lm` for `steps` with trainLm: validation loss every tenth of the run on fixed windows of
// the held-out text, and a checkpoint (weights, tokenizer, optimizer slots, step, RNG key) every
// quarter. A checkpoint left by an interrupted run is picked up and training continues exactly
// where it stopped (same batches, same dropout masks, same Adam moments).
async function fit(name: string, lm: Gpt | RnnLm, make: (params: never) => ReturnType<typeof adam>, contextLength: number): Promise<Gpt | RnnLm> {
  const path = `${outDir}/${name}.safetensors`;
  let resume: Uint8Array | undefined;
  if (existsSync(path) && !smoke) {
    resume = new Uint8Array(await readFile(path));
    const loaded = lm instanceof Gpt ? await Gpt.load(resume, tok) : await RnnLm.load(resume, tok);
    lm.dispose();
    lm = loaded;
  }
  const optimizer = make(lm.params as never);
  const every = Math.max(1, Math.floor(steps / 10));
  const result = await trainLm(lm, {
    optimizer,
    data: trainIds,
    batchSize: 16,
    contextLength,
    dataSeed: 1,
    steps,
    seed: 2,
    resume,
    validation: { data: validIds, every, batches: smoke ? 1 : 8 },
    checkpoint: { every: Math.max(1, Math.floor(steps / 4)), save: (bytes) => writeFile(path, bytes) },
    progress: 'auto',
    log: process.stdout.isTTY ? undefined : { every },
  });
  if (resume) console.log(`${name}: resumed at step ${steps - result.stepsDone}`);
  curves.push({ name: `${name} train`, points: result.metrics.rows.map((r) => [r.step + 1, r.loss / Math.LN2] as const) });
  curves.push({ name: `${name} validation`, points: result.metrics.series('valLoss').map(([s, v]) => [s, v / Math.LN2] as const) });
  optimizer.dispose();
  return lm;
}

const lstm = await fit('lstm', RnnLm.create(tok, { cell: 'lstm', embeddingDim: 32, hiddenSize: 128 }, 0), (p) => adam(p, { lr: 3e-3 }), 64);
rows.push({ model: 'LSTM 1x128', bpc: await bpc(lstm), sample: await sample(lstm) });
lstm.dispose();
const gpt = await fit('gpt', Gpt.create(tok, { contextLength: 64, numLayers: 2, numHeads: 4, dModel: 64 }, 0), (p) => adamW(p, { lr: 1e-3, weightDecay: 0.01 }), 64);
rows.push({ model: 'GPT 2x64', bpc: await bpc(gpt), sample: await sample(gpt) });
gpt.dispose();

await writeFile(`${outDir}/loss.svg`, lineChartSvg(curves, { title: 'Moby Dick, training and validation loss', xLabel: 'step', yLabel: 'bits per character' }));
await writeFile(`${outDir}/samples.txt`, rows.map((r) => `== ${r.model} (${r.bpc.toFixed(3)} bits/char)\nCall me ${r.sample}\n`).join('\n'));
await writeFile(`${outDir}/summary.json`, `${JSON.stringify({ backend, steps, validationChars: evalIds.length, rows: rows.map(({ model, bpc: b }) => ({ model, bpc: b })) }, null, 2)}\n`);
console.table(rows.map(({ model, bpc: b }) => ({ model, 'bits/char': b.toFixed(3) })));
console.log(`wrote ${outDir}/summary.json, samples.txt, loss.svg`);
