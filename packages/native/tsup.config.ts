import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.preset.js';

// shims: import.meta.url in the CJS build (the addon is located relative to the package).
export default defineConfig({ ...packageBuild(), shims: true });
