// Cloudflare Workers: wrangler imports the .wasm as a compiled WebAssembly.Module.
import module from '../dist/vessel_webhooks_bg.wasm';
import { initSync } from '../dist/vessel_webhooks.js';

initSync({ module });

export * from './api.js';
export * from './receiver.js';
