// Lays out a batch of images (grayscale, RGB or RGBA, values in a given range) as one RGBA picture.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, describeValue } from '../errors.js';
import { checkNumber } from '../validate.js';

/** An 8-bit RGBA picture, row-major, 4 bytes per pixel (the layout of `ImageData`). */
export interface RgbaImage {
  pixels: Uint8ClampedArray;
  width: number;
  height: number;
}

/** Options of `imageGrid`. */
export interface ImageGridOptions {
  /** Images per row (default: ceil(sqrt(n))). */
  columns?: number;
  /** Pixels between images and around the border, before scaling (default 1). */
  padding?: number;
  /** Integer magnification, nearest neighbour (default 1). */
  scale?: number;
  /** Value range mapped to black..white; values outside are clipped (default [0, 1]; use [-1, 1] for tanh outputs). */
  range?: [number, number];
  /** Grey level of padding, in [0, 1] (default 0.5). */
  background?: number;
  /** [height, width] of each image when `images` is [n, height * width] (e.g. [28, 28] for MNIST rows). */
  imageShape?: [number, number];
}

type ImagesInput = tf.Tensor | { values: ArrayLike<number>; shape: number[] };

/**
 * Arranges `images` ([n, h, w], [n, h, w, c] with c = 1, 3 or 4, or [n, h * w] with `imageShape`)
 * in a grid and returns RGBA pixels. Does not dispose its input.
 *
 * @example
 * const picture = await imageGrid(samples, { columns: 8, scale: 2 }); // samples: [64, 28, 28]
 * await writePng('samples.png', picture);
 */
export async function imageGrid(images: ImagesInput, options: ImageGridOptions = {}): Promise<RgbaImage> {
  const fn = 'imageGrid';
  let values: ArrayLike<number>;
  let shape: number[];
  if (images instanceof tf.Tensor) {
    if (images.isDisposed) throw new InvalidArgumentError(`Argument 'images' passed to '${fn}' is disposed.`);
    values = await images.data();
    shape = images.shape;
  } else if (images !== null && typeof images === 'object' && Array.isArray(images.shape) && images.values !== undefined) {
    values = images.values;
    shape = images.shape;
  } else {
    throw new InvalidArgumentError(`Argument 'images' passed to '${fn}' must be a tensor or {values, shape}, but got ${describeValue(images)}.`);
  }
  const { padding = 1, scale = 1, range = [0, 1], background = 0.5, imageShape } = options;
  if (shape.length === 2) {
    if (!imageShape || imageShape[0] * imageShape[1] !== shape[1]) {
      throw new ShapeError(
        `Argument 'images' passed to '${fn}' has shape ${describeValue(shape)}; rank-2 input needs options.imageShape [h, w] with h * w = ${shape[1]}.`,
      );
    }
    shape = [shape[0], imageShape[0], imageShape[1], 1];
  } else if (shape.length === 3) {
    shape = [...shape, 1];
  }
  if (shape.length !== 4 || ![1, 3, 4].includes(shape[3])) {
    throw new ShapeError(`Argument 'images' passed to '${fn}' must have shape [n, h, w] or [n, h, w, c] with c in 1, 3, 4, but got ${describeValue(images.shape)}.`);
  }
  const [n, h, w, c] = shape;
  if (n < 1 || h < 1 || w < 1) throw new ShapeError(`Argument 'images' passed to '${fn}' is empty (shape ${describeValue(images.shape)}).`);
  if (values.length !== n * h * w * c) throw new ShapeError(`Argument 'images' passed to '${fn}' has ${values.length} values for shape ${describeValue(images.shape)}.`);
  const columns = options.columns ?? Math.ceil(Math.sqrt(n));
  checkNumber(fn, 'columns', columns, { min: 1, integer: true });
  checkNumber(fn, 'padding', padding, { min: 0, integer: true });
  checkNumber(fn, 'scale', scale, { min: 1, max: 64, integer: true });
  checkNumber(fn, 'background', background, { min: 0, max: 1 });
  if (!Array.isArray(range) || range.length !== 2 || !(range[1] > range[0]) || !range.every(Number.isFinite)) {
    throw new InvalidArgumentError(`Argument 'range' passed to '${fn}' must be [min, max] with min < max, but got ${describeValue(range)}.`);
  }
  const rows = Math.ceil(n / Math.min(columns, n));
  const cols = Math.min(columns, n);
  const width = (cols * (w + padding) + padding) * scale;
  const height = (rows * (h + padding) + padding) * scale;
  if (width * height > 2 ** 28) throw new InvalidArgumentError(`'${fn}' would make a ${width}x${height} picture, too large.`);
  const pixels = new Uint8ClampedArray(4 * width * height);
  const grey = Math.round(background * 255);
  for (let i = 0; i < pixels.length; i += 4) {
    pixels[i] = pixels[i + 1] = pixels[i + 2] = grey;
    pixels[i + 3] = 255;
  }
  const [lo, hi] = range;
  const toByte = (v: number) => (Number.isNaN(v) ? 0 : Math.round(((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo)) * 255));
  for (let k = 0; k < n; k++) {
    const top = (Math.floor(k / cols) * (h + padding) + padding) * scale;
    const left = ((k % cols) * (w + padding) + padding) * scale;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const src = ((k * h + y) * w + x) * c;
        const r = toByte(values[src]);
        const g = c >= 3 ? toByte(values[src + 1]) : r;
        const b = c >= 3 ? toByte(values[src + 2]) : r;
        const a = c === 4 ? toByte(values[src + 3]) : 255;
        for (let sy = 0; sy < scale; sy++) {
          let o = 4 * ((top + y * scale + sy) * width + left + x * scale);
          for (let sx = 0; sx < scale; sx++, o += 4) {
            pixels[o] = r;
            pixels[o + 1] = g;
            pixels[o + 2] = b;
            pixels[o + 3] = a;
          }
        }
      }
    }
  }
  return { pixels, width, height };
}

/**
 * Browser helper: an `ImageData` of the picture, for `ctx.putImageData`.
 *
 * @example
 * canvas.getContext('2d').putImageData(toImageData(await imageGrid(samples)), 0, 0);
 */
export function toImageData(image: RgbaImage): ImageData {
  if (typeof ImageData !== 'function') throw new InvalidArgumentError("'toImageData' needs ImageData (a browser or worker); in Node use encodePng.");
  return new ImageData(new Uint8ClampedArray(image.pixels), image.width, image.height);
}

/**
 * Browser helper: resizes `canvas` to the picture and draws it.
 *
 * @example
 * drawToCanvas(document.querySelector('canvas'), await imageGrid(samples, { scale: 3 }));
 */
export function drawToCanvas(canvas: HTMLCanvasElement | OffscreenCanvas, image: RgbaImage): void {
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!context) throw new InvalidArgumentError("'drawToCanvas' could not get a 2d context from the canvas.");
  context.putImageData(toImageData(image), 0, 0);
}
