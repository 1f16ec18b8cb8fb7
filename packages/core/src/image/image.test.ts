import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { eightGaussians, moons } from '../data/synthetic-2d.js';
import { imageGrid } from './grid.js';
import { writePng, writeSvg } from './node-file.js';
import { PNG_SIGNATURE, crc32, encodePng, zlibStored } from './png.js';
import { formatTick, lineChartSvg, niceTicks, scatterSvg } from './svg.js';

/** Bit-by-bit CRC-32 (no table), independent of the encoder's table-driven one. */
function crcReference(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** Parses PNG chunks, checking every CRC, and returns IHDR fields and the inflated RGBA pixels. */
function decodePng(png: Uint8Array) {
  expect(Array.from(png.subarray(0, 8))).toEqual(Array.from(PNG_SIGNATURE));
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: string[] = [];
  const idat: Uint8Array[] = [];
  let ihdr: DataView | undefined;
  for (let o = 8; o < png.length; ) {
    const length = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    const body = png.subarray(o + 8, o + 8 + length);
    expect(view.getUint32(o + 8 + length), `CRC of ${type}`).toBe(crcReference(png.subarray(o + 4, o + 8 + length)));
    chunks.push(type);
    if (type === 'IHDR') ihdr = new DataView(body.buffer, body.byteOffset, body.byteLength);
    if (type === 'IDAT') idat.push(body);
    o += 12 + length;
  }
  const width = ihdr!.getUint32(0);
  const height = ihdr!.getUint32(4);
  expect([ihdr!.getUint8(8), ihdr!.getUint8(9), ihdr!.getUint8(12)]).toEqual([8, 6, 0]);
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe(height * (4 * width + 1));
  const pixels = new Uint8Array(4 * width * height);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (4 * width + 1)]).toBe(0); // filter None
    pixels.set(raw.subarray(y * (4 * width + 1) + 1, (y + 1) * (4 * width + 1)), 4 * width * y);
  }
  return { chunks, width, height, pixels };
}

describe('encodePng', () => {
  it('crc32 matches the standard check value and a bitwise reference', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    const random = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) % 251);
    expect(crc32(random)).toBe(crcReference(random));
  });

  it('writes signature, IHDR, IDAT, IEND with valid CRCs and pixels that decode back exactly', async () => {
    const [width, height] = [7, 5];
    const pixels = Uint8Array.from({ length: 4 * width * height }, (_, i) => (i * 37 + 11) % 256);
    for (const compress of [true, false]) {
      const decoded = decodePng(await encodePng(pixels, width, height, { compress }));
      expect(decoded.chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
      expect([decoded.width, decoded.height]).toEqual([width, height]);
      expect(Array.from(decoded.pixels)).toEqual(Array.from(pixels));
    }
  });

  it('stored deflate fallback splits blocks at 65535 bytes and inflates exactly', () => {
    const data = Uint8Array.from({ length: 150_000 }, (_, i) => (i * 13) % 256);
    expect(Array.from(inflateSync(zlibStored(data)))).toEqual(Array.from(data));
    expect(inflateSync(zlibStored(new Uint8Array(0))).length).toBe(0);
  });

  it('compresses a flat image well below its raw size', async () => {
    const pixels = new Uint8Array(4 * 100 * 100).fill(200);
    expect((await encodePng(pixels, 100, 100)).length).toBeLessThan(2000);
  });

  it('rejects bad sizes', async () => {
    await expect(encodePng(new Uint8Array(4), 2, 1)).rejects.toThrow(/must be a Uint8Array of 4 \* width \* height = 8 RGBA bytes/);
    await expect(encodePng(new Uint8Array(4), 0, 1)).rejects.toThrow("Argument 'width' passed to 'encodePng' must be a positive integer, but got 0.");
  });
});

describe('imageGrid', () => {
  it('places each image in its cell with padding, scaling and range mapping', async () => {
    // Two 2x2 grayscale images in [-1, 1]: image k has value (k ? 1 : -1) except pixel (0, 1) = 0.
    const values = new Float32Array([-1, 0, -1, -1, 1, 0, 1, 1]);
    const picture = await imageGrid({ values, shape: [2, 2, 2] }, { columns: 2, padding: 1, scale: 2, range: [-1, 1], background: 1 });
    expect([picture.width, picture.height]).toEqual([(2 * 3 + 1) * 2, (1 * 3 + 1) * 2]);
    const at = (x: number, y: number) => Array.from(picture.pixels.subarray(4 * (y * picture.width + x), 4 * (y * picture.width + x) + 4));
    expect(at(0, 0)).toEqual([255, 255, 255, 255]); // padding
    expect(at(2, 2)).toEqual([0, 0, 0, 255]); // image 0, pixel (0, 0) = -1
    expect(at(4, 2)).toEqual([128, 128, 128, 255]); // image 0, pixel (0, 1) = 0 → mid grey
    expect(at(5, 3)).toEqual([128, 128, 128, 255]); // same pixel, scaled 2x
    expect(at(8, 2)).toEqual([255, 255, 255, 255]); // image 1, pixel (0, 0) = 1
  });

  it('takes tensors [n, h, w, 3] and [n, h*w] with imageShape; does not leak', async () => {
    const rgb = tf.tensor4d([1, 0, 0, 0, 1, 0, 0, 0, 1, 2, -1, 0.5], [1, 2, 2, 3]);
    const picture = await imageGrid(rgb, { padding: 0 });
    expect(Array.from(picture.pixels)).toEqual([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 0, 128, 255]);
    await expectNoLeak(async () => {
      await imageGrid(rgb);
    }, 'imageGrid');
    const rows = tf.zeros([3, 6]);
    const grid = await imageGrid(rows, { imageShape: [2, 3], columns: 2, padding: 1 });
    expect([grid.width, grid.height]).toEqual([2 * 4 + 1, 2 * 3 + 1]);
    await expect(imageGrid(rows)).rejects.toThrow(ShapeError);
    await expect(imageGrid(tf.zeros([1, 2, 2, 2]))).rejects.toThrow(/c in 1, 3, 4/);
    await expect(imageGrid(rgb, { scale: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(imageGrid(rgb, { range: [1, 0] })).rejects.toThrow(/min < max/);
    tf.dispose([rgb, rows]);
  });
});

/** Checks that tags nest properly (a small well-formedness check) and counts elements. */
function checkXml(svg: string): Record<string, number> {
  const stack: string[] = [];
  const counts: Record<string, number> = {};
  const text = svg.replace(/<text[^>]*>([^<]*)<\/text>/g, (m, inner: string) => {
    expect(inner).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|#39);)/);
    return m;
  });
  for (const match of text.matchAll(/<(\/?)([a-zA-Z]+)([^>]*?)(\/?)>/g)) {
    const [, closing, name, attributes, selfClosing] = match;
    expect(attributes).not.toMatch(/NaN|undefined|Infinity/);
    if (closing) expect(stack.pop()).toBe(name);
    else {
      counts[name] = (counts[name] ?? 0) + 1;
      if (!selfClosing) stack.push(name);
    }
  }
  expect(stack).toEqual([]);
  return counts;
}

describe('SVG charts', () => {
  it('niceTicks gives round, covering ticks', () => {
    expect(niceTicks(0.13, 9.7)).toEqual({ ticks: [0, 2, 4, 6, 8, 10], min: 0, max: 10 });
    const t = niceTicks(-0.0031, 0.0172, 5);
    expect(t.min).toBeLessThanOrEqual(-0.0031);
    expect(t.max).toBeGreaterThanOrEqual(0.0172);
    const steps = t.ticks.slice(1).map((v, i) => v - t.ticks[i]);
    for (const s of steps) expect(s).toBeCloseTo(0.005, 12);
    expect(formatTick(0.005)).toBe('0.005');
    expect(formatTick(2e-5)).toBe('2e-5');
    expect(formatTick(1500000)).toBe('1.5e+6');
  });

  it('lineChartSvg: one path per series, ticks, labels, escaped text, log axis', () => {
    const steps = Array.from({ length: 50 }, (_, i) => i * 10);
    const svg = lineChartSvg(
      [
        { name: 'train <loss>', x: steps, y: steps.map((s) => 100 * Math.exp(-s / 100) + 1) },
        { name: 'test', points: steps.map((s) => [s, s === 200 ? NaN : 120 * Math.exp(-s / 120) + 2] as [number, number]) },
      ],
      { title: 'Loss & friends', xLabel: 'step', yLabel: 'loss', logY: true },
    );
    const counts = checkXml(svg);
    expect(svg.match(/<path class="series"/g)?.length).toBe(2);
    expect(svg).toContain('Loss &amp; friends');
    expect(svg).toContain('train &lt;loss&gt;');
    expect(svg).toMatch(/class="y-ticks"[\s\S]*>100<\/text>/);
    expect(counts.text).toBeGreaterThan(10);
    // The NaN point splits the test series into two sub-paths.
    const testPath = svg.match(/data-name="test" d="([^"]*)"/)![1];
    expect(testPath.match(/M/g)!.length).toBe(2);
    expect(() => lineChartSvg([])).toThrow(InvalidArgumentError);
    expect(() => lineChartSvg([{ name: 'a', y: [0, -1] }], { logY: true })).toThrow(/no finite, positive points/);
  });

  it('scatterSvg: one circle per point, a legend entry per label', () => {
    const { x, labels } = moons({ n: 300, seed: 0 });
    const svg = scatterSvg(x, { labels, title: 'moons', labelNames: ['upper', 'lower'] });
    const counts = checkXml(svg);
    expect(counts.circle).toBe(300);
    expect(svg).toContain('>upper</text>');
    expect(svg).toContain('>lower</text>');
    expect(() => scatterSvg(new Float32Array(3))).toThrow(InvalidArgumentError);
    expect(() => scatterSvg(x, { labels: [1, 2] })).toThrow(/must have 300 entries/);
  });

  it('renders sample PNG and SVG files to a temporary folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gen-image-'));
    // 16 images of 12x12: a disc whose radius grows with the index, on a gradient.
    const values = new Float32Array(16 * 12 * 12);
    for (let k = 0; k < 16; k++) {
      for (let y = 0; y < 12; y++) {
        for (let x = 0; x < 12; x++) values[(k * 12 + y) * 12 + x] = Math.hypot(x - 5.5, y - 5.5) < 1 + k / 3 ? 1 : x / 24;
      }
    }
    const png = join(dir, 'grid.png');
    await writePng(png, await imageGrid({ values, shape: [16, 12, 12] }, { columns: 4, scale: 3, padding: 1 }));
    const decoded = decodePng(readFileSync(png));
    expect([decoded.width, decoded.height]).toEqual([(4 * 13 + 1) * 3, (4 * 13 + 1) * 3]);
    const { x, labels } = eightGaussians({ n: 800, seed: 1, std: 0.1 });
    const svgPath = join(dir, 'scatter.svg');
    await writeSvg(svgPath, scatterSvg(x, { labels, title: '8 gaussians' }));
    expect(checkXml(readFileSync(svgPath, 'utf8')).circle).toBe(800);
    if (process.env.GEN_KEEP_PICTURES) console.log(`pictures in ${dir}`);
  });
});
