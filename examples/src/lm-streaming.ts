// Streaming generation: print tokens as a model produces them, with top-p sampling, a stop
// string, and an AbortSignal that ends generation after a time limit. Uses a 5-gram Kneser-Ney
// model of Moby Dick (counted in a second or two), so it needs no training.
// Writes out/lm-streaming/transcript.txt. Run: pnpm example lm-streaming   (GEN_SMOKE=1: seconds)
import { mkdir, writeFile } from 'node:fs/promises';
import { loadMobyDick } from '@gen/datasets';
import { CharTokenizer, NgramModel, beamSearch, stream } from '@gen/lm';

const smoke = process.env.GEN_SMOKE === '1';
const outDir = 'out/lm-streaming';
const { text: full } = await loadMobyDick();
const text = smoke ? full.slice(0, 100_000) : full;
const tok = CharTokenizer.train(text);
const lm = NgramModel.fit([tok.encode(text)], { order: 5, vocabSize: tok.vocabSize, bosId: 0, eosId: 1 }, tok);

const transcript: string[] = [];
const show = async (title: string, prompt: string, options: Parameters<typeof stream>[2]) => {
  process.stdout.write(`\n--- ${title}\n${prompt}`);
  let out = '';
  const it = stream(lm, prompt, options);
  for (;;) {
    const step = await it.next();
    if (step.done) {
      process.stdout.write(`\n[finished: ${step.value}]\n`);
      transcript.push(`${title}\n${prompt}${out}\n[finished: ${step.value}]\n`);
      break;
    }
    process.stdout.write(step.value.text);
    out += step.value.text;
  }
};

await show('top-p 0.9, temperature 0.8, 300 tokens', 'Call me Ishmael. ', { maxTokens: 300, topP: 0.9, temperature: 0.8, seed: 1 });
await show('stop at the first full stop', 'The whale ', { maxTokens: 300, temperature: 0.7, seed: 2, stop: '.' });
const controller = new AbortController();
setTimeout(() => controller.abort(), smoke ? 5 : 50);
await show('aborted by a signal after 50 ms', 'Ahab ', { maxTokens: 100_000, seed: 3, signal: controller.signal });
const beams = await beamSearch(lm, 'The sea', { numBeams: 4, maxTokens: 20 });
for (const b of beams) console.log(`beam ${b.score.toFixed(3)}: The sea${b.text}`);
transcript.push(...beams.map((b) => `beam ${b.score.toFixed(3)}: The sea${b.text}`));

await mkdir(outDir, { recursive: true });
await writeFile(`${outDir}/transcript.txt`, `${transcript.join('\n')}\n`);
lm.dispose();
console.log(`wrote ${outDir}/transcript.txt`);
