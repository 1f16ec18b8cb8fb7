// @gen/gan: generative adversarial networks: MLP and DCGAN presets, loss variants, penalties,
// spectral norm, conditional GANs (concat, projection, ACGAN), EMA generator, diagnostics.
export { Gan } from './gan.js';
export type { GanBatch, GanFitOptions, GanFitResult, GanNetworks, GanOptions, GanStepMetrics, SampleOptions } from './gan.js';
export { resolveGanConfig } from './config.js';
export type { GanConfig, ResolvedGanConfig } from './config.js';
export {
  ARCHITECTURES,
  CONDITIONINGS,
  dcganDiscriminator,
  dcganGenerator,
  mlpDiscriminator,
  mlpGenerator,
  oneHotLabels,
  presetNetworks,
} from './networks.js';
export type {
  Architecture,
  Conditioning,
  DiscriminatorApply,
  DiscriminatorOutput,
  GeneratorApply,
  Network,
  OutputActivation,
  PresetSpec,
} from './networks.js';
export { initSpectralNorm, spectralNormalized, spectralNormPaths, updateSpectralNorm } from './spectral-norm.js';
export { DiagnosticsMonitor, meanPairwiseDistance, resolveDiagnostics } from './diagnostics.js';
export type { DiagnosticsOptions, GanWarning, GanWarningKind, MonitorInput, ResolvedDiagnostics } from './diagnostics.js';
export { interpolateLatents, sampleLatents } from './latent.js';
