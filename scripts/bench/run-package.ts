// Runs every bench/*.bench.ts of the package in the current directory, one after another, each in
// its own process so that one benchmark's memory or backend state cannot skew the next.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const benchDir = join(process.cwd(), 'bench');
const files = existsSync(benchDir) ? readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts')).sort() : [];
if (files.length === 0) console.log(`no benchmarks in ${benchDir}`);
for (const file of files) {
  console.log(`\n> ${file}`);
  execFileSync(process.execPath, ['--import', 'tsx', join(benchDir, file)], { stdio: 'inherit' });
}
