import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CheckpointError, InvalidArgumentError, Rng, disposeParams, flattenParams, randomNormal, type ParamTree } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { loadCheckpointFile, saveCheckpointFile } from './node-file.js';
import { encodeSafetensors } from './safetensors.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/checkpoint/${name}`, import.meta.url));

function makeParams(seed: number): ParamTree {
  return {
    encoder: { weight: randomNormal(seed, [4, 3]), bias: tf.zeros([3]) },
    decoder: { layers: { 0: { weight: randomNormal(seed + 1, [3, 4]) } } },
  };
}

async function treeValues(tree: ParamTree): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [k, t] of Object.entries(flattenParams(tree))) out[k] = Array.from(await t.data());
  return out;
}

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips params, optimizer state, step, rng state, config and metadata', async () => {
    const params = makeParams(1);
    const optimizerState = { m: makeParams(10), v: makeParams(20), count: tf.scalar(5, 'int32') };
    const rng = new Rng(3);
    rng.next();
    const config = { hidden: [400, 20], activation: 'relu', beta: 0.5, nested: { ok: true, nothing: null } };
    const bytes = await saveCheckpoint({ params, optimizerState, step: 1000, rngState: rng.state(), config, metadata: { run: 'a' } });
    const loaded = loadCheckpoint(bytes, { expect: params, expectOptimizer: optimizerState });
    expect(loaded.step).toBe(1000);
    expect(loaded.config).toEqual(config);
    expect(loaded.metadata).toEqual({ run: 'a' });
    expect(loaded.rngState).toEqual(rng.state());
    expect(await treeValues(loaded.params)).toEqual(await treeValues(params));
    expect(await treeValues(loaded.optimizerState!)).toEqual(await treeValues(optimizerState));
    // A restored Rng continues the same stream.
    const resumed = Rng.fromState(loaded.rngState!);
    expect(resumed.next()).toEqual(rng.next());
    disposeParams(params);
    disposeParams(optimizerState);
    disposeParams(loaded.params);
    disposeParams(loaded.optimizerState!);
  });

  it('keeps an empty optimizer state distinct from none', async () => {
    const params = { w: tf.ones([2]) };
    const withEmpty = loadCheckpoint(await saveCheckpoint({ params, optimizerState: {}, step: 0, config: null }));
    expect(withEmpty.optimizerState).toEqual({});
    const without = loadCheckpoint(await saveCheckpoint({ params, step: 0, config: null }));
    expect(without.optimizerState).toBeUndefined();
    expect(without.rngState).toBeUndefined();
    disposeParams(withEmpty.params);
    disposeParams(without.params);
    disposeParams(params);
  });

  it('loads the PyTorch-written checkpoint fixture with the exact values', async () => {
    const expected = JSON.parse(fixture('torch-expected.json').toString('utf8'));
    const ckpt = loadCheckpoint(fixture('torch-checkpoint.safetensors'));
    expect(ckpt.step).toBe(expected.checkpoint_step);
    expect(ckpt.rngState).toEqual({ key: expected.checkpoint_rng });
    expect(ckpt.config).toEqual(expected.checkpoint_config);
    expect(ckpt.metadata).toEqual({ written_by: 'pytorch' });
    const flat = { ...Object.fromEntries(Object.entries(flattenParams(ckpt.params)).map(([k, t]) => [`params.${k}`, t])),
      ...Object.fromEntries(Object.entries(flattenParams(ckpt.optimizerState!)).map(([k, t]) => [`optimizer.${k}`, t])) };
    expect(Object.keys(flat).sort()).toEqual(Object.keys(expected.checkpoint).sort());
    for (const [name, want] of Object.entries<{ shape: number[]; values: number[] }>(expected.checkpoint)) {
      expect(flat[name].shape).toEqual(want.shape);
      expect(Array.from(await flat[name].data())).toEqual(want.values);
    }
    disposeParams(ckpt.params);
    disposeParams(ckpt.optimizerState!);
  });

  it('loads the checkpoint written by our encoder (also checked in PyTorch by generate.py)', async () => {
    const ckpt = loadCheckpoint(fixture('ours.safetensors'));
    expect(ckpt.step).toBe(1234);
    expect(ckpt.rngState).toEqual({ key: [0xdeadbeef, 42] });
    const p = ckpt.params as Record<string, any>;
    expect(Array.from(await p.dense.weight.data())).toEqual(Array.from({ length: 12 }, (_, k) => k * 0.25 - 1.5));
    expect(p.ids.dtype).toBe('int32');
    expect(p.mask.dtype).toBe('bool');
    expect(p.scale.shape).toEqual([]);
    disposeParams(ckpt.params);
    disposeParams(ckpt.optimizerState!);
  });

  it('rejects a shape-mismatched or incomplete checkpoint, listing the problems, loading nothing', async () => {
    const params = makeParams(1);
    const bytes = await saveCheckpoint({ params, step: 1, config: {} });
    const other = { encoder: { weight: tf.zeros([4, 5]), bias: tf.zeros([3], 'int32') }, extra: tf.zeros([1]) };
    const before = tf.memory().numTensors;
    expect(() => loadCheckpoint(bytes, { expect: other })).toThrow(CheckpointError);
    try {
      loadCheckpoint(bytes, { expect: other });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain("'params.encoder.weight' has shape [4, 3], expected [4, 5]");
      expect(message).toContain("'params.encoder.bias' has dtype float32 (F32), expected int32");
      expect(message).toContain("missing 'params.extra'");
      expect(message).toContain("unexpected 'params.decoder.layers.0.weight'");
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(() => loadCheckpoint(bytes, { expectOptimizer: {} })).toThrow('it holds no optimizer state');
    disposeParams(params);
    disposeParams(other);
  });

  it('rejects files that are not gen checkpoints or carry bad metadata', async () => {
    const t = tf.ones([1]);
    const plain = await encodeSafetensors({ 'params.w': t });
    expect(() => loadCheckpoint(plain)).toThrow(/metadata 'gen.format' is undefined, expected 'gen.checkpoint'/);
    const base = { 'gen.format': 'gen.checkpoint', 'gen.version': '1', 'gen.step': '3', 'gen.config': '{}' };
    const cases: Array<[Record<string, string>, Record<string, tf.Tensor>, RegExp]> = [
      [{ ...base, 'gen.version': '2' }, { 'params.w': t }, /this version of gen reads version 1/],
      [{ ...base, 'gen.step': '-1' }, { 'params.w': t }, /expected a non-negative integer/],
      [{ ...base, 'gen.step': '1e3' }, { 'params.w': t }, /expected a non-negative integer/],
      [{ ...base, 'gen.config': '{oops' }, { 'params.w': t }, /'gen.config' is not valid JSON/],
      [{ ...base, 'gen.rng': '{"key":[1,-2]}' }, { 'params.w': t }, /'gen.rng' must be/],
      [base, { 'weights.w': t }, /neither under 'params.' nor under 'optimizer.'/],
      [base, { 'optimizer.m': t }, /records no optimizer state/],
      [base, { 'params.a': t, 'params.a.b': t }, /both a tensor and the parent/],
      [base, { 'params.a..b': t }, /empty path part/],
    ];
    for (const [meta, tensors, pattern] of cases) {
      const bytes = await encodeSafetensors(tensors, meta);
      const before = tf.memory().numTensors;
      expect(() => loadCheckpoint(bytes), String(pattern)).toThrow(pattern);
      expect(tf.memory().numTensors).toBe(before);
    }
    t.dispose();
  });

  it('never reaches Object.prototype through names like toString.x', async () => {
    const t = tf.ones([1]);
    const bytes = await encodeSafetensors({ 'params.toString.x': t, 'params.hasOwnProperty': t }, {
      'gen.format': 'gen.checkpoint', 'gen.version': '1', 'gen.step': '0', 'gen.config': 'null',
    });
    const ckpt = loadCheckpoint(bytes);
    expect((Object.prototype.toString as unknown as Record<string, unknown>)['x']).toBeUndefined();
    expect(Object.keys(ckpt.params).sort()).toEqual(['hasOwnProperty', 'toString']);
    expect((ckpt.params as Record<string, any>)['toString']['x'].shape).toEqual([1]);
    disposeParams(ckpt.params);
    t.dispose();
  });

  it('does not leak: save keeps inputs, load returns only caller-owned tensors', async () => {
    const params = makeParams(2);
    await expectNoLeak(async () => {
      await saveCheckpoint({ params, step: 0, config: null });
    }, 'saveCheckpoint');
    const bytes = await saveCheckpoint({ params, step: 0, config: null });
    await expectNoLeak(() => Object.values(flattenParams(loadCheckpoint(bytes).params)), 'loadCheckpoint');
    disposeParams(params);
  });

  it('rejects bad arguments with InvalidArgumentError', async () => {
    const params = { w: tf.ones([1]) };
    await expect(saveCheckpoint({ params, step: -1, config: null })).rejects.toThrow(
      "Argument 'step' passed to 'saveCheckpoint' must be a non-negative integer, but got -1.",
    );
    await expect(saveCheckpoint({ params, step: 1.5, config: null })).rejects.toThrow(InvalidArgumentError);
    await expect(saveCheckpoint({ params, step: 0, config: undefined as unknown as null })).rejects.toThrow(/JSON-serialisable/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(saveCheckpoint({ params, step: 0, config: cyclic as never })).rejects.toThrow(/JSON-serialisable/);
    await expect(saveCheckpoint({ params, step: 0, config: null, rngState: { key: [1] } as never })).rejects.toThrow(/rngState/);
    await expect(saveCheckpoint({ params: 3 as never, step: 0, config: null })).rejects.toThrow(/tree of tensors/);
    await expect(saveCheckpoint({ params: { 'a.b': params.w }, step: 0, config: null })).rejects.toThrow(/must not contain '.'/);
    await expect(saveCheckpoint({ params, step: 0, config: null, metadata: { 'gen.x': 'y' } })).rejects.toThrow(/reserved/);
    expect(() => loadCheckpoint([1, 2] as never)).toThrow(InvalidArgumentError);
    disposeParams(params);
  });
});

describe('saveCheckpointFile / loadCheckpointFile (Node)', () => {
  it('writes atomically and reads back the same values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gen-ckpt-'));
    const path = join(dir, 'model.safetensors');
    const params = makeParams(4);
    await saveCheckpointFile(path, { params, step: 9, config: { a: 1 } });
    expect(readdirSync(dir)).toEqual(['model.safetensors']); // no temporary file left behind
    const loaded = await loadCheckpointFile(path, { expect: params });
    expect(loaded.step).toBe(9);
    expect(await treeValues(loaded.params)).toEqual(await treeValues(params));
    disposeParams(loaded.params);
    // A truncated file fails cleanly.
    writeFileSync(path, readFileSync(path).subarray(0, 100));
    const before = tf.memory().numTensors;
    await expect(loadCheckpointFile(path)).rejects.toThrow(CheckpointError);
    expect(tf.memory().numTensors).toBe(before);
    await expect(loadCheckpointFile(join(dir, 'missing.safetensors'))).rejects.toThrow(/cannot be read/);
    await expect(saveCheckpointFile('', { params, step: 0, config: null })).rejects.toThrow(InvalidArgumentError);
    disposeParams(params);
  });
});
