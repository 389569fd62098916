// Runtime-specific fast paths that an entry point may install (node.cjs does); without them the
// package uses what every runtime has. Not part of the public API.
export const hooks = {
  /**
   * Writes a string body into the wasm input buffer as UTF-8 and returns its length in bytes,
   * or undefined to use TextEncoder#encodeInto.
   * @type {((body: string) => number) | undefined}
   */
  writeString: undefined,
  /**
   * The string of the `length` bytes of the body just checked, which are still in the wasm input
   * buffer (valid UTF-8), or undefined to use TextDecoder.
   * @type {((length: number) => string) | undefined}
   */
  decodeChecked: undefined,
};
