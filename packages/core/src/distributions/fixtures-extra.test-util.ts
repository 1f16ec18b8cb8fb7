// Loads the golden fixtures of the extra distributions (fixtures/distributions-extra/generate.py).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const extraFixtures: any = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../fixtures/distributions-extra/distributions-extra.json', import.meta.url)),
    'utf8',
  ),
);
