import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.preset.js';

// shims: the CJS build gets an `import.meta.url` shim, used to locate data files inside packages.
export default defineConfig({ ...packageBuild(), shims: true });
