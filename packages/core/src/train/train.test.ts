import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  MetricsLog,
  NonFiniteError,
  Rng,
  adam,
  captureTrainState,
  cosineDecay,
  disposeTrainState,
  flattenParams,
  foldIn,
  prngKey,
  randomNormal,
  restoreTrainState,
  sgd,
  train,
  uniformFloat64,
  unflattenParams,
  type Optimizer,
  type PRNGKey,
  type TrainState,
} from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint/checkpoint.js';
import { moons } from '../data/synthetic-2d.js';

// The data engineer's seeded two-moons set (not yet exported from index.ts, hence the path).
const MOONS = moons({ n: 1024, seed: 7, noise: 0.1 });
const DATA = { x: MOONS.x, y: MOONS.labels as Int32Array };

type Batch = { x: tf.Tensor2D; y: tf.Tensor2D };
// Batch `step` of size 64: rows drawn from a key folded with the step, so any step's batch can be
// rebuilt (what makes a resumed run see the same data).
function batchAt(step: number, size = 64): Batch {
  const idx = uniformFloat64(foldIn(prngKey(99), step), size).map((v) => Math.floor(v * 1024));
  const xs = new Float32Array(2 * size);
  const ys = new Float32Array(2 * size);
  idx.forEach((j, i) => {
    xs[2 * i] = DATA.x[2 * j];
    xs[2 * i + 1] = DATA.x[2 * j + 1];
    ys[2 * i + DATA.y[j]] = 1;
  });
  return { x: tf.tensor2d(xs, [size, 2]), y: tf.tensor2d(ys, [size, 2]) };
}

// A 2-32-32-2 MLP with tanh, as plain variables (Glorot-like init from a seed).
function makeMlp(seed: number) {
  const widths = [2, 32, 32, 2];
  const layers: Record<string, { weight: tf.Variable; bias: tf.Variable }> = {};
  for (let i = 0; i < 3; i++) {
    const std = Math.sqrt(2 / (widths[i] + widths[i + 1]));
    layers[String(i)] = {
      weight: tf.tidy(() => tf.variable(randomNormal(foldIn(prngKey(seed), i), [widths[i], widths[i + 1]], 0, std))),
      bias: tf.tidy(() => tf.variable(tf.zeros([widths[i + 1]]))),
    };
  }
  return { layers };
}
type Mlp = ReturnType<typeof makeMlp>;
function forward(p: Mlp, x: tf.Tensor): tf.Tensor {
  let h = x;
  for (let i = 0; i < 3; i++) {
    h = tf.add(tf.matMul(h, p.layers[String(i)].weight), p.layers[String(i)].bias);
    if (i < 2) h = tf.tanh(h);
  }
  return h;
}
function crossEntropy(logits: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits)), -1))) as tf.Scalar;
}
function disposeMlp(p: Mlp): void {
  tf.dispose(Object.values(flattenParams(p)));
}

describe('train on two moons', () => {
  it('an MLP reaches a clearly lower loss, with zero leaked tensors over 1000 steps', async () => {
    const params = makeMlp(1);
    const optimizer = adam(params, { lr: cosineDecay({ peakLr: 2e-2, totalSteps: 1000, warmupSteps: 20, finalLr: 1e-3 }) });
    const before = tf.memory().numTensors;
    const result = await train({
      optimizer,
      seed: 0,
      steps: 1000,
      clipNorm: 5,
      data: (step) => batchAt(step),
      lossFn: ({ x, y }: Batch) => {
        const ce = crossEntropy(forward(params, x), y);
        const l2 = tf.mul(1e-4, tf.addN(Object.values(params.layers).map((l) => tf.sum(tf.square(l.weight))))) as tf.Scalar;
        return { loss: tf.add(ce, l2) as tf.Scalar, parts: { ce, l2 } };
      },
    });
    const rows = result.metrics.rows;
    expect(result.stopReason).toBe('completed');
    expect(rows.length).toBe(1000);
    expect(rows[999].step).toBe(999);
    // No leak: the tensor count after step 1000 is the one after step 10 (and the one before).
    expect(rows[999].numTensors).toBe(rows[9].numTensors);
    expect(rows[9].numTensors).toBe(before);
    const initial = result.metrics.rows.slice(0, 10).reduce((s, r) => s + r.parts.ce, 0) / 10;
    const final = result.metrics.mean('ce', 50);
    expect(initial).toBeGreaterThan(0.5); // ~ln 2 at init
    expect(final).toBeLessThan(0.5 * initial);
    // Components add up to the loss; lr follows the schedule; the grad norm is a real number.
    expect(rows[500].loss).toBeCloseTo(rows[500].parts.ce + rows[500].parts.l2, 5);
    expect(rows[0].lr).toBeCloseTo(2e-2 / 20, 12);
    expect(rows[20].lr).toBeCloseTo(2e-2, 12);
    expect(rows.every((r) => r.gradNorm > 0 && Number.isFinite(r.gradNorm) && r.stepMs > 0)).toBe(true);
    // Accuracy on the whole set as a sanity check of what "lower loss" means here.
    const acc = tf.tidy(() => {
      const logits = forward(params, tf.tensor2d(DATA.x, [1024, 2]));
      return tf.mean(tf.cast(tf.equal(tf.argMax(logits, -1), tf.tensor1d(DATA.y, 'int32')), 'float32')).dataSync()[0];
    });
    expect(acc).toBeGreaterThan(0.9);
    optimizer.dispose();
    disposeMlp(params);
  });
});

// A loss that uses the step's key (input noise), so the RNG state matters for an exact resume.
function noisyLoss(params: Mlp) {
  return ({ x, y }: Batch, _step: number, key: PRNGKey) => {
    const noisy = tf.add(x, randomNormal(key, x.shape, 0, 0.05));
    return crossEntropy(forward(params, noisy), y);
  };
}

async function runSteps(params: Mlp, optimizer: Optimizer, seed: number | Rng, steps: number, onSave?: (s: TrainState) => Promise<void>) {
  return train({
    optimizer,
    seed,
    steps,
    data: (step) => batchAt(step),
    lossFn: noisyLoss(params),
    checkpoint: onSave ? { every: steps, save: onSave } : undefined,
  });
}

describe('exact resume', () => {
  it('N steps, checkpoint through safetensors, restore into a new model, N more = 2N uninterrupted', async () => {
    const N = 15;
    // Uninterrupted reference.
    const refParams = makeMlp(3);
    const refOpt = adam(refParams, { lr: 1e-2 });
    await runSteps(refParams, refOpt, 42, 2 * N);

    // First half, saving a checkpoint at step N through the checkpoint module's byte format.
    const a = makeMlp(3);
    const optA = adam(a, { lr: 1e-2 });
    let bytes: Uint8Array | undefined;
    await runSteps(a, optA, 42, N, async (state) => {
      expect(state.step).toBe(N);
      bytes = await saveCheckpoint({
        params: unflattenParams(state.params),
        optimizerState: unflattenParams(state.optimizer.slots),
        step: state.step,
        rngState: state.rng,
        config: { optimizer: { ...state.optimizer.config } },
      });
    });
    optA.dispose();
    disposeMlp(a);

    // A fresh model (different init) and optimizer, restored from the bytes.
    const b = makeMlp(1234);
    const optB = adam(b, { lr: 1e-2 });
    const loaded = loadCheckpoint(bytes as Uint8Array, { expect: b });
    const state: TrainState = {
      step: loaded.step,
      params: flattenParams(loaded.params),
      optimizer: {
        config: (loaded.config as { optimizer: TrainState['optimizer']['config'] }).optimizer,
        step: loaded.step,
        slots: flattenParams(loaded.optimizerState!),
      },
      rng: loaded.rngState!,
    };
    const rng = restoreTrainState(state, optB);
    disposeTrainState(state);
    expect(optB.stepCount).toBe(N);
    const resumed = await runSteps(b, optB, rng, 2 * N);
    expect(resumed.stepsDone).toBe(N);
    expect(resumed.metrics.rows[0].step).toBe(N);

    const want = flattenParams(refParams);
    const got = flattenParams(b);
    for (const path of Object.keys(want)) {
      const w = want[path].dataSync();
      const g = got[path].dataSync();
      let worst = 0;
      for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(g[i] - w[i]) / Math.max(Math.abs(w[i]), 1e-30));
      expect(worst, path).toBeLessThanOrEqual(1e-6);
    }
    // And the resumed run actually moved away from the checkpoint.
    const refState = refOpt.state();
    const bState = optB.state();
    expect(bState.step).toBe(2 * N);
    for (const name of Object.keys(refState.slots)) {
      expect(Array.from(bState.slots[name].dataSync())).toEqual(Array.from(refState.slots[name].dataSync()));
    }
    tf.dispose([...Object.values(refState.slots), ...Object.values(bState.slots)]);
    refOpt.dispose();
    optB.dispose();
    disposeMlp(refParams);
    disposeMlp(b);
  });

  it('a different seed after restore gives a different run (the RNG state is what makes it exact)', async () => {
    const p1 = makeMlp(3);
    const p2 = makeMlp(3);
    const o1 = adam(p1, { lr: 1e-2 });
    const o2 = adam(p2, { lr: 1e-2 });
    await runSteps(p1, o1, 1, 5);
    await runSteps(p2, o2, 2, 5);
    const w1 = p1.layers['0'].weight.dataSync();
    const w2 = p2.layers['0'].weight.dataSync();
    expect(Array.from(w1)).not.toEqual(Array.from(w2));
    o1.dispose();
    o2.dispose();
    disposeMlp(p1);
    disposeMlp(p2);
  });

  it('restoreTrainState rejects a state for another model and changes nothing', async () => {
    const p = makeMlp(3);
    const opt = adam(p);
    await expectNoLeak(() => {
      const s = captureTrainState(opt, new Rng(1));
      restoreTrainState(s, opt);
      disposeTrainState(s);
    }, 'capture/restore/dispose');
    const state = captureTrainState(opt, new Rng(0));
    const other = { w: tf.variable(tf.zeros([2, 2])) };
    const otherOpt = adam(other);
    expect(() => restoreTrainState(state, otherOpt)).toThrow("is missing parameter 'w'");
    const bad = { ...state, params: { ...state.params, 'layers.0.weight': state.params['layers.1.weight'] } };
    expect(() => restoreTrainState(bad, opt)).toThrow("has parameter 'layers.0.weight' with shape [32, 32], but the model needs [2, 32]");
    disposeTrainState(state);
    opt.dispose();
    otherOpt.dispose();
    other.w.dispose();
    disposeMlp(p);
  });
});

describe('train: guards, abort, checkpoints, data sources', () => {
  const tiny = () => ({ w: tf.tidy(() => tf.variable(tf.tensor([1, -1]))) });
  const tinyLoss = (p: { w: tf.Variable }) => (batch: tf.Tensor) => tf.sum(tf.square(tf.sub(p.w, batch))) as tf.Scalar;

  it('the NaN/Inf guard throws NonFiniteError naming the step and the component, leaking nothing', async () => {
    const p = tiny();
    const opt = sgd(p, { lr: 0.1 });
    const before = tf.memory().numTensors;
    const run = train({
      optimizer: opt,
      seed: 0,
      steps: 10,
      data: () => tf.tensor([0, 0]),
      lossFn: (batch: tf.Tensor, step) => {
        const fit = tf.sum(tf.square(tf.sub(p.w, batch))) as tf.Scalar;
        const kl = tf.mul(tf.sum(p.w), step === 3 ? Number.NaN : 0.5) as tf.Scalar;
        return { loss: tf.add(fit, kl) as tf.Scalar, parts: { fit, kl } };
      },
    });
    await expect(run).rejects.toThrow(NonFiniteError);
    await expect(run).rejects.toThrow("Loss component 'kl' became NaN at step 3 in 'train'.");
    expect(opt.stepCount).toBe(4);
    expect(tf.memory().numTensors).toBe(before);
    // The NaN step was applied (the guard reads the step's values after the update): params are NaN.
    expect(Number.isNaN(p.w.dataSync()[0])).toBe(true);
    opt.dispose();
    p.w.dispose();
    const q = { w: tf.tidy(() => tf.variable(tf.tensor([1, 2]))) };
    const optQ = sgd(q, { lr: 0.1 });
    const inf = train({ optimizer: optQ, seed: 0, steps: 10, data: () => tf.tensor([0, 0]), lossFn: () => tf.div(tf.sum(q.w), 0) as tf.Scalar });
    await expect(inf).rejects.toThrow(NonFiniteError);
    await expect(inf).rejects.toThrow("The loss became Infinity at step 0 in 'train'.");
    optQ.dispose();
    q.w.dispose();
    expect(tf.memory().numTensors).toBe(before - 1);
  });

  it('AbortSignal stops between steps and returns what was done', async () => {
    const p = tiny();
    const opt = sgd(p, { lr: 0.1 });
    const controller = new AbortController();
    const result = await train({
      optimizer: opt,
      seed: 0,
      steps: 100,
      data: () => tf.tensor([0, 0]),
      lossFn: tinyLoss(p),
      onStep: (m) => {
        if (m.step === 4) controller.abort();
      },
      signal: controller.signal,
    });
    expect(result.stopReason).toBe('aborted');
    expect(result.stepsDone).toBe(5);
    expect(opt.stepCount).toBe(5);
    expect(result.metrics.length).toBe(5);
    // w <- w - 0.1 * 2 w per step: w = 0.8^5 * w0
    expect(p.w.dataSync()[0]).toBeCloseTo(0.8 ** 5, 6);
    const again = await train({ optimizer: opt, seed: 0, steps: 100, data: () => tf.tensor([0, 0]), lossFn: tinyLoss(p), signal: controller.signal });
    expect(again.stepsDone).toBe(0);
    opt.dispose();
    p.w.dispose();
  });

  it('checkpoints every k steps with params, optimizer state, step and Rng state; tensors freed after', async () => {
    const p = tiny();
    const opt = adam(p, { lr: 0.1 });
    const saved: Array<{ step: number; w: number[]; slots: string[]; rng: [number, number] }> = [];
    const rng = new Rng(5);
    const before = tf.memory().numTensors;
    await train({
      optimizer: opt,
      seed: rng,
      steps: 10,
      data: () => tf.tensor([0, 0]),
      lossFn: tinyLoss(p),
      checkpoint: {
        every: 3,
        save: async (s) => {
          saved.push({ step: s.step, w: Array.from(await s.params.w.data()), slots: Object.keys(s.optimizer.slots).sort(), rng: s.rng.key });
        },
      },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(saved.map((s) => s.step)).toEqual([3, 6, 9]);
    expect(saved[0].slots).toEqual(['expAvg.w', 'expAvgSq.w']);
    expect(saved[0].w[0]).toBeLessThan(1);
    expect(saved[1].w[0]).toBeLessThan(saved[0].w[0]);
    // Rng state at a checkpoint is the state after that step's key was drawn.
    const replay = new Rng(5);
    for (let i = 0; i < 3; i++) replay.next();
    expect(saved[0].rng).toEqual(replay.state().key);
    expect(rng.state()).not.toEqual(replay.state()); // the passed Rng was advanced in place
    opt.dispose();
    p.w.dispose();
  });

  it('reads iterables and async iterables, disposes batches, stops when data runs out', async () => {
    const p = tiny();
    const opt = sgd(p, { lr: 0.1 });
    const made: tf.Tensor[] = [];
    async function* gen() {
      for (let i = 0; i < 3; i++) {
        const t = tf.tensor([i, i]);
        made.push(t);
        yield t;
      }
    }
    const r1 = await train({ optimizer: opt, seed: 0, steps: 10, data: gen(), lossFn: tinyLoss(p) });
    expect(r1.stopReason).toBe('dataExhausted');
    expect(r1.stepsDone).toBe(3);
    expect(made.every((t) => t.isDisposed)).toBe(true);
    const fixed = tf.tensor([0, 0]);
    const r2 = await train({ optimizer: opt, seed: 0, steps: 5, data: [fixed, fixed], lossFn: tinyLoss(p), disposeBatches: false });
    expect(r2.stepsDone).toBe(2);
    expect(fixed.isDisposed).toBe(false);
    fixed.dispose();
    opt.dispose();
    p.w.dispose();
  });

  it('bad arguments throw InvalidArgumentError in the standard form', async () => {
    const p = tiny();
    const opt = sgd(p, { lr: 0.1 });
    const base = { optimizer: opt, seed: 0, steps: 1, data: () => tf.tensor([0, 0]), lossFn: tinyLoss(p) };
    await expect(train({ ...base, stpes: 3 } as never)).rejects.toThrow(
      /^Argument 'options' passed to 'train' must only have keys .*, but got unknown key 'stpes'\.$/,
    );
    await expect(train({ ...base, steps: -1 })).rejects.toThrow("Argument 'steps' passed to 'train' must be an integer >= 0, but got -1.");
    await expect(train({ ...base, clipNorm: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(train({ ...base, data: 5 as never })).rejects.toThrow("Argument 'data' passed to 'train' must be an iterable");
    await expect(train({ ...base, optimizer: {} as never })).rejects.toThrow("Argument 'optimizer' passed to 'train' must be an Optimizer");
    await expect(train({ ...base, checkpoint: { every: 0, save: () => {} } })).rejects.toThrow(InvalidArgumentError);
    await expect(train({ ...base, lossFn: () => tf.zeros([2]) as never })).rejects.toThrow(
      "The loss returned by 'lossFn' must have shape [], but got [2].",
    );
    expect(() => adam(p, { lr: -0.5 })).toThrow("Argument 'lr' passed to 'adam' must be a finite number >= 0, but got -0.5.");
    expect(opt.stepCount).toBe(0);
    opt.dispose();
    p.w.dispose();
  });
});

describe('MetricsLog', () => {
  it('exports JSON and CSV with one column per loss component', () => {
    const log = new MetricsLog();
    log.push({ step: 0, loss: 1.5, parts: { recon: 1, kl: 0.5 }, gradNorm: 2, lr: 1e-3, stepMs: 3.25, numTensors: 10 });
    log.push({ step: 1, loss: 1.25, parts: { recon: 0.75, kl: 0.5 }, gradNorm: 1, lr: 1e-3, stepMs: 3, numTensors: 10 });
    expect(log.toCSV()).toBe(
      'step,loss,kl,recon,gradNorm,lr,stepMs,numTensors\n0,1.5,0.5,1,2,0.001,3.25,10\n1,1.25,0.5,0.75,1,0.001,3,10\n',
    );
    const json = JSON.parse(JSON.stringify(log));
    expect(json).toHaveLength(2);
    expect(json[1].parts.recon).toBe(0.75);
    expect(log.mean('loss')).toBeCloseTo(1.375, 12);
    expect(log.mean('recon', 1)).toBe(0.75);
    expect(() => log.mean('nope')).toThrow(InvalidArgumentError);
  });
});

describe('train with EMA and log lines', () => {
  it('updates the EMA once per step, saves it in checkpoints, and writes summary lines', async () => {
    const { ExponentialMovingAverage } = await import('@gen/core');
    const w = tf.tidy(() => tf.variable(tf.tensor([1, -1])));
    const opt = sgd({ w }, { lr: 0.1 });
    const ema = new ExponentialMovingAverage({ w }, { decay: 0.5 });
    const lines: string[] = [];
    let emaSlots: string[] = [];
    await train({
      optimizer: opt,
      seed: 0,
      steps: 4,
      ema,
      data: () => tf.tensor([0, 0]),
      lossFn: (b: tf.Tensor) => tf.sum(tf.square(tf.sub(w, b))) as tf.Scalar,
      log: { every: 2, write: (line) => lines.push(line) },
      checkpoint: { every: 4, save: (s) => { emaSlots = Object.keys(s.ema?.shadow ?? {}); } },
    });
    expect(ema.stepCount).toBe(4);
    expect(emaSlots).toEqual(['w']);
    // w_k = 0.8^k; shadow = 0.5 shadow + 0.5 w_k from shadow_0 = 1
    let shadow = 1;
    for (let k = 1; k <= 4; k++) shadow = 0.5 * shadow + 0.5 * 0.8 ** k;
    const avg = ema.averages() as { w: tf.Tensor };
    expect(avg.w.dataSync()[0]).toBeCloseTo(shadow, 6);
    tf.dispose(avg as never);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^step 2\/4 loss [0-9.]+ gradNorm [0-9.]+ lr 0\.100 [0-9.]+ ms tensors \d+$/);
    ema.dispose();
    opt.dispose();
    w.dispose();
  });
});

describe('periodic evaluation', () => {
  it('runs every k updates (counted in total), fills metrics rows, log lines and CSV, and leaves training unchanged', async () => {
    const plain = makeMlp(5);
    const plainOpt = adam(plain, { lr: 1e-2 });
    await runSteps(plain, plainOpt, 4, 12);

    const params = makeMlp(5);
    const optimizer = adam(params, { lr: 1e-2 });
    const heldOut = batchAt(10_000, 256);
    const seen: number[] = [];
    const lines: string[] = [];
    const evaluate = {
      every: 5,
      fn: async (step: number) => {
        seen.push(step);
        const t = tf.tidy(() => crossEntropy(forward(params, heldOut.x), heldOut.y));
        const valLoss = (await t.data())[0];
        t.dispose();
        return { valLoss };
      },
    };
    const first = await train({ optimizer, seed: 4, steps: 7, data: (s) => batchAt(s), lossFn: noisyLoss(params), evaluate, log: { every: 5, write: (l) => lines.push(l) } });
    // A second call continues the count: the next evaluation is after update 10, not 5 + 7.
    const second = await train({ optimizer, seed: first.rng, steps: 12, data: (s) => batchAt(s), lossFn: noisyLoss(params), evaluate, metrics: first.metrics });
    expect(second.step).toBe(12);
    expect(seen).toEqual([5, 10]);
    const log = second.metrics;
    expect(log.rows.filter((r) => r.evaluation).map((r) => r.step)).toEqual([4, 9]);
    const v5 = log.rows[4].evaluation!.valLoss;
    const v10 = log.rows[9].evaluation!.valLoss;
    expect(v5).toBeGreaterThan(0);
    expect(v10).toBeLessThan(v5); // it trains, and evaluation sees the current params
    expect(log.series('valLoss')).toEqual([[5, v5], [10, v10]]);
    expect(log.mean('valLoss')).toBeCloseTo((v5 + v10) / 2, 12);
    expect(log.mean('valLoss', 3)).toBe(v10);
    expect(log.mean('valLoss', 1)).toBeNaN(); // the last row has none
    expect(log.series('loss')).toHaveLength(12);
    expect(log.series('nope')).toEqual([]); // none yet (or never): no points
    expect(lines[0]).toMatch(/^step 5\/7 loss [0-9.]+ valLoss [0-9.]+ gradNorm /);
    const csv = log.toCSV().split('\n');
    expect(csv[0]).toBe('step,loss,gradNorm,lr,stepMs,numTensors,valLoss');
    expect(csv[5].endsWith(`,${v5}`)).toBe(true);
    expect(csv[6].endsWith(',')).toBe(true);
    expect(JSON.parse(JSON.stringify(log))[4].evaluation.valLoss).toBe(v5);
    // Evaluation does not change the run: same params as 12 steps without it.
    const a = flattenParams(plain);
    const b = flattenParams(params);
    for (const path of Object.keys(a)) expect(Array.from(b[path].dataSync())).toEqual(Array.from(a[path].dataSync()));
    tf.dispose([heldOut.x, heldOut.y]);
    optimizer.dispose();
    plainOpt.dispose();
    disposeMlp(params);
    disposeMlp(plain);
  });

  it('rejects bad evaluate options and results', async () => {
    const w = tf.tidy(() => tf.variable(tf.tensor([1, -1])));
    const opt = sgd({ w }, { lr: 0.1 });
    const base = { optimizer: opt, seed: 0, steps: 2, data: () => tf.tensor([0, 0]), lossFn: (b: tf.Tensor) => tf.sum(tf.square(tf.sub(w, b))) as tf.Scalar };
    await expect(train({ ...base, evaluate: { every: 0, fn: () => ({}) } })).rejects.toThrow(/Argument 'evaluate.every' passed to 'train'/);
    await expect(train({ ...base, evaluate: { every: 1, fn: 3 as never } })).rejects.toThrow(/Argument 'evaluate.fn' passed to 'train' must be a function, but got 3/);
    await expect(train({ ...base, evaluate: { every: 1, fn: () => ({ valLoss: '1' }) as never } })).rejects.toThrow(
      /must return an object of named numbers, but 'valLoss' is '1'/,
    );
    opt.dispose();
    w.dispose();
  });
});
