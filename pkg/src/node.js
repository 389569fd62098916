// Bundled to CommonJS as dist/api.cjs for Node's require; node.cjs instantiates the wasm and
// gives it Node's SHA-256.
export { initSync, use_native_sha256 } from '../dist/vessel_webhooks.js';
export * from './api.js';
