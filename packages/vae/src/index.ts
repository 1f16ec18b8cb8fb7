// @gen/vae: variational autoencoders — MLP and conv presets or your own networks; Bernoulli,
// Gaussian (fixed or learned variance) and continuous-Bernoulli decoders; any @gen/core prior;
// beta-VAE with KL warm-up, conditional VAE, IWAE. Explicit named exports only.
export { Vae } from './vae.js';
export type { VaeOptions, Labels, InputOptions, FitOptions, LikelihoodOptions, LoadOptions } from './vae.js';
export { ARCHITECTURES, DECODERS, OBJECTIVES, klWeight, resolveConfig } from './config.js';
export type { Architecture, DecoderKind, Objective, VaeConfig, ResolvedVaeConfig } from './config.js';
export { mlpNetworks, convNetworks } from './networks.js';
export type { VaeNetworks } from './networks.js';
export { GaussianPosterior } from './posterior.js';
