// Runtime-specific fast paths that an entry point may install (node.cjs and workerd-start.js do);
// without them the package uses what every runtime has. Not part of the public API.

/**
 * Below this many bytes of body verifyRequest lets the wasm's own SHA-256 hash the message where
 * it would await crypto.subtle.digest (a copy and an await cost more than hashing it). Measured
 * inside a Worker's request flow (BENCHMARKS.md, 2026-12-04; session 28: about the same from 4
 * to 8 KB).
 */
export const SMALL_MESSAGE_BYTES = 8 * 1024;
/**
 * Below this many bytes a message is hashed by the wasm's own SHA-256, not by workerd's
 * node:crypto (nodejs_compat), whose clean-up after each digest runs between a request's awaits:
 * measured in a Worker's request flow (a new Request, read, checked) the wasm is quicker at 2 KB,
 * they are even at 2.5 – 3.5 KB, and node:crypto is quicker from 4 KB, up to ~20 % at 8 KB
 * (BENCHMARKS.md, session 28). workerd-start.js sets sha256MinBytes to it.
 */
export const WORKERD_NATIVE_MIN_BYTES = 3 * 1024;
/**
 * Below this many bytes a body's canonical form is hashed by the wasm's own SHA-256, not by
 * sha256Parts: node:crypto's createHash (an object and three updates per digest) costs ~0.7 µs
 * more than the wasm's for 100 bytes, and less from ~500 (review AS, Node 20).
 */
export const SMALL_PARTS_BYTES = 512;
export const hooks = {
  /**
   * Writes a string body into the wasm input buffer as UTF-8 and returns its length in bytes,
   * or undefined to use TextEncoder#encodeInto.
   * @type {((body: string) => number) | undefined}
   */
  writeString: undefined,
  /**
   * The string of the `length` bytes of the body just checked, which are still in the wasm input
   * buffer (valid UTF-8; `keys`: checked_keys's bits), or undefined to read them with TextDecoder
   * (instance.js readChecked).
   * @type {((length: number, keys: number) => string) | undefined}
   */
  decodeChecked: undefined,
  /**
   * Whether the string writeString just wrote had no lone surrogate (else its UTF-8, what was
   * checked, holds U+FFFD, and the event is decoded from it), or undefined to ask isWellFormed.
   * @type {(() => boolean) | undefined}
   */
  writtenWellFormed: undefined,
  /**
   * A synchronous native SHA-256 (node:crypto's): the 32 bytes of a message's digest, as bytes or
   * as a latin1 string (a character a byte, what node:crypto gives fastest), or undefined: the
   * wasm then hashes with its own, and verifyRequest with crypto.subtle.digest
   * from SMALL_MESSAGE_BYTES.
   * @type {((message: Uint8Array) => Uint8Array | string) | undefined}
   */
  sha256: undefined,
  /**
   * The same SHA-256 of the bytes of several parts in turn (token, a body's canonical form,
   * timestamp), or undefined: the wasm then hashes with its own, as it does a canonical form
   * under SMALL_PARTS_BYTES (or sha256MinBytes).
   * @type {((...parts: Uint8Array[]) => Uint8Array | string) | undefined}
   */
  sha256Parts: undefined,
  /**
   * Messages shorter than this many bytes are hashed by the wasm's own SHA-256, not by sha256:
   * 0, or WORKERD_NATIVE_MIN_BYTES where calling the native one costs more (workerd-start.js).
   * @type {number}
   */
  sha256MinBytes: 0,
  /**
   * Which checked byte bodies that are not all ASCII are read back as the wasm's ASCII copy with
   * their non-ASCII characters as `\uXXXX` escapes, when that is at most an eighth longer
   * (instance.js readChecked): 'all', 'wide' (only one with a character above U+00FF: Node makes
   * Latin-1 text a one-byte string itself) or 'none' (the wasm's UTF-16 copy, always). Set where
   * measured quicker (BENCHMARKS.md, session 29): workerd-start.js 'all', node.cjs 'wide' in Node;
   * Bun's JSON.parse and Deno's were slower on some escaped bodies, and browsers (and Next.js's
   * edge runtime) are not all measured.
   * @type {'all' | 'wide' | 'none'}
   */
  escapedReads: 'none',
  /**
   * Whether verifyRequest reads every body with the stream's reader into one buffer, not a body of
   * known length with arrayBuffer(): where arrayBuffer() is JavaScript that keeps each chunk as an
   * object until the end (Node's undici: a body sent a byte at a time held ~100 bytes of heap per
   * byte). node.cjs sets it (Deno and Bun load it too), and edge.js (Next.js's edge sandbox runs
   * on Node when self-hosted); workerd's and browsers' arrayBuffer() read natively.
   * @type {boolean}
   */
  readBodyStream: false,
};
