// Browsers and bundlers: fetch and instantiate the .wasm beside this file.
import init from '../dist/vessel_webhooks.js';

await init({ module_or_path: new URL('../dist/vessel_webhooks_bg.wasm', import.meta.url) });

export * from './api.js';
export * from './receiver.js';
