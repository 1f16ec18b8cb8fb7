// The main job: trains one small model of each family on data that npm packages ship — a Gaussian
// mixture on the Palmer penguins table, a VAE and a class-conditional diffusion model on MNIST
// digits, a GAN on the 8-Gaussians ring, character n-grams and a small GPT on first names — and
// writes out/report.html (one self-contained page: sample grids, scatter plots, training curves, a
// metrics table) with the PNG/SVG files and summary.json beside it.
//
// Run: pnpm demo [--families gmm,vae,...] [--budget smoke|small|full] [--backend auto|wasm|cpu] [--out DIR]
// (`pnpm demo --help` for details; GEN_SMOKE=1 means --budget smoke). Each family is one file under
// demo/, with its budgets at the top; demo/report.ts writes the page.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describeBackend, initBackend } from '@gen/core';
import { disposeMnistNet } from '@gen/eval';
import { USAGE, parseDemoArgs } from './demo/cli.js';
import { RUNNERS, TITLES } from './demo/families.js';
import { type ReportRun, writeReport } from './demo/report.js';
import type { SectionResult } from './demo/types.js';

let options;
try {
  options = parseDemoArgs(process.argv.slice(2), process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

const began = performance.now();
const backend = await initBackend(options.backend);
const backendDetails = await describeBackend();
console.log(`gen demo: budget ${options.budget}, backend ${JSON.stringify(backendDetails)}, families ${options.families.join(', ')}`);

const sections: SectionResult[] = [];
const timings: ReportRun['timings'] = [];
for (const [index, family] of options.families.entries()) {
  const started = performance.now();
  const tensorsBefore = tf.memory().numTensors;
  console.log(`\n[${index + 1}/${options.families.length}] ${TITLES[family]}`);
  const log = (message: string) => console.log(`  ${family}: ${message}`);
  try {
    const section = await RUNNERS[family].run({ budget: options.budget, backend, log });
    sections.push(section);
    const seconds = (performance.now() - started) / 1000;
    timings.push({ family, seconds });
    const shown = section.metrics.slice(0, 2).map((m) => `${m.name} ${Number(m.value.toPrecision(4))}${m.unit ? ` ${m.unit}` : ''}`);
    console.log(`  ${family}: done in ${seconds.toFixed(0)} s; ${shown.join('; ')}`);
  } catch (error) {
    const seconds = (performance.now() - started) / 1000;
    timings.push({ family, seconds, error: (error as Error).stack ?? String(error) });
    console.error(`  ${family}: FAILED after ${seconds.toFixed(0)} s: ${(error as Error).stack ?? String(error)}`);
  }
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked > 0 && family !== 'vae' && family !== 'diffusion') log(`note: ${leaked} tensors left after this section`);
}
disposeMnistNet(); // the fidMnist network stays cached across the MNIST sections

const command = `pnpm demo ${process.argv.slice(2).join(' ')}`.trim();
const path = await writeReport(options.out, sections, { budget: options.budget, backend, backendDetails, command, timings, totalSeconds: (performance.now() - began) / 1000, date: new Date() }, TITLES);
const failed = timings.filter((t) => t.error !== undefined);
console.log(`\nwrote ${path}, summary.json and ${sections.reduce((s, r) => s + r.figures.length, 0)} figures beside it (${((performance.now() - began) / 1000).toFixed(0)} s)`);
if (failed.length > 0) {
  console.error(`${failed.length} famil${failed.length === 1 ? 'y' : 'ies'} failed: ${failed.map((f) => f.family).join(', ')}`);
  process.exitCode = 1;
}
