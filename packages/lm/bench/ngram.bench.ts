// n-gram benchmarks on Moby Dick, character level (last 10% of the text is validation):
// validation bits-per-character of interpolated modified Kneser-Ney against the independent
// Python reference (packages/lm/fixtures/kneser_ney_reference.py), and counting throughput.
// Run: node --import tsx packages/lm/bench/ngram.bench.ts
import { writeFileSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchRow, recordResults, repoRoot, runPython } from '../../../scripts/bench/kit.js';
// Until @gen/datasets is installed as a devDependency of @gen/lm, read it from source.
import { loadMobyDick } from '@gen/datasets';
import { CharTokenizer, NgramModel } from '../src/index.js';

const smoke = process.env.GEN_SMOKE === '1';
const { text: full } = await loadMobyDick();
const text = smoke ? full.slice(0, 50_000) : full;
const cut = Math.floor(text.length * 0.9);
const [trainText, validText] = [text.slice(0, cut), text.slice(cut)];
const tok = CharTokenizer.train(text);
const trainIds = tok.encode(trainText);
const validIds = tok.encode(validText);
const dir = mkdtempSync(join(tmpdir(), 'lm-ngram-'));
writeFileSync(join(dir, 'train.txt'), trainText);
writeFileSync(join(dir, 'valid.txt'), validText);
const RUNS = 3;
const rows: BenchRow[] = [];
for (const order of [2, 5]) {
  // Best of RUNS on both sides (timeit's rule: the machine is shared, so the fastest run is the
  // least disturbed one); our first fit is the cold one (JIT warming), reported in the note.
  const load = loadavg()[0];
  const fits: number[] = [];
  let lm: NgramModel | undefined;
  for (let r = 0; r < RUNS; r++) {
    lm?.dispose();
    const t0 = performance.now();
    lm = NgramModel.fit([trainIds], { order, vocabSize: tok.vocabSize, bosId: 0, eosId: 1 }, tok);
    fits.push((performance.now() - t0) / 1000);
  }
  const fitSeconds = Math.min(...fits);
  const bpc = -lm!.logProbSync(validIds) / validIds.length / Math.LN2;
  let ref = runPython<{ bitsPerChar: number; tokensPerSecond: number }>(join(repoRoot, 'packages/lm/fixtures/kneser_ney_reference.py'), [join(dir, 'train.txt'), join(dir, 'valid.txt'), String(order)]);
  for (let r = 1; r < RUNS && ref.ok; r++) {
    const again = runPython<{ bitsPerChar: number; tokensPerSecond: number }>(join(repoRoot, 'packages/lm/fixtures/kneser_ney_reference.py'), [join(dir, 'train.txt'), join(dir, 'valid.txt'), String(order)]);
    if (again.ok && again.value.tokensPerSecond > ref.value.tokensPerSecond) ref = again;
  }
  const rel = ref.ok ? Math.abs(bpc - ref.value.bitsPerChar) / ref.value.bitsPerChar : NaN;
  rows.push({
    name: `${order}-gram modified Kneser-Ney, validation bits/char (Moby Dick)`,
    ours: bpc,
    peer: ref.ok ? ref.value.bitsPerChar : null,
    peerName: 'Python reference (fixtures/kneser_ney_reference.py)',
    unit: 'bits/char',
    lowerIsBetter: true,
    note: ref.ok ? `relative difference ${rel.toExponential(2)}` : ref.reason,
  });
  rows.push({
    name: `${order}-gram counting + model build (${trainIds.length} chars)`,
    ours: trainIds.length / fitSeconds,
    peer: ref.ok ? ref.value.tokensPerSecond : null,
    peerName: 'pure-Python reference (dict counting)',
    unit: 'tokens/s',
    lowerIsBetter: false,
    note: `best of ${RUNS} fits on both sides (our cold first fit: ${(trainIds.length / fits[0] / 1e6).toFixed(2)}M tokens/s); dense integer ids per order in typed arrays; 1-min load average ${load.toFixed(1)} at the start on this shared machine`,
  });
  lm!.dispose();
}
if (!smoke) recordResults('lm-ngram', 'n-gram Kneser-Ney: agreement with the reference and counting throughput', 'node --import tsx packages/lm/bench/ngram.bench.ts', rows);
else console.log(rows);
