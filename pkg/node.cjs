'use strict';
// Node's require (and, through node.mjs, its import): one instance for both. Bundlers (Next.js,
// webpack, esbuild, Turbopack) carry this file as it is: the wasm comes from dist/wasm.js (no
// file read beside __dirname) and node:crypto from process.getBuiltinModule (Node ≥ 20.16; a
// require before that, which an ESM bundle may not have: the wasm's SHA-256 then).
const {
  start,
  embeddedModule,
  wasmMemory,
  nodeCryptoSha256,
  utf16_input,
  utf16_to_input,
  input_to_utf16,
  utf16_address,
  hooks,
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

/** A Buffer over all of wasm memory: a grown memory detaches the old one (its views empty). */
let bytes;
function memoryBuffer() {
  if (bytes === undefined || bytes.byteLength === 0) bytes = Buffer.from(wasmMemory().buffer);
  return bytes;
}

// Buffer's own UTF-16 writer and reader when it has them (Node has had them since its start,
// undocumented; Buffer#write and #toString check their arguments and look the encoding up on
// every call).
const { ucs2Write, ucs2Slice } = Buffer.prototype;
const writeUtf16 =
  typeof ucs2Write === 'function'
    ? (string, offset) => ucs2Write.call(memoryBuffer(), string, offset)
    : (string, offset) => memoryBuffer().write(string, offset, 'utf16le');
const readUtf16 =
  typeof ucs2Slice === 'function'
    ? (start, end) => ucs2Slice.call(memoryBuffer(), start, end)
    : (start, end) => memoryBuffer().toString('utf16le', start, end);

start(embeddedModule(), () => {
  bytes = undefined;
  // The signature's SHA-256 through node:crypto (OpenSSL, with the CPU's SHA instructions: ~4×
  // the software SHA-256 inside the wasm, see BENCHMARKS.md). Everything else, the
  // constant-time comparison included, stays in the wasm; the digest is the same.
  const crypto = nodeCrypto();
  if (crypto !== undefined) hooks.sha256 = nodeCryptoSha256(crypto);
});

// A string body crosses as UTF-16, a plain copy, and the wasm encodes it as UTF-8 exactly as
// TextEncoder does: V8's own UTF-8 conversion (encodeInto) is ~10× slower than that copy.
hooks.writeString = (body) => {
  writeUtf16(body, utf16_input(body.length));
  return utf16_to_input(body.length);
};

// And back: a checked byte body becomes the string for JSON.parse as UTF-16 decoded in the wasm
// and copied out (TextDecoder is ~10× slower).
hooks.decodeChecked = (length) => {
  const units = input_to_utf16(length);
  const address = utf16_address();
  return readUtf16(address, address + 2 * units);
};

module.exports = api;
