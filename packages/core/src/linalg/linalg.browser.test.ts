// Runs in headless Chromium (vitest.browser.config.ts): the tensor linear algebra on the real
// webgpu backend (SwiftShader), compared with the cpu backend in the same page (the cpu results
// are checked against NumPy/SciPy fixtures by the Node suites).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import { describe, expect, it } from 'vitest';
import { cholesky, choleskySolve, initBackend, inverse, logDet, triangularSolve } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';

const N = 12;

/** A well-conditioned SPD batch [2, N, N]: M M^T / N + I, M from a fixed formula. */
function spd(): Float32Array {
  const out = new Float32Array(2 * N * N);
  for (let b = 0; b < 2; b++) {
    const m = Array.from({ length: N * N }, (_, k) => Math.sin(17 * k + 3 * b + 1));
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < N; k++) s += m[i * N + k] * m[j * N + k];
        out[b * N * N + i * N + j] = s / N + (i === j ? 1 : 0);
      }
    }
  }
  return out;
}

/** Every linalg op and gradient on the current backend, downloaded. */
async function run(): Promise<Record<string, Float32Array>> {
  const a = tf.tensor(spd(), [2, N, N]);
  const b = tf.tensor(Float32Array.from({ length: 2 * N * 3 }, (_, k) => Math.cos(k)), [2, N, 3]);
  const out = tf.tidy(() => {
    const l = cholesky(a);
    const results: Record<string, tf.Tensor> = {
      l,
      solveLower: triangularSolve(l, b),
      solveUpperAdjoint: triangularSolve(tf.transpose(l, [0, 2, 1]), b, { lower: false, adjoint: true }),
      choleskySolve: choleskySolve(l, b),
      logDet: logDet(a),
      inverse: inverse(a),
      inverseSpd: inverse(a, { assume: 'spd' }),
      gradCholesky: tf.grad((x: tf.Tensor) => tf.sum(tf.mul(cholesky(x), tf.linspace(-1, 1, N))))(a),
      gradLogDet: tf.grad((x: tf.Tensor) => tf.sum(logDet(x)))(a),
    };
    const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(triangularSolve(x, y))))([l, b]);
    results.gradSolveA = ga;
    results.gradSolveB = gb;
    return results;
  });
  const values: Record<string, Float32Array> = {};
  for (const [key, t] of Object.entries(out)) values[key] = (await t.data()) as Float32Array;
  tf.dispose([a, b, out]);
  return values;
}

describe('linear algebra on webgpu', () => {
  it('matches the cpu backend (forward and gradients)', async () => {
    await initBackend('cpu');
    const reference = await run();
    await initBackend('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    const result = await run();
    for (const key of Object.keys(reference)) {
      const ref = reference[key];
      const got = result[key];
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < ref.length; i++) {
        diff += (got[i] - ref[i]) ** 2;
        scale += ref[i] ** 2;
      }
      expect(Math.sqrt(diff / Math.max(scale, 1e-30)), key).toBeLessThan(1e-4);
    }
  });

  it('leaks nothing on webgpu', async () => {
    await initBackend('webgpu');
    const a = tf.tensor(spd(), [2, N, N]);
    await expectNoLeak(() => cholesky(a), 'cholesky');
    await expectNoLeak(() => tf.grad((x: tf.Tensor) => logDet(x))(a), 'logDet gradient');
    await expectNoLeak(() => tf.grad((x: tf.Tensor) => tf.sum(inverse(x)))(a), 'inverse gradient');
    a.dispose();
  });
});
