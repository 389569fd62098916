'use strict';
// Node's require (and, through node.mjs, its import): one instance for both.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { initSync, ...api } = require('./dist/api.cjs');

initSync({ module: readFileSync(join(__dirname, 'dist', 'vessel_webhooks_bg.wasm')) });

module.exports = api;
