// U-Net: shapes, class conditioning with the null label, gradients reach every parameter, errors, leaks, dispose.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, flattenParams, randomNormal } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { describe, expect, it } from 'vitest';
import { DDIMScheduler } from '../schedulers/ddim.js';
import { generate } from '../pipelines/sample.js';
import { diffusionLoss } from '../training/loss.js';
import { UNet, initUNet } from './unet.js';

const config = { inChannels: 1, imageSize: 8, baseChannels: 8, channelMults: [1, 2], numGroups: 4, numHeads: 2, numClasses: 3 } as const;

describe('UNet', () => {
  it('maps [batch, S, S, C] to itself; labels matter; no labels = null label; no leak', async () => {
    const net = UNet.create(0, config);
    const x = randomNormal(1, [2, 8, 8, 1]);
    const t = tf.tensor1d([10, 900]);
    const a = net.denoiser(x, t, tf.tensor1d([0, 1], 'int32') as tf.Tensor1D);
    const b = net.denoiser(x, t, tf.tensor1d([2, 2], 'int32') as tf.Tensor1D);
    const n = net.denoiser(x, t);
    const nn = net.denoiser(x, t, tf.fill([2], net.nullLabel, 'int32') as tf.Tensor1D);
    expect(a.shape).toEqual([2, 8, 8, 1]);
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeGreaterThan(1e-5);
    expect(tf.max(tf.abs(tf.sub(n, nn))).dataSync()[0]).toBe(0);
    await expectNoLeak(() => net.denoiser(x, t), 'unet');
    tf.dispose([a, b, n, nn]);
    net.dispose();
  });

  it('the diffusion loss has a gradient for every parameter', () => {
    const net = UNet.create(1, config);
    const x0 = randomNormal(2, [2, 8, 8, 1]);
    const labels = tf.tensor1d([0, 2], 'int32') as tf.Tensor1D;
    const vars = flattenParams(net.variables);
    const { grads, value } = tf.variableGrads(
      () => diffusionLoss({ model: net.denoiser, alphasCumprod: new DDIMScheduler().alphasCumprod, x0, key: 3, predictionType: 'v_prediction', classLabels: labels, labelDropout: 0.5, nullLabel: 3 }),
      Object.values(vars) as tf.Variable[],
    );
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const names = Object.keys(grads);
    expect(names.length).toBe(Object.keys(vars).length);
    const zero = names.filter((k) => tf.max(tf.abs(grads[k])).dataSync()[0] === 0);
    // Only class rows not drawn in this batch may have zero gradient (the embedding table as a whole must not).
    expect(zero.every((k) => k.includes('classes'))).toBe(true);
    tf.dispose([value, ...Object.values(grads), x0, labels]);
    net.dispose();
  });

  it('samples through a pipeline with guidance, without leaking', async () => {
    const net = UNet.create(2, config);
    const scheduler = new DDIMScheduler();
    await expectNoLeak(() => generate({ model: net.denoiser, scheduler, numInferenceSteps: 2, shape: [2, 8, 8, 1], seed: 0, classLabels: [0, 1], guidanceScale: 2, nullLabel: net.nullLabel }));
    net.dispose();
  });

  it('bad input, dispose', () => {
    expect(() => initUNet(0, { ...config, imageSize: 7 })).toThrow("Argument 'imageSize' passed to 'initUNet' must be divisible by 2, but got 7.");
    expect(() => initUNet(0, { ...config, numGroups: 3 })).toThrow(InvalidArgumentError);
    const net = UNet.create(0, config);
    expect(() => net.denoiser(tf.zeros([1, 8, 8, 3]), tf.zeros([1]) as tf.Tensor1D)).toThrow(ShapeError);
    expect(() => net.denoiser(tf.zeros([1, 8, 8, 3]), tf.zeros([1]) as tf.Tensor1D)).toThrow("Argument 'x' passed to 'unet' must have shape [batch, 8, 8, 1], but got [1, 8, 8, 3].");
    const before = tf.memory().numTensors;
    net.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(before - Object.keys(flattenParams(net.variables)).length);
    expect(() => net.denoiser(tf.zeros([1, 8, 8, 1]), tf.zeros([1]) as tf.Tensor1D)).toThrow("'UNet.denoiser' was called after dispose().");
  });
});
