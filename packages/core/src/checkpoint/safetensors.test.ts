import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CheckpointError, InvalidArgumentError } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { decodeSafetensors, encodeSafetensors, readSafetensorsHeader } from './safetensors.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/checkpoint/${name}`, import.meta.url));

/** Builds a safetensors file from a raw header object (or text) and data bytes. */
export function rawFile(header: unknown, data: Uint8Array = new Uint8Array(0), headerLength?: number): Uint8Array {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

function expectCheckpointError(fn: () => unknown, pattern: RegExp): void {
  const before = tf.memory().numTensors;
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CheckpointError);
  expect((error as Error).message).toMatch(pattern);
  expect(tf.memory().numTensors).toBe(before);
}

describe('encodeSafetensors / decodeSafetensors', () => {
  it('round-trips float32, int32 and bool tensors with metadata, bit for bit', async () => {
    const values = new Float32Array([0, -0, 1e-45, 3.4028234663852886e38, NaN, Infinity, -Infinity, Math.PI]);
    const tensors = {
      'a.float': tf.tensor(values, [2, 4]),
      'b.int': tf.tensor([-2147483648, 0, 2147483647], [3], 'int32'),
      'c.bool': tf.tensor([true, false, true, true], [2, 2], 'bool'),
      scalar: tf.scalar(7),
      empty: tf.zeros([0, 5]),
    };
    const bytes = await encodeSafetensors(tensors, { purpose: 'test', 'üñï': 'çødé' });
    const { tensors: back, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ purpose: 'test', 'üñï': 'çødé' });
    expect(Object.keys(back).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      expect(back[name].dtype).toBe(t.dtype);
      expect(back[name].shape).toEqual(t.shape);
      const got = back[name].dataSync();
      const want = t.dataSync();
      if (t.dtype === 'float32') {
        expect(new Uint32Array(new Float32Array(got).buffer)).toEqual(new Uint32Array(new Float32Array(want).buffer));
      } else {
        expect(Array.from(got)).toEqual(Array.from(want));
      }
    }
    tf.dispose([...Object.values(tensors), ...Object.values(back)]);
  });

  it('lays out an 8-byte-aligned header and aligned, contiguous data', async () => {
    const a = tf.tensor([true], [1], 'bool');
    const b = tf.tensor([1, 2, 3], [3]);
    const bytes = await encodeSafetensors({ a, b });
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = readSafetensorsHeader(bytes);
    const byName = Object.fromEntries(header.entries.map((e) => [e.name, e]));
    // Wider dtypes first: b (F32) at 0, a (BOOL) after it.
    expect(byName.b).toMatchObject({ dtype: 'F32', shape: [3], begin: 0, end: 12 });
    expect(byName.a).toMatchObject({ dtype: 'BOOL', shape: [1], begin: 12, end: 13 });
    expect(bytes.length).toBe(8 + n + 13);
    tf.dispose([a, b]);
  });

  it('does not leak or dispose its inputs', async () => {
    const t = tf.ones([3, 3]);
    await expectNoLeak(async () => {
      await encodeSafetensors({ t });
    }, 'encodeSafetensors');
    expect(t.isDisposed).toBe(false);
    const bytes = await encodeSafetensors({ t });
    await expectNoLeak(() => Object.values(decodeSafetensors(bytes).tensors), 'decodeSafetensors');
    t.dispose();
  });

  it('rejects bad inputs to the encoder with InvalidArgumentError', async () => {
    const t = tf.ones([2]);
    await expect(encodeSafetensors({ '': t })).rejects.toThrow(InvalidArgumentError);
    await expect(encodeSafetensors({ 'x.__proto__': t })).rejects.toThrow(/forbidden part/);
    await expect(encodeSafetensors({ x: [1, 2] as unknown as tf.Tensor })).rejects.toThrow(/must be a tf.Tensor/);
    const c = tf.tensor(['a', 'b']);
    await expect(encodeSafetensors({ c })).rejects.toThrow("Tensor 'c' passed to 'encodeSafetensors' must have dtype float32, int32 or bool, but got string.");
    await expect(encodeSafetensors({ t }, { k: 3 as unknown as string })).rejects.toThrow(/must be a string/);
    const gone = tf.ones([1]);
    gone.dispose();
    await expect(encodeSafetensors({ gone })).rejects.toThrow(/is disposed/);
    tf.dispose([t, c]);
  });

  it('loads the PyTorch-written fixture with the exact values for every dtype', () => {
    const expected = JSON.parse(fixture('torch-expected.json').toString('utf8'));
    const { tensors, metadata } = decodeSafetensors(fixture('torch-tensors.safetensors'));
    expect(metadata).toEqual(expected.tensors_metadata);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected.tensors).sort());
    const parse = (v: unknown) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : v);
    for (const [name, want] of Object.entries<{ dtype: string; shape: number[]; values: unknown[] }>(expected.tensors)) {
      const t = tensors[name];
      expect(t.shape, name).toEqual(want.shape);
      const tfDtype = want.dtype === 'BOOL' ? 'bool' : ['I32', 'I64', 'U8'].includes(want.dtype) ? 'int32' : 'float32';
      expect(t.dtype, name).toBe(tfDtype);
      const got = Array.from(t.dataSync() as ArrayLike<number>);
      const values = want.values.map(parse).map((v) => (typeof v === 'boolean' ? Number(v) : v)) as number[];
      // F64 rounds to float32 on load; every other float dtype is exact in float32.
      const wantValues = want.dtype === 'F64' ? values.map(Math.fround) : values;
      expect(got.map((v) => Object.is(v, -0) ? '-0' : v), name).toEqual(wantValues.map((v) => Object.is(v, -0) ? '-0' : v));
    }
    tf.dispose(Object.values(tensors));
  });

  it('decodes float16 subnormals, infinities and -0 exactly', () => {
    const halves = new Uint16Array([0x0001, 0x7bff, 0x7c00, 0xfc00, 0x8000, 0x3c00, 0x7e00]);
    const bytes = rawFile({ h: { dtype: 'F16', shape: [7], data_offsets: [0, 14] } }, new Uint8Array(halves.buffer));
    const { tensors } = decodeSafetensors(bytes);
    const v = Array.from(tensors.h.dataSync());
    expect(v.slice(0, 6)).toEqual([2 ** -24, 65504, Infinity, -Infinity, -0, 1]);
    expect(Object.is(v[4], -0)).toBe(true);
    expect(Number.isNaN(v[6])).toBe(true);
    tf.dispose(Object.values(tensors));
  });

  it('reads from a Node Buffer that is a view into a larger pool', () => {
    const inner = rawFile({ x: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, new Uint8Array(new BigInt64Array([-5n, 9n]).buffer));
    const pool = new Uint8Array(inner.length + 13).fill(0xab);
    pool.set(inner, 13);
    const { tensors } = decodeSafetensors(Buffer.from(pool.buffer, 13, inner.length));
    expect(Array.from(tensors.x.dataSync())).toEqual([-5, 9]);
    tf.dispose(Object.values(tensors));
  });

  it('reads an unaligned data section (odd header length) correctly', () => {
    const data = new Uint8Array(new Float32Array([1.5, -2.25]).buffer);
    let text = '{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    while (text.length % 4 !== 1) text += ' ';
    const bytes = rawFile(text, data);
    expect((bytes.length - 8) % 4).not.toBe(0);
    const { tensors } = decodeSafetensors(bytes);
    expect(Array.from(tensors.x.dataSync())).toEqual([1.5, -2.25]);
    tf.dispose(Object.values(tensors));
  });

  const f32 = (n: number) => new Uint8Array(4 * n);
  const hostile: Array<[string, () => Uint8Array, RegExp]> = [
    ['a file shorter than 8 bytes', () => new Uint8Array(5), /fewer than the 8-byte header length/],
    ['a huge header length', () => rawFile({}, undefined, 2 ** 40), /exceeds the limit/],
    ['a header length past the end', () => rawFile({}, undefined, 1000), /runs past the end/],
    ['a non-JSON header', () => rawFile('{not json}'), /not valid JSON/],
    ['a header that is not an object', () => rawFile('[1, 2]'), /does not start with/],
    ['invalid UTF-8', () => rawFile('{"\u00ff":1}'.replace('ÿ', 'x')).map((b, i) => (i === 10 ? 0xff : b)), /not valid UTF-8/],
    ['duplicate names', () => rawFile('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32(1)), /duplicate key 'x'/],
    ['a __proto__ name', () => rawFile('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32(1)), /forbidden part/],
    ['a constructor path part', () => rawFile({ 'a.constructor.b': { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(1)), /forbidden part/],
    ['an unknown dtype', () => rawFile({ x: { dtype: 'F8', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), /dtype 'F8'; supported dtypes are F32, F16/],
    ['a lower-case dtype', () => rawFile({ x: { dtype: 'f32', shape: [1], data_offsets: [0, 4] } }, f32(1)), /dtype 'f32'/],
    ['a negative dimension', () => rawFile({ x: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1)), /dimensions must be integers/],
    ['a fractional dimension', () => rawFile({ x: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, f32(1)), /dimensions must be integers/],
    ['a shape/size mismatch', () => rawFile({ x: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 20] } }, f32(5)), /needs 24 bytes, but its data_offsets \[0, 20\] span 20/],
    ['offsets out of range', () => rawFile({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(1)), /outside the 4-byte data section/],
    ['reversed offsets', () => rawFile({ x: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, f32(1)), /outside/],
    ['overlapping tensors', () => rawFile({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, y: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32(3)), /overlaps/],
    ['a gap (non-contiguous data)', () => rawFile({ x: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(2)), /gap of 4 bytes/],
    ['trailing garbage', () => rawFile({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(3)), /cover 4 bytes, but the data section has 12/],
    ['extra entry keys', () => rawFile({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 4], evil: 1 } }, f32(1)), /exactly the keys/],
    ['non-string metadata', () => rawFile({ __metadata__: { a: 1 } }), /must be a string/],
    ['an I64 value outside int32', () => rawFile({ x: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(new BigInt64Array([2n ** 40n]).buffer)), /outside the int32 range/],
    ['a BOOL byte other than 0/1', () => rawFile({ x: { dtype: 'BOOL', shape: [2], data_offsets: [0, 2] } }, new Uint8Array([1, 7])), /booleans must be 0 or 1/],
    ['deeply nested JSON', () => rawFile(`{"x":${'['.repeat(50)}${']'.repeat(50)}}`), /nesting deeper/],
  ];
  for (const [what, make, pattern] of hostile) {
    it(`rejects ${what} with CheckpointError, creating no tensor`, () => {
      expectCheckpointError(() => decodeSafetensors(make()), pattern);
    });
  }

  it('fails after validating all entries without creating any (bad I64 listed last)', () => {
    const data = new Uint8Array(8 + 16);
    new BigInt64Array(data.buffer, 8, 2).set([1n, 2n ** 35n]);
    const bytes = rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, z: { dtype: 'I64', shape: [2], data_offsets: [8, 24] } }, data);
    expectCheckpointError(() => decodeSafetensors(bytes), /tensor 'z' \(I64\) holds 34359738368/);
  });

  it('rejects a non-bytes argument with InvalidArgumentError', () => {
    expect(() => decodeSafetensors('abc' as unknown as Uint8Array)).toThrow(InvalidArgumentError);
  });
});
