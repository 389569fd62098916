'use strict';
// Node's require (and, through node.mjs, its import): one instance for both.
const crypto = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const {
  initSync,
  use_native_sha256,
  utf16_input,
  utf16_to_input,
  input_to_utf16,
  utf16_address,
  hooks,
  ...api
} = require('./dist/api.cjs');

const { memory } = initSync({
  module: readFileSync(join(__dirname, 'dist', 'vessel_webhooks_bg.wasm')),
});

let bytes = Buffer.from(memory.buffer);
/** A Buffer over all of wasm memory: a grown memory detaches the old one (its views empty). */
function memoryBytes() {
  if (bytes.byteLength === 0) bytes = Buffer.from(memory.buffer);
  return bytes;
}

// Buffer's own latin1 and UTF-16 writers and UTF-16 reader when it has them (Node has had them
// since its start, undocumented; Buffer#write and #toString check their arguments and look the
// encoding up on every call).
const { latin1Write, ucs2Write, ucs2Slice } = Buffer.prototype;
const writeLatin1 =
  typeof latin1Write === 'function'
    ? (string, offset) => latin1Write.call(memoryBytes(), string, offset)
    : (string, offset) => memoryBytes().write(string, offset, 'latin1');
const writeUtf16 =
  typeof ucs2Write === 'function'
    ? (string, offset) => ucs2Write.call(memoryBytes(), string, offset)
    : (string, offset) => memoryBytes().write(string, offset, 'utf16le');
const readUtf16 =
  typeof ucs2Slice === 'function'
    ? (start, end) => ucs2Slice.call(memoryBytes(), start, end)
    : (start, end) => memoryBytes().toString('utf16le', start, end);

// The signature's SHA-256 through node:crypto (OpenSSL, with the CPU's SHA instructions: ~4× the
// software SHA-256 inside the wasm, see BENCHMARKS.md). Everything else, the constant-time
// comparison included, stays in the wasm; the digest is the same. It comes back as a latin1
// string (one char per byte), which costs V8 less than a Buffer.
const sha256 =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'latin1') // Node ≥ 20.12: one call, no Hash object
    : (data) => crypto.createHash('sha256').update(data).digest('latin1');
use_native_sha256({
  // The number of digest bytes written at `out`; the wasm uses the digest only when it is 32, and
  // hashes with its own SHA-256 otherwise (0 when node:crypto fails; never a throw).
  sha256(address, length, out) {
    try {
      // A plain Uint8Array over the message: cheaper to make than a Buffer's subarray.
      const digest = sha256(new Uint8Array(memory.buffer, address, length));
      // latin1Write returns what it wrote: on Node 20 it writes nothing once wasm memory is over
      // 2 GiB (issue 14). Then a typed-array copy, which writes all 32 bytes or throws.
      const written = writeLatin1(digest, out);
      if (written === 32) return written;
      const bytes = Buffer.from(digest, 'latin1');
      new Uint8Array(memory.buffer, out, bytes.length).set(bytes);
      return bytes.length;
    } catch {
      return 0;
    }
  },
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
