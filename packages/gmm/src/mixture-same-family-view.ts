// The fitted Gaussian mixture as @gen/core's MixtureSameFamily(Categorical, MultivariateNormal),
// p(x) = sum_k w_k N(x | mu_k, L_k L_k^T) (torch.distributions' construction), with
// L_k = chol((P_k P_k^T)^-1) from the Cholesky precision factors.
import { Categorical, MixtureSameFamily, MultivariateNormal, choleskyF64, inverseF64 } from '@gen/core';
import type { CovarianceType } from './gaussian.js';
import { precisionsFromCholesky } from './gaussian.js';

/**
 * A `MixtureSameFamily` that owns its `Categorical` and `MultivariateNormal` and frees them (and
 * itself) in `dispose()`. Batch shape `[]`, event shape `[d]`.
 */
export class OwnedMixtureSameFamily extends MixtureSameFamily {
  override dispose(): void {
    super.dispose();
    this.mixtureDistribution.dispose();
    this.componentDistribution.dispose();
  }
}

/** Builds the MixtureSameFamily for float64 parameters in sklearn's layout. */
export function toMixtureSameFamily(
  type: CovarianceType,
  weights: Float64Array,
  means: Float64Array,
  precisionsCholesky: Float64Array,
  k: number,
  d: number,
): OwnedMixtureSameFamily {
  const precisions = precisionsFromCholesky(type, precisionsCholesky, k, d);
  const scaleTril: number[][][] = [];
  for (let c = 0; c < k; c++) {
    const m: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    if (type === 'full' || type === 'tied') {
      const o = type === 'full' ? c * d * d : 0;
      const cov = inverseF64({ data: precisions.slice(o, o + d * d), shape: [d, d] }, { assume: 'spd' });
      const l = choleskyF64(cov).data;
      for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) m[a][b] = l[a * d + b];
    } else {
      for (let j = 0; j < d; j++) m[j][j] = 1 / Math.sqrt(type === 'diag' ? precisions[c * d + j] : precisions[c]);
    }
    scaleTril.push(m);
  }
  const loc = Array.from({ length: k }, (_, c) => Array.from(means.subarray(c * d, (c + 1) * d)));
  const mixture = new Categorical({ probs: Array.from(weights) });
  const components = new MultivariateNormal(loc, { scaleTril });
  return new OwnedMixtureSameFamily(mixture, components);
}
