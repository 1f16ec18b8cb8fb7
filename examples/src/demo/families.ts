// The demo's sections, one file per family; report order is FAMILIES in types.ts.
import { diffusionSection } from './diffusion.js';
import { ganSection } from './gan.js';
import { gmmSection } from './gmm.js';
import { ngramSection } from './ngram.js';
import { transformerSection } from './transformer.js';
import type { Family, FamilyRunner } from './types.js';
import { vaeSection } from './vae.js';

export const RUNNERS: Record<Family, FamilyRunner> = {
  gmm: gmmSection,
  vae: vaeSection,
  diffusion: diffusionSection,
  gan: ganSection,
  ngram: ngramSection,
  transformer: transformerSection,
};

/** Section titles for the report, also used when a family fails before returning its own. */
export const TITLES: Record<Family, string> = {
  gmm: 'Gaussian mixture on the Palmer penguins table',
  vae: 'Variational autoencoder on MNIST digits',
  diffusion: 'Class-conditional diffusion on MNIST digits',
  gan: 'GAN on the 8-Gaussians ring',
  ngram: 'Character n-grams on first names',
  transformer: 'Small transformer (GPT) on first names',
};
