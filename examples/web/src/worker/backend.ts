// The worker's tfjs backends. In browsers `initBackend` chooses among the backends the app imported:
// webgpu first, then wasm, then cpu. The wasm backend fetches its .wasm binaries at run time, so
// Vite emits them as assets (`?url`) and `setWasmPaths` points the backend at them.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { describeBackend, initBackend } from '@gen/core';
import type { BackendChoice } from '../protocol.js';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

/** Activates the chosen backend and returns its name and, for webgpu, the adapter. */
export async function useBackend(choice: BackendChoice): Promise<{ name: string; adapter?: string }> {
  const name = await initBackend(choice);
  await tf.ready();
  const description = await describeBackend();
  if (name === 'webgpu' && !description.gpu) {
    // A software adapter (SwiftShader on machines without a GPU): tfjs's tiled matmul runs about
    // 1.6x faster there than the variants its size heuristic picks for these small layers.
    tf.env().set('WEBGPU_MATMUL_PROGRAM_TYPE', MATMUL_PACKED);
  }
  return { name, adapter: description.adapter };
}

/** tfjs-backend-webgpu's MatMulProgramType.MatMulPackedProgram. */
const MATMUL_PACKED = 3;
