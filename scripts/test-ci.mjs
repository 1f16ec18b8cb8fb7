// The whole test run, as CI runs it: build, type-check, lint, unit tests on cpu and on wasm, the
// browser suite on webgpu, the fresh-app test, the examples in smoke mode, the demo report and the
// browser playground. Every step runs even if an earlier one fails, so one run reports everything;
// the last line is the totals: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const results = join(process.cwd(), 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const rows = [];

function run(title, command, args, env = {}) {
  console.log(`\n=== ${title}: ${command} ${args.join(' ')}`);
  const start = Date.now();
  const { status } = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - start) / 1000).toFixed(0);
  return { status: status ?? 1, seconds };
}

/** A step that is itself one check (build, type-check, lint). */
function step(title, command, args, env) {
  const { status, seconds } = run(title, command, args, env);
  rows.push({ title, passed: status === 0 ? 1 : 0, failed: status === 0 ? 0 : 1, seconds });
}

/** A vitest run: counts come from its JSON report; a crash without a report counts as a failure. */
function vitest(title, args, env) {
  const file = join(results, `${title.replace(/\W+/g, '-')}.json`);
  const { status, seconds } = run(title, 'npx', ['vitest', 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`], env);
  if (!existsSync(file)) {
    rows.push({ title, passed: 0, failed: 1, seconds });
    return;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const failed = report.numFailedTests + (status !== 0 && report.numFailedTests === 0 ? 1 : 0);
  rows.push({ title, passed: report.numPassedTests, failed, seconds });
}

/** A script that writes {passed, failed} to test-results/<name>.json. */
function counted(title, name, command, args) {
  const { status, seconds } = run(title, command, args);
  const file = join(results, `${name}.json`);
  if (!existsSync(file)) {
    rows.push({ title, passed: 0, failed: 1, seconds });
    return;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  rows.push({ title, passed: report.passed, failed: report.failed + (status !== 0 && report.failed === 0 ? 1 : 0), seconds });
}

step('chromium present', 'bash', ['scripts/ensure-chromium.sh']);
step('build', 'pnpm', ['run', 'build']);
step('typecheck', 'pnpm', ['run', 'typecheck']);
step('lint (publint + arethetypeswrong)', 'pnpm', ['run', 'lint']);
vitest('unit tests on cpu', [], { GEN_BACKEND: 'cpu' });
vitest('unit tests on wasm (with @gen/native when built)', [], { GEN_BACKEND: 'wasm' });
// Plain wasm with gen's JS kernel fixes only, as users without @gen/native run it.
vitest('unit tests on wasm without native kernels', ['--exclude', 'packages/native/**'], { GEN_BACKEND: 'wasm', GEN_NATIVE: '0' });
vitest('browser suite on webgpu', ['--config', 'vitest.browser.config.ts']);
counted('fresh-app test', 'fresh-app', 'node', ['scripts/fresh-app/run.mjs']);
counted('examples in smoke mode', 'examples', 'node', ['--import', 'tsx', 'examples/src/run-example.ts', '--smoke-all']);
// `pnpm demo` at the smoke budget, then out/report.html rendered and checked in headless Chromium.
counted('demo report in headless Chromium', 'report-run', 'node', ['scripts/report/run.mjs']);
// The browser playground (examples/web): trains each model in a Web Worker on webgpu in Chromium.
counted('browser playground on webgpu', 'playground', 'node', ['examples/web/test/playground.test.mjs']);

console.log('\n=== summary');
for (const row of rows) {
  console.log(`${row.failed ? '✗' : '✓'} ${row.title}: ${row.passed} passed, ${row.failed} failed (${row.seconds} s)`);
}
const passed = rows.reduce((sum, row) => sum + row.passed, 0);
const failed = rows.reduce((sum, row) => sum + row.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
