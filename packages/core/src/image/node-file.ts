// Node helpers to write pictures; `node:fs` is imported dynamically so browser bundles never load it.
import { InvalidArgumentError, describeValue } from '../errors.js';
import type { RgbaImage } from './grid.js';
import { encodePng } from './png.js';

/**
 * Writes an RGBA picture (from `imageGrid`) as a PNG file. Node only.
 *
 * @example
 * await writePng('out/samples.png', await imageGrid(samples, { columns: 8 }));
 */
export async function writePng(path: string, image: RgbaImage): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new InvalidArgumentError(`Argument 'path' passed to 'writePng' must be a non-empty string, but got ${describeValue(path)}.`);
  }
  if (image === null || typeof image !== 'object') {
    throw new InvalidArgumentError(`Argument 'image' passed to 'writePng' must be {pixels, width, height}, but got ${describeValue(image)}.`);
  }
  const bytes = await encodePng(image.pixels, image.width, image.height);
  const fs = await import('node:fs/promises');
  await fs.writeFile(path, bytes);
}

/**
 * Writes an SVG string (from `lineChartSvg` or `scatterSvg`) to a file. Node only.
 *
 * @example
 * await writeSvg('out/loss.svg', lineChartSvg([{ name: 'train', y: losses }], { title: 'Loss' }));
 */
export async function writeSvg(path: string, svg: string): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new InvalidArgumentError(`Argument 'path' passed to 'writeSvg' must be a non-empty string, but got ${describeValue(path)}.`);
  }
  if (typeof svg !== 'string' || !svg.startsWith('<svg')) {
    throw new InvalidArgumentError(`Argument 'svg' passed to 'writeSvg' must be an SVG document string, but got ${describeValue(svg)}.`);
  }
  const fs = await import('node:fs/promises');
  await fs.writeFile(path, svg, 'utf8');
}
