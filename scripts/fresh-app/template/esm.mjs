// Fresh app, Node ESM: import @gen/core, pick a backend, take a gradient step.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, randomNormal } from '@gen/core';
import * as packages from './all-packages.mjs';

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
const after = tf.memory().numTensors;
console.log(JSON.stringify({
  kind: 'esm',
  backend,
  loss: lossValue,
  leaked: after - before,
  oneEngine: tf.engine() === globalThis._tfengine,
  packages: Object.keys(packages).length,
}));
