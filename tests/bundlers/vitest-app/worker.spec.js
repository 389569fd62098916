// Run by workers.test.mjs through Vitest (a .spec.js: node --test takes no such file): in workerd,
// the verdicts every bundled app reports, and the Worker's receiver answering a signed delivery.
import { test, expect } from 'vitest';
import * as api from 'vessel-webhooks';
import * as samples from 'vessel-webhooks/samples';
import { check, EXPECTED, TOKEN } from '../app/check.js';
import worker from '../worker-app/worker.js';

test('in workerd: the verdicts, and the receiver', async () => {
  expect(navigator.userAgent).toBe('Cloudflare-Workers');
  expect(check(api, samples)).toEqual(EXPECTED);
  const body = JSON.stringify(samples.sample('status.READY'));
  const headers = api.sign(body, TOKEN);
  const response = await worker.fetch(new Request('http://x/', { method: 'POST', headers, body }));
  expect([response.status, await response.json()]).toEqual([200, { received: true }]);
});
