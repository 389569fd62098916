'use strict';
// Node's require (and, through node.mjs, its import): one instance for both. Bundlers (Next.js,
// webpack, esbuild, Turbopack) carry this file as it is: the wasm comes from dist/wasm.js (no
// file read beside __dirname) and node:crypto from process.getBuiltinModule (Node ≥ 20.16; a
// require before that, which an ESM bundle may not have: the wasm's SHA-256 then).
const {
  start,
  embeddedModule,
  nodeCryptoHashes,
  installUtf16Hooks,
  hooks,
  // Internal (the package's own tests take them from dist/api.cjs): not among the exports.
  wasmMemory,
  stale,
  ...api
} = require('./dist/api.cjs');

function nodeCrypto() {
  const builtin = globalThis.process?.getBuiltinModule?.('node:crypto');
  if (builtin !== undefined) return builtin;
  try {
    return require('node:crypto');
  } catch {
    return undefined;
  }
}

start(embeddedModule(), () => {
  // The signature's SHA-256 through node:crypto (OpenSSL, with the CPU's SHA instructions: ~4×
  // the software SHA-256 inside the wasm, see BENCHMARKS.md). Everything else, the
  // constant-time comparison included, stays in the wasm; the digest is the same.
  const crypto = nodeCrypto();
  if (crypto !== undefined) Object.assign(hooks, nodeCryptoHashes(crypto));
});

// Strings cross as UTF-16 both ways, copied by Buffer (instance.js). Deno loads this entry too,
// and its Buffer is JavaScript: there strings are written by TextEncoder#encodeInto (BENCHMARKS.md,
// session 26).
const isDeno = globalThis.Deno !== undefined;
installUtf16Hooks(Buffer, !isDeno);
// Mostly-Latin bodies with a character above U+00FF read back escaped, in Node only (hooks.js).
if (!isDeno && globalThis.Bun === undefined) hooks.escapedReads = 'wide';

// Request bodies read chunk by chunk into one buffer, not by undici's arrayBuffer() (hooks.js).
// Deno's and Bun's arrayBuffer() too keep each chunk of a body made in JavaScript as an object
// (76 – 209 bytes held per byte sent a byte per chunk), though not a body from their own servers.
hooks.readBodyStream = true;

module.exports = api;
