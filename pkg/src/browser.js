// Browsers, bundlers and every runtime without a more specific entry: the .wasm embedded in
// dist/wasm.js, compiled synchronously (no top-level await, no fetch, nothing to copy).
import { embeddedModule } from './embedded.js';
import { start } from './instance.js';

start(embeddedModule());

export * from './api.js';
export * from './receiver.js';
