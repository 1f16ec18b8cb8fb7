// Messages between the page (main thread) and the training worker. Plain data only: the page never
// imports tfjs, so everything it draws arrives as numbers, pixels or strings.

/** The models the playground can train. */
export const MODEL_NAMES = ['diffusion-2d', 'gmm', 'vae-digits', 'char-lm'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** Backends the page may ask for; `auto` is webgpu, then wasm, then cpu. */
export const BACKEND_CHOICES = ['auto', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** 2-D data sets for the diffusion and GMM models (generated from a seed by @gen/core). */
export const DATASETS_2D = ['moons', 'swissRoll', 'eightGaussians', 'checkerboard', 'pinwheel', 'circles'] as const;
export type Dataset2D = (typeof DATASETS_2D)[number];

/** What a model adapter needs to start from scratch. */
export interface StartOptions {
  backend: BackendChoice;
  /** For the 2-D models. */
  dataset: Dataset2D;
  seed: number;
}

/** What the page shows as the current samples. */
export type SampleView =
  /** RGBA pixels (row-major, 4 bytes per pixel), e.g. a grid of generated digits. */
  | { kind: 'image'; width: number; height: number; pixels: Uint8ClampedArray }
  /** Generated 2-D points [n, 2] over the training data (grey), in the square `extent`. */
  | { kind: 'points'; points: Float32Array; data: Float32Array; extent: number; labels?: Int32Array; centers?: Float32Array }
  /** Generated text, one sample per line. */
  | { kind: 'text'; lines: string[] };

/** Page to worker. */
export type Request =
  | { type: 'start'; model: ModelName; options: StartOptions }
  | { type: 'stop' }
  | { type: 'resume' }
  | { type: 'save' }
  | { type: 'load'; bytes: ArrayBuffer; backend: BackendChoice }
  | { type: 'loadStored'; model: ModelName; backend: BackendChoice };

export type TrainingState = 'idle' | 'preparing' | 'training' | 'stopped' | 'error';

/** Worker to page. */
export type Reply =
  | { type: 'status'; state: TrainingState; model?: ModelName; backend?: string; adapter?: string; detail?: string }
  /** `losses` holds the loss of every update since the previous message: steps `step - losses.length + 1` to `step`. */
  | { type: 'progress'; step: number; loss: number; stepsPerSecond: number; losses: Float64Array }
  | { type: 'samples'; step: number; view: SampleView; sampleMs: number }
  /** A checkpoint: the bytes, and where else it was kept (`opfs` or `indexeddb`). */
  | { type: 'saved'; model: ModelName; step: number; bytes: ArrayBuffer; storedIn: string | null }
  | { type: 'loaded'; model: ModelName; step: number }
  | { type: 'error'; message: string };

/** The key under which checkpoints are kept in the browser (OPFS or IndexedDB), per model. */
export function storageName(model: ModelName): string {
  return `playground-${model}`;
}
