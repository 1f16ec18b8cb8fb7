// Every Node test file runs on the backend named by GEN_BACKEND (default: cpu).
import '@tensorflow/tfjs-backend-cpu';
import { initBackend } from '@gen/core';

process.env.GEN_BACKEND ??= 'cpu';
await initBackend(process.env.GEN_BACKEND as 'cpu' | 'wasm');
