// Install script of @gen/native: builds the addon with node-gyp. A failed build (no compiler, no
// BLAS headers, no node-gyp) must not fail the install of the app or workspace that depends on
// this package: the reason is written to build/gen-native-build-error.txt, a warning is printed,
// and the loader reports "native kernels unavailable: <reason>" at run time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const errorFile = join(root, 'build', 'gen-native-build-error.txt');

function fail(reason) {
  mkdirSync(dirname(errorFile), { recursive: true });
  writeFileSync(errorFile, `${reason}\n`);
  console.warn(`@gen/native: build failed (${reason.split('\n')[0]}); gen will use plain wasm kernels.`);
  console.warn('@gen/native: on Debian/Ubuntu: apt-get install libopenblas-dev python3 make g++, then rebuild @gen/native.');
  process.exit(0);
}

if (process.env.GEN_NATIVE_SKIP_BUILD === '1') fail('build skipped (GEN_NATIVE_SKIP_BUILD=1)');

/** How to run node-gyp: npm and pnpm put it on PATH (or in npm_config_node_gyp) for install scripts. */
function nodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push([process.execPath, [process.env.npm_config_node_gyp]]);
  candidates.push(['node-gyp', []]);
  const npmBundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(npmBundled)) candidates.push([process.execPath, [npmBundled]]);
  for (const [command, prefix] of candidates) {
    const probe = spawnSync(command, [...prefix, '--version'], { encoding: 'utf8', shell: command === 'node-gyp' && process.platform === 'win32' });
    if (probe.status === 0) return [command, prefix];
  }
  return null;
}

const gyp = nodeGyp();
if (gyp == null) fail('node-gyp not found (it ships with npm and pnpm)');
const [command, prefix] = gyp;
const args = [...prefix, 'rebuild'];
// Headers shipped with this Node (distribution packages, official tarballs) avoid a download.
const nodeRoot = resolve(dirname(process.execPath), '..');
if (process.env.npm_config_nodedir == null && existsSync(join(nodeRoot, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${nodeRoot}`);
}
const build = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
if (build.status !== 0) {
  const output = `${build.stdout ?? ''}\n${build.stderr ?? ''}`;
  const lines = output.split('\n').map((line) => line.trim());
  const firstError =
    lines.find((line) => /fatal error|cannot find -l/.test(line)) ??
    lines.find((line) => /\berror\b/i.test(line) && !/^gyp (info|ERR!)/.test(line)) ??
    lines.filter(Boolean).pop();
  fail(`node-gyp rebuild exited with ${build.status ?? build.signal}: ${firstError ?? 'no output'}`);
}
console.log('@gen/native: built build/Release/gen_native.node');
