// The 8-Gaussians ring (radius 2, std 0.02), the standard mode-collapse test: train a GAN per
// recipe and seed, then count covered modes and high-quality samples (within 3 std of a mode).
// Coverage is @gen/eval's mixtureModeCoverage with its defaults (high quality: within 3 std of the
// nearest mode; a mode is hit with >= 1 high-quality sample); per-mode counts go in the notes.
// Run: node --import tsx packages/gan/bench/ring.bench.ts
//   GEN_RING_STEPS (default 7000), GEN_RING_SEEDS (default 0,1,2), GEN_RING_RECIPES (default all),
//   GEN_RING_PART=1 prints one JSON line per run and records nothing (for running runs in parallel);
//   GEN_RING_MERGE=a.jsonl,b.jsonl records the merged parts.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { eightGaussians, eightGaussiansCenters, foldIn, initBackend } from '@gen/core';
import { type BenchRow, median, recordResults } from '../../../scripts/bench/kit.js';
import { Gan, type GanConfig } from '../src/index.js';
// Benches may import other workspace packages by source path until @gen/eval is a devDependency here.
import { mixtureModeCoverage } from '@gen/eval';

const STD = 0.02;
const BATCH = 256;
const SAMPLES = 2500;
const steps = Number(process.env.GEN_RING_STEPS ?? 7000);
const seeds = (process.env.GEN_RING_SEEDS ?? '0,1,2').split(',').map(Number);

/** The recipes compared. 'default' is the package's default config. */
export const RECIPES: Record<string, Partial<GanConfig>> = {
  default: {},
  // The default is the non-saturating loss with lazy R1 (gamma 0.1 every 4 D updates); this is the
  // same recipe with R1 off.
  'nonSaturating, no R1': { loss: 'nonSaturating', r1Gamma: 0 },
};
const recipeNames = process.env.GEN_RING_RECIPES ? process.env.GEN_RING_RECIPES.split('|') : Object.keys(RECIPES);

interface RunResult {
  recipe: string;
  seed: number;
  modes: number;
  highQuality: number;
  msPerStep: number;
  counts: number[];
  warnings: string[];
}

async function run(recipe: string, seed: number): Promise<RunResult> {
  const override = JSON.parse(process.env.GEN_RING_OVERRIDE ?? '{}') as Partial<GanConfig>; // for tuning runs only
  const centers = tf.tensor2d(eightGaussiansCenters(2), [8, 2]);
  const gan = new Gan({ latentDim: 8, dataShape: [2], hidden: [128, 128, 128], ...RECIPES[recipe], ...override }, { seed });
  const data = (k: number) => tf.tensor2d(eightGaussians({ n: BATCH, seed: foldIn(1000 + seed, k), std: STD }).x, [BATCH, 2]);
  const evalEvery = Number(process.env.GEN_RING_EVAL_EVERY ?? 0);
  const onStep = async (m: { step: number }) => {
    if (evalEvery > 0 && (m.step + 1) % evalEvery === 0) {
      const line: string[] = [];
      for (const ema of gan.ema ? [true, false] : [false]) {
        const s = gan.sample(SAMPLES, { seed: 12345, ema });
        const c = await mixtureModeCoverage(s, centers, { std: STD });
        s.dispose();
        line.push(`${ema ? 'ema' : 'raw'} ${c.modesHit}/8 ${(100 * c.highQuality).toFixed(1)}% [${c.counts.join(' ')}]`);
      }
      console.error(`${recipe} seed ${seed} step ${m.step + 1}: ${line.join(' | ')}`);
    }
  };
  const result = await gan.fit({ data, steps, progress: false, onWarning: () => {}, onStep });
  const samples = gan.sample(SAMPLES, { seed: 12345 });
  const coverage = await mixtureModeCoverage(samples, centers, { std: STD });
  samples.dispose();
  gan.dispose();
  centers.dispose();
  const times = result.history.map((h) => h.stepMs);
  return {
    recipe,
    seed,
    modes: coverage.modesHit,
    highQuality: coverage.highQuality,
    counts: coverage.counts,
    msPerStep: median(times),
    warnings: [...new Set(result.warnings.map((w) => w.kind))],
  };
}

const results: RunResult[] = [];
if (process.env.GEN_RING_MERGE) {
  for (const file of process.env.GEN_RING_MERGE.split(',')) {
    for (const line of readFileSync(file, 'utf8').split('\n')) if (line.startsWith('{')) results.push(JSON.parse(line) as RunResult);
  }
} else {
  const backend = await initBackend();
  console.error(`backend ${backend}, ${steps} steps, seeds ${seeds}`);
  for (const recipe of recipeNames) {
    for (const seed of seeds) {
      const r = await run(recipe, seed);
      results.push(r);
      console.log(JSON.stringify({ ...r, steps }));
    }
  }
}

if (!process.env.GEN_RING_PART) {
  const rows: BenchRow[] = [];
  for (const recipe of [...new Set(results.map((r) => r.recipe))]) {
    const runs = results.filter((r) => r.recipe === recipe);
    const detail = runs.map((r) => `seed ${r.seed}: ${r.modes}/8, ${(100 * r.highQuality).toFixed(1)}% [${r.counts.join(' ')}]${r.warnings.length ? ` (warned: ${r.warnings.join(', ')})` : ''}`).join('; ');
    rows.push({ name: `${recipe}: modes covered (median of ${runs.length} seeds)`, ours: median(runs.map((r) => r.modes)), peer: null, peerName: 'target 8', unit: 'modes', lowerIsBetter: false, note: detail });
    rows.push({ name: `${recipe}: high-quality samples (median)`, ours: 100 * median(runs.map((r) => r.highQuality)), peer: null, peerName: 'target >= 80', unit: '%', lowerIsBetter: false });
    rows.push({ name: `${recipe}: time per step (median of medians)`, ours: median(runs.map((r) => r.msPerStep)), peer: null, peerName: 'n/a', unit: 'ms', lowerIsBetter: true });
  }
  recordResults(
    'gan-ring',
    `8-Gaussians ring (radius 2, std 0.02): MLP GAN 8-128-128-128-2, batch ${BATCH}, ${steps} steps, ${SAMPLES} EMA samples; default = non-saturating + lazy R1 (0.1 every 4) + EMA 0.999, Adam 1e-3 (0.5, 0.9)`,
    'node --import tsx packages/gan/bench/ring.bench.ts',
    rows,
  );
}
