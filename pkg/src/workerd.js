// Cloudflare Workers: the .wasm is imported as a compiled WebAssembly.Module (workerd refuses to
// compile wasm from bytes), with the `?module` suffix that wrangler and Cloudflare's Vite plugin
// read so, and that Nitro's unwasm (Nuxt) needs: without it, unwasm instantiates the file itself,
// with no imports. (esbuild run by hand keeps the suffix: README, Runtimes and bundlers.) With the nodejs_compat flag, node:crypto's synchronous
// SHA-256 (found at run time: no static node: import, so a Worker without the flag still
// bundles, and hashes with the wasm's SHA-256 and, in verifyRequest, crypto.subtle.digest).
import module from '../dist/vessel_webhooks_bg.wasm?module';
import { hooks, SMALL_MESSAGE_BYTES } from './hooks.js';
import { installUtf16Hooks, nodeCryptoHashes, start } from './instance.js';

start(module, () => {
  const nodeCrypto = globalThis.process?.getBuiltinModule?.('node:crypto');
  if (typeof nodeCrypto?.createHash === 'function') {
    Object.assign(hooks, nodeCryptoHashes(nodeCrypto));
  }
});
// Each node:crypto digest in workerd builds a Hash stream object: small messages are quicker in
// the wasm (hooks.js).
hooks.sha256MinBytes = SMALL_MESSAGE_BYTES;

// And node:buffer: strings cross as UTF-16, copied by Buffer (instance.js).
const buffer = globalThis.process?.getBuiltinModule?.('node:buffer');
if (typeof buffer?.Buffer?.from === 'function') installUtf16Hooks(buffer.Buffer);

export * from './api.js';
export * from './receiver.js';
