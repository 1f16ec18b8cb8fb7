import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.preset.js';

// The shipped MNIST weights are a ~260 KB base64 string in src/mnist/weights.generated.ts: keep
// source maps but without sourcesContent, so the string is not copied into every .map file.
export default defineConfig({
  ...packageBuild(),
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
});
