// Draws a worker's `SampleView` on the page's canvas with the 2-D canvas API (no tfjs here).
import type { SampleView } from './protocol.js';

const SIZE = 480;
/** Component colours (Tableau 10, as @gen/core's PALETTE). */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

function drawPoints(ctx: CanvasRenderingContext2D, view: Extract<SampleView, { kind: 'points' }>): void {
  const { extent } = view;
  // Data coordinates [-extent, extent]^2 to pixels, y up.
  const px = (x: number) => ((x + extent) / (2 * extent)) * SIZE;
  const py = (y: number) => ((extent - y) / (2 * extent)) * SIZE;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, SIZE, SIZE);
  ctx.fillStyle = '#d0d0d0';
  for (let i = 0; i < view.data.length; i += 2) ctx.fillRect(px(view.data[i]) - 1, py(view.data[i + 1]) - 1, 2, 2);
  for (let i = 0; i < view.points.length / 2; i++) {
    ctx.fillStyle = view.labels ? PALETTE[view.labels[i] % PALETTE.length] : PALETTE[0];
    ctx.fillRect(px(view.points[2 * i]) - 1.5, py(view.points[2 * i + 1]) - 1.5, 3, 3);
  }
  if (view.centers) {
    ctx.strokeStyle = '#000000';
    ctx.lineWidth = 2;
    for (let c = 0; c < view.centers.length / 2; c++) {
      const [x, y] = [px(view.centers[2 * c]), py(view.centers[2 * c + 1])];
      ctx.beginPath();
      ctx.moveTo(x - 6, y - 6);
      ctx.lineTo(x + 6, y + 6);
      ctx.moveTo(x - 6, y + 6);
      ctx.lineTo(x + 6, y - 6);
      ctx.stroke();
    }
  }
}

function drawText(ctx: CanvasRenderingContext2D, lines: string[]): void {
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, SIZE, SIZE);
  ctx.fillStyle = '#222222';
  ctx.font = '28px ui-monospace, monospace';
  ctx.textBaseline = 'top';
  lines.forEach((line, i) => ctx.fillText(line === '' ? '(empty)' : line, 24, 24 + i * 54));
}

/** Draws `view` on `canvas` (480x480 for points and text; the picture's own size for images). */
export function drawSamples(canvas: HTMLCanvasElement, view: SampleView): void {
  const [width, height] = view.kind === 'image' ? [view.width, view.height] : [SIZE, SIZE];
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('No 2d canvas context.');
  if (view.kind === 'image') ctx.putImageData(new ImageData(new Uint8ClampedArray(view.pixels), view.width, view.height), 0, 0);
  else if (view.kind === 'points') drawPoints(ctx, view);
  else drawText(ctx, view.lines);
}

/** Draws the loss curve (finite losses only) on `canvas`, one vertical bin of steps per pixel column. */
export function drawLossCurve(canvas: HTMLCanvasElement, losses: readonly number[], firstStep: number): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('No 2d canvas context.');
  const { width, height } = canvas;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  // The mean loss of each column's steps, so a long run still draws in O(width) segments.
  const perColumn = Math.max(1, Math.ceil(losses.length / width));
  const columns: number[] = [];
  for (let start = 0; start < losses.length; start += perColumn) {
    let sum = 0;
    let count = 0;
    for (let i = start; i < Math.min(start + perColumn, losses.length); i++) {
      if (Number.isFinite(losses[i])) {
        sum += losses[i];
        count += 1;
      }
    }
    columns.push(count ? sum / count : NaN);
  }
  const finite = columns.filter(Number.isFinite);
  if (finite.length < 2) return;
  const [low, high] = [Math.min(...finite), Math.max(...finite)];
  const y = (v: number) => height - 4 - ((v - low) / (high - low || 1)) * (height - 8);
  ctx.strokeStyle = PALETTE[0];
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  let drawing = false;
  columns.forEach((v, i) => {
    if (!Number.isFinite(v)) return void (drawing = false);
    const x = (i / Math.max(1, columns.length - 1)) * (width - 1);
    if (drawing) ctx.lineTo(x, y(v));
    else ctx.moveTo(x, y(v));
    drawing = true;
  });
  ctx.stroke();
  ctx.fillStyle = '#666666';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  ctx.fillText(`${high.toPrecision(3)}`, 2, 2);
  ctx.textBaseline = 'bottom';
  ctx.fillText(`${low.toPrecision(3)}  (steps ${firstStep + 1}–${firstStep + losses.length})`, 2, height - 2);
}
