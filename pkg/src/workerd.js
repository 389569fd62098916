// Cloudflare Workers: the .wasm imported as a compiled WebAssembly.Module (workerd refuses to
// compile wasm from bytes), as wrangler, Cloudflare's Vite plugin, vitest-pool-workers (with a
// CompiledWasm rule) and an esbuild build with the `copy` loader give a plain `.wasm` import.
import module from '../dist/vessel_webhooks_bg.wasm';
import { startWorkerd } from './workerd-start.js';

startWorkerd(module);

export * from './api.js';
export * from './receiver.js';
