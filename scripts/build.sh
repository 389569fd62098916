#!/usr/bin/env bash
# Builds the npm package in pkg/ from the crate. Needs `npm ci` first (wasm-opt, esbuild).
#   1. cargo: the crate as one .wasm (release profile in Cargo.toml), without the default
#      "models" feature (serde record models for native users: JS reads records with JSON.parse;
#      with it the .wasm is ~1 KB larger, ~0.3 KB gzipped, for a body copy it never uses)
#   2. wasm-bindgen --target web: ESM glue with initSync, used by every entry point
#   3. wasm-opt (npm binaryen) for speed and size
#   4. esbuild: the ESM API and glue as one CommonJS file for Node's require, and the same for
#      the Express middleware
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/toolchain.sh

cargo build --lib --release --target wasm32-unknown-unknown --no-default-features
rm -rf pkg/dist
wasm-bindgen --target web --no-typescript --out-dir pkg/dist \
  target/wasm32-unknown-unknown/release/vessel_webhooks.wasm
# The features rustc enables by default for wasm32-unknown-unknown (all in V8, SpiderMonkey, JSC).
node_modules/.bin/wasm-opt -O3 --enable-bulk-memory --enable-bulk-memory-opt --enable-sign-ext \
  --enable-mutable-globals --enable-nontrapping-float-to-int --enable-reference-types \
  --enable-multivalue --enable-simd pkg/dist/vessel_webhooks_bg.wasm -o pkg/dist/vessel_webhooks_bg.wasm
node_modules/.bin/esbuild pkg/src/node.js --bundle --format=cjs --platform=neutral \
  --log-level=warning --log-override:empty-import-meta=silent --outfile=pkg/dist/api.cjs
# vessel-webhooks/express for require; it imports the package by name, kept external, so that it
# shares node.cjs's wasm instance.
node_modules/.bin/esbuild pkg/src/express.js --bundle --format=cjs --platform=node \
  --external:vessel-webhooks --log-level=warning --outfile=pkg/dist/express.cjs
# The framework adapters for require (they import no framework: the user passes it in).
for adapter in fastify koa hono; do
  node_modules/.bin/esbuild "pkg/src/$adapter.js" --bundle --format=cjs --platform=node \
    --log-level=warning --outfile="pkg/dist/$adapter.cjs"
done
# npm shows the package's README: the repository's, copied (git-ignored in pkg/).
cp README.md pkg/README.md
echo "pkg/dist: $(wc -c < pkg/dist/vessel_webhooks_bg.wasm) bytes of wasm, $(gzip -9c pkg/dist/vessel_webhooks_bg.wasm | wc -c) gzipped"
