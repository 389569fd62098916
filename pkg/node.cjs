'use strict';
// Node's require (and, through node.mjs, its import): one instance for both.
const crypto = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { initSync, use_native_sha256, ...api } = require('./dist/api.cjs');

const { memory } = initSync({
  module: readFileSync(join(__dirname, 'dist', 'vessel_webhooks_bg.wasm')),
});

// The signature's SHA-256 through node:crypto (OpenSSL, with the CPU's SHA instructions: ~4× the
// software SHA-256 inside the wasm, see BENCHMARKS.md). Everything else, the constant-time
// comparison included, stays in the wasm; the digest is the same.
const sha256 =
  typeof crypto.hash === 'function'
    ? (bytes) => crypto.hash('sha256', bytes, 'buffer') // Node ≥ 20.12: one call, no Hash object
    : (bytes) => crypto.createHash('sha256').update(bytes).digest();
let bytes = new Uint8Array(memory.buffer);
use_native_sha256({
  sha256(address, length, out) {
    // A grown memory detaches the old buffer (its views become empty): take the new one.
    if (bytes.byteLength === 0) bytes = new Uint8Array(memory.buffer);
    bytes.set(sha256(bytes.subarray(address, address + length)), out);
  },
});

module.exports = api;
