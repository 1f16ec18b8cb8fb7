// Registers tfjs-core's gradient functions (tfjs-core's own Node bundle ships without them), then
// gen's corrections that make gradients of gradients right (see ops/double-backprop-gradients.ts).
// Built as a separate bundle; see tsup.config.ts for why.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { ensureDoubleBackpropGradients } from './ops/double-backprop-gradients.js';

ensureDoubleBackpropGradients();
