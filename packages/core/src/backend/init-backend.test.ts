import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, InvalidArgumentError, describeBackend, initBackend } from '@gen/core';

const expected = process.env.GEN_BACKEND ?? 'cpu';

describe('initBackend', () => {
  it('runs the suite on the backend GEN_BACKEND names', async () => {
    expect(tf.getBackend()).toBe(expected);
    const description = await describeBackend();
    expect(description.name).toBe(expected);
    expect(description.floatPrecision).toBe(32);
    expect(description.gpu).toBe(false);
    if (expected === 'wasm') {
      expect(typeof description.simd).toBe('boolean');
      expect(description.threads).toBe(false);
      // CI runs the wasm suite twice: with @gen/native's kernels and with GEN_NATIVE=0.
      expect(description.native).toBe(process.env.GEN_NATIVE !== '0');
    }
  });

  it('lets GEN_BACKEND replace auto', async () => {
    await expect(initBackend('auto')).resolves.toBe(expected);
  });

  it('rejects unknown names, listing the allowed ones', async () => {
    await expect(initBackend('tpu' as never)).rejects.toThrow(InvalidArgumentError);
    await expect(initBackend('tpu' as never)).rejects.toThrow(
      "Argument 'preference' passed to 'initBackend' must be one of 'auto', 'tensorflow', 'webgpu', 'wasm', 'cpu', but got 'tpu'.",
    );
  });

  it('names the package to install when an asked-for backend is missing', async () => {
    const error = await initBackend('tensorflow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toContain("'@tensorflow/tfjs-node-gpu' or '@tensorflow/tfjs-node'");
    expect(tf.getBackend()).toBe(expected);
  });

  it('explains why webgpu cannot run in Node without a GPU', async () => {
    const error = await initBackend('webgpu').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/Backend 'webgpu' cannot run in Node here/);
    expect(tf.getBackend()).toBe(expected);
  });
});
