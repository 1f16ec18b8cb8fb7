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
