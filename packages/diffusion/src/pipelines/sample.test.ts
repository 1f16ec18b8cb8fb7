// Pipelines: guidance, image-to-image, inpainting, the async iterable (progress, abort), errors, leaks.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, randomNormal } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { describe, expect, it } from 'vitest';
import { gaussianDenoiser } from '../gaussian-denoiser.test-util.js';
import { DDIMScheduler } from '../schedulers/ddim.js';
import { DDPMScheduler } from '../schedulers/ddpm.js';
import { HeunDiscreteScheduler } from '../schedulers/heun-discrete.js';
import { SCHEDULER_NAMES, createScheduler } from '../schedulers/registry.js';
import { guidedOutput } from './denoiser.js';
import { generate, sampleSteps } from './sample.js';

const mean = (t: tf.Tensor) => tf.tidy(() => tf.mean(t).dataSync()[0]);

describe('classifier-free guidance', () => {
  it('guidedOutput is uncond + w (cond - uncond), one doubled batch', () => {
    const scheduler = new DDIMScheduler({ predictionType: 'sample' });
    let calls = 0;
    const base = gaussianDenoiser(scheduler.alphasCumprod, 'sample');
    const model = (x: tf.Tensor, t: tf.Tensor1D, l?: tf.Tensor1D) => {
      calls += 1;
      return base(x, t, l);
    };
    const x = randomNormal(0, [3, 2]);
    const labels = tf.tensor1d([1, 2, 3], 'int32');
    const guided = guidedOutput(model, x, 400, { classLabels: labels, guidanceScale: 2.5, nullLabel: 0 });
    expect(calls).toBe(1);
    const t = tf.fill([3], 400) as tf.Tensor1D;
    const cond = base(x, t, labels);
    const uncond = base(x, t, tf.zeros([3], 'int32') as tf.Tensor1D);
    const expected = tf.add(uncond, tf.mul(tf.sub(cond, uncond), 2.5));
    expect(tf.max(tf.abs(tf.sub(guided, expected))).dataSync()[0]).toBeLessThan(1e-5);
  });

  it('pulls class-conditional samples beyond the conditional mean', async () => {
    const scheduler = new DDIMScheduler({ predictionType: 'sample', timestepSpacing: 'trailing' });
    const model = gaussianDenoiser(scheduler.alphasCumprod, 'sample');
    const labels = [2, 2, 2, 2, 2, 2, 2, 2];
    const plain = await generate({ model, scheduler, numInferenceSteps: 20, shape: [8, 2], seed: 1, classLabels: labels });
    const guided = await generate({ model, scheduler, numInferenceSteps: 20, shape: [8, 2], seed: 1, classLabels: labels, guidanceScale: 3, nullLabel: 0 });
    expect(Math.abs(mean(plain) - 2.5)).toBeLessThan(0.6); // data N(0.5 + label, 0.7^2)
    expect(mean(guided)).toBeGreaterThan(mean(plain) + 1);
    tf.dispose([plain, guided]);
  });
});

describe('image-to-image (SDEdit)', () => {
  for (const name of SCHEDULER_NAMES) {
    it(`${name}: runs floor(n strength) steps from the noised image; lower strength stays nearer it`, async () => {
      const scheduler = createScheduler(name, { timestepSpacing: 'trailing' });
      const model = gaussianDenoiser(scheduler.alphasCumprod, 'epsilon');
      const image = tf.fill([64, 2], 0.9);
      let count = 0;
      let out: tf.Tensor | null = null;
      for await (const s of sampleSteps({ model, scheduler, numInferenceSteps: 10, image, strength: 0.3, seed: 2 })) {
        count += 1;
        if (s.done) {
          out = s.sample;
          s.predOriginalSample.dispose();
        }
      }
      expect(count).toBe(3 * scheduler.order - (scheduler.order - 1));
      const low = await generate({ model, scheduler, numInferenceSteps: 10, image, strength: 0.1, seed: 2 });
      const full = await generate({ model, scheduler, numInferenceSteps: 10, image, strength: 1, seed: 2 });
      const distance = (x: tf.Tensor) => tf.tidy(() => tf.mean(tf.abs(tf.sub(x, image))).dataSync()[0]);
      expect(distance(low)).toBeLessThan(distance(out as tf.Tensor));
      expect(distance(out as tf.Tensor)).toBeLessThan(distance(full));
      tf.dispose([image, out as tf.Tensor, low, full]);
      scheduler.dispose();
    });
  }
});

describe('inpainting', () => {
  it('keeps the unmasked region exactly and generates the masked one', async () => {
    const scheduler = new DDPMScheduler({ timestepSpacing: 'trailing' });
    const model = gaussianDenoiser(scheduler.alphasCumprod, 'epsilon');
    const image = tf.fill([32, 2], -3);
    const mask = tf.concat([tf.zeros([32, 1]), tf.ones([32, 1])], 1); // generate column 1 only
    const out = await generate({ model, scheduler, numInferenceSteps: 20, image, mask, seed: 5 });
    const values = out.arraySync() as number[][];
    expect(values.every((row) => row[0] === -3)).toBe(true);
    const generated = values.reduce((s, row) => s + row[1], 0) / 32;
    expect(Math.abs(generated - 0.5)).toBeLessThan(0.5); // from the model's N(0.5, 0.7^2), not -3
    tf.dispose([image, mask, out]);
  });

  it('mask shape mismatch is a ShapeError naming the argument', async () => {
    const scheduler = new DDIMScheduler();
    const model = gaussianDenoiser(scheduler.alphasCumprod, 'epsilon');
    const image = tf.zeros([4, 2]);
    const mask = tf.zeros([4, 3]);
    await expect(generate({ model, scheduler, numInferenceSteps: 5, image, mask, seed: 0 })).rejects.toThrow(ShapeError);
    await expect(generate({ model, scheduler, numInferenceSteps: 5, image, mask, seed: 0 })).rejects.toThrow(
      "Argument 'mask' passed to 'sampleSteps' must have the shape of image [4, 2], but got [4, 3].",
    );
    tf.dispose([image, mask]);
  });
});

describe('the async iterable', () => {
  it('reports progress and stops on abort without leaking', async () => {
    const scheduler = new HeunDiscreteScheduler();
    const model = gaussianDenoiser(scheduler.alphasCumprod, 'epsilon');
    const progress: number[] = [];
    await generate({ model, scheduler, numInferenceSteps: 4, shape: [2, 2], seed: 0, onProgress: (p) => progress.push(p.step) }).then((x) => x.dispose());
    expect(progress).toEqual([0, 1, 2, 3, 4, 5, 6]);
    await expectNoLeak(async () => {
      const controller = new AbortController();
      const seen: number[] = [];
      const run = async () => {
        for await (const s of sampleSteps({ model, scheduler, numInferenceSteps: 10, shape: [2, 2], seed: 0, signal: controller.signal })) {
          seen.push(s.step);
          if (s.step === 2) controller.abort();
        }
      };
      await expect(run()).rejects.toThrow(/abort/i);
      expect(seen).toEqual([0, 1, 2]);
      // breaking out early frees everything too
      for await (const s of sampleSteps({ model, scheduler, numInferenceSteps: 10, shape: [2, 2], seed: 0 })) {
        if (s.step === 1) break;
      }
      scheduler.dispose();
    });
  });

  it('bad input: guidance without labels, bad strength, bad shape', async () => {
    const scheduler = new DDIMScheduler();
    const model = gaussianDenoiser(scheduler.alphasCumprod, 'epsilon');
    await expect(generate({ model, scheduler, numInferenceSteps: 5, shape: [2, 2], seed: 0, guidanceScale: 3 })).rejects.toThrow(
      "Argument 'guidanceScale' passed to 'sampleSteps' is 3; guidance needs 'classLabels' and 'nullLabel', but got no classLabels.",
    );
    const image = tf.zeros([2, 2]);
    await expect(generate({ model, scheduler, numInferenceSteps: 5, image, strength: 1.5, seed: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(generate({ model, scheduler, numInferenceSteps: 5, shape: [2, -1], seed: 0 })).rejects.toThrow(
      "Argument 'shape' passed to 'sampleSteps' must be an array of positive integers [batch, ...], but got [2, -1].",
    );
    await expect(generate({ model, scheduler, numInferenceSteps: 5, shape: [2, 2], seed: 0, classLabels: [1] })).rejects.toThrow(
      "Argument 'classLabels' passed to 'sampleSteps' must have shape [2], but got [1].",
    );
    image.dispose();
  });
});

describe('leaks: 100 loops of every pipeline mode', () => {
  for (const name of ['DDIMScheduler', 'HeunDiscreteScheduler', 'DPMSolverMultistepScheduler'] as const) {
    it(`${name}: guided, image-to-image and inpainting`, async () => {
      const scheduler = createScheduler(name);
      const model = gaussianDenoiser(scheduler.alphasCumprod, 'epsilon');
      const image = tf.zeros([2, 2]);
      const mask = tf.tensor2d([[1, 0], [0, 1]]);
      await expectNoLeak(async () => {
        for (let i = 0; i < 100; i++) {
          const mode = i % 3;
          const x =
            mode === 0
              ? await generate({ model, scheduler, numInferenceSteps: 3, shape: [2, 2], seed: i, classLabels: [1, 2], guidanceScale: 2, nullLabel: 0 })
              : mode === 1
                ? await generate({ model, scheduler, numInferenceSteps: 3, image, strength: 0.7, seed: i })
                : await generate({ model, scheduler, numInferenceSteps: 3, image, mask, seed: i });
          x.dispose();
        }
      }, name);
      tf.dispose([image, mask]);
      scheduler.dispose();
    });
  }
});
