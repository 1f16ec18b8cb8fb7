import * as tf from '@tensorflow/tfjs-core';
import { nativeKernelsLoaded, tensorflowBackendPackage } from './init-backend.js';

/** What the active backend is and what it can do. */
export interface BackendDescription {
  /** tfjs backend name: 'tensorflow', 'webgpu', 'wasm', 'cpu', or another registered one. */
  name: string;
  /** Bits of float precision the backend computes with (16 on some mobile GPUs). */
  floatPrecision: 16 | 32;
  /** True when the math runs on a GPU (webgpu on a real adapter, tfjs-node-gpu). */
  gpu: boolean;
  /** wasm only: whether the SIMD build is in use. */
  simd?: boolean;
  /** wasm only: whether the multi-threaded build is in use (needs browser workers). */
  threads?: boolean;
  /** wasm only: whether `@gen/native`'s BLAS kernels (matmul, conv) are installed. */
  native?: boolean;
  /** webgpu only: adapter vendor and architecture as reported by the browser or Dawn. */
  adapter?: string;
}

async function flag(name: string): Promise<boolean | undefined> {
  try {
    return Boolean(await tf.env().getAsync(name));
  } catch {
    return undefined;
  }
}

/**
 * Describes the active backend. Call after `initBackend()`.
 *
 * @example
 * await initBackend();
 * console.log(await describeBackend()); // { name: 'wasm', floatPrecision: 32, gpu: false, simd: true, threads: false }
 */
export async function describeBackend(): Promise<BackendDescription> {
  await tf.ready();
  const name = tf.getBackend();
  const floatPrecision = tf.backend().floatPrecision() === 16 ? 16 : 32;
  if (name === 'wasm') {
    return {
      name,
      floatPrecision,
      gpu: false,
      simd: await flag('WASM_HAS_SIMD_SUPPORT'),
      threads: await flag('WASM_HAS_MULTITHREAD_SUPPORT'),
      native: nativeKernelsLoaded(),
    };
  }
  if (name === 'webgpu') {
    const info = (tf.backend() as unknown as { adapterInfo?: Record<string, unknown> }).adapterInfo ?? {};
    const adapter = ['vendor', 'architecture', 'description']
      .map((key) => info[key])
      .filter((v): v is string => typeof v === 'string' && v.length > 0)
      .join(' ');
    const software = /swiftshader|llvmpipe|software/i.test(adapter);
    return { name, floatPrecision, gpu: !software, adapter };
  }
  if (name === 'tensorflow') {
    return { name, floatPrecision, gpu: tensorflowBackendPackage() === '@tensorflow/tfjs-node-gpu' };
  }
  return { name, floatPrecision, gpu: name === 'webgl' };
}
