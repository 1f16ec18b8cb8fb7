// Registers tfjs-core's gradient functions (tfjs-core's own Node bundle ships without them).
// Built as a separate bundle; see tsup.config.ts for why.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
