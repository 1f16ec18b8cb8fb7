// @gen/diffusion: noise schedules, DDPM/DDIM/DPM-Solver++/Euler/Heun schedulers, MLP and U-Net
// denoisers, guidance, training. Explicit named exports only.

// Schedules
export { BETA_SCHEDULES, makeBetas, rescaleZeroTerminalSnr, alphasCumprod } from './schedule/betas.js';
export type { BetaSchedule, BetaOptions } from './schedule/betas.js';
export { TIMESTEP_SPACINGS, spacedTimesteps, roundHalfEven } from './schedule/spacing.js';
export type { TimestepSpacing, SpacingOptions } from './schedule/spacing.js';

// Schedulers
export {
  PREDICTION_TYPES,
  VARIANCE_TYPES,
  DEFAULT_SCHEDULER_CONFIG,
  resolveSchedulerConfig,
  parseDiffusersConfig,
  toDiffusersJson,
} from './schedulers/config.js';
export type { PredictionType, VarianceType, SchedulerConfig } from './schedulers/config.js';
export { SchedulerBase, vpPredictions, dynamicThreshold } from './schedulers/scheduler.js';
export type { Scheduler, StepArgs, StepOutput, NoiseTimesteps } from './schedulers/scheduler.js';
export { DDPMScheduler } from './schedulers/ddpm.js';
export { DDIMScheduler } from './schedulers/ddim.js';
export { DPMSolverMultistepScheduler } from './schedulers/dpm-solver-multistep.js';
export { EulerDiscreteScheduler, SigmaSchedulerBase } from './schedulers/euler-discrete.js';
export { EulerAncestralDiscreteScheduler } from './schedulers/euler-ancestral-discrete.js';
export { HeunDiscreteScheduler } from './schedulers/heun-discrete.js';
export { sigmasFromAlphasCumprod, sigmaX0 } from './schedulers/sigmas.js';
export { SCHEDULER_NAMES, createScheduler, schedulerFromDiffusersConfig, schedulerFromJson } from './schedulers/registry.js';
export type { SchedulerName } from './schedulers/registry.js';

// Pipelines
export { guidedOutput } from './pipelines/denoiser.js';
export type { Denoiser } from './pipelines/denoiser.js';
export { sampleSteps, generate } from './pipelines/sample.js';
export type { SampleOptions, SamplingStep } from './pipelines/sample.js';

// Denoisers
export { initMlpDenoiser, mlpDenoiser, MlpDenoiser } from './models/mlp-denoiser.js';
export type { MlpDenoiserConfig, MlpDenoiserParams } from './models/mlp-denoiser.js';

// Training
export { diffusionLoss } from './training/loss.js';
export type { DiffusionLossOptions } from './training/loss.js';
export { initUNet, unet, UNet } from './models/unet.js';
export type { UNetConfig, UNetParams } from './models/unet.js';
