// Fresh app, TypeScript strict: the published .d.ts files type-check in user code.
import * as tf from '@tensorflow/tfjs-core';
import { type BackendName, InvalidArgumentError, initBackend, prngKey, randomNormal, split } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as gmm from '@gen/gmm';
import * as vae from '@gen/vae';
import * as gan from '@gen/gan';
import * as diffusion from '@gen/diffusion';
import * as lm from '@gen/lm';
import * as evaluation from '@gen/eval';

export async function main(): Promise<number> {
  const name: BackendName = await initBackend('auto');
  // The published types are real, not `any`: a wrong backend name must not compile.
  // @ts-expect-error 'tpu' is not a BackendPreference
  await initBackend('tpu').catch(() => undefined);
  const [a] = split(prngKey(0), 2);
  const z: tf.Tensor = randomNormal(a, [2, 2]);
  await expectNoLeak(() => tf.tidy(() => tf.add(z, 1)));
  const error: Error = new InvalidArgumentError('x');
  return [name, error.message, gmm, vae, gan, diffusion, lm, evaluation].length;
}
