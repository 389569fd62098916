// examples/worker.js as Cloudflare runs it: bundled by `wrangler deploy --dry-run` (its esbuild
// picks the package's "workerd" export and keeps the .wasm a module), then served by workerd
// through miniflare, with the access tokens in a KV namespace.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { sign } from 'vessel-webhooks';
import { startWorker } from './workerd-harness.mjs';

const tokens = { conn_a: 'tok_a_9d0c51e2', conn_b: 'tok_b_c3f1a807' };
let worker;
let mf;

before(async () => {
  worker = await startWorker('examples/worker.js', { VESSEL_TOKENS: tokens });
  ({ mf } = worker);
});

after(() => worker?.dispose());

const event = {
  eventId: 'evt_w1',
  type: 'STATUS_CHANGE',
  data: { status: 'READY' },
};
const body = JSON.stringify(event);

async function post(payload, headers) {
  const response = await mf.dispatchFetch('http://localhost/webhooks/vessel', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: payload,
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    json: await response.json(),
  };
}

const refused = (status, code) => ({ status, type: 'application/json', json: { error: code } });

test('wrangler bundles the workerd entry, with the .wasm as a module of its own', async () => {
  const files = await readdir(worker.outDir);
  assert(
    files.some((file) => file.endsWith('vessel_webhooks_bg.wasm')),
    files.join(', '),
  );
});

test('a signed event is accepted, a forged one refused', async () => {
  const headers = sign(body, tokens.conn_a, { connectionId: 'conn_a' });
  assert.deepEqual((await post(body, headers)).json, { received: 'evt_w1', type: 'STATUS_CHANGE' });
  const forged = body.replace('READY', 'NEW_CONNECTION');
  assert.deepEqual(await post(forged, headers), refused(401, 'SIGNATURE_MISMATCH'));
  const late = sign(body, tokens.conn_a, {
    connectionId: 'conn_a',
    timestamp: Math.floor(Date.now() / 1000) - 3600,
  });
  assert.deepEqual(await post(body, late), refused(401, 'TIMESTAMP_OUT_OF_TOLERANCE'));
});

test('the token is the connection’s own; an unknown connection is refused', async () => {
  const otherToken = sign(body, tokens.conn_b, { connectionId: 'conn_a' });
  assert.deepEqual(await post(body, otherToken), refused(401, 'SIGNATURE_MISMATCH'));
  const unknown = sign(body, tokens.conn_a, { connectionId: 'conn_unknown' });
  assert.deepEqual(await post(body, unknown), refused(401, 'SIGNATURE_MISMATCH'));
});

test('the body is verified as the bytes received', async () => {
  const record = { id: 'v.contact.9', firstName: 'Zoë', note: '船 🚢' };
  const bytes = new TextEncoder().encode(
    JSON.stringify({
      eventId: 'evt_w2',
      type: 'OBJECT_CHANGE',
      data: { objectType: 'Contact', eventType: 'UPDATE', record },
    }),
  );
  const headers = sign(bytes, tokens.conn_b, { connectionId: 'conn_b' });
  assert.deepEqual((await post(bytes, headers)).json, {
    received: 'evt_w2',
    type: 'OBJECT_CHANGE',
  });
  // Signed, but not UTF-8: authentic bytes, so INVALID_JSON, where a decoded text (U+FFFD
  // in place of the byte) would have failed the signature instead.
  const invalid = Uint8Array.from([...new TextEncoder().encode('{"eventId":"'), 0xff, 0x22, 0x7d]);
  const signed = sign(invalid, tokens.conn_b, { connectionId: 'conn_b' });
  assert.deepEqual(await post(invalid, signed), refused(400, 'INVALID_JSON'));
});

test('a body over the default 4 MiB cap is 413', async () => {
  const big = JSON.stringify({ ...event, padding: 'x'.repeat(4 * 1024 * 1024) });
  const headers = sign(big, tokens.conn_a, { connectionId: 'conn_a' });
  assert.deepEqual(await post(big, headers), refused(413, 'BODY_TOO_LARGE'));
});
