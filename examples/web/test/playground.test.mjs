// The playground test: builds examples/web with Vite, serves it on 127.0.0.1, and drives Debian's
// chromium (WebGPU through SwiftShader, the flags of scripts/lib/chromium.mjs). For each model it
// trains briefly and checks: the backend is webgpu, the samples canvas changes, the page stays
// responsive while the worker trains, stop and resume work, a saved checkpoint is non-empty, and
// loading it (from the file, and from OPFS/IndexedDB while training) restores its step, from which
// training continues (for the tfjs models with exactly the loss the saved run had at the next step).
// Screenshots go to out/playground/<model>.png (training) and <model>-loaded.png; counts to
// test-results/playground.json.
// Run: pnpm test:playground   (PLAYGROUND_MODELS=gmm,char-lm for a subset; PLAYGROUND_SKIP_BUILD=1 reuses dist)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../../scripts/lib/chromium.mjs';
import { serveStatic } from '../../../scripts/lib/static-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const app = join(here, '..');
const repo = join(app, '..', '..');
const shots = join(repo, 'out', 'playground');
const downloads = mkdtempSync(join(tmpdir(), 'gen-playground-'));
const MODELS = (process.env.PLAYGROUND_MODELS ?? 'diffusion-2d,gmm,vae-digits,char-lm').split(',');
/**
 * Models whose checkpoint holds everything training depends on (params, optimizer slots, step,
 * RNG state; batches are a function of the step), so a loaded model's next loss equals the saved
 * run's. Not the GMM: its online-EM statistics are not public and are rebuilt from the parameters.
 */
const EXACT_RESUME = new Set(['diffusion-2d', 'vae-digits', 'char-lm']);
/**
 * Dawn zero-fills workgroup memory at the start of every shader; on SwiftShader that makes shader
 * compilation and every dispatch 2-3x slower (first diffusion samples 12 s -> 5 s at load 4). tfjs's
 * kernels write workgroup memory before reading it, and the losses are bit-identical with and
 * without it (checked: the first 4 updates of each tfjs model), so the test turns it off. The
 * backend is still webgpu.
 */
const TEST_ONLY_ARGS = ['--enable-dawn-features=disable_workgroup_init'];
const started = Date.now();
const checks = [];

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function check(name, fn) {
  const start = Date.now();
  try {
    const detail = await fn();
    checks.push({ name, ok: true, ms: Date.now() - start, detail });
    console.log(`  ✓ ${name} (${((Date.now() - start) / 1000).toFixed(1)} s)${detail ? ` ${detail}` : ''}`);
    return true;
  } catch (error) {
    const message = [error.message, error.stdout, error.stderr].filter(Boolean).join('\n').slice(-3000);
    checks.push({ name, ok: false, ms: Date.now() - start, message });
    console.log(`  ✗ ${name}\n${message.replace(/^/gm, '    ')}`);
    return false;
  }
}

const shot = new Set();
async function shoot(page, name) {
  shot.add(name);
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** FNV-1a hash of the canvas pixels, computed in the page. */
const canvasHash = (page) =>
  page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="samples"]');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let h = 0x811c9dc5;
    for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 0x01000193);
    return `${canvas.width}x${canvas.height}:${(h >>> 0).toString(16)}`;
  });
const text = (page, id) => page.textContent(`[data-testid="${id}"]`);
const number = async (page, id) => Number(await text(page, id));
const waitFor = (page, fn, arg, timeout = 60_000) => page.waitForFunction(fn, arg, { timeout, polling: 50 });
const waitState = (page, state, timeout) =>
  waitFor(page, (s) => document.querySelector('[data-testid="state"]').dataset.state === s, state, timeout);
const waitSamples = (page, atLeast, timeout) =>
  waitFor(page, (n) => Number(document.querySelector('[data-testid="sample-count"]').textContent) >= n, atLeast, timeout);
const waitStep = (page, above, timeout) =>
  waitFor(page, (n) => Number(document.querySelector('[data-testid="step"]').textContent) > n, above, timeout);
const errorText = async (page) => {
  const message = await page.$eval('[data-testid="message"]', (el) => (el.classList.contains('error') ? el.textContent : ''));
  return message ? ` (page says: ${message})` : '';
};

/**
 * Starts measuring the main thread's responsiveness (its 50 ms timer, and round trips from the test
 * every 50 ms); `stop()` (after at least `minMs`) gives the figures.
 */
function watchResponsiveness(page, minMs = 1500) {
  const startedAt = Date.now();
  const latencies = [];
  let running = true;
  const before = page.evaluate(() => {
    const { timer, frames } = window.playground;
    timer.worstLagMs = 0;
    return { ticks: timer.ticks, frames: frames.count };
  });
  const pinging = (async () => {
    await before;
    while (running) {
      const t0 = Date.now();
      await page.evaluate(() => document.querySelector('[data-testid="step"]').textContent);
      latencies.push(Date.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
  })().catch((error) => {
    running = false; // the page went away (an earlier check failed); stop() reports it
    return error;
  });
  return {
    async stop() {
      const wait = minMs - (Date.now() - startedAt);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      running = false;
      const failed = await pinging;
      if (failed) throw failed;
      const start = await before;
      const after = await page.evaluate(() => ({
        ticks: window.playground.timer.ticks,
        frames: window.playground.frames.count,
        worstLagMs: window.playground.timer.worstLagMs,
        state: document.querySelector('[data-testid="state"]').dataset.state,
      }));
      return {
        ms: Date.now() - startedAt,
        ticks: after.ticks - start.ticks,
        frames: after.frames - start.frames,
        worstLagMs: after.worstLagMs,
        state: after.state,
        roundTrips: latencies.length,
        worstRoundTrip: Math.max(...latencies),
      };
    },
  };
}

/** One model on the shared page (one worker, so later models reuse the GPU kernels compiled for earlier ones). */
async function testModel(page, model) {
  await page.selectOption('[data-testid="model"]', model);
  await page.click('[data-testid="start"]');
  // Each check needs the previous ones; after a failure the rest of this model is skipped.
  let responsiveness = null; // measured while waiting for the second samples
  const ok =
    (await check(`${model}: trains on webgpu and the samples canvas changes`, async () => {
      await waitSamples(page, (await number(page, 'sample-count')) + 1, 120_000).catch(async (e) => assert(false, `no samples: ${e.message}${await errorText(page)}`));
      const backend = await text(page, 'backend');
      assert(backend === 'webgpu', `expected backend webgpu, got '${backend}'`);
      const first = await canvasHash(page);
      const firstStep = await text(page, 'sample-step');
      responsiveness = watchResponsiveness(page);
      // Sample updates until the picture differs (an update after a single step may not move a pixel).
      const deadline = Date.now() + 60_000;
      let later = first;
      let updates = 0;
      while (later === first) {
        const count = await number(page, 'sample-count');
        await waitSamples(page, count + 1, Math.max(1, deadline - Date.now())).catch(async (e) =>
          assert(false, `canvas unchanged (${first}) over ${updates} sample updates: ${e.message}${await errorText(page)}`),
        );
        updates += 1;
        later = await canvasHash(page);
      }
      return `backend ${backend} (${await text(page, 'adapter')}); canvas ${first} at step ${firstStep.split(' ')[0]} -> ${later} at step ${(await text(page, 'sample-step')).split(' ')[0]} (update ${updates})`;
    })) &&
    (await check(`${model}: the page stays responsive while the worker trains`, async () => {
      const r = await responsiveness.stop();
      assert(r.state === 'training', `not training: ${r.state}`);
      // A 50 ms timer on the main thread: how often it fired and how late (a blocked thread shows both).
      assert(r.ticks >= (0.5 * r.ms) / 50, `a 50 ms timer fired only ${r.ticks} times in ${r.ms} ms of training`);
      assert(r.worstLagMs < 500, `the main thread was blocked for ${r.worstLagMs.toFixed(0)} ms`);
      assert(r.worstRoundTrip < 500, `a round trip to the main thread took ${r.worstRoundTrip} ms`);
      return `over ${(r.ms / 1000).toFixed(1)} s of training and sampling: 50 ms timer fired ${r.ticks} times, worst lag ${r.worstLagMs.toFixed(0)} ms; slowest of ${r.roundTrips} round trips ${r.worstRoundTrip} ms; ${r.frames} animation frames`;
    })) &&
    (await check(`${model}: stop holds the step, resume continues it`, async () => {
      await page.click('[data-testid="stop"]');
      await waitState(page, 'stopped', 60_000);
      const stopped = await number(page, 'step');
      await page.waitForTimeout(500);
      const still = await number(page, 'step');
      assert(still === stopped, `step moved from ${stopped} to ${still} while stopped`);
      await page.click('[data-testid="resume"]');
      await waitStep(page, stopped, 60_000);
      return `stopped at ${stopped}, resumed to ${await text(page, 'step')}`;
    }));
  if (!ok) return;
  await saveAndLoad(page, model);
}

async function saveAndLoad(page, model) {
  let saved = null;
  const savedOk = await check(`${model}: save gives checkpoint bytes (download + browser storage)`, async () => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('[data-testid="save"]')]);
    const name = download.suggestedFilename();
    const match = /-step-(\d+)\.safetensors$/.exec(name);
    assert(match, `unexpected download name ${name}`);
    const path = join(downloads, name);
    await download.saveAs(path);
    const bytes = statSync(path).size;
    assert(bytes > 0, 'empty checkpoint');
    await waitFor(page, () => /Saved .* bytes/.test(document.querySelector('[data-testid="message"]').textContent), null, 10_000);
    const message = await text(page, 'message');
    assert(/kept in (opfs|indexeddb)/.test(message), `not kept in browser storage: ${message}`);
    // Saved between two updates: training goes on.
    saved = { path, step: Number(match[1]), bytes };
    await waitStep(page, saved.step, 60_000);
    const state = await page.$eval('[data-testid="state"]', (el) => el.dataset.state);
    assert(state === 'training', `training did not go on after the save (state ${state})`);
    return `${bytes} bytes at step ${saved.step}, ${message.replace(/^.*\(/, '(')}; training went on`;
  });
  if (!savedOk) return;
  await shoot(page, model); // training, with its loss curve

  await check(`${model}: loading the checkpoint restores its step and training continues from it`, async () => {
    const t = [Date.now()];
    const next = saved.step + 1;
    await waitStep(page, saved.step, 60_000); // the saved run's loss at the step after the save is on the page
    const before = await page.evaluate((s) => window.playground.lossAt(s), next);
    assert(before !== undefined, `no loss recorded for step ${next}`);
    // From the downloaded file (the model is training: loading replaces it).
    await page.setInputFiles('[data-testid="load-file"]', saved.path);
    await waitFor(page, () => /^Loaded /.test(document.querySelector('[data-testid="message"]').textContent), null, 60_000);
    await waitState(page, 'stopped', 60_000);
    t.push(Date.now());
    const loadedStep = await number(page, 'step');
    assert(loadedStep === saved.step, `after loading, step is ${loadedStep}, expected the saved ${saved.step}`);
    await page.click('[data-testid="resume"]');
    await waitStep(page, saved.step, 60_000);
    t.push(Date.now());
    const after = await page.evaluate((s) => window.playground.lossAt(s), next);
    if (EXACT_RESUME.has(model)) assert(after === before, `loss at step ${next}: ${after} after loading, ${before} in the saved run`);
    // The same checkpoint from OPFS/IndexedDB, while the loaded one trains.
    await page.click('[data-testid="load-stored"]');
    await waitFor(
      page,
      (s) => document.querySelector('[data-testid="message"]').textContent.startsWith('Loaded ') && document.querySelector('[data-testid="state"]').dataset.state === 'stopped' && document.querySelector('[data-testid="step"]').textContent === String(s),
      saved.step,
      60_000,
    );
    t.push(Date.now());
    const same = EXACT_RESUME.has(model) ? `, loss at step ${next} ${after} as in the saved run` : ` (loss at step ${next}: ${after} after loading, ${before} before; online-EM statistics are rebuilt)`;
    const phases = t.slice(1).map((v, i) => ((v - t[i]) / 1000).toFixed(1)).join('/');
    return `loaded at step ${loadedStep} and continued${same}; loaded again from browser storage at step ${saved.step} (load/resume/reload ${phases} s)`;
  });
}

console.log('playground: building examples/web');
await check('vite build of examples/web', () => {
  if (process.env.PLAYGROUND_SKIP_BUILD === '1') return 'skipped (PLAYGROUND_SKIP_BUILD=1)';
  const vite = join(app, 'node_modules', '.bin', 'vite');
  execFileSync(vite, ['build', '--logLevel', 'error'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
});
if (checks.every((c) => c.ok)) {
  const server = await serveStatic(join(app, 'dist'));
  let browser = null;
  try {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, ...TEST_ONLY_ARGS] });
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1000, height: 1000 } });
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(server.url);
    mkdirSync(shots, { recursive: true });
    for (const model of MODELS) {
      console.log(`playground: ${model}`);
      try {
        await testModel(page, model);
      } finally {
        // After the load check: the loaded model's samples; after a failure: what the page showed.
        await shoot(page, shot.has(model) ? `${model}-loaded` : model);
      }
    }
    await check('no uncaught errors and no error messages in the page', async () => {
      const shown = await page.evaluate(() => window.playground.errors);
      assert(pageErrors.length === 0 && shown.length === 0, [...pageErrors, ...shown].join('\n'));
    });
  } catch (error) {
    // Outside any check (the browser did not start, the page did not load, a screenshot failed).
    checks.push({ name: 'browser session', ok: false, message: String(error?.stack ?? error) });
    console.log(`  ✗ browser session\n${String(error?.message ?? error).replace(/^/gm, '    ')}`);
  } finally {
    await browser?.close();
    await server.close();
  }
}

rmSync(downloads, { recursive: true, force: true });
const passed = checks.filter((c) => c.ok).length;
const failed = checks.length - passed;
mkdirSync(join(repo, 'test-results'), { recursive: true });
writeFileSync(join(repo, 'test-results', 'playground.json'), JSON.stringify({ passed, failed, seconds: (Date.now() - started) / 1000, checks }, null, 2));
console.log(`screenshots in ${shots}; ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
console.log(`playground: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
