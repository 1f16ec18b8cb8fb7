// Runs in headless Chromium (vitest.browser.config.ts): the real webgpu backend, on SwiftShader.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import { describe, expect, it } from 'vitest';
import { describeBackend, initBackend, randomNormal } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';

/** One SGD step of a 2-layer MLP on fixed data; returns the loss and the updated weights. */
async function gradientStep(): Promise<{ loss: number; w1: Float32Array; w2: Float32Array }> {
  const w1 = tf.variable(randomNormal(1, [4, 8], 0, 0.5));
  const w2 = tf.variable(randomNormal(2, [8, 1], 0, 0.5));
  const x = randomNormal(3, [16, 4]);
  const y = randomNormal(4, [16, 1]);
  const loss = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() =>
      tf.mean(tf.square(tf.sub(tf.matMul(tf.relu(tf.matMul(x, w1)), w2), y))),
    );
    w1.assign(tf.sub(w1, tf.mul(grads[w1.name], 0.1)));
    w2.assign(tf.sub(w2, tf.mul(grads[w2.name], 0.1)));
    return value;
  });
  const result = { loss: (await loss.data())[0], w1: (await w1.data()) as Float32Array, w2: (await w2.data()) as Float32Array };
  tf.dispose([w1, w2, x, y, loss]);
  return result;
}

describe('webgpu backend in headless Chromium', () => {
  it('initBackend("auto") picks webgpu', async () => {
    expect(await initBackend('auto')).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    const description = await describeBackend();
    expect(description.name).toBe('webgpu');
    expect(description.floatPrecision).toBe(32);
  });

  it('a gradient step on webgpu matches the cpu backend', async () => {
    await initBackend('cpu');
    const reference = await gradientStep();
    await initBackend('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    const result = await gradientStep();
    expect(Math.abs(result.loss - reference.loss)).toBeLessThan(1e-5 * Math.max(1, reference.loss));
    await expectTensorsClose(result.w1, reference.w1, { rtol: 1e-5, atol: 1e-6 });
    await expectTensorsClose(result.w2, reference.w2, { rtol: 1e-5, atol: 1e-6 });
  });

  it('a gradient step leaks no tensors on webgpu', async () => {
    await initBackend('webgpu');
    const w = tf.variable(randomNormal(5, [4, 3]));
    const x = randomNormal(6, [8, 4]);
    await expectNoLeak(() => {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.mean(tf.square(tf.matMul(x, w))));
        w.assign(tf.sub(w, tf.mul(grads[w.name], 0.1)));
      });
    }, 'webgpu gradient step');
    tf.dispose([w, x]);
  });
});
