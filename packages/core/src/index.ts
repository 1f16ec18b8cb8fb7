// @gen/core: the shared foundation of every gen package.
import './register-gradients.js';

export {
  GenError,
  InvalidArgumentError,
  ShapeError,
  CheckpointError,
  DisposedError,
  NonFiniteError,
  describeValue,
} from './errors.js';
export type { ShapeSpec } from './validate.js';
export { checkShape, checkRank, checkFloatTensor, checkOneOf, checkNumber } from './validate.js';
export {
  initBackend,
  BackendUnavailableError,
  BACKEND_NAMES,
  tensorflowBackendPackage,
} from './backend/init-backend.js';
export type { BackendName, BackendPreference } from './backend/init-backend.js';
export { describeBackend } from './backend/describe-backend.js';
export type { BackendDescription } from './backend/describe-backend.js';
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
export { flattenParams, unflattenParams, mapParams, countParams, disposeParams } from './params.js';
export type { ParamTree } from './params.js';
export { Distribution } from './distributions/distribution.js';
export type { DistributionOptions } from './distributions/distribution.js';
export { stopGradient } from './ops/stop-gradient.js';
