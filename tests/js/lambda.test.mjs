// examples/lambda.mjs as the README shows it: API Gateway's events (payload 2.0, as an HTTP API
// or a function URL sends them, and 1.0, a REST API's) answered with a statusCode (review CF:
// `return error.toHttp()` has none, and API Gateway answers such a result 200).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryStore, sign, VesselWebhooks } from 'vessel-webhooks';
import { lambdaHandler } from '../../examples/lambda.mjs';

const TOKEN = 'tok_lambda_4c1d9e7a';

function receiver() {
  const ran = [];
  const webhooks = new VesselWebhooks({ accessToken: TOKEN, store: memoryStore() });
  webhooks.on('status.READY', (event) => {
    if (event.eventId === 'evt_fails') throw new Error('planned');
    ran.push(event.eventId);
  });
  webhooks.onError(() => {});
  return { handler: lambdaHandler(webhooks), ran };
}

/** A signed delivery of an event `eventId` as API Gateway hands it on, in payload `version`. */
function gatewayEvent(
  eventId,
  { version = '2.0', base64 = false, token = TOKEN, method = 'POST' } = {},
) {
  const body = JSON.stringify({ eventId, type: 'STATUS_CHANGE', data: { status: 'READY' } });
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    ...sign(body, token, { connectionId: 'conn_lambda' }),
  };
  const text = base64 ? Buffer.from(body).toString('base64') : body;
  const common = { headers, body: text, isBase64Encoded: base64 };
  return version === '2.0'
    ? {
        version,
        rawPath: '/webhooks/vessel',
        requestContext: { domainName: 'abc.lambda-url.us-east-1.on.aws', http: { method } },
        ...common,
      }
    : {
        version,
        path: '/webhooks/vessel',
        httpMethod: method,
        requestContext: {},
        // A REST API gives both: the last value of each header, and all of them.
        multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
        ...common,
      };
}

test('examples/lambda.mjs answers API Gateway with a statusCode, the body as text or base64', async () => {
  const { handler, ran } = receiver();
  for (const version of ['2.0', '1.0']) {
    for (const base64 of [false, true]) {
      const eventId = `evt_${version}_${base64}`;
      const answer = await handler(gatewayEvent(eventId, { version, base64 }));
      assert.equal(answer.statusCode, 200, eventId);
      assert.deepEqual(JSON.parse(answer.body), { received: true });
      assert.equal(answer.headers['content-type'], 'application/json');
    }
  }
  assert.deepEqual(ran, ['evt_2.0_false', 'evt_2.0_true', 'evt_1.0_false', 'evt_1.0_true']);

  const statusOf = async (event) => {
    const { statusCode, body } = await handler(event);
    return [statusCode, JSON.parse(body).error];
  };
  assert.deepEqual(await statusOf(gatewayEvent('evt_2.0_false')), [200, undefined]); // done
  assert.deepEqual(await statusOf(gatewayEvent('evt_fails')), [500, 'HANDLER_FAILED']);
  assert.deepEqual(await statusOf(gatewayEvent('evt_x', { token: 'tok_other' })), [
    401,
    'SIGNATURE_MISMATCH',
  ]);
  // A request with no body (payload 2.0 leaves `body` out, 1.0 gives null) is a refusal, not a
  // throw; a GET is 405.
  const bodiless = gatewayEvent('evt_none');
  delete bodiless.body;
  assert.deepEqual(await statusOf(bodiless), [401, 'SIGNATURE_MISMATCH']);
  assert.deepEqual(
    await statusOf({ ...gatewayEvent('evt_none', { version: '1.0' }), body: null }),
    [401, 'SIGNATURE_MISMATCH'],
  );
  assert.equal((await handler(gatewayEvent('evt_get', { method: 'GET' }))).statusCode, 405);
  // A signature sent twice, a forged one and the real one (review CG: `headers` holds the last
  // alone, which the recipe took): malformed, as everywhere.
  const twice = gatewayEvent('evt_twice', { version: '1.0' });
  const signature = twice.headers['x-vessel-signature'];
  twice.multiValueHeaders['x-vessel-signature'] = ['0'.repeat(64), signature];
  assert.deepEqual(await statusOf(twice), [401, 'MALFORMED_SIGNATURE']);
  // A header in both maps, spelt in another case in one (review CI: it was taken twice), or with
  // no values in multiValueHeaders: once.
  const spelt = gatewayEvent('evt_spelt', { version: '1.0' });
  spelt.headers['X-Vessel-Signature'] = spelt.headers['x-vessel-signature'];
  delete spelt.headers['x-vessel-signature'];
  assert.deepEqual(await statusOf(spelt), [200, undefined]);
  const empty = gatewayEvent('evt_empty', { version: '1.0' });
  empty.multiValueHeaders['x-vessel-signature'] = null;
  assert.deepEqual(await statusOf(empty), [200, undefined]);
  assert.deepEqual(ran.length, 6);
});
