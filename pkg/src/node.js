// Bundled to CommonJS as dist/api.cjs for Node's require; node.cjs instantiates the wasm and
// installs Node's fast paths (node:crypto's SHA-256, strings copied as UTF-16 both ways).
export { hooks } from './hooks.js';
export { embeddedModule } from './embedded.js';
export { installUtf16Hooks, nodeCryptoHashes, stale, start, wasmMemory } from './instance.js';
export * from './api.js';
export * from './receiver.js';
