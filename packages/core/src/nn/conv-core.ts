// Differentiable conv2d / conv2dTranspose cores that work on every backend (internal).
// The filter gradient of a convolution is itself a convolution (of the input with the output
// gradient, stride and dilation swapped); see Dumoulin & Visin (2016), "A guide to convolution
// arithmetic for deep learning". tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so on
// such backends these cores compute the filter gradient that way, from Conv2D alone.
import * as tf from '@tensorflow/tfjs-core';

/** Padding of gen's conv blocks: TF's 'same'/'valid', or symmetric zero padding (number or [h, w]). */
export type ConvPadding = 'same' | 'valid' | number | readonly [number, number];

type TfPad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];

/** Converts a `ConvPadding` to what tfjs ops accept. */
export function toTfPad(padding: ConvPadding): TfPad {
  if (typeof padding === 'string' || typeof padding === 'number') return padding;
  return [[0, 0], [padding[0], padding[0]], [padding[1], padding[1]], [0, 0]];
}

/** True when the active backend registers a kernel (internal). */
export function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/**
 * Spreads a kernel `[kh, kw, in, out]` to `[(kh-1)dh+1, (kw-1)dw+1, in, out]` with zeros between
 * the taps, so that a dilated convolution becomes a plain one (tfjs has no gradient for dilated
 * convolutions). Differentiable (pad, reshape, slice).
 */
export function dilateKernel(w: tf.Tensor4D, dilation: readonly [number, number]): tf.Tensor4D {
  const [dh, dw] = dilation;
  if (dh === 1 && dw === 1) return w;
  return tf.tidy(() => {
    let [kh, kw, cin, cout] = w.shape;
    let k: tf.Tensor = w;
    if (dh > 1) {
      k = tf.pad(tf.reshape(k, [kh, 1, kw, cin, cout]), [[0, 0], [0, dh - 1], [0, 0], [0, 0], [0, 0]]); // [kh, dh, kw, in, out]
      k = tf.slice(tf.reshape(k, [kh * dh, kw, cin, cout]), [0, 0, 0, 0], [(kh - 1) * dh + 1, kw, cin, cout]);
      kh = (kh - 1) * dh + 1;
    }
    if (dw > 1) {
      k = tf.pad(tf.reshape(k, [kh, kw, 1, cin, cout]), [[0, 0], [0, 0], [0, dw - 1], [0, 0], [0, 0]]); // [kh, kw, dw, in, out]
      k = tf.slice(tf.reshape(k, [kh, kw * dw, cin, cout]), [0, 0, 0, 0], [kh, (kw - 1) * dw + 1, cin, cout]);
    }
    return k as tf.Tensor4D;
  });
}

/**
 * Gradient of `sum(conv2d(x, w, strides, pad) * dy)` with respect to `w` (shape `filterShape`,
 * `[kh, kw, in, out]`), computed with a forward Conv2D only:
 * dW[i, j, c, o] = sum_{n, p, q} xPadded[n, p*sh + i, q*sw + j, c] * dy[n, p, q, o], which is a
 * stride-1 convolution of xPadded (batch and channels swapped) with dy as a filter dilated by the
 * strides.
 */
export function conv2dFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: [number, number],
  pad: TfPad,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad);
    const { top, bottom, left, right } = info.padInfo;
    const [kh, kw, cin, cout] = filterShape;
    const xPadded = tf.pad(x, [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]]);
    const xT = tf.transpose(xPadded, [3, 1, 2, 0]); // [in, paddedHeight, paddedWidth, batch]
    const dyT = tf.transpose(dy, [1, 2, 0, 3]); // [outHeight, outWidth, batch, out]
    const full = tf.conv2d(xT as tf.Tensor4D, dyT as tf.Tensor4D, 1, 'valid', 'NHWC', strides); // [in, >= kh, >= kw, out]
    const cropped = tf.slice(full, [0, 0, 0, 0], [cin, kh, kw, cout]); // [in, kh, kw, out]
    return tf.transpose(cropped, [1, 2, 0, 3]) as tf.Tensor4D; // [kh, kw, in, out]
  });
}

/** conv2d (NHWC, `w [kh, kw, in, out]`, no dilation) plus bias, differentiable on every backend. */
export function conv2dCore(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  bias: tf.Tensor1D | undefined,
  strides: [number, number],
  pad: TfPad,
  activation: 'linear' | 'relu' | 'leakyrelu' | 'sigmoid',
  leakyreluAlpha?: number,
): tf.Tensor4D {
  if (hasKernel('Conv2DBackpropFilter')) {
    return tf.fused.conv2d({ x, filter: w, strides, pad, bias, activation, leakyreluAlpha });
  }
  const inputs: tf.Tensor[] = bias === undefined ? [x, w] : [x, w, bias];
  const core = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [xx, ww, bb] = args.slice(0, -1) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D | undefined];
    save([xx, ww]);
    const value = tf.fused.conv2d({ x: xx, filter: ww, strides, pad, bias: bb });
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
      const dy4 = dy as tf.Tensor4D;
      const grads: tf.Tensor[] = [
        tf.conv2dTranspose(dy4, sw, sx.shape, strides, pad),
        conv2dFilterGradient(sx, dy4, sw.shape, strides, pad),
      ];
      if (bb !== undefined) grads.push(tf.sum(dy4, [0, 1, 2]));
      return grads;
    };
    return { value, gradFunc };
  });
  const y = core(...inputs) as tf.Tensor4D;
  if (activation === 'linear') return y;
  return tf.tidy(() => {
    const out = activation === 'relu' ? tf.relu(y) : activation === 'sigmoid' ? tf.sigmoid(y) : tf.leakyRelu(y, leakyreluAlpha);
    y.dispose();
    return out as tf.Tensor4D;
  });
}

/**
 * Transposed conv2d (NHWC, `w [kh, kw, out, in]`) to `outShape`, plus bias, differentiable on
 * every backend.
 */
export function conv2dTransposeCore(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  bias: tf.Tensor1D | undefined,
  outShape: [number, number, number, number],
  strides: [number, number],
  pad: TfPad,
): tf.Tensor4D {
  const addBias = (y: tf.Tensor4D) => (bias === undefined ? y : (tf.add(y, bias) as tf.Tensor4D));
  if (hasKernel('Conv2DBackpropFilter')) {
    return tf.tidy(() => addBias(tf.conv2dTranspose(x, w, outShape, strides, pad as 'same')));
  }
  const core = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[2] as tf.GradSaveFunc;
    const [xx, ww] = args as [tf.Tensor4D, tf.Tensor4D];
    save([xx, ww]);
    const value = tf.conv2dTranspose(xx, ww, outShape, strides, pad as 'same');
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
      const dy4 = dy as tf.Tensor4D;
      // y = A^T x where A z = conv2d(z, w): dx = conv2d(dy, w); dw = filter gradient of conv2d(dy, w) against x.
      return [tf.conv2d(dy4, sw, strides, pad), conv2dFilterGradient(dy4, sx, sw.shape, strides, pad)];
    };
    return { value, gradFunc };
  });
  return tf.tidy(() => addBias(core(x, w) as tf.Tensor4D));
}
