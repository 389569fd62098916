import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esm from 'vessel-webhooks';

const require = createRequire(import.meta.url);
const cjs = require('vessel-webhooks');

test('require and import share one instance', () => {
  assert.equal(esm.VesselWebhookError, cjs.VesselWebhookError);
  assert.equal(esm.verify, cjs.verify);
});

test('require, import and the generic entry give the same exports, and nothing internal', async () => {
  const pkg = dirname(require.resolve('vessel-webhooks/package.json'));
  const generic = await import(pathToFileURL(join(pkg, 'src/browser.js')));
  const names = Object.keys(esm).sort();
  assert.deepEqual(Object.keys(cjs).sort(), names);
  assert.deepEqual(Object.keys(generic).sort(), names);
});

// embedded.js decodes the .wasm's base64 with Uint8Array.fromBase64 where there is one, else
// Node's Buffer, else atob (browsers before fromBase64): each way compiles the .wasm's own bytes.
test('the embedded .wasm is decoded to the same bytes with fromBase64, Buffer or atob alone', async () => {
  const pkg = dirname(require.resolve('vessel-webhooks/package.json'));
  const wasm = new Uint8Array(await readFile(join(pkg, 'dist/vessel_webhooks_bg.wasm')));
  const { embeddedModule } = await import(pathToFileURL(join(pkg, 'src/embedded.js')));
  const { Buffer } = globalThis;
  const { fromBase64 } = Uint8Array;
  const { Module } = WebAssembly;
  const ways = {
    fromBase64: () => {
      Uint8Array.fromBase64 = (text) => new Uint8Array(Buffer.from(text, 'base64'));
    },
    Buffer: () => {
      Uint8Array.fromBase64 = undefined;
    },
    atob: () => {
      Uint8Array.fromBase64 = undefined;
      globalThis.Buffer = undefined;
    },
  };
  for (const [way, install] of Object.entries(ways)) {
    let compiled;
    try {
      install();
      WebAssembly.Module = function (bytes) {
        compiled = new Uint8Array(bytes);
        return new Module(bytes);
      };
      assert(embeddedModule() instanceof Module, way);
    } finally {
      WebAssembly.Module = Module;
      globalThis.Buffer = Buffer;
      if (fromBase64 === undefined) delete Uint8Array.fromBase64;
      else Uint8Array.fromBase64 = fromBase64;
    }
    assert.deepEqual(compiled, wasm, way);
  }
});

test('the declaration files import only the package itself and Node (@types/node)', async () => {
  // The package declares no framework, not even as a peer: where node_modules is not hoisted
  // (pnpm's hoist=false, Yarn PnP), an import of one from a .d.ts resolves to nothing and the
  // type it gave becomes `any` (review DC: the Fastify plugin's).
  const pkg = dirname(require.resolve('vessel-webhooks/package.json'));
  const files = (await readdir(pkg)).filter((name) => /\.d\.c?ts$/.test(name));
  assert(files.length > 10, files.join());
  for (const name of files) {
    // Without comments: the JSDoc examples import frameworks, as users' code does.
    const text = (await readFile(join(pkg, name), 'utf8')).replace(/\/\*[^]*?\*\/|\/\/.*/g, '');
    for (const [, from] of text.matchAll(/\b(?:from|import\()\s*'([^']+)'/g)) {
      assert.match(from, /^(?:\.\/|node:)/, `${name} imports ${from}`);
    }
  }
});

test('the package carries the licenses of the crates compiled into its .wasm', async () => {
  // subtle's BSD-3-Clause asks for its notice with the binary (scripts/notices.mjs).
  const pkg = dirname(require.resolve('vessel-webhooks/package.json'));
  const notices = await readFile(join(pkg, 'THIRD-PARTY-NOTICES.txt'), 'utf8');
  for (const crate of ['subtle', 'ryu', 'hex', 'wasm-bindgen']) {
    assert.match(notices, new RegExp(`^${crate} \\d+\\.\\d+\\.\\d+: `, 'm'), crate);
  }
  assert.match(
    notices,
    /Redistributions in binary form must reproduce the above copyright\s+notice/,
  );
});
