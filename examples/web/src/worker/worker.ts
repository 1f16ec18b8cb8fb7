// The training worker: owns tfjs, the backend and the model, so the page's main thread only draws.
// Requests are handled one at a time, in order; training runs in the background between them and
// yields to the event loop often, so `stop` and `save` are answered within a step or two.
import { saveCheckpointToBrowser, loadCheckpointFromBrowser } from '@gen/core';
import { storageName, type BackendChoice, type ModelName, type Reply, type Request } from '../protocol.js';
import { useBackend } from './backend.js';
import { checkpointConfig, type ModelAdapter, type ModelFactory } from './model.js';
import { charLm } from './models/char-lm.js';
import { diffusion2d } from './models/diffusion-2d.js';
import { gmm } from './models/gmm.js';
import { vaeDigits } from './models/vae-digits.js';

const FACTORIES: Record<ModelName, ModelFactory> = { 'diffusion-2d': diffusion2d, gmm, 'vae-digits': vaeDigits, 'char-lm': charLm };
/**
 * At least this long between sample pictures, and at least twice the time the last one took, so
 * training gets most of the time even where sampling is slow (seconds on a software GPU).
 */
const SAMPLE_EVERY_MS = 800;
const PROGRESS_EVERY_MS = 100;
/** Longest stretch of training without giving queued messages a chance to run. */
const YIELD_EVERY_MS = 30;

let model: ModelAdapter | null = null;
let backend = '';
let adapter = '';
let running: { controller: AbortController; done: Promise<void> } | null = null;
/** The step of the samples on the page (-1: none of this model yet). */
let shownStep = -1;
/** Work that must see the model between two updates (a save while training), run by the loop. */
let atStepBoundary: Array<() => Promise<void>> = [];
/** Cuts short the picture being drawn, so queued step-boundary work need not wait for it. */
let interruptSampling: AbortController | null = null;

function post(reply: Reply, transfer: Transferable[] = []): void {
  self.postMessage(reply, { transfer });
}

function status(state: Extract<Reply, { type: 'status' }>['state'], detail?: string): void {
  post({ type: 'status', state, model: model?.name, backend, adapter, detail });
}

/** Lets queued messages (stop, save, ...) run: a macrotask, not just a microtask. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function publishSamples(current: ModelAdapter, signal?: AbortSignal): Promise<number> {
  const started = performance.now();
  const view = await current.samples(signal);
  const sampleMs = performance.now() - started;
  const transfer = view.kind === 'image' ? [view.pixels.buffer] : view.kind === 'points' ? [view.points.buffer] : [];
  post({ type: 'samples', step: current.step, view, sampleMs }, transfer as Transferable[]);
  shownStep = current.step;
  return sampleMs;
}

async function runStepBoundaryWork(): Promise<void> {
  const work = atStepBoundary;
  atStepBoundary = [];
  for (const job of work) await job();
}

/** Runs `job` between two updates of the running training loop (or now, when none runs). */
function betweenSteps<T>(job: () => Promise<T>): Promise<T> {
  if (!running) return job();
  return new Promise<T>((resolve, reject) => {
    atStepBoundary.push(() => job().then(resolve, reject));
    interruptSampling?.abort();
  });
}

function startTraining(current: ModelAdapter): void {
  const controller = new AbortController();
  const done = (async () => {
    status('training');
    let sampleMs = 0;
    /** Samples unless stopped (returns false) or interrupted by a save (no picture this time). */
    const sample = async (): Promise<boolean> => {
      const interrupt = new AbortController();
      interruptSampling = interrupt;
      try {
        sampleMs = await publishSamples(current, AbortSignal.any([controller.signal, interrupt.signal]));
      } catch (error) {
        if (controller.signal.aborted) return false;
        if (!interrupt.signal.aborted) throw error;
      } finally {
        interruptSampling = null;
      }
      return true;
    };
    // The first picture of a new model at once (its time, which includes compiling the GPU
    // kernels, does not set the pace); after a resume the page already has one. If a stop comes
    // meanwhile, `train` below returns at once.
    if (shownStep < 0) await sample();
    sampleMs = 0;
    let lastSamples = performance.now();
    let lastProgress = 0;
    let lastYield = performance.now();
    let rateFrom = { time: performance.now(), step: current.step };
    let stepsPerSecond = 0;
    let lastLoss = NaN;
    let losses: number[] = []; // since the last progress message
    const progress = (step: number) => {
      const batch = Float64Array.from(losses);
      post({ type: 'progress', step, loss: lastLoss, stepsPerSecond, losses: batch }, [batch.buffer]);
      losses = [];
    };
    try {
      await current.train(controller.signal, async (step, loss) => {
        lastLoss = loss;
        losses.push(loss);
        await runStepBoundaryWork();
        const now = performance.now();
        if (now - lastProgress >= PROGRESS_EVERY_MS) {
          if (now - rateFrom.time >= 1000) {
            stepsPerSecond = ((step - rateFrom.step) * 1000) / (now - rateFrom.time);
            rateFrom = { time: now, step };
          }
          progress(step);
          lastProgress = now;
        }
        if (now - lastSamples >= Math.max(SAMPLE_EVERY_MS, 2 * sampleMs)) {
          if (!(await sample())) return; // stopped while sampling: the loop ends before another update
          lastSamples = performance.now();
          await runStepBoundaryWork(); // a save that came while sampling need not wait for another update
        }
        if (performance.now() - lastYield >= YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      });
    } finally {
      await runStepBoundaryWork(); // a save queued as the loop stopped
    }
    // A model about to be replaced says nothing more (the page has already moved on to the next).
    if (controller.signal.reason?.replacing) return;
    progress(current.step);
    // No final samples: the page's are at most a couple of sampling times old, and stopping
    // should not wait seconds for a picture.
    status('stopped');
  })()
    .catch((error: unknown) => {
      post({ type: 'error', message: String((error as Error)?.message ?? error) });
      status('error');
    })
    .finally(() => {
      // A loop that ended by itself (an error) no longer runs: resume and save must see that.
      if (running?.controller === controller) running = null;
    });
  running = { controller, done };
}

/** Stops the training loop, if one runs; `replacing`: the model is about to go, so no final progress. */
async function stopTraining(replacing = false): Promise<boolean> {
  if (!running) return false;
  running.controller.abort({ replacing });
  await running.done; // clears `running`
  return true;
}

async function replaceModel(choice: BackendChoice, make: () => Promise<ModelAdapter>): Promise<ModelAdapter> {
  await stopTraining(true);
  model?.dispose();
  model = null;
  shownStep = -1;
  status('preparing', 'starting the backend');
  const chosen = await useBackend(choice);
  backend = chosen.name;
  adapter = chosen.adapter ?? '';
  status('preparing', 'loading data and building the model');
  model = await make();
  return model;
}

async function loadBytes(bytes: Uint8Array, choice: BackendChoice): Promise<void> {
  const config = checkpointConfig(bytes);
  const factory = Object.values(FACTORIES).find((f) => f.recognises(config));
  if (!factory) throw new Error('This checkpoint was not written by the playground (unknown model).');
  const current = await replaceModel(choice, () => factory.load(bytes, config));
  post({ type: 'loaded', model: current.name, step: current.step });
  post({ type: 'progress', step: current.step, loss: NaN, stepsPerSecond: 0, losses: new Float64Array(0) });
  await publishSamples(current);
  status('stopped');
}

async function handle(request: Request): Promise<void> {
  switch (request.type) {
    case 'start': {
      const current = await replaceModel(request.options.backend, () => FACTORIES[request.model].create(request.options));
      startTraining(current);
      return;
    }
    case 'stop':
      await stopTraining();
      return;
    case 'resume':
      if (model && !running) startTraining(model);
      return;
    case 'save': {
      const current = model;
      if (!current) throw new Error('Nothing to save: start or load a model first.');
      // Between two updates, so training goes on without a stop and a restart.
      const { bytes, step } = await betweenSteps(async () => ({ bytes: await current.save(), step: current.step }));
      // Also keep it in the browser (OPFS, else IndexedDB) for "Load last saved".
      let storedIn: string | null = null;
      try {
        storedIn = await saveCheckpointToBrowser(storageName(current.name), bytes);
      } catch {
        storedIn = null;
      }
      const copy = bytes.slice().buffer; // exactly these bytes, transferred to the page
      post({ type: 'saved', model: current.name, step, bytes: copy, storedIn }, [copy]);
      return;
    }
    case 'load':
      await loadBytes(new Uint8Array(request.bytes), request.backend);
      return;
    case 'loadStored':
      await loadBytes(await loadCheckpointFromBrowser(storageName(request.model)), request.backend);
      return;
  }
}

let queue: Promise<void> = Promise.resolve();
self.onmessage = (event: MessageEvent<Request>) => {
  queue = queue
    .then(() => handle(event.data))
    .catch((error: unknown) => {
      post({ type: 'error', message: String((error as Error)?.message ?? error) });
      status(running ? 'training' : model ? 'stopped' : 'idle');
    });
};
