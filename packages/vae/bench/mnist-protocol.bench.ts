// The MNIST protocol of @gen/vae against PyTorch on the same machine: the `mnist` package's digits,
// fixed split (per class the last 100 test, the rest train: the package has 863..1127 digits per
// class, so "the first 900" cannot hold for every class), binarised at 0.5; MLP VAE
// 784-400-20-400-784, Bernoulli decoder, Adam 1e-3, batch 128, 50 epochs, seed 0. Reports the test
// NLL (IWAE, K = 1000), the time per epoch of each side, FID (shipped MNIST net) of 10k samples
// against the test split, and the conv preset's step time.
// Run: pnpm --filter @gen/core build && node --import tsx packages/vae/bench/mnist-protocol.bench.ts
// (GEN_BENCH_EPOCHS / GEN_BENCH_K shorten it for a trial; the recorded figures use the defaults.)
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describeBackend, initBackend } from '@gen/core';
import { loadMnist, mnistSplit } from '../../datasets/src/index.js';
import { Vae } from '../src/index.js';
import { type BenchRow, median, recordResults, repoRoot, runPython } from '../../../scripts/bench/kit.js';

const epochs = Number(process.env.GEN_BENCH_EPOCHS ?? 50);
const K = Number(process.env.GEN_BENCH_K ?? 1000);
const full = epochs === 50 && K === 1000;
const backend = await initBackend();
const description = await describeBackend();
console.log(`backend: ${JSON.stringify(description)}; epochs ${epochs}, K ${K}`);

const { train, test } = mnistSplit(await loadMnist());
const binarise = (images: Float32Array) => images.map((v) => (v > 0.5 ? 1 : 0));
const xTrain = tf.tensor2d(binarise(train.images), [train.n, 784]);
const xTest = tf.tensor2d(binarise(test.images), [test.n, 784]);

// 1. MLP VAE, 50 epochs.
const vae = new Vae({ inputShape: [784], latentDim: 20, hidden: [400], decoder: 'bernoulli' }, { seed: 0 });
const started = performance.now();
const result = await vae.fit(xTrain, { epochs, batchSize: 128, lr: 1e-3, seed: 0, progress: false, log: { every: 700 } });
const secondsPerEpoch = (performance.now() - started) / 1000 / epochs;
const evalStarted = performance.now();
const logPx = await vae.logLikelihood(xTest, { samples: K, seed: 1 });
const nll = -(await tf.mean(logPx).data())[0];
const evalSeconds = (performance.now() - evalStarted) / 1000;
const elboT = vae.elbo(xTest, { seed: 2 });
const elbo = (await tf.mean(elboT).data())[0];
tf.dispose([logPx, elboT]);
console.log({ steps: result.step, secondsPerEpoch, nll, elbo, evalSeconds });

// 2. FID of 10k samples (decoder means) against the test split, with @gen/eval's shipped MNIST net.
let fid: number | null = null;
let fidNote = '';
try {
  const evalModule = (await import('../../eval/src/mnist/mnist.js')) as {
    fidMnist: (a: tf.Tensor, b: tf.Tensor) => Promise<{ value: number }>;
  };
  const chunks: tf.Tensor[] = [];
  for (let i = 0; i < 10; i++) chunks.push(vae.sample(1000, { seed: 100 + i }));
  const samples = tf.concat(chunks);
  tf.dispose(chunks);
  fid = (await evalModule.fidMnist(samples, xTest)).value;
  samples.dispose();
} catch (error) {
  fidNote = `fidMnist unavailable: ${(error as Error).message}`;
}
console.log({ fid, fidNote });
vae.dispose();

// 3. Conv preset step time (28x28x1, channels 32/64, latent 20, batch 128).
const xImages = tf.reshape(tf.slice(xTrain, 0, 1024), [1024, 28, 28, 1]);
const conv = new Vae({ inputShape: [28, 28, 1], latentDim: 20, architecture: 'conv' }, { seed: 0 });
const convResult = await conv.fit(xImages, { steps: 15, batchSize: 128, progress: false });
const convStepMs = median(convResult.metrics.rows.slice(3).map((r) => r.stepMs));
const convFell = convResult.metrics.rows[14].loss < convResult.metrics.rows[0].loss;
conv.dispose();
tf.dispose([xImages, xTrain, xTest]);
console.log({ convStepMs, convFell });

// 4. The PyTorch peer on the same split.
const require = createRequire(join(repoRoot, 'packages/datasets/package.json'));
const digitsDir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
const peer = runPython<{ nll: number; elbo: number; secondsPerEpoch: number; convStepMs: number; torch: string; threads: number; evalSeconds: number }>(
  new URL('./mnist_protocol_peer.py', import.meta.url).pathname,
  [digitsDir, String(epochs), String(K)],
  3_600_000,
);
console.log(peer);
const peerName = peer.ok ? `PyTorch ${peer.value.torch} CPU (${peer.value.threads} thread)` : 'PyTorch CPU';
const missing = peer.ok ? '' : peer.reason;
const where = `${backend}${description && (description as { native?: boolean }).native ? ' + @gen/native' : ''}`;
const rows: BenchRow[] = [
  { name: `test NLL, IWAE K=${K} (1000 digits, ${epochs} epochs)`, ours: nll, peer: peer.ok ? peer.value.nll : null, peerName, unit: 'nats', lowerIsBetter: true, note: missing || `difference ${(peer.ok ? nll - peer.value.nll : NaN).toFixed(2)} nats` },
  { name: 'test ELBO (1 sample)', ours: -elbo, peer: peer.ok ? -peer.value.elbo : null, peerName, unit: 'nats (negative ELBO)', lowerIsBetter: true, note: missing },
  { name: `time per epoch (${train.n} digits, batch 128, ${where})`, ours: secondsPerEpoch, peer: peer.ok ? peer.value.secondsPerEpoch : null, peerName, unit: 's', lowerIsBetter: true, note: missing },
  { name: `IWAE K=${K} evaluation of 1000 digits`, ours: evalSeconds, peer: peer.ok ? peer.value.evalSeconds : null, peerName, unit: 's', lowerIsBetter: true, note: missing },
  { name: 'FID (shipped MNIST net) of 10k samples vs test split', ours: fid ?? NaN, peer: null, peerName: 'none', unit: '', lowerIsBetter: true, note: fidNote || 'decoder means (pixel probabilities) as images' },
  { name: `conv preset training step (28x28x1, 32/64 ch, batch 128, ${where})`, ours: convStepMs, peer: peer.ok ? peer.value.convStepMs : null, peerName, unit: 'ms', lowerIsBetter: true, note: `${missing}${convFell ? '' : ' loss did not fall in 15 steps'}` },
];
if (full) {
  recordResults('vae-mnist', 'VAE MNIST protocol (784-400-20-400-784, Bernoulli, Adam 1e-3, batch 128, 50 epochs, seed 0)', 'pnpm --filter @gen/core build && node --import tsx packages/vae/bench/mnist-protocol.bench.ts', rows);
} else {
  console.log('trial run (not recorded):', rows);
}
