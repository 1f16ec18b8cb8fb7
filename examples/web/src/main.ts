// The page: controls, status and the samples canvas. It never imports tfjs; the worker trains and
// sends plain data (samples, progress, checkpoint bytes), which this thread only draws.
import { drawLossCurve, drawSamples } from './draw.js';
import { BACKEND_CHOICES, type BackendChoice, type Dataset2D, type ModelName, type Reply, type Request } from './protocol.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  model: $<HTMLSelectElement>('model'),
  dataset: $<HTMLSelectElement>('dataset'),
  datasetLabel: $<HTMLLabelElement>('dataset-label'),
  backendChoice: $<HTMLSelectElement>('backend-choice'),
  start: $<HTMLButtonElement>('start'),
  stop: $<HTMLButtonElement>('stop'),
  resume: $<HTMLButtonElement>('resume'),
  save: $<HTMLButtonElement>('save'),
  loadFile: $<HTMLInputElement>('load-file'),
  loadStored: $<HTMLButtonElement>('load-stored'),
  backend: $('backend'),
  adapter: $('adapter'),
  state: $('state'),
  step: $('step'),
  loss: $('loss'),
  rate: $('rate'),
  sampleCount: $('sample-count'),
  sampleStep: $('sample-step'),
  fps: $('fps'),
  message: $('message'),
  canvas: $<HTMLCanvasElement>('samples'),
  lossChart: $<HTMLCanvasElement>('loss-chart'),
};

// ?backend=wasm (or webgpu, cpu) preselects a backend; ?model=gmm a model.
const params = new URLSearchParams(location.search);
const asked = params.get('backend');
if (asked && (BACKEND_CHOICES as readonly string[]).includes(asked)) ui.backendChoice.value = asked;
if (params.get('model')) ui.model.value = params.get('model')!;

const worker = new Worker(new URL('./worker/worker.ts', import.meta.url), { type: 'module' });
const send = (request: Request, transfer: Transferable[] = []) => worker.postMessage(request, transfer);

let sampleUpdates = 0;
/** The loss of every update of this run: `losses[i]` is step `lossesFrom + i + 1`'s. */
let losses: number[] = [];
let lossesFrom = 0;
function resetLosses(fromStep: number): void {
  losses = [];
  lossesFrom = fromStep;
  drawLossCurve(ui.lossChart, losses, lossesFrom);
}

/** Every error the page showed (for tests). */
const errors: string[] = [];

function say(text: string, isError = false): void {
  ui.message.textContent = text;
  ui.message.classList.toggle('error', isError);
  if (isError) errors.push(text);
}

function showDatasetChoice(): void {
  const twoD = ui.model.value === 'diffusion-2d' || ui.model.value === 'gmm';
  ui.datasetLabel.hidden = !twoD;
}

function setButtons(state: string): void {
  const training = state === 'training';
  const busy = state === 'preparing';
  ui.start.disabled = busy;
  ui.stop.disabled = !training;
  ui.resume.disabled = state !== 'stopped';
  ui.save.disabled = !(training || state === 'stopped');
}

/** Offers bytes as a file download (what `downloadCheckpoint` in @gen/core does, without tfjs). */
function download(bytes: ArrayBuffer, filename: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

worker.onmessage = (event: MessageEvent<Reply>) => {
  const reply = event.data;
  switch (reply.type) {
    case 'status':
      ui.state.textContent = reply.detail ? `${reply.state}: ${reply.detail}` : reply.state;
      ui.state.dataset.state = reply.state;
      if (reply.backend) ui.backend.textContent = reply.backend;
      ui.adapter.textContent = reply.adapter || '–';
      setButtons(reply.state);
      break;
    case 'progress':
      ui.step.textContent = String(reply.step);
      ui.loss.textContent = Number.isFinite(reply.loss) ? reply.loss.toFixed(4) : '–';
      ui.rate.textContent = reply.stepsPerSecond > 0 ? reply.stepsPerSecond.toFixed(1) : '–';
      if (reply.losses.length > 0) {
        // Steps step - n + 1 .. step; anything from before a resume point is overwritten.
        losses.length = Math.max(0, reply.step - reply.losses.length - lossesFrom);
        losses.push(...reply.losses);
        drawLossCurve(ui.lossChart, losses, lossesFrom);
      }
      break;
    case 'samples':
      drawSamples(ui.canvas, reply.view);
      sampleUpdates += 1;
      ui.sampleCount.textContent = String(sampleUpdates);
      ui.sampleStep.textContent = `${reply.step} (${reply.sampleMs.toFixed(0)} ms to sample)`;
      break;
    case 'saved':
      download(reply.bytes, `${reply.model}-step-${reply.step}.safetensors`);
      say(`Saved ${reply.model} at step ${reply.step}: ${reply.bytes.byteLength} bytes (downloaded${reply.storedIn ? `, and kept in ${reply.storedIn}` : ''}).`);
      break;
    case 'loaded':
      ui.model.value = reply.model;
      resetLosses(reply.step);
      showDatasetChoice();
      say(`Loaded ${reply.model} at step ${reply.step}. Press Resume to continue training.`);
      break;
    case 'error':
      say(reply.message, true);
      break;
  }
};
worker.onerror = (event) => say(`Worker error: ${event.message}`, true);

ui.model.onchange = showDatasetChoice;
ui.start.onclick = () => {
  say('');
  resetLosses(0);
  send({
    type: 'start',
    model: ui.model.value as ModelName,
    options: { backend: ui.backendChoice.value as BackendChoice, dataset: ui.dataset.value as Dataset2D, seed: 0 },
  });
};
ui.stop.onclick = () => send({ type: 'stop' });
ui.resume.onclick = () => send({ type: 'resume' });
ui.save.onclick = () => send({ type: 'save' });
ui.loadStored.onclick = () => send({ type: 'loadStored', model: ui.model.value as ModelName, backend: ui.backendChoice.value as BackendChoice });
ui.loadFile.onchange = async () => {
  const file = ui.loadFile.files?.[0];
  if (!file) return;
  const bytes = await file.arrayBuffer();
  ui.loadFile.value = '';
  send({ type: 'load', bytes, backend: ui.backendChoice.value as BackendChoice }, [bytes]);
};

// Responsiveness while the worker trains: animation frames per second (shown), and how late a
// 50 ms timer fires on this thread (its event-loop lag; what a blocked main thread would show).
const frames = { count: 0, last: performance.now() };
const timer = { ticks: 0, worstLagMs: 0, expected: performance.now() + 50 };
let fpsFrom = { time: performance.now(), count: 0 };
function tick(now: number): void {
  frames.count += 1;
  frames.last = now;
  if (now - fpsFrom.time >= 1000) {
    ui.fps.textContent = (((frames.count - fpsFrom.count) * 1000) / (now - fpsFrom.time)).toFixed(0);
    fpsFrom = { time: now, count: frames.count };
  }
  requestAnimationFrame(tick);
}
requestAnimationFrame(tick);
setInterval(() => {
  const now = performance.now();
  timer.worstLagMs = Math.max(timer.worstLagMs, now - timer.expected);
  timer.ticks += 1;
  timer.expected = now + 50;
}, 50);
// For tests: responsiveness, the errors shown, and the loss of an update of the current run
// (undefined if not seen).
const lossAt = (step: number): number | undefined => losses[step - lossesFrom - 1];
(window as unknown as { playground: unknown }).playground = { frames, timer, errors, lossAt };

showDatasetChoice();
setButtons('idle');
