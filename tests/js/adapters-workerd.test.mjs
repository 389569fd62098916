// vessel-webhooks/hono in a Cloudflare Worker (tests/js/adapters/worker.js, the README's
// recipe), bundled by wrangler and served by workerd (workerd-harness.mjs), tokens in KV: signed,
// forged, duplicate (2xx, not run again), too large.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sign } from 'vessel-webhooks';
import { startWorker } from './workerd-harness.mjs';

const tokens = { conn_a: 'tok_a_0b7e22c4' };
let worker;

before(async () => {
  worker = await startWorker('tests/js/adapters/worker.js', { kv: { VESSEL_TOKENS: tokens } });
});
after(() => worker?.dispose());

async function post(body, headers) {
  const response = await worker.mf.dispatchFetch('http://localhost/webhooks/vessel', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

const ran = async () => (await worker.mf.dispatchFetch('http://localhost/ran')).json();

test('Hono in workerd: signed, duplicate, forged, too large', async () => {
  const body = JSON.stringify({
    eventId: 'evt_hw1',
    type: 'STATUS_CHANGE',
    data: { status: 'READY' },
  });
  const headers = () => sign(body, tokens.conn_a, { connectionId: 'conn_a' });
  assert.deepEqual(await post(body, headers()), { status: 200, text: '{"received":true}' });
  assert.deepEqual(await post(body, headers()), { status: 200, text: '{"received":true}' });
  assert.deepEqual(await ran(), ['evt_hw1']);

  const forged = body.replace('READY', 'ERROR');
  assert.deepEqual(await post(forged, headers()), {
    status: 401,
    text: '{"error":"SIGNATURE_MISMATCH"}',
  });
  const unknown = sign(body, tokens.conn_a, { connectionId: 'conn_x' });
  assert.equal((await post(body, unknown)).status, 401);

  const large = JSON.stringify({
    eventId: 'evt_hw2',
    type: 'STATUS_CHANGE',
    data: { status: 'READY', note: 'x'.repeat(4 * 1024 * 1024) },
  });
  const largeHeaders = sign(large, tokens.conn_a, { connectionId: 'conn_a' });
  assert.deepEqual(await post(large, largeHeaders), {
    status: 413,
    text: '{"error":"BODY_TOO_LARGE"}',
  });
  assert.deepEqual(await ran(), ['evt_hw1']);
});
