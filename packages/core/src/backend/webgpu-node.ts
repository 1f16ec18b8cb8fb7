// WebGPU in Node through the `webgpu` package (Google's Dawn bindings). Only a real GPU counts:
// a fallback/software adapter would be slower than wasm.
import { importOptional } from './environment.js';

// Just the parts of the WebGPU API this probe touches (avoids a dependency on @webgpu/types).
interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface AdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}
interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/** Result of probing for a usable WebGPU adapter in Node. */
export interface NodeWebGpuProbe {
  ok: boolean;
  reason: string;
  adapter?: string;
}

/**
 * Installs `navigator.gpu` from the `webgpu` package when it finds a non-fallback adapter.
 * Must run before `@tensorflow/tfjs-backend-webgpu` is imported, since that package registers its
 * backend only when `navigator.gpu` exists at import time.
 */
export async function installNodeWebGpu(): Promise<NodeWebGpuProbe> {
  let dawn: DawnModule;
  try {
    dawn = (await importOptional('webgpu')) as DawnModule;
  } catch (error) {
    return { ok: false, reason: `the 'webgpu' package is not installed (${(error as Error).message})` };
  }
  const g = globalThis as { navigator?: { gpu?: GpuLike } };
  if (g.navigator?.gpu) return { ok: true, reason: 'navigator.gpu already present' };
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { ok: false, reason: 'no WebGPU adapter was found' };
  const info = adapter.info;
  const description = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ');
  const fallback =
    adapter.isFallbackAdapter === true ||
    info?.isFallbackAdapter === true ||
    /swiftshader|llvmpipe|software/i.test(description);
  if (fallback) return { ok: false, reason: `only a software adapter was found (${description})`, adapter: description };
  if (g.navigator) {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
  return { ok: true, reason: 'found a GPU adapter', adapter: description };
}
