import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, installWasmKernelFixes, uninstallWasmKernelFixes } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { loadAddonFrom } from './addon.js';
import { NATIVE_KERNELS, installNativeKernels, nativeKernelsInfo, nativeKernelsInstalled, setNativeThreads, uninstallNativeKernels } from './index.js';
import { skipReason } from './test-helpers.js';

const suiteBackend = (process.env.GEN_BACKEND ?? 'cpu') as 'cpu' | 'wasm';
const kernelFunc = (name: string) => tf.getKernel(name, 'wasm')?.kernelFunc;

describe('loading the addon', () => {
  it('reports why when the addon was not built, with the fix', () => {
    const root = mkdtempSync(join(tmpdir(), 'gen-native-'));
    try {
      const missing = loadAddonFrom(root);
      expect('reason' in missing && missing.reason).toMatch(
        /^native kernels unavailable: the addon was not built .*; apt-get install libopenblas-dev and rebuild/,
      );
      mkdirSync(join(root, 'build'));
      writeFileSync(join(root, 'build', 'gen-native-build-error.txt'), "node-gyp rebuild exited with 1: fatal error: cblas.h: No such file or directory\nmore\n");
      const failed = loadAddonFrom(root);
      expect('reason' in failed && failed.reason).toBe(
        'native kernels unavailable: node-gyp rebuild exited with 1: fatal error: cblas.h: No such file or directory; apt-get install libopenblas-dev and rebuild (pnpm rebuild @gen/native, or npm rebuild @gen/native)',
      );
      mkdirSync(join(root, 'build', 'Release'));
      writeFileSync(join(root, 'build', 'Release', 'gen_native.node'), 'not a shared object');
      const broken = loadAddonFrom(root);
      expect('reason' in broken && broken.reason).toMatch(/^native kernels unavailable: loading the addon failed: /);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('GEN_NATIVE=0 disables installation', () => {
    const saved = process.env.GEN_NATIVE;
    const wasInstalled = nativeKernelsInstalled();
    uninstallNativeKernels(); // initBackend may have installed them already
    process.env.GEN_NATIVE = '0';
    try {
      expect(installNativeKernels()).toEqual({ ok: false, reason: 'native kernels disabled by GEN_NATIVE=0', kernels: [] });
      expect(nativeKernelsInstalled()).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.GEN_NATIVE;
      else process.env.GEN_NATIVE = saved;
      if (wasInstalled) installNativeKernels();
    }
  });

  it('setNativeThreads validates its argument', () => {
    expect(() => setNativeThreads(0)).toThrow(RangeError);
    expect(() => setNativeThreads(1.5)).toThrow("Argument 'threads' passed to 'setNativeThreads' must be a positive integer, but got 1.5.");
  });
});

describe.skipIf(skipReason !== undefined)('installing and uninstalling the native kernels', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(async () => {
    uninstallNativeKernels();
    installWasmKernelFixes();
    await initBackend(suiteBackend);
  });

  it('reports the BLAS in use', () => {
    const info = nativeKernelsInfo();
    expect(info.available).toBe(true);
    if (info.available) {
      expect(info.blas.length).toBeGreaterThan(0);
      expect(info.threads).toBeGreaterThanOrEqual(0);
    }
  });

  it('round trip: install replaces the kernels, uninstall restores exactly the previous ones', () => {
    uninstallNativeKernels();
    installWasmKernelFixes();
    const before = Object.fromEntries(NATIVE_KERNELS.map((name) => [name, kernelFunc(name)]));
    expect(before.Conv2DBackpropFilter).toBeUndefined(); // tfjs-backend-wasm 4.22 has none
    const result = installNativeKernels();
    expect(result).toEqual({ ok: true, kernels: [...NATIVE_KERNELS] });
    expect(nativeKernelsInstalled()).toBe(true);
    for (const name of NATIVE_KERNELS) expect(kernelFunc(name)).not.toBe(before[name]);
    const ours = Object.fromEntries(NATIVE_KERNELS.map((name) => [name, kernelFunc(name)]));
    expect(installNativeKernels().ok).toBe(true); // idempotent: same registrations
    for (const name of NATIVE_KERNELS) expect(kernelFunc(name)).toBe(ours[name]);
    uninstallNativeKernels();
    expect(nativeKernelsInstalled()).toBe(false);
    for (const name of NATIVE_KERNELS) expect(kernelFunc(name)).toBe(before[name]);
    uninstallNativeKernels(); // idempotent
    expect(installNativeKernels().ok).toBe(true);
    expect(nativeKernelsInstalled()).toBe(true);
  });

  it('notices when another installer re-registers a kernel, and leaves that one alone on uninstall', () => {
    uninstallNativeKernels();
    installWasmKernelFixes();
    expect(installNativeKernels().ok).toBe(true);
    uninstallWasmKernelFixes(); // re-registers the stock matmul kernels over ours
    expect(nativeKernelsInstalled()).toBe(false);
    const stockMatMul = kernelFunc('BatchMatMul');
    uninstallNativeKernels();
    expect(kernelFunc('BatchMatMul')).toBe(stockMatMul);
    expect(kernelFunc('Conv2DBackpropFilter')).toBeUndefined();
    expect(installNativeKernels().ok).toBe(true); // over the stock kernels this time
    expect(nativeKernelsInstalled()).toBe(true);
  });

  it('computes with no tensor leak once installed', async () => {
    expect(installNativeKernels().ok).toBe(true);
    const a = tf.ones([3, 4]);
    await expectNoLeak(() => tf.matMul(a, a, false, true), 'matMul');
    tf.dispose(a);
  });
});
