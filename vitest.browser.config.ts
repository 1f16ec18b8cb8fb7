import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The browser suite: Debian's chromium (browsers cannot be downloaded here), headless, with WebGPU
// through SwiftShader so the webgpu backend runs on a CPU-only machine (DESIGN.md §3). Playwright
// adds --headless and a fresh temporary profile itself.
const chromiumArgs = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--enable-features=Vulkan',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@gen\/core\/testing$/, replacement: source('./packages/core/src/testing.ts') },
      { find: /^@gen\/core$/, replacement: source('./packages/core/src/index.ts') },
    ],
  },
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-core/dist/register_all_gradients',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-webgpu',
    ],
  },
  test: {
    include: ['packages/*/src/**/*.browser.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    browser: {
      enabled: true,
      headless: true,
      provider: 'playwright',
      screenshotFailures: false,
      instances: [
        {
          browser: 'chromium',
          launch: {
            executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
            args: chromiumArgs,
          },
        },
      ],
    },
  },
});
