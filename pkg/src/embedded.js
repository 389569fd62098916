// The .wasm compiled from the bytes embedded in dist/wasm.js (base64): the node, browser and
// default entries load with no file read, no fetch and no bundler plugin. Synchronous, so that no
// entry needs top-level await (Chrome compiles modules below 8 MB synchronously on the main
// thread; this one is ~140 KB). Not part of the public API.
import { base64 } from '../dist/wasm.js';

function decode(text) {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(text);
  const { Buffer } = globalThis;
  if (typeof Buffer === 'function') return Buffer.from(text, 'base64');
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The package's wasm module, compiled. */
export function embeddedModule() {
  return new WebAssembly.Module(decode(base64));
}
