// @gen/gmm: Gaussian mixture models (EM with full, tied, diag and spherical covariances; Bayesian GMM) that match scikit-learn.
export { GaussianMixture } from './gaussian-mixture.js';
export type { GaussianMixtureConfig } from './gaussian-mixture.js';
export { GaussianMixtureDistribution } from './mixture-distribution.js';
export type { GaussianMixtureDistributionParams } from './mixture-distribution.js';
export { OwnedMixtureSameFamily } from './mixture-same-family-view.js';
export { COVARIANCE_TYPES } from './gaussian.js';
export type { CovarianceType } from './gaussian.js';
export { INIT_PARAMS } from './mixture-base.js';
export type {
  InitParams,
  OnCollapse,
  EStepBackend,
  MixtureConfig,
  InitHistory,
  MixtureSample,
} from './mixture-base.js';
export type { MatrixInput, TypedMatrix } from './input.js';
export { BayesianGaussianMixture } from './bayesian-gaussian-mixture.js';
export type { BayesianGaussianMixtureConfig, WeightConcentrationPriorType } from './bayesian-gaussian-mixture.js';
