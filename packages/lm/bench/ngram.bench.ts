// n-gram benchmarks on Moby Dick, character level (last 10% of the text is validation):
// validation bits-per-character of interpolated modified Kneser-Ney against the independent
// Python reference (packages/lm/fixtures/kneser_ney_reference.py), and counting throughput.
// Run: node --import tsx packages/lm/bench/ngram.bench.ts
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
const rows: BenchRow[] = [];
for (const order of [2, 5]) {
  const t0 = performance.now();
  const lm = NgramModel.fit([trainIds], { order, vocabSize: tok.vocabSize, bosId: 0, eosId: 1 }, tok);
  const fitSeconds = (performance.now() - t0) / 1000;
  const bpc = -lm.logProbSync(validIds) / validIds.length / Math.LN2;
  const ref = runPython<{ bitsPerChar: number; tokensPerSecond: number }>(join(repoRoot, 'packages/lm/fixtures/kneser_ney_reference.py'), [join(dir, 'train.txt'), join(dir, 'valid.txt'), String(order)]);
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
  });
  lm.dispose();
}
if (!smoke) recordResults('lm-ngram', 'n-gram Kneser-Ney: agreement with the reference and counting throughput', 'node --import tsx packages/lm/bench/ngram.bench.ts', rows);
else console.log(rows);
