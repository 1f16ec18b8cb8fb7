// A minimal PNG encoder (W3C PNG spec, 2nd ed.): 8-bit RGBA, no interlace, filter type 0 per row,
// zlib-compressed IDAT. Compression uses the standard CompressionStream('deflate') (zlib format),
// present in Node >= 18 and current browsers; without it, stored (uncompressed) deflate blocks.
import { InvalidArgumentError, describeValue } from '../errors.js';

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309, polynomial 0xEDB88320) as used by PNG chunks. */
export function crc32(bytes: Uint8Array, initial = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = (initial ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Adler-32 checksum (RFC 1950) of the uncompressed data, for the zlib trailer. */
function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; i += 5552) {
    const end = Math.min(i + 5552, bytes.length);
    for (let j = i; j < end; j++) {
      a += bytes[j];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** zlib stream of stored (uncompressed) deflate blocks (RFC 1950/1951): always valid, never small. */
export function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(2 + data.length + 5 * blocks + 4);
  out[0] = 0x78; // CM = 8 (deflate), 32K window
  out[1] = 0x01; // FCHECK so that (CMF * 256 + FLG) % 31 == 0
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * 65535;
    const length = Math.min(65535, data.length - start);
    out[o++] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE = 00
    out[o++] = length & 0xff;
    out[o++] = length >>> 8;
    out[o++] = ~length & 0xff;
    out[o++] = (~length >>> 8) & 0xff;
    out.set(data.subarray(start, start + length), o);
    o += length;
  }
  new DataView(out.buffer).setUint32(o, adler32(data));
  return out;
}

async function zlibDeflate(data: Uint8Array, compress: boolean): Promise<Uint8Array> {
  const Stream = (globalThis as { CompressionStream?: typeof CompressionStream }).CompressionStream;
  if (!compress || typeof Stream !== 'function') return zlibStored(data);
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new Stream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** The 8-byte PNG signature. */
export const PNG_SIGNATURE = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);

/**
 * Encodes 8-bit RGBA pixels (row-major, 4 bytes per pixel) as a PNG file.
 *
 * @example
 * const png = await encodePng(new Uint8Array(4 * 2 * 2).fill(255), 2, 2); // a white 2x2 image
 */
export async function encodePng(
  pixels: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  { compress = true }: { compress?: boolean } = {},
): Promise<Uint8Array> {
  for (const [arg, value] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 0x7fffffff) {
      throw new InvalidArgumentError(`Argument '${arg}' passed to 'encodePng' must be a positive integer, but got ${describeValue(value)}.`);
    }
  }
  if (!(pixels instanceof Uint8Array || pixels instanceof Uint8ClampedArray) || pixels.length !== 4 * width * height) {
    throw new InvalidArgumentError(
      `Argument 'pixels' passed to 'encodePng' must be a Uint8Array of 4 * width * height = ${4 * width * height} RGBA bytes, but got ${describeValue(pixels)}${pixels && 'length' in pixels ? ` of length ${pixels.length}` : ''}.`,
    );
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  // compression 0, filter method 0, interlace 0
  const stride = 4 * width;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type None
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const parts = [PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', await zlibDeflate(raw, compress)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
