// Fresh app, Vite browser build: import @gen/core and webgpu, take a gradient step.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import { describeBackend, initBackend, randomNormal } from '@gen/core';
import * as diffusion from '@gen/diffusion';

async function run() {
  const backend = await initBackend();
  const w = tf.variable(randomNormal(0, [3, 2]));
  const x = randomNormal(1, [5, 3]);
  const before = tf.memory().numTensors;
  const loss = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.matMul(x, w))));
    w.assign(tf.sub(w, tf.mul(grads[w.name], 0.1)));
    return value;
  });
  const lossValue = (await loss.data())[0];
  loss.dispose();
  return {
    kind: 'vite',
    backend,
    description: await describeBackend(),
    loss: lossValue,
    leaked: tf.memory().numTensors - before,
    oneEngine: tf.engine() === (globalThis as { _tfengine?: unknown })._tfengine,
    packages: Object.keys(diffusion).length > 0 ? 1 : 0,
  };
}

run().then(
  (result) => {
    document.getElementById('out')!.textContent = JSON.stringify(result);
  },
  (error: Error) => {
    document.getElementById('out')!.textContent = JSON.stringify({ error: String(error?.stack ?? error) });
  },
);
