// @gen/core: the shared foundation of every gen package. Explicit named exports only.
import './register-gradients.js';

// Errors
export {
  GenError,
  InvalidArgumentError,
  ShapeError,
  CheckpointError,
  DisposedError,
  NonFiniteError,
  describeValue,
} from './errors.js';

// Argument validation
export type { ShapeSpec } from './validate.js';
export { checkShape, checkRank, checkFloatTensor, checkOneOf, checkNumber } from './validate.js';

// Backends
export {
  initBackend,
  BackendUnavailableError,
  BACKEND_NAMES,
  tensorflowBackendPackage,
  nativeKernelsLoaded,
} from './backend/init-backend.js';
export type { BackendName, BackendPreference } from './backend/init-backend.js';
export { describeBackend } from './backend/describe-backend.js';
export type { BackendDescription } from './backend/describe-backend.js';
export { installWasmKernelFixes, uninstallWasmKernelFixes, wasmKernelFixesInstalled } from './backend/wasm-kernels.js';

// Randomness
export { threefry2x32 } from './random/threefry.js';
export { prngKey, split, foldIn, toKey, isPRNGKey, seedFromKey } from './random/key.js';
export type { PRNGKey, Seed } from './random/key.js';
export {
  uniformFloat64,
  uniformFloat32,
  normalFloat64,
  normalFloat32,
  randomIntegers,
  permutation,
  RandomStream,
} from './random/arrays.js';
export { randomNormal, randomUniform, randomInt } from './random/tensors.js';
export { Rng } from './random/rng.js';
export type { RngState } from './random/rng.js';

// Parameter trees
export { flattenParams, unflattenParams, mapParams, countParams, disposeParams } from './params.js';
export type { ParamTree } from './params.js';

// Ops tfjs lacks
export { stopGradient } from './ops/stop-gradient.js';
export { ensureDoubleBackpropGradients } from './ops/double-backprop-gradients.js';

// Linear algebra
export type { ArrayF64 } from './linalg/array-f64.js';
export { choleskyF64 } from './linalg/cholesky-f64.js';
export { triangularSolveF64 } from './linalg/triangular-solve-f64.js';
export type { TriangularSolveOptions } from './linalg/triangular-solve-f64.js';
export { choleskySolveF64 } from './linalg/cholesky-solve-f64.js';
export { logDetF64 } from './linalg/log-det-f64.js';
export { inverseF64 } from './linalg/inverse-f64.js';
export type { InverseOptions } from './linalg/inverse-f64.js';
export { eighF64 } from './linalg/eigh-f64.js';
export type { EighF64Result } from './linalg/eigh-f64.js';
export { sqrtmPsdF64 } from './linalg/sqrtm-psd-f64.js';
export type { SqrtmPsdOptions } from './linalg/sqrtm-psd-f64.js';
export { cholesky } from './linalg/cholesky.js';
export { choleskyChecked } from './linalg/cholesky-checked.js';
export { triangularSolve } from './linalg/triangular-solve.js';
export { choleskySolve } from './linalg/cholesky-solve.js';
export { logDet } from './linalg/log-det.js';
export { inverse } from './linalg/inverse.js';
export { eigh } from './linalg/eigh.js';
export type { EighResult } from './linalg/eigh.js';
export { sqrtmPsd } from './linalg/sqrtm-psd.js';

// Special functions
export {
  lgammaF64,
  digammaF64,
  trigammaF64,
  erfF64,
  erfcF64,
  log1pexpF64,
  log1mexpF64,
  hurwitzZetaF64,
} from './math/special-f64.js';
export { lgamma, digamma, trigamma, lbeta } from './math/gamma-functions.js';
export { logSumExp, softplus, logSigmoid, log1mexp, logit } from './math/log-space.js';
export { erfc, erfinv, ndtr, ndtri } from './math/erf.js';
export { log1p } from './math/log1p.js';

// Distributions
export { Distribution } from './distributions/distribution.js';
export type { DistributionOptions } from './distributions/distribution.js';
export { klDivergence, registerKl, lookupKl } from './distributions/kl.js';
export type { DistributionClass, KlFunction, KlOptions } from './distributions/kl.js';
export { ParametricDistribution } from './distributions/parametric.js';
export type { ParamValue } from './distributions/parametric.js';
export type { LogitsOrProbs } from './distributions/logits-or-probs.js';
export { Normal } from './distributions/normal.js';
export { Uniform } from './distributions/uniform.js';
export { Laplace } from './distributions/laplace.js';
export { Bernoulli } from './distributions/bernoulli.js';
export { ContinuousBernoulli } from './distributions/continuous-bernoulli.js';
export { Categorical, CategoricalBase } from './distributions/categorical.js';
export { OneHotCategorical } from './distributions/one-hot-categorical.js';
export { Gamma } from './distributions/gamma.js';
export { Beta } from './distributions/beta.js';
export { Dirichlet } from './distributions/dirichlet.js';
export { Poisson } from './distributions/poisson.js';
export { Bijector } from './distributions/bijectors/bijector.js';
export { AffineBijector, affineBijector } from './distributions/bijectors/affine.js';
export { ExpBijector, expBijector } from './distributions/bijectors/exp.js';
export { SigmoidBijector, sigmoidBijector } from './distributions/bijectors/sigmoid.js';
export { TanhBijector, tanhBijector } from './distributions/bijectors/tanh.js';
export { SoftplusBijector, softplusBijector } from './distributions/bijectors/softplus.js';
export { ChainBijector, chainBijector } from './distributions/bijectors/chain.js';
export { TransformedDistribution } from './distributions/transformed-distribution.js';
export { MultivariateNormal, multivariateNormalKl } from './distributions/multivariate-normal.js';
export type { MultivariateNormalScale } from './distributions/multivariate-normal.js';
export { Independent, independentKl } from './distributions/independent.js';
export { MixtureSameFamily } from './distributions/mixture-same-family.js';

// Losses
export { REDUCTIONS } from './losses/reduction.js';
export type { Reduction, LossOptions } from './losses/reduction.js';
export { mse, l1, huber } from './losses/regression.js';
export type { HuberOptions } from './losses/regression.js';
export { binaryCrossEntropy, binaryCrossEntropyWithLogits } from './losses/binary-cross-entropy.js';
export type { BinaryCrossEntropyOptions } from './losses/binary-cross-entropy.js';
export { crossEntropy } from './losses/cross-entropy.js';
export type { CrossEntropyOptions } from './losses/cross-entropy.js';
export { gaussianKl } from './losses/gaussian-kl.js';
export { ganDiscriminatorLoss, ganGeneratorLoss, GAN_LOSS_KINDS } from './losses/gan.js';
export type { GanLossKind } from './losses/gan.js';
export { gradientPenalty, r1Penalty } from './losses/penalties.js';
export type { DiscriminatorFn, GradientPenaltyOptions, R1PenaltyOptions } from './losses/penalties.js';

// nn building blocks
export {
  glorotUniform,
  glorotNormal,
  heNormal,
  heUniform,
  normal,
  uniform,
  zeros,
  ones,
  computeFans,
} from './nn/init.js';
export type { Initializer, Fans } from './nn/init.js';
export { toVariables } from './nn/variables.js';
export type { VariableTree, ToVariablesOptions } from './nn/variables.js';
export {
  ACTIVATION_NAMES,
  DEFAULT_LEAKY_RELU_ALPHA,
  relu,
  leakyRelu,
  gelu,
  silu,
  tanh,
  sigmoid,
  activate,
  resolveActivation,
} from './nn/activations.js';
export type { ActivationName, Activation, ResolvedActivation } from './nn/activations.js';
export { initLinear, linear } from './nn/linear.js';
export type { LinearParams, LinearConfig } from './nn/linear.js';
export { initMlp, mlp } from './nn/mlp.js';
export type { MlpParams, MlpConfig } from './nn/mlp.js';
export type { ConvPadding } from './nn/conv-core.js';
export { initConv2d, conv2d } from './nn/conv2d.js';
export type { Conv2dParams, Conv2dConfig, Conv2dOptions } from './nn/conv2d.js';
export { initConvTranspose2d, convTranspose2d, upsampleConv } from './nn/conv-transpose2d.js';
export type {
  ConvTranspose2dParams,
  ConvTranspose2dConfig,
  ConvTranspose2dOptions,
  UpsampleConvOptions,
} from './nn/conv-transpose2d.js';
export { initEmbedding, embedding } from './nn/embedding.js';
export type { EmbeddingParams, EmbeddingConfig } from './nn/embedding.js';
export { initLayerNorm, layerNorm } from './nn/layer-norm.js';
export type { LayerNormParams, LayerNormConfig, LayerNormOptions } from './nn/layer-norm.js';
export { initGroupNorm, groupNorm } from './nn/group-norm.js';
export type { GroupNormParams, GroupNormConfig, GroupNormOptions } from './nn/group-norm.js';
export { dropout } from './nn/dropout.js';
export { sinusoidalEmbedding } from './nn/sinusoidal.js';
export type { SinusoidalOptions } from './nn/sinusoidal.js';
export {
  initMultiHeadAttention,
  multiHeadAttention,
  scaledDotProductAttention,
  disposeKVCache,
  MASK_VALUE,
} from './nn/attention.js';
export type {
  MultiHeadAttentionParams,
  MultiHeadAttentionConfig,
  MultiHeadAttentionOptions,
  AttentionOptions,
  AttentionWithCache,
  KVCache,
} from './nn/attention.js';
export { initResidualMlpBlock, residualMlpBlock } from './nn/residual-mlp-block.js';
export type {
  ResidualMlpBlockParams,
  ResidualMlpBlockConfig,
  ResidualMlpBlockOptions,
} from './nn/residual-mlp-block.js';
export { initResBlock, resBlock } from './nn/res-block.js';
export type { ResBlockParams, ResBlockConfig, ResBlockOptions } from './nn/res-block.js';
export { summarizeParams } from './nn/summary.js';
export type { ParamSummaryRow, SummarizeOptions } from './nn/summary.js';

// Optimizers
export { Optimizer, OPTIMIZER_NAMES } from './optim/optimizer.js';
export type {
  OptimizerName,
  OptimizerConfig,
  OptimizerState,
  UpdateInput,
  UpdateOutput,
  UpdateRule,
} from './optim/optimizer.js';
export { adam, adamW, adamUpdate } from './optim/adam.js';
export type { AdamConfig, AdamHyper } from './optim/adam.js';
export { sgd, sgdUpdate } from './optim/sgd.js';
export type { SgdConfig, SgdHyper } from './optim/sgd.js';
export { rmsprop, rmspropUpdate } from './optim/rmsprop.js';
export type { RmspropConfig, RmspropHyper } from './optim/rmsprop.js';
export { createOptimizer } from './optim/create-optimizer.js';
export type { AnyOptimizerConfig } from './optim/create-optimizer.js';
export { constant, linearWarmup, cosineDecay, stepDecay, joinSchedules } from './optim/schedules.js';
export type { Schedule, LearningRate } from './optim/schedules.js';
export { clipByGlobalNorm, globalNorm } from './optim/clip.js';
export { ExponentialMovingAverage } from './optim/ema.js';
export type { EmaConfig, EmaState } from './optim/ema.js';

// Training loop
export { train } from './train/train.js';
export type { TrainOptions, TrainResult, LossFn, LossOutput, TrainData } from './train/train.js';
export { MetricsLog } from './train/metrics-log.js';
export type { StepMetrics } from './train/metrics-log.js';
export { captureTrainState, restoreTrainState, disposeTrainState } from './train/train-state.js';
export type { TrainState } from './train/train-state.js';
export { createProgressBar, progressWanted, formatDuration } from './train/progress.js';
export type { ProgressBar, ProgressStream } from './train/progress.js';

// Checkpoints
export {
  encodeSafetensors,
  decodeSafetensors,
  readSafetensorsHeader,
  SAFETENSORS_DTYPES,
  MAX_HEADER_BYTES,
} from './checkpoint/safetensors.js';
export type { SafetensorsDtype, SafetensorsEntry, SafetensorsHeader, DecodedSafetensors } from './checkpoint/safetensors.js';
export { saveCheckpoint, loadCheckpoint, CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './checkpoint/checkpoint.js';
export type {
  JsonValue,
  CheckpointContents,
  SaveCheckpointOptions,
  LoadCheckpointOptions,
  LoadedCheckpoint,
} from './checkpoint/checkpoint.js';
export { saveCheckpointFile, loadCheckpointFile, writeFileAtomic } from './checkpoint/node-file.js';
export {
  browserStorageAvailable,
  checkpointToBlob,
  checkpointBytes,
  downloadCheckpoint,
  saveCheckpointToBrowser,
  loadCheckpointFromBrowser,
  deleteCheckpointFromBrowser,
} from './checkpoint/browser.js';
export type { BrowserStorage } from './checkpoint/browser.js';

// Data
export { batches, batchIndices, numBatches, isArrayData } from './data/batches.js';
export type { ArrayData, DataField, DataSource, Batch, BatchOptions } from './data/batches.js';
export { trainTestSplit } from './data/split.js';
export type { SplitOptions, SplitResult } from './data/split.js';
export {
  moons,
  circles,
  swissRoll,
  eightGaussians,
  eightGaussiansCenters,
  gaussianGrid,
  gaussianGridCenters,
  checkerboard,
  pinwheel,
  synthetic2d,
  pointsTensor,
  SYNTHETIC_2D_NAMES,
} from './data/synthetic-2d.js';
export type { Points2D, Synthetic2DOptions, Synthetic2DName } from './data/synthetic-2d.js';

// Pictures
export { encodePng, crc32, PNG_SIGNATURE } from './image/png.js';
export { imageGrid, toImageData, drawToCanvas } from './image/grid.js';
export type { RgbaImage, ImageGridOptions } from './image/grid.js';
export { writePng, writeSvg } from './image/node-file.js';
export { lineChartSvg, scatterSvg, niceTicks, formatTick, PALETTE } from './image/svg.js';
export type { ChartOptions, LineSeries, ScatterOptions } from './image/svg.js';
