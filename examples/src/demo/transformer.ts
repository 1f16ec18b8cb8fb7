// A small GPT on first names (makemore-style): characters of <s>name</s><s>name</s>... in windows,
// AdamW, rotary positions; held-out bits per character scored the same way as the n-grams, samples.
import { adamW, lineChartSvg, train as trainLoop } from '@gen/core';
import { Gpt, lmBatches } from '@gen/lm';
import { bitsPerChar, names, sampleNames } from './names-data.js';
import type { Budget, DemoContext, FamilyRunner, SectionResult } from './types.js';

export const TRANSFORMER_BUDGETS: Record<Budget, { steps: number; numLayers: number; dModel: number; validNames: number }> = {
  smoke: { steps: 10, numLayers: 1, dModel: 32, validNames: 50 },
  small: { steps: 1000, numLayers: 2, dModel: 64, validNames: Infinity },
  full: { steps: 4000, numLayers: 4, dModel: 128, validNames: Infinity },
};

const [CONTEXT, BATCH, HEADS] = [32, 32, 4];

async function run({ budget, log }: DemoContext): Promise<SectionResult> {
  const { steps, numLayers, dModel, validNames } = TRANSFORMER_BUDGETS[budget];
  const { train, valid: allValid, tokenizer } = await names();
  const valid = allValid.slice(0, validNames);
  const stream = Int32Array.from(train.flatMap((n) => [0, ...tokenizer.encode(n), 1])); // <s> = 0, </s> = 1
  const gpt = Gpt.create(tokenizer, { contextLength: CONTEXT, numLayers, numHeads: HEADS, dModel, dropout: 0.1, positions: 'rotary' }, 0);
  const optimizer = adamW(gpt.params as never, { lr: 2e-3, weightDecay: 0.01 });
  const started = performance.now();
  const result = await trainLoop({
    optimizer,
    data: lmBatches(stream, { batchSize: BATCH, contextLength: CONTEXT, seed: 1 }),
    lossFn: (batch, _step, key) => gpt.loss(batch, { training: true, key }),
    steps,
    seed: 2,
    progress: 'auto',
  });
  const trainSeconds = (performance.now() - started) / 1000;
  log(`scoring ${valid.length} held-out names and sampling`);
  const bpc = await bitsPerChar(gpt, tokenizer, valid);
  const samples = await sampleNames(gpt, 12);
  const rows = result.metrics.rows;
  const curve = lineChartSvg([{ name: 'training loss (bits per character)', points: rows.map((r) => [r.step, r.loss / Math.LN2] as const) }], {
    title: `GPT (${numLayers} layers, d${dModel}) on first names`, xLabel: 'step', yLabel: 'bits per character',
  });
  optimizer.dispose();
  gpt.dispose();

  return {
    family: 'transformer',
    title: 'Small transformer (GPT) on first names',
    description: `@gen/lm Gpt: ${numLayers} layers, ${HEADS} heads, width ${dModel}, rotary positions, context ${CONTEXT}, dropout 0.1; AdamW 2e-3 for ${result.step} steps of ${BATCH} windows over the training names joined as <s>name</s>...; the same ${valid.length} held-out names as the n-grams score it.`,
    figures: [{ kind: 'svg', file: 'transformer-loss.svg', caption: 'training loss per character (dropout on; windows see earlier names as context, held-out names are scored alone, so the two are not directly comparable)', svg: curve }],
    metrics: [
      { name: 'held-out bits per character', value: bpc.value, unit: 'bits/char', meaning: 'mean -log2 p(next character) on held-out names, end of name included; lower is better; compare with the n-gram section' },
      { name: 'held-out perplexity per character', value: 2 ** bpc.value, unit: '', meaning: 'the number of equally likely next characters the model is as unsure as; lower is better' },
      { name: 'time per training step', value: rows.reduce((s, r) => s + r.stepMs, 0) / Math.max(1, rows.length), unit: 'ms', meaning: `mean wall time of one AdamW step (${BATCH} x ${CONTEXT} characters) on this backend`, digits: 3 },
    ],
    textSamples: [{ label: 'GPT samples (temperature 0.9)', samples }],
    details: { steps: result.step, trainSeconds, finalLoss: rows[rows.length - 1]?.loss, bpc: bpc.value },
  };
}

export const transformerSection: FamilyRunner = { family: 'transformer', run };
