// @gen/core's initBackend installs @gen/native when it selects wasm. In this workspace @gen/core
// cannot resolve '@gen/native' (it is not one of core's dependencies), so the test routes core's
// optional import of that name to this package's source.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { skipReason } from './test-helpers.js';

vi.mock('../../core/src/backend/environment.js', async (importOriginal) => {
  const original = await importOriginal<{ importOptional(specifier: string): Promise<unknown> }>();
  return {
    ...original,
    importOptional: (specifier: string) => (specifier === '@gen/native' ? import('./index.js') : original.importOptional(specifier)),
  };
});

const suiteBackend = (process.env.GEN_BACKEND ?? 'cpu') as 'cpu' | 'wasm';

// The setup file loaded @gen/core before the mock existed: load fresh copies (one of core, one of
// this package, shared with the mock) that see it.
vi.resetModules();
const { initBackend } = await import('@gen/core');
const { installNativeKernels, nativeKernelsInstalled, uninstallNativeKernels } = await import('./index.js');

describe.skipIf(skipReason !== undefined)("initBackend('wasm') and @gen/native", () => {
  afterAll(async () => {
    uninstallNativeKernels();
    await initBackend(suiteBackend);
  });

  it('installs the native kernels when it selects wasm', async () => {
    await initBackend('cpu');
    uninstallNativeKernels();
    expect(nativeKernelsInstalled()).toBe(false);
    await initBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(nativeKernelsInstalled()).toBe(true);
  });

  it('leaves them out with GEN_NATIVE=0', async () => {
    await initBackend('cpu');
    uninstallNativeKernels();
    process.env.GEN_NATIVE = '0';
    try {
      await initBackend('wasm');
      expect(nativeKernelsInstalled()).toBe(false);
    } finally {
      delete process.env.GEN_NATIVE;
    }
    expect(installNativeKernels().ok).toBe(true);
  });
});
