// `pnpm test:report`: runs the demo at the smoke budget into out/ (seconds per family), then the
// screenshot check of out/report.html (check-report.mjs). Last line: `report: N passed, N failed`;
// exit code 1 on any failure. Assumes the packages are built (`pnpm build`), as CI does before.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = process.env.GEN_REPORT_OUT ?? join(repo, 'out');
// A report left from an earlier run must not pass for this one.
for (const file of ['report.html', 'summary.json', 'report.png']) rmSync(join(out, file), { force: true });
const started = performance.now();
const demo = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'examples', 'src', 'demo.ts'), '--budget', 'smoke', '--out', out], { cwd: repo, stdio: 'inherit', env: { ...process.env, CI: process.env.CI ?? 'true' } });
const demoSeconds = (performance.now() - started) / 1000;
console.log(`demo (smoke budget) exited with ${demo.status} after ${demoSeconds.toFixed(1)} s`);
// The check reads whatever report the demo wrote (a failed family shows as a failed section); if the
// demo died before writing one, the check says so.
const check = spawnSync(process.execPath, [join(repo, 'scripts', 'report', 'check-report.mjs'), out], { cwd: repo, stdio: ['inherit', 'pipe', 'inherit'], encoding: 'utf8' });
const lines = (check.stdout ?? '').trimEnd().split('\n');
const totals = /^report: (\d+) passed, (\d+) failed$/.exec(lines[lines.length - 1] ?? '');
let [passed, failed] = totals ? [Number(totals[1]), Number(totals[2])] : [0, 1];
console.log(lines.slice(0, totals ? -1 : undefined).join('\n'));
// The demo's own exit status counts as one more check, so a family that threw is never missed.
const demoOk = demo.status === 0;
console.log(`${demoOk ? '✓' : '✗'} demo at the smoke budget exits 0 (${demoSeconds.toFixed(1)} s)`);
if (demoOk) passed += 1;
else failed += 1;
mkdirSync(join(repo, 'test-results'), { recursive: true });
writeFileSync(join(repo, 'test-results', 'report-run.json'), JSON.stringify({ passed, failed, demoSeconds, demoStatus: demo.status }, null, 2));
console.log(`report: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
