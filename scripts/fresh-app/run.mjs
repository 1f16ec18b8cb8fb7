// The fresh-app test: the promise that `pnpm add @gen/diffusion` works in someone else's app.
// Packs every package, installs the tarballs plus registry packages into a throwaway app outside
// the workspace, and checks Node ESM, Node CJS, strict type-checking and a Vite browser build.
// Packages must be built first (`pnpm build`).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../lib/chromium.mjs';
import { serveStatic } from '../lib/static-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'gen-fresh-app-'));
const app = join(work, 'app');
const tarballs = join(work, 'tarballs');
const checks = [];

function sh(command, args, cwd, extraEnv = {}) {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...extraEnv },
    maxBuffer: 64 * 1024 * 1024,
  });
}

async function check(name, fn) {
  const start = Date.now();
  try {
    const detail = await fn();
    checks.push({ name, ok: true });
    console.log(`  ✓ ${name} (${Date.now() - start} ms)${detail ? ` ${detail}` : ''}`);
  } catch (error) {
    const message = [error.message, error.stdout, error.stderr].filter(Boolean).join('\n').slice(-4000);
    checks.push({ name, ok: false, message });
    console.log(`  ✗ ${name}\n${message.replace(/^/gm, '    ')}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

console.log(`fresh app in ${work}`);
mkdirSync(tarballs);
const packages = readdirSync(join(repo, 'packages'))
  .map((dir) => join(repo, 'packages', dir))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter((p) => !p.manifest.private);

const files = {};
await check('pnpm pack every package', () => {
  for (const { dir, manifest } of packages) {
    const out = sh('pnpm', ['pack', '--pack-destination', tarballs], dir).trim().split('\n').pop();
    files[manifest.name] = out.trim();
  }
  return `${Object.keys(files).length} tarballs`;
});

await check('install tarballs + registry packages in a fresh app', () => {
  cpSync(join(here, 'template'), app, { recursive: true });
  const local = Object.fromEntries(Object.entries(files).map(([name, file]) => [name, `file:${file}`]));
  const manifest = {
    name: 'gen-fresh-app',
    private: true,
    type: 'module',
    dependencies: {
      ...local,
      '@tensorflow/tfjs-core': '4.22.0',
      '@tensorflow/tfjs-backend-cpu': '4.22.0',
      '@tensorflow/tfjs-backend-wasm': '4.22.0',
      '@tensorflow/tfjs-backend-webgpu': '4.22.0',
    },
    devDependencies: { typescript: '5.9.3', vite: '6.4.6' },
    // Dependencies between our packages resolve to the tarballs, not the registry.
    pnpm: { overrides: local },
  };
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  sh('pnpm', ['install', '--ignore-workspace', '--prefer-offline', '--config.confirmModulesPurge=false'], app);
  const installed = readdirSync(join(app, 'node_modules', '.pnpm'));
  const unwanted = installed.filter((name) => /tfjs-node|^webgpu@/.test(name));
  assert(unwanted.length === 0, `optional peers were installed implicitly: ${unwanted.join(', ')}`);
});

let esm;
await check('Node ESM: import, initBackend, gradient step', () => {
  esm = JSON.parse(sh('node', ['esm.mjs'], app).trim().split('\n').pop());
  assert(esm.backend === 'wasm', `expected wasm, got ${esm.backend}`);
  assert(Number.isFinite(esm.loss) && esm.loss > 0, `bad loss ${esm.loss}`);
  assert(esm.leaked === 0, `leaked ${esm.leaked} tensors`);
  assert(esm.oneEngine, 'more than one tfjs engine');
  assert(esm.packages === 8, `expected 8 package entries, got ${esm.packages}`);
  return `backend ${esm.backend}, loss ${esm.loss}`;
});

await check('Node CJS: require, initBackend, gradient step (same numbers as ESM)', () => {
  const cjs = JSON.parse(sh('node', ['cjs.cjs'], app).trim().split('\n').pop());
  assert(cjs.backend === 'wasm', `expected wasm, got ${cjs.backend}`);
  assert(cjs.leaked === 0, `leaked ${cjs.leaked} tensors`);
  assert(cjs.oneEngine, 'more than one tfjs engine or tfjs-core copy');
  assert(esm && cjs.loss === esm.loss, `CJS loss ${cjs.loss} differs from ESM loss ${esm?.loss}`);
  return `loss ${cjs.loss}`;
});

await check('TypeScript strict type-check of user code against the published .d.ts', () => {
  sh(join(app, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], app);
});

await check('Vite build loaded in headless Chromium on webgpu', async () => {
  sh(join(app, 'node_modules', '.bin', 'vite'), ['build', 'web', '--outDir', '../dist-web', '--emptyOutDir', '--logLevel', 'warn'], app);
  const server = await serveStatic(join(app, 'dist-web'));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => document.getElementById('out')?.textContent !== 'running', null, { timeout: 60_000 });
    const result = JSON.parse(await page.textContent('#out'));
    assert(!result.error, `page error: ${result.error}`);
    assert(result.backend === 'webgpu', `expected webgpu, got ${result.backend}`);
    assert(result.leaked === 0, `leaked ${result.leaked} tensors`);
    assert(result.oneEngine, 'more than one tfjs engine');
    assert(esm && Math.abs(result.loss - esm.loss) <= 1e-5 * Math.abs(esm.loss), `webgpu loss ${result.loss} vs wasm ${esm?.loss}`);
    return `backend ${result.backend} (${result.description.adapter}), loss ${result.loss}`;
  } finally {
    await browser.close();
    await server.close();
  }
});

const passed = checks.filter((c) => c.ok).length;
const failed = checks.length - passed;
mkdirSync(join(repo, 'test-results'), { recursive: true });
writeFileSync(join(repo, 'test-results', 'fresh-app.json'), JSON.stringify({ passed, failed, checks }, null, 2));
console.log(`fresh app: ${passed} passed, ${failed} failed`);
if (!process.env.KEEP_FRESH_APP) rmSync(work, { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;
