// The makemore ladder on Moby Dick, character level: bigram and 5-gram Kneser-Ney, LSTM and GPT,
// validation bits per character on the last 10% of the text, the neural models trained for the
// same wall-clock budget (GEN_LADDER_MINUTES, default 6) on the same machine, with samples.
// Run: node --import tsx packages/lm/bench/ladder.bench.ts   (GEN_BACKEND picks the backend; default wasm)
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { adam, adamW, initBackend, lineChartSvg } from '@gen/core';
import { type BenchRow, recordResults, repoRoot } from '../../../scripts/bench/kit.js';
// Until @gen/datasets is installed as a devDependency of @gen/lm, read it from source.
import { loadMobyDick } from '@gen/datasets';
import { CharTokenizer, Gpt, type LanguageModel, NgramModel, RnnLm, generate, trainLm } from '../src/index.js';

const backend = await initBackend((process.env.GEN_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm');
const smoke = process.env.GEN_SMOKE === '1';
const minutes = Number(process.env.GEN_LADDER_MINUTES ?? (smoke ? 0.05 : 6));
const { text: full } = await loadMobyDick();
const text = smoke ? full.slice(0, 60_000) : full;
const cut = Math.floor(text.length * 0.9);
const tok = CharTokenizer.train(text);
const trainIds = tok.encode(text.slice(0, cut));
const validIds = tok.encode(text.slice(cut));
const evalIds = smoke ? validIds.slice(0, 2000) : validIds;
const bpc = async (lm: LanguageModel) => -(await lm.logProb(evalIds)) / evalIds.length / Math.LN2;
const sample = (lm: LanguageModel) => generate(lm, 'Call me ', { maxTokens: 200, temperature: 0.8, seed: 0, stopAtEos: false });
const rows: BenchRow[] = [];
const samples: Record<string, string> = {};
const row = (name: string, value: number, note: string): BenchRow => {
  const r: BenchRow = { name, ours: value, peer: null, peerName: '-', unit: 'bits/char', lowerIsBetter: true, note };
  rows.push(r);
  return r;
};
/** The model's sample, kept (shortened) in its row's note so the table shows it. */
async function withSample(r: BenchRow, key: string, lm: LanguageModel): Promise<void> {
  samples[key] = await sample(lm);
  r.note = `${r.note}; sample after "Call me " (temperature 0.8, seed 0): ${JSON.stringify(samples[key].slice(0, 120))}`;
}
console.log(`backend ${backend}; train ${trainIds.length} chars, validation ${evalIds.length} chars, vocab ${tok.vocabSize}, budget ${minutes} min per neural model`);

const ngramBpc: Record<string, number> = {};
for (const order of [2, 5]) {
  const t0 = performance.now();
  const lm = NgramModel.fit([trainIds], { order, vocabSize: tok.vocabSize, bosId: 0, eosId: 1 }, tok);
  const fitS = (performance.now() - t0) / 1000;
  ngramBpc[`${order}-gram KN`] = await bpc(lm);
  const r = row(`${order === 2 ? 'bigram' : '5-gram'} (modified Kneser-Ney)`, ngramBpc[`${order}-gram KN`], `counted in ${fitS.toFixed(1)} s`);
  await withSample(r, `${order}-gram`, lm);
  lm.dispose();
}

// Validation loss every `every` steps (4 fixed batches of 16x64 windows of the held-out text) for
// the curves in out/lm-ladder/validation.svg; its cost counts against the budget (about 1.5%).
const curves: Array<{ name: string; points: Array<readonly [number, number]> }> = [];
const curveData: Record<string, Array<[number, number]>> = {};
const every = Number(process.env.GEN_LADDER_VAL_EVERY ?? (smoke ? 5 : 100));

// The curve in a row note: the estimate every 500 steps (and the last one).
function curveNote(points: Array<[number, number]>): string {
  if (points.length === 0) return '';
  const shown = points.filter(([step], i) => step % 500 === 0 || i === points.length - 1);
  return `; validation estimate (bits/char on 4x16x64 held-out chars) by step: ${shown.map(([step, v]) => `${step} ${v.toFixed(3)}`).join(', ')} (every ${every} steps in out/lm-ladder/validation.svg)`;
}

async function trainFor(name: string, lm: Gpt | RnnLm, optimizer: ReturnType<typeof adam>, contextLength: number, batchSize: number) {
  // The budget is checked after every step (a timer would not fire while the loop keeps the thread busy).
  const controller = new AbortController();
  const t0 = performance.now();
  const result = await trainLm(lm, {
    optimizer,
    data: trainIds,
    batchSize,
    contextLength,
    dataSeed: 1,
    steps: 1_000_000,
    seed: 2,
    validation: { data: validIds, every, batches: smoke ? 1 : 4 },
    signal: controller.signal,
    onStep: () => {
      if (performance.now() - t0 > minutes * 60_000) controller.abort();
    },
    progress: false,
    log: { every: 100, write: (line) => console.log(`${name} ${line}`) },
  });
  const points = result.metrics.series('valLoss').map(([s, v]) => [s, v / Math.LN2] as [number, number]);
  curves.push({ name, points });
  curveData[name] = points;
  const curve = curveNote(points);
  return { steps: result.step, seconds: (performance.now() - t0) / 1000, curve: `${curve}; load average ${loadavg()[0].toFixed(1)} at the end on this shared 2-core machine` };
}

{
  const lstm = RnnLm.create(tok, { cell: 'lstm', embeddingDim: 32, hiddenSize: 128 }, 0);
  const optimizer = adam(lstm.params as never, { lr: 3e-3 });
  const { steps, seconds, curve } = await trainFor('lstm', lstm, optimizer, 64, 16);
  const r = row('LSTM (1 layer, 128 hidden, emb 32)', await bpc(lstm), `${steps} steps of 16x64 chars in ${seconds.toFixed(0)} s, Adam 3e-3${curve}`);
  await withSample(r, 'lstm', lstm);
  optimizer.dispose();
  lstm.dispose();
}
{
  const gpt = Gpt.create(tok, { contextLength: 64, numLayers: 2, numHeads: 4, dModel: 64, dropout: 0 }, 0);
  const optimizer = adamW(gpt.params as never, { lr: 1e-3, weightDecay: 0.01 });
  const { steps, seconds, curve } = await trainFor('gpt', gpt, optimizer, 64, 16);
  const r = row('GPT (2 layers, 4 heads, d64, context 64, learned positions, tied)', await bpc(gpt), `${steps} steps of 16x64 chars in ${seconds.toFixed(0)} s, AdamW 1e-3${curve}`);
  await withSample(r, 'transformer', gpt);
  optimizer.dispose();
  gpt.dispose();
}

const outDir = join(repoRoot, 'out', smoke ? 'lm-ladder-smoke' : 'lm-ladder');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'samples.json'), `${JSON.stringify(samples, null, 2)}\n`);
// Validation curves (bits/char on the fixed held-out windows) with the n-grams as flat references.
const lastStep = Math.max(1, ...curves.flatMap((c) => c.points.map(([s]) => s)));
for (const [name, value] of Object.entries(ngramBpc)) curves.push({ name, points: [[0, value], [lastStep, value]] });
writeFileSync(join(outDir, 'validation.svg'), lineChartSvg(curves, { title: `Moby Dick validation bits/char (${backend}, ${minutes} min per model)`, xLabel: 'step', yLabel: 'bits per character' }));
writeFileSync(join(outDir, 'validation.json'), `${JSON.stringify({ every, curves: curveData, ngramBpc }, null, 2)}\n`);
console.log(`wrote ${join(outDir, 'validation.svg')}`);
for (const [k, v] of Object.entries(samples)) console.log(`--- ${k}: ${JSON.stringify(v)}`);
if (!smoke) recordResults('lm-ladder', `Moby Dick character ladder: validation bits/char (last 10%), ${minutes} min budget per neural model, ${backend}`, 'node --import tsx packages/lm/bench/ladder.bench.ts', rows);
else console.log(rows);
