// The 8-Gaussians ring, the standard mode-collapse test: train an MLP GAN with @gen/gan's default
// recipe and write a scatter picture of real (grey) and generated (blue) points at several points
// of training, plus the loss curves, to out/gan-ring.
// Run: pnpm example gan-ring      (GEN_SMOKE=1 for a seconds-long run; GEN_BACKEND picks the backend)
import { mkdir, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { type RgbaImage, describeBackend, eightGaussians, eightGaussiansCenters, foldIn, initBackend, lineChartSvg, writePng } from '@gen/core';
import { Gan } from '@gen/gan';

const smoke = process.env.GEN_SMOKE === '1';
const steps = smoke ? 40 : Number(process.env.GEN_RING_STEPS ?? 7000);
const snapshots = 6; // panels in the picture
const [batchSize, std] = [256, 0.02];
const outDir = 'out/gan-ring';

await initBackend();
console.log(`backend: ${JSON.stringify(await describeBackend())}`);

// Data: a fresh batch from the ring for every discriminator update k (seeded, so runs repeat).
const data = (k: number) => tf.tensor2d(eightGaussians({ n: batchSize, seed: foldIn(1, k), std }).x, [batchSize, 2]);

// Model: the default recipe (non-saturating loss, lazy R1, TTUR learning rates, EMA generator).
const gan = new Gan({ latentDim: 8, dataShape: [2], hidden: [128, 128, 128] }, { seed: 0 });

// One scatter panel: 180 x 180 pixels over [-3, 3]^2; real points grey, samples blue.
const panel = 180;
function drawPanel(picture: RgbaImage, index: number, real: Float32Array, fake: Float32Array): void {
  const x0 = index * (panel + 4);
  const plot = (points: Float32Array, rgb: [number, number, number]) => {
    for (let i = 0; i < points.length; i += 2) {
      const px = Math.round(((points[i] + 3) / 6) * (panel - 1));
      const py = Math.round(((3 - points[i + 1]) / 6) * (panel - 1));
      if (px < 0 || py < 0 || px >= panel || py >= panel) continue;
      const at = 4 * (py * picture.width + x0 + px);
      picture.pixels.set([...rgb, 255], at);
    }
  };
  plot(real, [160, 160, 160]);
  plot(fake, [31, 119, 180]);
}
const width = snapshots * (panel + 4) - 4; // panels side by side, 4 white pixels apart
const picture: RgbaImage = { width, height: panel, pixels: new Uint8ClampedArray(width * panel * 4).fill(255) };
const real = eightGaussians({ n: 1000, seed: 99, std }).x;
const every = Math.max(1, Math.floor(steps / (snapshots - 1)));
let drawn = 0;
const snapshot = async () => {
  const samples = gan.sample(1000, { seed: 7 }); // EMA generator, same latents each time
  drawPanel(picture, drawn++, real, (await samples.data()) as Float32Array);
  samples.dispose();
};

await snapshot(); // before training
const result = await gan.fit({
  data,
  steps,
  log: { every: Math.max(1, Math.floor(steps / 10)) },
  onStep: async (m) => {
    if ((m.step + 1) % every === 0 && drawn < snapshots) await snapshot();
  },
});
while (drawn < snapshots) await snapshot();

// How many modes have high-quality samples (within 3 std of their centre)?
const final = gan.sample(2500, { seed: 8 });
const points = (await final.data()) as Float32Array;
final.dispose();
const centers = eightGaussiansCenters(2);
const perMode = new Array<number>(8).fill(0);
let good = 0;
for (let i = 0; i < points.length; i += 2) {
  for (let j = 0; j < 8; j++) {
    if (Math.hypot(points[i] - centers[2 * j], points[i + 1] - centers[2 * j + 1]) <= 3 * std) {
      perMode[j] += 1;
      good += 1;
    }
  }
}

await mkdir(outDir, { recursive: true });
await writePng(`${outDir}/ring.png`, picture);
const rows = result.history;
await writeFile(
  `${outDir}/losses.svg`,
  lineChartSvg(
    [
      { name: 'D loss', points: rows.map((r) => [r.step, r.dLoss] as const) },
      { name: 'G loss', points: rows.map((r) => [r.step, r.gLoss] as const) },
    ],
    { title: 'GAN on the 8-Gaussians ring', xLabel: 'step', yLabel: 'loss' },
  ),
);
const summary = {
  steps: result.step,
  modesWithSamples: perMode.filter((c) => c >= 31).length,
  highQualityFraction: good / 2500,
  perMode,
  warnings: result.warnings.map((w) => `${w.step}: ${w.kind}`),
  msPerStep: rows.reduce((s, r) => s + r.stepMs, 0) / rows.length,
};
await writeFile(`${outDir}/summary.json`, `${JSON.stringify(summary, null, 2)}\n`);
console.log(summary);
console.log(`wrote ${outDir}/ring.png, losses.svg, summary.json`);
gan.dispose();
