// Fresh app, Node CJS: require @gen/core, pick a backend, take a gradient step.
const tf = require('@tensorflow/tfjs-core');
const { initBackend, randomNormal } = require('@gen/core');
for (const name of ['@gen/gmm', '@gen/vae', '@gen/gan', '@gen/diffusion', '@gen/lm', '@gen/eval', '@gen/core/testing']) {
  require(name);
}

(async () => {
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
  const coreCopies = Object.keys(require.cache).filter((k) => /tfjs-core[\\/]dist[\\/]tf-core/.test(k));
  console.log(JSON.stringify({
    kind: 'cjs',
    backend,
    loss: lossValue,
    leaked: tf.memory().numTensors - before,
    oneEngine: tf.engine() === globalThis._tfengine && coreCopies.length === 1,
  }));
})();
