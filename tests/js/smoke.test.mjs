import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as esm from 'vessel-webhooks';

const cjs = createRequire(import.meta.url)('vessel-webhooks');

test('require and import share one instance', () => {
  assert.equal(esm.VesselWebhookError, cjs.VesselWebhookError);
  assert.equal(esm.verify, cjs.verify);
});
