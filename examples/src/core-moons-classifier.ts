// @gen/core quick start (the one in packages/core/README.md): an MLP learns the two-moons set
// through the training loop, with seeded data, initialisation and batches.
// Run: pnpm example core-moons-classifier   (GEN_SMOKE=1 for a short run)
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { adam, crossEntropy, disposeParams, initBackend, initMlp, mlp, moons, pointsTensor, toVariables, train } from '@gen/core';

await initBackend();
const params = toVariables(initMlp(0, { widths: [2, 32, 32, 2] }));
const data = moons({ n: 1024, seed: 1 });
const x = pointsTensor(data);
const y = tf.tensor1d(data.labels!, 'int32');
const optimizer = adam(params, { lr: 1e-2 });
const result = await train({
  optimizer,
  data: () => ({ x, y }),
  lossFn: ({ x, y }) => crossEntropy(mlp(params, x), y) as tf.Scalar,
  steps: process.env.GEN_SMOKE === '1' ? 50 : 500,
  seed: 2,
  disposeBatches: false, // the same x and y every step
});

// Accuracy on the training points.
const accuracy = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(mlp(params, x), 1), y), 'float32')));
const rows = result.metrics.rows;
console.log(`loss ${rows[0].loss.toFixed(3)} -> ${rows[rows.length - 1].loss.toFixed(3)}, accuracy ${(await accuracy.data())[0].toFixed(3)}`);
tf.dispose([x, y, accuracy]);
optimizer.dispose();
disposeParams(params);
