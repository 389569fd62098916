// Bundled to CommonJS as dist/api.cjs for Node's require; node.cjs instantiates the wasm.
export { initSync } from '../dist/vessel_webhooks.js';
export * from './api.js';
