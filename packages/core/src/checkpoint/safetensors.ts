// The safetensors format (https://github.com/huggingface/safetensors, README "Format"): an 8-byte
// little-endian header length N, N bytes of UTF-8 JSON {name: {dtype, shape, data_offsets}, __metadata__?},
// then the raw little-endian tensor bytes, contiguous and in offset order.
//
// Decoding treats the bytes as hostile: everything is validated (and every value converted into a
// fresh typed array) before the first tensor is created, so a bad file loads nothing.
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, InvalidArgumentError, describeValue } from '../errors.js';
import { StrictJsonError, isJsonObject, parseStrictJson, type StrictJson } from './strict-json.js';

/** The safetensors dtype names this module reads. Writing uses F32, I32 and BOOL. */
export const SAFETENSORS_DTYPES = ['F32', 'F16', 'BF16', 'F64', 'I32', 'I64', 'U8', 'BOOL'] as const;
/** A safetensors dtype name this module reads. */
export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

const BYTES_PER_ELEMENT: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I32: 4, I64: 8, U8: 1, BOOL: 1 };
const TFJS_TO_SAFETENSORS: Record<string, SafetensorsDtype> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

/** Largest header accepted (the reference implementation's limit too): guards against huge lengths. */
export const MAX_HEADER_BYTES = 100_000_000;
const MAX_RANK = 32;
const MAX_DIM = 0x7fffffff;
/** Names (or dot-separated parts of names) refused because they could reach object prototypes. */
const FORBIDDEN_NAME_PARTS = new Set(['__proto__', 'constructor', 'prototype']);

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One tensor described by a validated header. Offsets are relative to the start of the data section. */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Byte offset of the first byte, relative to the data section. */
  begin: number;
  /** Byte offset one past the last byte, relative to the data section. */
  end: number;
}

/** A validated safetensors file: its entries (sorted by name) and metadata, no tensors yet. */
export interface SafetensorsHeader {
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
  /** Absolute byte offset of the data section in the file. */
  dataStart: number;
}

/** Decoded tensor values in the dtype tfjs will hold, before any tensor is created. */
export interface DecodedArray {
  dtype: 'float32' | 'int32' | 'bool';
  shape: number[];
  values: Float32Array | Int32Array | Uint8Array;
}

function bad(message: string): never {
  throw new CheckpointError(`Safetensors data is invalid: ${message}`);
}

function quoteName(name: string): string {
  return `'${name.length > 80 ? `${name.slice(0, 77)}...` : name}'`;
}

/** Throws `CheckpointError` (or `InvalidArgumentError` when `forWriting`) for unusable tensor names. */
export function checkTensorName(name: string, forWriting = false): void {
  const problem =
    name.length === 0
      ? 'is empty'
      : name.length > 4096
        ? 'is longer than 4096 characters'
        : name === '__metadata__'
          ? "is the reserved key '__metadata__'"
          : name.split('.').some((part) => FORBIDDEN_NAME_PARTS.has(part))
            ? "contains a forbidden part ('__proto__', 'constructor' or 'prototype')"
            : undefined;
  if (problem === undefined) return;
  if (forWriting) {
    throw new InvalidArgumentError(`Tensor name ${quoteName(name)} passed to 'encodeSafetensors' ${problem}.`);
  }
  bad(`tensor name ${quoteName(name)} ${problem}.`);
}

function toBytes(bytes: Uint8Array | ArrayBuffer, fn: string): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new InvalidArgumentError(
    `Argument 'bytes' passed to '${fn}' must be a Uint8Array or ArrayBuffer, but got ${describeValue(bytes)}.`,
  );
}

function parseEntry(name: string, value: StrictJson, dataLength: number): SafetensorsEntry {
  checkTensorName(name);
  if (!isJsonObject(value)) bad(`entry ${quoteName(name)} must be an object.`);
  const keys = Object.keys(value).sort().join(',');
  if (keys !== 'data_offsets,dtype,shape') {
    bad(`entry ${quoteName(name)} must have exactly the keys dtype, shape and data_offsets, but has ${keys || 'none'}.`);
  }
  const dtype = value.dtype;
  if (typeof dtype !== 'string' || !(SAFETENSORS_DTYPES as readonly string[]).includes(dtype)) {
    bad(`tensor ${quoteName(name)} has dtype ${describeValue(dtype)}; supported dtypes are ${SAFETENSORS_DTYPES.join(', ')}.`);
  }
  const shape = value.shape;
  if (!Array.isArray(shape) || shape.length > MAX_RANK) {
    bad(`tensor ${quoteName(name)} must have a shape array of at most ${MAX_RANK} dimensions.`);
  }
  let size = 1;
  for (const dim of shape) {
    if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 0 || dim > MAX_DIM) {
      bad(`tensor ${quoteName(name)} has shape ${describeValue(shape)}; dimensions must be integers in [0, 2^31 - 1].`);
    }
    size *= dim;
    if (size > Number.MAX_SAFE_INTEGER / 8) bad(`tensor ${quoteName(name)} has shape ${describeValue(shape)}, too large.`);
  }
  const offsets = value.data_offsets;
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)
  ) {
    bad(`tensor ${quoteName(name)} must have data_offsets [begin, end] of non-negative integers.`);
  }
  const [begin, end] = offsets as number[];
  if (begin > end || end > dataLength) {
    bad(`tensor ${quoteName(name)} has data_offsets [${begin}, ${end}] outside the ${dataLength}-byte data section.`);
  }
  const want = size * BYTES_PER_ELEMENT[dtype as SafetensorsDtype];
  if (end - begin !== want) {
    bad(`tensor ${quoteName(name)} with dtype ${dtype} and shape ${describeValue(shape)} needs ${want} bytes, but its data_offsets [${begin}, ${end}] span ${end - begin}.`);
  }
  return { name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end };
}

/**
 * Reads and validates the header of a safetensors file without creating tensors or copying data.
 * Checks the header length, UTF-8 and JSON syntax (no duplicate keys), every entry's dtype, shape,
 * size and offsets, and that the data section is exactly covered by the tensors, contiguously and
 * without overlap. Throws `CheckpointError` naming the first problem.
 *
 * @example
 * const { entries, metadata } = readSafetensorsHeader(bytes);
 * entries.map((e) => `${e.name}: ${e.dtype}[${e.shape}]`);
 */
export function readSafetensorsHeader(input: Uint8Array | ArrayBuffer): SafetensorsHeader {
  const bytes = toBytes(input, 'readSafetensorsHeader');
  if (bytes.length < 8) bad(`the file has ${bytes.length} bytes, fewer than the 8-byte header length.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerLength = high * 0x100000000 + low;
  if (headerLength > MAX_HEADER_BYTES) bad(`the header length ${headerLength} exceeds the limit of ${MAX_HEADER_BYTES} bytes.`);
  if (headerLength < 2) bad(`the header length ${headerLength} is too small for a JSON object.`);
  if (8 + headerLength > bytes.length) {
    bad(`the header length ${headerLength} runs past the end of the ${bytes.length}-byte file (truncated?).`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    bad('the header is not valid UTF-8.');
  }
  if (!text.startsWith('{')) bad("the header does not start with '{'.");
  let header: StrictJson;
  try {
    header = parseStrictJson(text, 8);
  } catch (error) {
    if (error instanceof StrictJsonError) bad(`the header is not valid JSON (${error.message}).`);
    throw error;
  }
  if (!isJsonObject(header)) bad('the header must be a JSON object.');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;

  const metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isJsonObject(value)) bad('__metadata__ must be an object of strings.');
      for (const [key, text] of Object.entries(value)) {
        if (typeof text !== 'string') bad(`__metadata__ value for ${quoteName(key)} must be a string.`);
        if (FORBIDDEN_NAME_PARTS.has(key)) bad(`__metadata__ key ${quoteName(key)} is forbidden.`);
        metadata[key] = text;
      }
      continue;
    }
    entries.push(parseEntry(name, value, dataLength));
  }

  // The data section must be covered exactly: sorted by offset, each tensor starts where the previous
  // one ended, the first at 0 and the last at the end of the file (no gaps, overlap or trailing bytes).
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const entry of byOffset) {
    if (entry.begin < cursor) bad(`tensor ${quoteName(entry.name)} overlaps the previous tensor (begins at ${entry.begin}, previous ends at ${cursor}).`);
    if (entry.begin > cursor) bad(`there is a gap of ${entry.begin - cursor} bytes before tensor ${quoteName(entry.name)} (data is not contiguous).`);
    cursor = entry.end;
  }
  if (cursor !== dataLength) {
    bad(`the tensors cover ${cursor} bytes, but the data section has ${dataLength} (trailing bytes or a truncated header).`);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { entries, metadata, dataStart };
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal (or zero)
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Copies `bytes` into a fresh, aligned buffer, byte-swapping `width`-byte words on big-endian hosts. */
function alignedCopy(bytes: Uint8Array, width: number): ArrayBuffer {
  // `new Uint8Array(view)` copies; `.slice()` would not on a Node Buffer (whose slice is a view).
  const copy = new Uint8Array(bytes);
  if (!LITTLE_ENDIAN_HOST && width > 1) {
    for (let i = 0; i < copy.length; i += width) copy.subarray(i, i + width).reverse();
  }
  return copy.buffer;
}

/**
 * Converts one validated entry's bytes into a fresh typed array in the dtype tfjs will hold:
 * F32/F16/BF16/F64 → float32 (F64 rounds), I32 → int32, I64 → int32 (throws `CheckpointError` when a
 * value lies outside the int32 range), U8 → int32, BOOL → bool (throws on bytes other than 0 and 1).
 */
export function decodeEntry(bytes: Uint8Array, dataStart: number, entry: SafetensorsEntry): DecodedArray {
  const raw = bytes.subarray(dataStart + entry.begin, dataStart + entry.end);
  const shape = [...entry.shape];
  switch (entry.dtype) {
    case 'F32':
      return { dtype: 'float32', shape, values: new Float32Array(alignedCopy(raw, 4)) };
    case 'F64':
      return { dtype: 'float32', shape, values: Float32Array.from(new Float64Array(alignedCopy(raw, 8))) };
    case 'F16': {
      const halves = new Uint16Array(alignedCopy(raw, 2));
      const out = new Float32Array(halves.length);
      for (let i = 0; i < halves.length; i++) out[i] = halfToFloat(halves[i]);
      return { dtype: 'float32', shape, values: out };
    }
    case 'BF16': {
      const halves = new Uint16Array(alignedCopy(raw, 2));
      const words = new Uint32Array(halves.length);
      for (let i = 0; i < halves.length; i++) words[i] = halves[i] << 16;
      return { dtype: 'float32', shape, values: new Float32Array(words.buffer) };
    }
    case 'I32':
      return { dtype: 'int32', shape, values: new Int32Array(alignedCopy(raw, 4)) };
    case 'I64': {
      const wide = new BigInt64Array(alignedCopy(raw, 8));
      const out = new Int32Array(wide.length);
      for (let i = 0; i < wide.length; i++) {
        const v = wide[i];
        if (v > 2147483647n || v < -2147483648n) {
          bad(`tensor ${quoteName(entry.name)} (I64) holds ${v}, outside the int32 range that tfjs can represent.`);
        }
        out[i] = Number(v);
      }
      return { dtype: 'int32', shape, values: out };
    }
    case 'U8':
      return { dtype: 'int32', shape, values: Int32Array.from(raw) };
    case 'BOOL': {
      for (let i = 0; i < raw.length; i++) {
        if (raw[i] > 1) bad(`tensor ${quoteName(entry.name)} (BOOL) holds byte ${raw[i]} at element ${i}; booleans must be 0 or 1.`);
      }
      return { dtype: 'bool', shape, values: new Uint8Array(raw) };
    }
  }
}

/**
 * Creates tensors from decoded arrays, all or nothing: if creating one fails, the ones already
 * made are disposed and the error is rethrown. The returned tensors belong to the caller.
 */
export function createTensors(arrays: Record<string, DecodedArray>): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  try {
    for (const [name, array] of Object.entries(arrays)) out[name] = tf.tensor(array.values, array.shape, array.dtype);
  } catch (error) {
    tf.dispose(Object.values(out));
    throw error;
  }
  return out;
}

/** Result of `decodeSafetensors`. */
export interface DecodedSafetensors {
  /** Tensors by name (sorted). They belong to the caller: dispose them. */
  tensors: Record<string, tf.Tensor>;
  /** The `__metadata__` string map (empty when absent). */
  metadata: Record<string, string>;
}

/**
 * Decodes a safetensors file. Reads F32, F16, BF16, F64 (as float32), I32, I64 (as int32, when every
 * value fits), U8 (as int32) and BOOL. The whole file is validated first, so on any problem a
 * `CheckpointError` is thrown and no tensor is created. The returned tensors belong to the caller.
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors(bytes);
 * tensors['dense.weight'].shape; // e.g. [784, 400]
 * tf.dispose(Object.values(tensors));
 */
export function decodeSafetensors(input: Uint8Array | ArrayBuffer): DecodedSafetensors {
  const bytes = toBytes(input, 'decodeSafetensors');
  const header = readSafetensorsHeader(bytes);
  const arrays: Record<string, DecodedArray> = {};
  for (const entry of header.entries) arrays[entry.name] = decodeEntry(bytes, header.dataStart, entry);
  return { tensors: createTensors(arrays), metadata: header.metadata };
}

function littleEndianBytes(values: Float32Array | Int32Array | Uint8Array): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (LITTLE_ENDIAN_HOST || values.BYTES_PER_ELEMENT === 1) return bytes;
  return new Uint8Array(alignedCopy(bytes, values.BYTES_PER_ELEMENT));
}

/**
 * Encodes tensors (float32 → F32, int32 → I32, bool → BOOL) and optional string metadata as a
 * safetensors file that PyTorch's `safetensors.torch.load` reads. Tensors are laid out by name, the
 * header is padded with spaces to a multiple of 8 bytes so every tensor's data is aligned. Does not
 * dispose its inputs.
 *
 * @example
 * const bytes = await encodeSafetensors({ weight: tf.ones([2, 3]) }, { note: 'hello' });
 */
export async function encodeSafetensors(
  tensors: Record<string, tf.Tensor>,
  metadata?: Record<string, string>,
): Promise<Uint8Array> {
  if (tensors === null || typeof tensors !== 'object') {
    throw new InvalidArgumentError(
      `Argument 'tensors' passed to 'encodeSafetensors' must be an object of tensors, but got ${describeValue(tensors)}.`,
    );
  }
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    checkTensorName(name, true);
    const t = tensors[name];
    if (!(t instanceof tf.Tensor)) {
      throw new InvalidArgumentError(`Tensor ${quoteName(name)} passed to 'encodeSafetensors' must be a tf.Tensor, but got ${describeValue(t)}.`);
    }
    if (t.isDisposed) throw new InvalidArgumentError(`Tensor ${quoteName(name)} passed to 'encodeSafetensors' is disposed.`);
    if (!(t.dtype in TFJS_TO_SAFETENSORS)) {
      throw new InvalidArgumentError(
        `Tensor ${quoteName(name)} passed to 'encodeSafetensors' must have dtype float32, int32 or bool, but got ${t.dtype}.`,
      );
    }
  }
  const meta: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (typeof value !== 'string') {
      throw new InvalidArgumentError(
        `Metadata value for '${key}' passed to 'encodeSafetensors' must be a string, but got ${describeValue(value)}.`,
      );
    }
    if (FORBIDDEN_NAME_PARTS.has(key)) throw new InvalidArgumentError(`Metadata key '${key}' passed to 'encodeSafetensors' is forbidden.`);
    meta[key] = value;
  }

  // Wider dtypes first (then by name), so with an 8-byte-aligned header every tensor is aligned.
  const order = [...names].sort((a, b) => {
    const wa = BYTES_PER_ELEMENT[TFJS_TO_SAFETENSORS[tensors[a].dtype]];
    const wb = BYTES_PER_ELEMENT[TFJS_TO_SAFETENSORS[tensors[b].dtype]];
    return wb - wa || (a < b ? -1 : a > b ? 1 : 0);
  });
  const chunks: Uint8Array[] = [];
  const header: Record<string, unknown> = {};
  if (Object.keys(meta).length > 0) header.__metadata__ = meta;
  let offset = 0;
  for (const name of order) {
    const t = tensors[name];
    const values = (await t.data()) as Float32Array | Int32Array | Uint8Array;
    // tfjs may hold a float32 tensor's values in a Uint8Array (after a cast from bool on cpu).
    const typed =
      t.dtype === 'float32' && !(values instanceof Float32Array)
        ? Float32Array.from(values)
        : t.dtype === 'int32' && !(values instanceof Int32Array)
          ? Int32Array.from(values)
          : t.dtype === 'bool'
            ? Uint8Array.from(values, (v) => (v ? 1 : 0))
            : values;
    const bytes = littleEndianBytes(typed);
    header[name] = { dtype: TFJS_TO_SAFETENSORS[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  let headerBytes = new TextEncoder().encode(json);
  const padding = (8 - (headerBytes.length % 8)) % 8;
  if (padding > 0) {
    json += ' '.repeat(padding);
    headerBytes = new TextEncoder().encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerBytes.length % 0x100000000, true);
  view.setUint32(4, Math.floor(headerBytes.length / 0x100000000), true);
  out.set(headerBytes, 8);
  let cursor = 8 + headerBytes.length;
  for (const chunk of chunks) {
    out.set(chunk, cursor);
    cursor += chunk.length;
  }
  return out;
}
