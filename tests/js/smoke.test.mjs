import { test } from 'node:test';
import assert from 'node:assert/strict';
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
