import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CheckpointError, DisposedError, ExponentialMovingAverage, InvalidArgumentError } from '@gen/core';
import { expectNoLeak, expectTensorsClose } from '@gen/core/testing';

describe('ExponentialMovingAverage', () => {
  it('tracks d * shadow + (1 - d) * param with the warmup decay, in float64 reference', async () => {
    const w = tf.variable(tf.tensor([1, -2, 3]));
    const ema = new ExponentialMovingAverage({ layer: { w } }, { decay: 0.9, warmup: true });
    const ref = [1, -2, 3];
    const values = [[2, 0, 1], [0.5, 1, -1], [3, 3, 3], [-1, 0, 2], [0, 0, 0]];
    const decays: number[] = [];
    for (const [n, value] of values.entries()) {
      w.assign(tf.tensor(value));
      const d = Math.min(0.9, (1 + n) / (10 + n));
      expect(ema.currentDecay).toBeCloseTo(d, 15);
      decays.push(d);
      ema.update();
      for (let i = 0; i < 3; i++) ref[i] = d * ref[i] + (1 - d) * value[i];
    }
    expect(decays[0]).toBeCloseTo(0.1, 15); // warmup active early
    const avg = ema.averages() as { layer: { w: tf.Tensor } };
    await expectTensorsClose(avg.layer.w, ref, { rtol: 1e-6, atol: 1e-7 });
    tf.dispose(avg as never);
    expect(ema.stepCount).toBe(5);
    ema.dispose();
    w.dispose();
  });

  it('swap/withAverage put the averages in and the trained weights back; copyTo keeps them', async () => {
    const w = tf.variable(tf.tensor([0, 0]));
    const ema = new ExponentialMovingAverage({ w }, { decay: 0.5 });
    w.assign(tf.tensor([4, 8]));
    ema.update(); // shadow = [2, 4]
    const seen = await ema.withAverage(() => w.arraySync());
    expect(seen).toEqual([2, 4]);
    expect(w.arraySync()).toEqual([4, 8]);
    await expect(ema.withAverage(() => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(w.arraySync()).toEqual([4, 8]);
    ema.copyTo();
    expect(w.arraySync()).toEqual([2, 4]);
    ema.dispose();
    w.dispose();
  });

  it('leaks nothing; dispose frees its averages; state round trip', async () => {
    const before = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.tensor([[1, 2], [3, 4]])));
    const ema = new ExponentialMovingAverage({ w }, { decay: 0.99 });
    await expectNoLeak(() => { ema.update(); ema.swap(); ema.swap(); ema.apply(); }, 'ema');
    const state = ema.state();
    expect(state.step).toBe(2);
    const other = new ExponentialMovingAverage({ w }, { decay: 0.99 });
    other.loadState(state);
    const otherState = other.state();
    await expectTensorsClose(otherState.shadow.w, state.shadow.w.arraySync() as number[][], { rtol: 0, atol: 0 });
    tf.dispose(Object.values(otherState.shadow));
    expect(other.stepCount).toBe(2);
    const bad = tf.zeros([3]);
    expect(() => other.loadState({ ...state, shadow: { w: bad } })).toThrow(CheckpointError);
    expect(() => other.loadState({ ...state, shadow: {} })).toThrow("is missing average 'w'");
    tf.dispose([bad, ...Object.values(state.shadow)]);
    ema.dispose();
    ema.dispose();
    other.dispose();
    expect(() => ema.update()).toThrow(DisposedError);
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad config', () => {
    const w = tf.variable(tf.zeros([1]));
    expect(() => new ExponentialMovingAverage({ w }, { decay: 1.5 })).toThrow(
      "Argument 'decay' passed to 'ExponentialMovingAverage' must be a finite number >= 0 and < 1, but got 1.5.",
    );
    expect(() => new ExponentialMovingAverage({ w }, { rate: 0.9 } as never)).toThrow(InvalidArgumentError);
    w.dispose();
  });
});
