// What the Workers entries share (workerd.js; workerd-unwasm.js for Nitro): the instance of the
// compiled module they import, and workerd's fast paths. With the nodejs_compat flag, node:crypto's
// synchronous SHA-256 (found at run time: no static node: import, so a Worker without the flag
// still bundles, and hashes with the wasm's SHA-256 and, in verifyRequest, crypto.subtle.digest).
import { hooks, WORKERD_NATIVE_MIN_BYTES } from './hooks.js';
import { installUtf16Hooks, nodeCryptoHashes, start } from './instance.js';

/** Starts the package on `module`, the compiled WebAssembly.Module an entry imported. */
export function startWorkerd(module) {
  start(module, () => {
    const nodeCrypto = globalThis.process?.getBuiltinModule?.('node:crypto');
    if (typeof nodeCrypto?.createHash === 'function') {
      Object.assign(hooks, nodeCryptoHashes(nodeCrypto));
    }
  });
  // A node:crypto digest's clean-up in workerd costs a small message's hashing (hooks.js).
  hooks.sha256MinBytes = WORKERD_NATIVE_MIN_BYTES;
  // Mostly-Latin bodies read back escaped, Latin-1 or not: quicker in workerd either way (hooks.js).
  hooks.escapedReads = 'all';

  // And node:buffer: strings cross as UTF-16, copied by Buffer (instance.js).
  const buffer = globalThis.process?.getBuiltinModule?.('node:buffer');
  if (typeof buffer?.Buffer?.from === 'function') installUtf16Hooks(buffer.Buffer);
}
