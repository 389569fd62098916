// Next.js's edge runtime (the edge-light condition): it refuses to compile wasm from bytes, and
// its bundlers (webpack and Turbopack) give a `.wasm?module` import as a WebAssembly.Module.
import module from '../dist/vessel_webhooks_bg.wasm?module';
import { hooks } from './hooks.js';
import { start } from './instance.js';

start(module);
// Request bodies read chunk by chunk into one buffer (hooks.js): self-hosted (next start, next
// dev), the edge sandbox runs on Node, whose arrayBuffer() keeps every chunk as an object until
// the end (~50 bytes of memory per body byte sent a byte at a time, SECURITY.md finding 27).
hooks.readBodyStream = true;

export * from './api.js';
export * from './receiver.js';
