// Gradient registrations that make tfjs-core's autodiff correct to second order (gradients of
// gradients, as gradient penalties need). Two gaps in tfjs-core 4.22, found by comparing with
// torch.autograd (see penalties.test.ts):
//
// 1. Comparison and logical kernels (Greater, Less, LessEqual, Equal, NotEqual, Logical*) have no
//    gradient. First-order gradient functions such as LeakyRelu's (greater), Maximum's (less),
//    Minimum's (greater) and ClipByValue's (lessEqual, logicalAnd) record them on the tape, and a
//    second differentiation fails with "gradient function not found for Greater". Their outputs
//    are piecewise constant, so their gradient is zero.
// 2. Kernels whose gradient reuses the saved forward *output* (Tanh, Sigmoid, Exp, Elu, Softmax)
//    give silently wrong second derivatives: the engine saves a clone of the output whose tape
//    node is recorded before the node that produces the output, so backprop never connects the
//    clone to the input (tf.grad(tf.grad(tf.tanh)) even throws "Cannot compute gradient").
//    Re-registered here to recompute from the saved input, which is connected; the first-order
//    values are the same numbers, at the cost of one extra elementwise op in the backward pass.
import * as tf from '@tensorflow/tfjs-core';

const COMPARISON_KERNELS = ['Greater', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr', 'LogicalXor'];

let registered = false;

/**
 * Registers the gradients above (idempotent). Importing @gen/core already calls it (see
 * register-gradients.ts), so `tf.grad(tf.grad(f))` is right out of the box; it stays exported for
 * code that replaced tfjs's gradient registry afterwards. Comparison gradients registered by
 * someone else are left alone.
 *
 * @example
 * ensureDoubleBackpropGradients();
 * const d2 = tf.grad(tf.grad((x: tf.Tensor) => tf.tanh(x)))(x); // now correct
 */
export function ensureDoubleBackpropGradients(): void {
  if (registered) return;
  registered = true;
  const zerosOf = (t: tf.Tensor) => () => tf.zeros(t.shape, 'float32');
  for (const kernelName of COMPARISON_KERNELS) {
    if (tf.getGradient(kernelName) !== undefined) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, saved) => ({ a: zerosOf(saved[0]), b: zerosOf(saved[1]) }),
    });
  }
  if (tf.getGradient('LogicalNot') === undefined) {
    tf.registerGradient({
      kernelName: 'LogicalNot',
      inputsToSave: ['x'],
      gradFunc: (_dy, saved) => ({ x: zerosOf(saved[0]) }),
    });
  }
  // d tanh(x) = 1 - tanh(x)^2
  tf.registerGradient({
    kernelName: 'Tanh',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({
      x: () => tf.mul(dy as tf.Tensor, tf.sub(1, tf.square(tf.tanh(saved[0])))),
    }),
  });
  // d sigmoid(x) = sigmoid(x) (1 - sigmoid(x))
  tf.registerGradient({
    kernelName: 'Sigmoid',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({
      x: () => {
        const s = tf.sigmoid(saved[0]);
        return tf.mul(dy as tf.Tensor, tf.mul(s, tf.sub(1, s)));
      },
    }),
  });
  // d exp(x) = exp(x)
  tf.registerGradient({
    kernelName: 'Exp',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.mul(dy as tf.Tensor, tf.exp(saved[0])) }),
  });
  // d elu(x) = 1 for x > 0, exp(x) otherwise (exp of min(x, 0), so the unused branch stays finite)
  tf.registerGradient({
    kernelName: 'Elu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({
      x: () => {
        const x = saved[0];
        const slope = tf.where(tf.greater(x, 0), tf.onesLike(x), tf.exp(tf.minimum(x, 0)));
        return tf.mul(dy as tf.Tensor, slope);
      },
    }),
  });
  // d softmax: (dy - sum(dy * y)) * y with y = softmax(logits) recomputed
  tf.registerGradient({
    kernelName: 'Softmax',
    inputsToSave: ['logits'],
    gradFunc: (dy, saved, attrs) => ({
      logits: () => {
        const { dim } = attrs as unknown as { dim: number };
        const y = tf.softmax(saved[0], dim);
        const dyTimesY = tf.mul(dy as tf.Tensor, y);
        return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y));
      },
    }),
  });
}
