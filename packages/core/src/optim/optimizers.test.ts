import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  DisposedError,
  InvalidArgumentError,
  ShapeError,
  adam,
  adamUpdate,
  adamW,
  createOptimizer,
  rmsprop,
  rmspropUpdate,
  sgd,
  sgdUpdate,
  type OptimizerName,
  type Optimizer,
} from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';

interface Fixture {
  shapes: Record<string, number[]>;
  init: Record<string, number[]>;
  grads: Record<string, number[]>[];
  optimizers: { optimizer: OptimizerName; torch: string; config: Record<string, number | boolean>; params: Record<string, number[]>[] }[];
}
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/optim/optim.json', import.meta.url), 'utf8'),
) as Fixture;

/**
 * Relative closeness at the scale of the tensor: max |a - e| <= rtol * max |e|. Elementwise relative
 * error is meaningless where `p - lr * u` cancels to near zero: PyTorch's CPU kernels fuse that
 * multiply-add (one rounding, FMA) and tfjs cannot, so the two differ by an ulp of the operands
 * (~1e-7 * |p|), which is a large *elementwise* relative error on a result near 0.
 */
function expectRelativeClose(actual: ArrayLike<number>, expected: number[], rtol: number, label: string): void {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]));
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= worst)) { worst = d; at = i; }
  }
  if (!(worst <= rtol * scale)) {
    throw new Error(`${label}: element ${at} is ${actual[at]}, expected ${expected[at]}; max |diff| ${worst} > ${rtol} * max|expected| ${scale}.`);
  }
}

// Fixture names are 'dense.weight' etc.; as a tree that is {dense: {weight}}.
function makeParams(): { dense: { weight: tf.Variable; bias: tf.Variable }; conv: { kernel: tf.Variable } } {
  const v = (name: string) => tf.variable(tf.tensor(fixture.init[name], fixture.shapes[name]), true);
  return { dense: { weight: v('dense.weight'), bias: v('dense.bias') }, conv: { kernel: v('conv.kernel') } };
}
function makeGrads(step: number) {
  const t = (name: string) => tf.tensor(fixture.grads[step][name], fixture.shapes[name]);
  return { dense: { weight: t('dense.weight'), bias: t('dense.bias') }, conv: { kernel: t('conv.kernel') } };
}
function leaves(params: ReturnType<typeof makeParams>): Record<string, tf.Variable> {
  return { 'dense.weight': params.dense.weight, 'dense.bias': params.dense.bias, 'conv.kernel': params.conv.kernel };
}

describe('optimizers match PyTorch golden fixtures', () => {
  for (const c of fixture.optimizers) {
    it(`${c.torch}: every step's params to 1e-6 relative`, async () => {
      const params = makeParams();
      const opt = createOptimizer(c.optimizer, params, c.config);
      for (let step = 0; step < c.params.length; step++) {
        const grads = makeGrads(step);
        opt.step(grads);
        tf.dispose(grads);
        for (const [name, v] of Object.entries(leaves(params))) {
          expectRelativeClose(v.dataSync(), c.params[step][name], 1e-6, `${c.torch} step ${step + 1} ${name}`);
        }
      }
      expect(opt.stepCount).toBe(c.params.length);
      opt.dispose();
      tf.dispose(Object.values(leaves(params)));
    });
  }

  it('the fixture steps move the params (the comparison is not vacuous)', () => {
    for (const c of fixture.optimizers) {
      const moved = Math.abs(c.params[c.params.length - 1]['dense.weight'][0] - fixture.init['dense.weight'][0]);
      expect(moved).toBeGreaterThan(1e-4);
    }
  });
});

describe('pure update rules', () => {
  it('adamUpdate/sgdUpdate/rmspropUpdate leak nothing and agree with the first fixture step', async () => {
    const param = tf.tensor(fixture.init['dense.bias']);
    const grad = tf.tensor(fixture.grads[0]['dense.bias']);
    const zeros = tf.zerosLike(param);
    const expected = (name: string) => fixture.optimizers.find((c) => c.torch === name)!.params[0]['dense.bias'];
    await expectNoLeak(async () => {
      const a = tf.tidy(() => adamUpdate({ param, grad, slots: { expAvg: zeros, expAvgSq: zeros }, lr: 0.01, step: 0 },
        { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false }).param);
      await expectTensorsClose(a, expected('Adam(lr=0.01)'), { rtol: 1e-6, atol: 0 });
      const s = tf.tidy(() => sgdUpdate({ param, grad, slots: {}, lr: 0.1, step: 0 },
        { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false }).param);
      await expectTensorsClose(s, expected('SGD(lr=0.1)'), { rtol: 1e-6, atol: 0 });
      const r = tf.tidy(() => rmspropUpdate({ param, grad, slots: { squareAvg: zeros }, lr: 0.01, step: 0 },
        { alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false }).param);
      await expectTensorsClose(r, expected('RMSprop(lr=0.01)'), { rtol: 1e-6, atol: 0 });
      tf.dispose([a, s, r]);
    }, 'update rules');
    tf.dispose([param, grad, zeros]);
  });
});

describe('Optimizer class', () => {
  const factories: Array<[string, (p: ReturnType<typeof makeParams>) => Optimizer]> = [
    ['adam', (p) => adam(p)],
    ['adamW', (p) => adamW(p)],
    ['sgd', (p) => sgd(p, { lr: 0.1, momentum: 0.9 })],
    ['rmsprop', (p) => rmsprop(p, { centered: true, momentum: 0.5 })],
  ];
  for (const [name, make] of factories) {
    it(`${name}: step() leaks no tensors; dispose() frees the slots; use after dispose throws`, async () => {
      const params = makeParams();
      const before = tf.memory().numTensors;
      const opt = make(params);
      const grads = makeGrads(0);
      const afterCreate = tf.memory().numTensors;
      await expectNoLeak(() => {
        for (let i = 0; i < 3; i++) opt.step(grads);
      }, `${name}.step`);
      tf.dispose(grads);
      expect(afterCreate).toBeGreaterThan(before); // slots exist (plus the grads)
      opt.dispose();
      opt.dispose(); // idempotent
      expect(tf.memory().numTensors).toBe(before);
      expect(() => opt.step({})).toThrow(DisposedError);
      expect(() => opt.state()).toThrow(DisposedError);
      tf.dispose(Object.values(leaves(params)));
    });
  }

  it('state()/loadState() round trip continues exactly where it left off', async () => {
    const a = makeParams();
    const optA = adamW(a, { lr: 0.05, weightDecay: 0.1 });
    for (let s = 0; s < 2; s++) { const g = makeGrads(s); optA.step(g); tf.dispose(g); }
    const state = optA.state();
    expect(state.step).toBe(2);
    expect(Object.keys(state.slots).sort()).toEqual(
      ['expAvg.conv.kernel', 'expAvg.dense.bias', 'expAvg.dense.weight', 'expAvgSq.conv.kernel', 'expAvgSq.dense.bias', 'expAvgSq.dense.weight'],
    );
    // A second optimizer over copies of the current params, restored from the state.
    const b = makeParams();
    for (const [k, v] of Object.entries(leaves(b))) v.assign(leaves(a)[k]);
    const optB = adamW(b, { lr: 0.05, weightDecay: 0.1 });
    optB.loadState(state);
    tf.dispose(Object.values(state.slots)); // loadState copied them
    expect(optB.stepCount).toBe(2);
    for (let s = 2; s < 5; s++) {
      const g = makeGrads(s);
      optA.step(g);
      optB.step(g);
      tf.dispose(g);
    }
    for (const [k, v] of Object.entries(leaves(b))) {
      await expectTensorsClose(v, leaves(a)[k], { rtol: 0, atol: 0 });
    }
    optA.dispose();
    optB.dispose();
    tf.dispose([...Object.values(leaves(a)), ...Object.values(leaves(b))]);
  });

  it('loadState rejects mismatched slots with CheckpointError naming the slot', () => {
    const p = makeParams();
    const opt = adam(p);
    const state = opt.state();
    const other = sgd(p, { momentum: 0.9 });
    expect(() => other.loadState(state)).toThrow(CheckpointError);
    expect(() => other.loadState(state)).toThrow("is for optimizer 'adam', not 'sgd'");

    const missing = { ...state, slots: { ...state.slots } };
    delete missing.slots['expAvgSq.dense.bias'];
    expect(() => opt.loadState(missing)).toThrow("is missing slot 'expAvgSq.dense.bias'");

    const wrongShape = tf.zeros([5]);
    const bad = { ...state, slots: { ...state.slots, 'expAvg.dense.bias': wrongShape } };
    expect(() => opt.loadState(bad)).toThrow(CheckpointError);
    expect(() => opt.loadState(bad)).toThrow("slot 'expAvg.dense.bias' with shape [5]");

    const extra = tf.zeros([4]);
    const extraState = { ...state, slots: { ...state.slots, 'expAvg.dense.gamma': extra } };
    expect(() => opt.loadState(extraState)).toThrow("unexpected slot 'expAvg.dense.gamma'");
    expect(() => opt.loadState({ ...state, step: -1 })).toThrow(CheckpointError);
    expect(opt.stepCount).toBe(0);

    tf.dispose([wrongShape, extra, ...Object.values(state.slots)]);
    opt.dispose();
    other.dispose();
    tf.dispose(Object.values(leaves(p)));
  });

  it('learning-rate schedules are evaluated at the 0-based update index', () => {
    const p = makeParams();
    const seen: number[] = [];
    const opt = sgd(p, { lr: (s) => { seen.push(s); return 0.1 / (s + 1); } });
    expect(opt.config.lr).toBe('schedule');
    const g = makeGrads(0);
    for (let i = 0; i < 3; i++) opt.step(g);
    expect(opt.learningRate).toBeCloseTo(0.025, 12);
    expect(seen.slice(0, 3)).toEqual([0, 1, 2]);
    const bad = sgd(p, { lr: () => -1 });
    expect(() => bad.step(g)).toThrow(InvalidArgumentError);
    expect(() => bad.step(g)).toThrow("must return a finite number >= 0, but returned -1 at step 0");
    tf.dispose(g);
    opt.dispose();
    bad.dispose();
    tf.dispose(Object.values(leaves(p)));
  });

  it('step() checks gradient names and shapes; missing grads leave params alone', async () => {
    const p = makeParams();
    const opt = sgd(p, { lr: 0.1 });
    const g = tf.zeros([2]);
    expect(() => opt.step({ dense: { weight: g } })).toThrow(ShapeError);
    expect(() => opt.step({ dense: { weight: g } })).toThrow(
      "Argument 'grads.dense.weight' passed to 'sgd.step' must have shape [3, 4], but got [2].",
    );
    expect(() => opt.step({ dense: { gamma: g } })).toThrow(InvalidArgumentError);
    const before = p.conv.kernel.arraySync();
    const db = tf.onesLike(p.dense.bias);
    opt.step({ dense: { bias: db } });
    await expectTensorsClose(p.conv.kernel, before as number[][][], { rtol: 0, atol: 0 });
    await expectTensorsClose(p.dense.bias, fixture.init['dense.bias'].map((x) => Math.fround(x - 0.1)), { rtol: 1e-6, atol: 0 });
    tf.dispose([g, db]);
    opt.dispose();
    tf.dispose(Object.values(leaves(p)));
  });

  it('bad configs throw InvalidArgumentError in the standard form', () => {
    const p = makeParams();
    expect(() => adam(p, { lr: -1 })).toThrow(
      "Argument 'lr' passed to 'adam' must be a finite number >= 0, but got -1.",
    );
    expect(() => adam(p, { betas: [0.9, 0.99] } as never)).toThrow(
      "Argument 'config' passed to 'adam' must only have keys 'lr', 'beta1', 'beta2', 'eps', 'weightDecay', but got unknown key 'betas'.",
    );
    expect(() => sgd(p, { weight_decay: 0.1 } as never)).toThrow(InvalidArgumentError);
    expect(() => adamW(p, { beta2: 1 })).toThrow("Argument 'beta2' passed to 'adamW' must be a finite number >= 0 and < 1, but got 1.");
    expect(() => sgd(p, { nesterov: true })).toThrow(InvalidArgumentError);
    expect(() => rmsprop(p, { alpha: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => createOptimizer('lamb' as never, p)).toThrow(
      "Argument 'name' passed to 'createOptimizer' must be one of 'adam', 'adamW', 'sgd', 'rmsprop', but got 'lamb'.",
    );
    expect(() => adam({} as never)).toThrow(InvalidArgumentError);
    const plain = tf.zeros([2]);
    expect(() => adam({ w: plain } as never)).toThrow("Argument 'params.w' passed to 'adam' must be a tf.Variable");
    plain.dispose();
    tf.dispose(Object.values(leaves(p)));
  });
});
