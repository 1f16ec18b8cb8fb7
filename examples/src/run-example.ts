// `pnpm example` lists the examples; `pnpm example <name>` runs one; `pnpm example --smoke-all`
// runs every example in smoke mode (tiny budget), as CI does.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const NOT_EXAMPLES = new Set(['run-example', 'demo']);
const examples = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('_'))
  .map((f) => basename(f, '.ts'))
  .filter((name) => !NOT_EXAMPLES.has(name))
  .sort();

function run(name: string, smoke: boolean): boolean {
  const env = { ...process.env, ...(smoke ? { GEN_SMOKE: '1' } : {}) };
  const { status } = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`)], { stdio: 'inherit', env });
  return status === 0;
}

const [arg] = process.argv.slice(2);
if (!arg) {
  console.log('Examples (run one with `pnpm example <name>`; GEN_SMOKE=1 for a seconds-long run):');
  for (const name of examples) console.log(`  ${name}`);
} else if (arg === '--smoke-all') {
  const results = examples.map((name) => {
    console.log(`\n> ${name} (smoke)`);
    return { name, ok: run(name, true) };
  });
  const failed = results.filter((r) => !r.ok);
  for (const r of results) console.log(`${r.ok ? '✓' : '✗'} example ${r.name}`);
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const out = join(here, '..', '..', 'test-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'examples.json'), JSON.stringify({ passed: results.length - failed.length, failed: failed.length, results }, null, 2));
  process.exitCode = failed.length ? 1 : 0;
} else if (examples.includes(arg)) {
  process.exitCode = run(arg, process.env.GEN_SMOKE === '1') ? 0 : 1;
} else {
  console.error(`Unknown example '${arg}'. Available: ${examples.join(', ')}`);
  process.exitCode = 1;
}
