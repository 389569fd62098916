// Cloudflare Workers built by Nitro (Nuxt) with its wasm support, unwasm (the `unwasm` condition,
// which Nitro sets only then): unwasm gives a compiled WebAssembly.Module for a `?module` import
// only; a plain `.wasm` import it instantiates itself, with no imports (the Worker answered 500).
import module from '../dist/vessel_webhooks_bg.wasm?module';
import { startWorkerd } from './workerd-start.js';

startWorkerd(module);

export * from './api.js';
export * from './receiver.js';
