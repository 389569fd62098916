// The wasm instance behind the API: started by the entry point (start), replaced after a trap
// or a call the JS stack cut short (stale, ready), and the SHA-256 callback the wasm calls
// (use_native_sha256), one for every entry. Not part of the public API.
import {
  ascii_input,
  initSync,
  input_to_escaped,
  input_to_utf16,
  reset_instance,
  use_native_sha256,
  utf16_address,
  utf16_input,
  utf16_lone_surrogate,
  utf16_to_input,
} from '../dist/vessel_webhooks.js';
import { hooks, SMALL_PARTS_BYTES } from './hooks.js';

let compiled;
let setup;
let memory;
let bytes;
let buffer;
/** Bumped by every (re)start: a token kept in wasm (set_token) is in the old instance. */
export let generation = 0;

/** The instance's WebAssembly.Memory (for the tests). */
export function wasmMemory() {
  return memory;
}

/** A Uint8Array over all of wasm memory (a grown memory detaches the old buffer: views empty). */
export function memoryBytes() {
  if (bytes === undefined || bytes.byteLength === 0) bytes = new Uint8Array(memory.buffer);
  return bytes;
}

/**
 * The digests verifyRequest computed with `crypto.subtle.digest` before a call, and what they
 * are of: `{ tokens, timestamp, body, bodyAddress, digests }` (tokens and timestamp as UTF-8
 * bytes, body a copy of its own), set only for the length of one synchronous call (see api.js).
 */
export const precomputed = { current: undefined };

/** The digest of token ‖ body ‖ timestamp at `address` when precomputed has it (else undefined). */
function takePrecomputed(address, length) {
  const p = precomputed.current;
  const index = p.next++;
  const token = p.tokens[index];
  const view = memoryBytes();
  const bodyAddress = address + token.length;
  // The wasm asks for the raw body's message once per token, in order: check that it is that
  // message (same token, the body where it was written, same timestamp), else hash it anyway.
  if (
    bodyAddress !== p.bodyAddress ||
    length !== token.length + p.body.length + p.timestamp.length ||
    !equal(view, address, token) ||
    !equal(view, bodyAddress + p.body.length, p.timestamp)
  ) {
    return undefined;
  }
  return p.digests[index];
}

function equal(view, address, expected) {
  for (let i = 0; i < expected.length; i++) if (view[address + i] !== expected[i]) return false;
  return true;
}

/** A native digest given as a string (hooks.sha256), as bytes for Uint8Array#set. */
const digestBytes = new Uint8Array(32);

/**
 * Writes `digest` (32 bytes, or 32 latin1 characters) to the 32 bytes at `out`: 32, or 0 for
 * anything else. Uint8Array#set either writes all 32 bytes or throws.
 */
function writeDigest(digest, out) {
  if (digest === undefined || digest.length !== 32) return 0;
  if (typeof digest === 'string') {
    // A byte a character (latin1); any other character code is not a digest.
    for (let k = 0; k < 32; k++) {
      const byte = digest.charCodeAt(k);
      if (byte > 0xff) return 0;
      digestBytes[k] = byte;
    }
    digest = digestBytes;
  }
  memoryBytes().set(digest, out);
  return 32;
}

/**
 * The SHA-256 callbacks (src/wasm.rs): each writes a digest to the 32 bytes at `out` and returns
 * the number of bytes written, 32; 0 (never a throw) when it has no native digest or anything
 * fails, and the wasm then hashes with its own SHA-256. `sha256` hashes the `length` bytes at
 * `address` (a raw body between its token and timestamp); `sha256_parts` three ranges in turn
 * (token, a body's canonical form, timestamp).
 */
const nativeSha256 = {
  sha256(address, length, out) {
    try {
      const digest =
        precomputed.current !== undefined
          ? takePrecomputed(address, length)
          : length < hooks.sha256MinBytes
            ? undefined
            : hooks.sha256?.(new Uint8Array(memory.buffer, address, length));
      return writeDigest(digest, out);
    } catch {
      return 0;
    }
  },
  sha256_parts(token, tokenLength, message, messageLength, timestamp, timestampLength, out) {
    try {
      const view = (address, length) => new Uint8Array(memory.buffer, address, length);
      const digest =
        messageLength < Math.max(hooks.sha256MinBytes, SMALL_PARTS_BYTES)
          ? undefined
          : hooks.sha256Parts?.(
              view(token, tokenLength),
              view(message, messageLength),
              view(timestamp, timestampLength),
            );
      return writeDigest(digest, out);
    } catch {
      return 0;
    }
  },
};

function instantiate() {
  ({ memory } = initSync({ module: compiled }));
  bytes = undefined;
  buffer = undefined;
  generation++;
  use_native_sha256(nativeSha256);
  setup?.(memory);
}

/**
 * Instantiates the compiled `module` (a WebAssembly.Module), then `entrySetup(memory)`, which
 * installs the entry's hooks; both again for each new instance (ready).
 */
export function start(module, entrySetup) {
  compiled = module;
  setup = entrySetup;
  instantiate();
}

/** Whether the instance is to be replaced before its next use (see `stale`). */
let isStale = false;
/** Calls into the instance that run the caller's code (a parsed body's toJSON) and are not over. */
let running = 0;

/**
 * Marks the instance to be replaced before its next use, after `error` escaped a call into it:
 * a trap (a WebAssembly.RuntimeError: with panic = "abort" an allocation failure traps while
 * thread-locals are borrowed, and every later call would trap too), or the JS stack running out
 * inside it (its frames unwound without their clean-up, a borrow left held: every later call
 * trapped). Not replaced here: this stack may still be nearly exhausted, and a new instance made
 * on it failed half way, which left none at all (review BB). Returns `error`.
 */
export function stale(error) {
  // Not for a TypeError: the package's own argument checks and JSON.stringify's refusals (a
  // BigInt, a cycle) throw one and leave the instance as it was; a replacement costs ~0.2 ms,
  // and a parser that makes BigInts let any request cause one (review BF).
  if (!(error instanceof TypeError)) isStale = true;
  return error;
}

/**
 * The instance, replaced first when it is stale (its memory dropped with it): called before each
 * call into it that starts a public call's work. A replacement that fails (the stack ran out
 * again) leaves it stale, for the next call. Not while a call into it runs the caller's code: the
 * outer call goes on in the old instance, and its later calls would reach the new one.
 */
export function ready() {
  if (isStale && running === 0) {
    reset_instance();
    instantiate();
    isStale = false;
  }
}

/** `call()`, a call into the instance that runs the caller's code (see `ready`). */
export function runningCallerCode(call) {
  running++;
  try {
    return call();
  } finally {
    running--;
  }
}

/**
 * SHA-256 through a node:crypto module (Node's, or workerd's with nodejs_compat), for
 * hooks.sha256 and hooks.sha256Parts; none (`{}`) when the module does not give SHA-256. They
 * call `nodeCrypto` at each call, through the module object. The digest comes as a latin1
 * string: Node's one-shot hash() gives that in 1.40 µs for a 2 KB message, a Buffer in 1.8 µs (a
 * new Buffer for the 32 bytes; BENCHMARKS.md, session 22).
 */
export function nodeCryptoHashes(nodeCrypto) {
  const sha256Parts = (...parts) =>
    parts
      .reduce((hash, part) => hash.update(part), nodeCrypto.createHash('sha256'))
      .digest('latin1');
  const hashes = {
    sha256: (message) =>
      typeof nodeCrypto.hash === 'function'
        ? nodeCrypto.hash('sha256', message, 'latin1')
        : sha256Parts(message),
    sha256Parts,
  };
  // Used only when it gives SHA-256's known answer: a bundle's process.getBuiltinModule (a
  // polyfill) may hand a createHash that does not hash, and a digest of zeros would let every
  // signature of zeros pass (review BU). Checked at each start, a hash of 3 bytes.
  try {
    if (hashes.sha256('abc') === ABC_SHA256 && hashes.sha256Parts('a', 'bc') === ABC_SHA256) {
      return hashes;
    }
  } catch {
    // a module that throws: as one that does not hash
  }
  return {};
}

/** SHA-256 of "abc" (FIPS 180-4's first example), as latin1 text. */
const ABC_SHA256 = String.fromCharCode(
  ...'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    .match(/../g)
    .map((byte) => parseInt(byte, 16)),
);

/** checked_keys's bits: a key of the checked body holds an escape; a non-ASCII character. */
export const KEYS_ESCAPED = 1;
export const KEYS_NON_ASCII = 2;

/**
 * The checked body (`length` bytes of valid UTF-8 in the input buffer, whose keys hold `keys`,
 * checked_keys's bits) as text, read from wasm memory by `readAscii(start, end)` (a character a
 * byte) or `readUtf16(start, end)` (little-endian UTF-16): all ASCII (most bodies), read where it
 * lies; with few non-ASCII characters, where hooks.escapedReads allows and no key holds one, the
 * wasm's ASCII copy of it with those as `\uXXXX` escapes (the same text for JSON.parse, and there
 * quicker to read and to parse than two-byte text: BENCHMARKS.md, session 29; a key it escaped
 * would be one V8 may misread: read-json.js); else the wasm's UTF-16 copy.
 */
export function readChecked(length, keys, readAscii, readUtf16) {
  const ascii = ascii_input(length);
  if (ascii !== 0) return readAscii(ascii, ascii + length);
  // Each copy first: making it may grow wasm memory, which detaches an older view.
  const { escapedReads } = hooks;
  const escaped =
    escapedReads === 'none' || keys & KEYS_NON_ASCII
      ? 0
      : input_to_escaped(length, escapedReads === 'all');
  if (escaped !== 0) {
    const address = utf16_address();
    return readAscii(address, address + escaped);
  }
  const units = input_to_utf16(length);
  const address = utf16_address();
  return readUtf16(address, address + 2 * units);
}

/**
 * Installs the UTF-16 fast paths (hooks.writeString, decodeChecked, writtenWellFormed) with a
 * Buffer class: Node's (node.cjs), or workerd's node:buffer with nodejs_compat
 * (workerd-start.js). A string body crosses as UTF-16, a plain copy, and the wasm encodes it as
 * UTF-8 exactly as TextEncoder does; a checked byte body is read back as Latin-1 when it is all
 * ASCII (or the wasm's escaped ASCII copy of it: readChecked), else as UTF-16 decoded in the
 * wasm. Both are ~10× quicker than V8's UTF-8 conversions (encodeInto, TextDecoder) on Node, ~3×
 * in workerd (BENCHMARKS.md). With `writes` false, only the reads: strings are then written
 * with TextEncoder#encodeInto (Deno, whose Buffer#ucs2Write is JavaScript: 7× slower than
 * encodeInto there for two-byte text and 75 – 300× for ASCII, while its ucs2Slice is quick).
 */
export function installUtf16Hooks(Buffer, writes = true) {
  // A Buffer over all of wasm memory: a grown memory detaches the old one (its views empty).
  const memoryBuffer = () => {
    if (buffer === undefined || buffer.byteLength === 0) buffer = Buffer.from(memory.buffer);
    return buffer;
  };
  // Buffer's own UTF-16 writer and readers when it has them (Node has had them since its start,
  // undocumented; Buffer#write and #toString check their arguments and look the encoding up on
  // every call).
  const { ucs2Write, ucs2Slice, latin1Slice } = Buffer.prototype;
  // A reader of [start, end) of wasm memory as text: Buffer's own `slice`, else #toString.
  const reader = (slice, encoding) =>
    typeof slice === 'function'
      ? (start, end) => slice.call(memoryBuffer(), start, end)
      : (start, end) => memoryBuffer().toString(encoding, start, end);
  const readUtf16 = reader(ucs2Slice, 'utf16le');
  const readLatin1 = reader(latin1Slice, 'latin1');
  hooks.decodeChecked = (length, keys) => readChecked(length, keys, readLatin1, readUtf16);
  if (!writes) return;
  // The length is given: workerd's ucs2Write takes the whole Buffer's by default.
  const writeUtf16 =
    typeof ucs2Write === 'function'
      ? (string, offset) => ucs2Write.call(memoryBuffer(), string, offset, 2 * string.length)
      : (string, offset) => memoryBuffer().write(string, offset, 'utf16le');
  hooks.writeString = (body) => {
    writeUtf16(body, utf16_input(body.length));
    return utf16_to_input(body.length);
  };
  // Whether that string had a lone surrogate, told by the wasm's encoder (without these hooks,
  // api.js asks String#isWellFormed).
  hooks.writtenWellFormed = () => !utf16_lone_surrogate();
}
