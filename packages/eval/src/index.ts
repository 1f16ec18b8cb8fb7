// @gen/eval: evaluation metrics for generative models: Frechet distance, KID, precision/recall,
// density/coverage, MMD, Inception Score, likelihood metrics, low-dimensional two-sample metrics,
// and a shipped MNIST feature network. Explicit named exports only.

// Feature inputs
export type { FeatureInput, SmallSampleAction } from './input.js';

// Statistics and Frechet distance
export { featureStatistics, encodeFeatureStatistics, decodeFeatureStatistics } from './statistics.js';
export type { FeatureStatistics, FeatureStatisticsOptions } from './statistics.js';
export { frechetDistance, frechetDistanceFromStatistics } from './frechet.js';
export type { FrechetOptions, FrechetResult } from './frechet.js';

// Kernel and k-NN metrics
export { kernelInceptionDistance } from './kid.js';
export type { KidOptions, KidResult } from './kid.js';
export { precisionRecall, densityCoverage } from './precision-recall.js';
export type { ManifoldOptions, PrecisionRecallResult, DensityCoverageResult } from './precision-recall.js';
export { mmd } from './mmd.js';
export type { MmdOptions, MmdResult } from './mmd.js';
export { inceptionScore } from './inception-score.js';
export type { InceptionScoreResult } from './inception-score.js';

// Likelihood metrics
export { negativeLogLikelihood, bitsPerDim, perplexity, bitsPerCharacter, iwaeBound, iwaeBoundF64 } from './likelihood.js';
export type { LikelihoodResult, BitsPerDimOptions } from './likelihood.js';

// Low-dimensional two-sample metrics
export { slicedWasserstein, energyDistance, mixtureModeCoverage } from './two-sample.js';
export type {
  SlicedWassersteinOptions,
  SlicedWassersteinResult,
  EnergyDistanceResult,
  ModeCoverageOptions,
  ModeCoverageResult,
} from './two-sample.js';

// MNIST feature network
export {
  mnistFeatures,
  mnistClassify,
  mnistStatistics,
  fidMnist,
  mnistClassHistogram,
  loadMnistNet,
  disposeMnistNet,
} from './mnist/mnist.js';
export type { MnistClassHistogram } from './mnist/mnist.js';
export { initMnistNet, mnistNetForward, MNIST_FEATURE_DIM, MNIST_CLASSES } from './mnist/mnist-net.js';
export type { MnistNetParams } from './mnist/mnist-net.js';
