import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.preset.js';

export default defineConfig(packageBuild());
