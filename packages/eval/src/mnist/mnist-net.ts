// The small CNN behind mnistFeatures/mnistClassify: three 3x3 conv + 2x2 max-pool stages and a
// 128-unit dense layer (LeCun et al. 1998 style; the penultimate layer gives the FID features).
import * as tf from '@tensorflow/tfjs-core';
import {
  type Conv2dParams,
  type LinearParams,
  type Seed,
  conv2d,
  dropout,
  heNormal,
  initConv2d,
  initLinear,
  linear,
  split,
} from '@gen/core';

/** Parameters of the MNIST feature network (tfjs layouts: conv `[kh, kw, in, out]`, dense `[in, out]`). */
export type MnistNetParams = {
  readonly conv1: Conv2dParams; // 1 -> 16 at 28x28
  readonly conv2: Conv2dParams; // 16 -> 32 at 14x14
  readonly conv3: Conv2dParams; // 32 -> 64 at 7x7
  readonly dense: LinearParams; // 576 -> 128 (features)
  readonly out: LinearParams; // 128 -> 10 (logits)
};

/** Width of the penultimate layer, the dimension of `mnistFeatures`. */
export const MNIST_FEATURE_DIM = 128;
/** Number of classes of `mnistClassify`. */
export const MNIST_CLASSES = 10;

/** Random initial parameters (He-normal); new tensors owned by the caller. */
export function initMnistNet(key: Seed): MnistNetParams {
  const [k1, k2, k3, k4, k5] = split(key, 5);
  return {
    conv1: initConv2d(k1, { inChannels: 1, outChannels: 16, kernelSize: 3, init: heNormal }),
    conv2: initConv2d(k2, { inChannels: 16, outChannels: 32, kernelSize: 3, init: heNormal }),
    conv3: initConv2d(k3, { inChannels: 32, outChannels: 64, kernelSize: 3, init: heNormal }),
    dense: initLinear(k4, { inFeatures: 576, outFeatures: MNIST_FEATURE_DIM, init: heNormal }),
    out: initLinear(k5, { inFeatures: MNIST_FEATURE_DIM, outFeatures: MNIST_CLASSES }),
  };
}

/**
 * Forward pass of `x [batch, 28, 28, 1]` (grey levels in [0, 1]). Returns the penultimate
 * features `[batch, 128]` (after relu) and the logits `[batch, 10]`; new tensors owned by the
 * caller. `dropoutKey` switches dropout (rate 0.3, on the features) on for training.
 */
export function mnistNetForward(
  params: MnistNetParams,
  x: tf.Tensor4D,
  dropoutKey?: Seed,
): { features: tf.Tensor2D; logits: tf.Tensor2D } {
  return tf.tidy(() => {
    let h: tf.Tensor4D = conv2d(params.conv1, x, { activation: 'relu' }); // [b, 28, 28, 16]
    h = tf.maxPool(h, 2, 2, 'valid'); // [b, 14, 14, 16]
    h = conv2d(params.conv2, h, { activation: 'relu' }); // [b, 14, 14, 32]
    h = tf.maxPool(h, 2, 2, 'valid'); // [b, 7, 7, 32]
    h = conv2d(params.conv3, h, { activation: 'relu' }); // [b, 7, 7, 64]
    h = tf.maxPool(h, 2, 2, 'valid'); // [b, 3, 3, 64]
    const flat = tf.reshape(h, [x.shape[0], 576]); // [b, 576]
    const features = linear(params.dense, flat, 'relu') as tf.Tensor2D; // [b, 128]
    const dropped = dropoutKey === undefined ? features : dropout(features, 0.3, dropoutKey, true);
    const logits = linear(params.out, dropped) as tf.Tensor2D; // [b, 10]
    return { features, logits };
  });
}
