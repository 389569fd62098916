// Next.js's edge runtime (the edge-light condition): it refuses to compile wasm from bytes, and
// its bundlers (webpack and Turbopack) give a `.wasm?module` import as a WebAssembly.Module.
import module from '../dist/vessel_webhooks_bg.wasm?module';
import { start } from './instance.js';

start(module);

export * from './api.js';
export * from './receiver.js';
