// A Worker's tests as Cloudflare's templates run them: Vitest in workerd (vitest-pool-workers),
// with the compatibility flags of VESSEL_FLAGS (comma-separated). The package's `.wasm` import
// needs the one rule (README: Runtimes and bundlers). The root is the app's folder, which holds
// node_modules, as a project's does (the pool finds no `.wasm` outside its root).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';

export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: { include: ['tests/bundlers/vitest-app/*.spec.js'] },
  plugins: [
    cloudflareTest({
      miniflare: {
        compatibilityDate: '2026-04-01',
        compatibilityFlags: process.env.VESSEL_FLAGS.split(',').filter(Boolean),
        modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
      },
    }),
  ],
});
