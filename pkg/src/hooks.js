// Runtime-specific fast paths that an entry point may install (node.cjs and workerd.js do);
// without them the package uses what every runtime has. Not part of the public API.
export const hooks = {
  /**
   * Writes a string body into the wasm input buffer as UTF-8 and returns its length in bytes,
   * or undefined to use TextEncoder#encodeInto.
   * @type {((body: string) => number) | undefined}
   */
  writeString: undefined,
  /**
   * The string of the `length` bytes of the body just checked, which are still in the wasm input
   * buffer (valid UTF-8), or undefined for the wasm's UTF-16 copy read by TextDecoder.
   * @type {((length: number) => string) | undefined}
   */
  decodeChecked: undefined,
  /**
   * Whether the string writeString just wrote had no lone surrogate (else its UTF-8, what was
   * checked, holds U+FFFD, and the event is decoded from it), or undefined to ask isWellFormed.
   * @type {(() => boolean) | undefined}
   */
  writtenWellFormed: undefined,
  /**
   * A synchronous native SHA-256 (node:crypto's), 32 bytes for a message, or undefined: the
   * wasm then hashes with its own, and verifyRequest with crypto.subtle.digest
   * from 8 KiB (api.js SUBTLE_MIN_BYTES).
   * @type {((message: Uint8Array) => Uint8Array) | undefined}
   */
  sha256: undefined,
  /**
   * Messages shorter than this many bytes are hashed by the wasm's own SHA-256, not by sha256:
   * where calling the native one costs more than hashing them (workerd, see workerd.js).
   * @type {number}
   */
  sha256MinBytes: 0,
};
