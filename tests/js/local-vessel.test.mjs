// The local Vessel (pkg/bin/): `vessel-webhooks serve` and `vessel-webhooks trigger`, run from the
// installed package as npx runs them, against Express receivers using vessel-webhooks/express.
// Ephemeral ports on 127.0.0.1 only; waits are bounded loops, never timed assertions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import { sign } from 'vessel-webhooks';
import { vesselWebhook } from 'vessel-webhooks/express';

const bin = fileURLToPath(new URL('../../node_modules/.bin/vessel-webhooks', import.meta.url));
const localVessel = new URL(
  '../../node_modules/vessel-webhooks/bin/local-vessel.js',
  import.meta.url,
);

/** What each started local Vessel printed so far, by base URL. */
const outputOf = new Map();

/** Runs `vessel-webhooks ...args` to its end: its exit code and output. */
async function run(...args) {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'close');
  return { code, stdout, stderr };
}

/** Starts `vessel-webhooks serve --port 0 ...args` for the test `t`; resolves to its base URL. */
async function startVessel(t, ...args) {
  const child = spawn(bin, ['serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => child.kill());
  let output = ''; // read to the end, so the pipe never fills
  child.stdout.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const listening = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
      if (listening) {
        outputOf.set(listening[1], () => output);
        resolve(listening[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

// Review CK: a reader of its output that went away (`serve | head -1`) ended it at its next line.
test('serve keeps serving when what reads its output goes away', async (t) => {
  const child = spawn(bin, ['serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill());
  child.stderr.resume();
  const [first] = await once(child.stdout, 'data');
  const base = String(first).match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)[1];
  child.stdout.destroy(); // as `head -1` does once it has its line
  // Each link prints a line: to a closed pipe.
  for (let i = 0; i < 3; i++) {
    assert.equal((await call(base, 'POST', '/_local/connections', {})).status, 201);
    await sleep(50);
  }
  assert.equal(child.exitCode, null);
});

/** A JSON request to the local Vessel: its status and parsed answer. */
async function call(base, method, path, body) {
  const response = await fetch(new URL(path, base), {
    method,
    headers: { 'content-type': 'application/json', 'vessel-api-token': 'any' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** The attempts for `eventId` once the last one is final (delivered or failed). */
async function deliveriesOf(base, eventId) {
  for (let i = 0; i < 500; i++) {
    const { deliveries } = (await call(base, 'GET', `/_local/deliveries?eventId=${eventId}`)).body;
    if (deliveries.length > 0 && deliveries.at(-1).outcome !== 'retrying') return deliveries;
    await sleep(20);
  }
  throw new Error(`${eventId}: no final delivery attempt`);
}

/**
 * An Express receiver for the test `t` that authenticates with vessel-webhooks/express and the
 * access token `tokens` maps each connectionId to. Authentic events are kept in `accepted` and
 * answered with the next of `statuses` (200 once none is left; null: never answered); `answers`
 * has every status sent.
 */
async function startReceiver(t, tokens, statuses = []) {
  const receiver = { accepted: [], answers: [], connectionIds: [], statuses };
  const app = express();
  app.use((req, res, next) => {
    res.on('finish', () => receiver.answers.push(res.statusCode));
    next();
  });
  const getAccessToken = (connectionId) => {
    receiver.connectionIds.push(connectionId);
    return tokens.get(connectionId);
  };
  app.post('/hook', vesselWebhook({ getAccessToken }), (req, res) => {
    receiver.accepted.push(req.vesselEvent);
    const status = statuses.length > 0 ? statuses.shift() : 200;
    if (status !== null) res.sendStatus(status);
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  receiver.url = `http://127.0.0.1:${server.address().port}/hook`;
  return receiver;
}

/** Links `accessToken` (or a new token) on the local Vessel: `{ accessToken, connectionId }`. */
async function link(base, accessToken) {
  const { status, body } = await call(base, 'POST', '/_local/connections', { accessToken });
  assert(status === 200 || status === 201, `linking: ${status}`);
  return body;
}

async function createWebhook(base, accessToken, webhookUrl) {
  const created = await call(base, 'POST', '/connection/webhook', {
    accessToken,
    webhook: { webhookUrl },
  });
  assert.equal(created.status, 200);
  return created.body.webhook;
}

/** Triggers `event` (202) and resolves to the event sent and its final delivery attempts. */
async function triggered(base, params) {
  const { status, body } = await call(base, 'POST', '/_local/trigger', params);
  assert.equal(status, 202, JSON.stringify(body));
  return { event: body.event, deliveries: await deliveriesOf(base, body.eventId) };
}

/** The attempt lines a command printed, with the latency as N. */
const attemptsOf = (stdout) =>
  stdout.match(/^evt_\S+ attempt .*$/gm).map((line) => line.replace(/ in \d+ ms/, ' in N ms'));

const refusal = (status, error) => ({ status, body: { error } });
const codeOf = ({ status, body }) => ({ status, body: { error: body.error } });

test('link an account, then POST /connection/webhook: the management API', async (t) => {
  const base = await startVessel(t);
  const { accessToken, connectionId } = await link(base);
  assert.match(connectionId, /^conn_[0-9a-f]{24}$/);
  assert.deepEqual(await call(base, 'POST', '/_local/connections', { accessToken }), {
    status: 200,
    body: { accessToken, connectionId },
  });

  const webhookUrl = 'https://example.com/webhooks/vessel';
  const webhook = await createWebhook(base, accessToken, webhookUrl);
  assert.deepEqual(Object.keys(webhook), [
    'webhookId',
    'connectionId',
    'webhookUrl',
    'createdTime',
  ]);
  assert.equal(webhook.connectionId, connectionId);
  assert.equal(webhook.webhookUrl, webhookUrl);
  assert.equal(new Date(webhook.createdTime).toISOString(), webhook.createdTime);

  const query = `accessToken=${accessToken}&webhookId=${webhook.webhookId}`;
  for (const path of ['/connection/webhook', '/webhook']) {
    assert.deepEqual(await call(base, 'GET', `${path}?${query}`), {
      status: 200,
      body: { webhook },
    });
    const again = await call(base, 'POST', path, { accessToken, webhook: { webhookUrl } });
    assert.deepEqual(codeOf(again), refusal(409, 'WEBHOOK_EXISTS'));
  }

  const unknown = `accessToken=tok_unknown&webhookId=${webhook.webhookId}`;
  const unknownGet = await call(base, 'GET', `/connection/webhook?${unknown}`);
  assert.deepEqual(codeOf(unknownGet), refusal(401, 'UNKNOWN_ACCESS_TOKEN'));
  assert.equal(typeof unknownGet.body.message, 'string');
  const unknownPost = { accessToken: 'tok_unknown', webhook: { webhookUrl } };
  assert.deepEqual(
    codeOf(await call(base, 'POST', '/connection/webhook', unknownPost)),
    refusal(401, 'UNKNOWN_ACCESS_TOKEN'),
  );
  const other = await link(base);
  for (const params of [
    { accessToken, webhookId: 'wh_unknown' },
    { accessToken: other.accessToken, webhookId: webhook.webhookId },
  ]) {
    const search = new URLSearchParams(params);
    const got = await call(base, 'GET', `/connection/webhook?${search}`);
    assert.deepEqual(codeOf(got), refusal(404, 'WEBHOOK_NOT_FOUND'));
    const deleted = await call(base, 'DELETE', '/connection/webhook', params);
    assert.deepEqual(codeOf(deleted), refusal(404, 'WEBHOOK_NOT_FOUND'));
  }
  const invalid = [
    { accessToken, webhook: { webhookUrl: 'ftp://example.com/hook' } },
    { accessToken, webhook: {} },
    { webhook: { webhookUrl } },
  ];
  for (const body of invalid) {
    const answer = await call(base, 'POST', '/connection/webhook', body);
    assert.deepEqual(codeOf(answer), refusal(400, 'INVALID_REQUEST'));
  }
  assert.deepEqual(
    codeOf(await call(base, 'PUT', '/webhook', {})),
    refusal(405, 'METHOD_NOT_ALLOWED'),
  );
  assert.deepEqual(codeOf(await call(base, 'GET', '/connections')), refusal(404, 'NOT_FOUND'));

  const removed = { accessToken, webhookId: webhook.webhookId };
  assert.deepEqual(await call(base, 'DELETE', '/webhook', removed), { status: 200, body: {} });
  const gone = await call(base, 'GET', `/connection/webhook?${query}`);
  assert.deepEqual(codeOf(gone), refusal(404, 'WEBHOOK_NOT_FOUND'));
  const replacement = await createWebhook(base, accessToken, webhookUrl);
  assert.notEqual(replacement.webhookId, webhook.webhookId);
});

test('a receiver answering 2xx gets each event once, signed for its connection', async (t) => {
  const base = await startVessel(t, '--token', 'tok_a', '--backoff', '10');
  const { connectionId } = await link(base, 'tok_a'); // linked at start: the same connection
  const receiver = await startReceiver(t, new Map([[connectionId, 'tok_a']]), [204]);
  await createWebhook(base, 'tok_a', receiver.url);

  const created = await triggered(base, {
    accessToken: 'tok_a',
    event: 'contact.created',
    record: { firstName: 'Ann' },
  });
  assert.equal(created.event.data.objectType, 'Contact');
  assert.equal(created.event.data.eventType, 'CREATE');
  assert.equal(created.event.data.record.firstName, 'Ann');
  assert.equal(created.event.data.record.lastName, 'Smith'); // the sample's other fields
  assert.equal(created.deliveries.length, 1);
  const [attempt] = created.deliveries;
  assert.equal(typeof attempt.latencyMs, 'number');
  assert.deepEqual(
    { ...attempt, latencyMs: 0 },
    {
      eventId: created.event.eventId,
      attempt: 1,
      status: 204,
      latencyMs: 0,
      outcome: 'delivered',
      connectionId,
      webhookUrl: receiver.url,
    },
  );
  assert.deepEqual(receiver.accepted, [created.event]);
  assert.deepEqual(receiver.connectionIds, [connectionId]);

  const ready = await triggered(base, { connectionId, event: 'status.READY' });
  assert.deepEqual(ready.event.data, { status: 'READY' });
  const deleted = await triggered(base, { connectionId, event: 'deal.deleted' });
  assert.equal(deleted.event.data.record.connectionId, connectionId);
  assert.deepEqual(receiver.accepted, [created.event, ready.event, deleted.event]);
  assert.equal(new Set(receiver.accepted.map((e) => e.eventId)).size, 3);

  const unknown = await call(base, 'POST', '/_local/trigger', {
    accessToken: 'tok_a',
    event: 'contact.archived',
  });
  assert.deepEqual(codeOf(unknown), refusal(400, 'UNKNOWN_EVENT'));
  assert(unknown.body.events.includes('contact.created'));
  assert(unknown.body.events.includes('status.READY'));
  // An event that is no name (review CK: a deep array was UNKNOWN_EVENT with V8's stack-overflow
  // message, an array echoed back as an unknown event).
  const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
  for (const event of ['["contact.created"]', '{"name":"contact.created"}', '7', deep]) {
    const response = await fetch(new URL('/_local/trigger', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"accessToken":"tok_a","event":${event}}`,
    });
    const answer = { status: response.status, body: await response.json() };
    assert.deepEqual(codeOf(answer), refusal(400, 'INVALID_REQUEST'));
    assert.equal(answer.body.message, 'event: expected an event name (a string)');
  }
  const { accessToken } = await link(base);
  const noWebhook = await call(base, 'POST', '/_local/trigger', {
    accessToken,
    event: 'deal.created',
  });
  assert.deepEqual(codeOf(noWebhook), refusal(409, 'NO_WEBHOOK'));
  assert.deepEqual(receiver.answers, [204, 200, 200]);
});

test('retries: fails twice then 2xx is three attempts of one eventId; never 2xx gives up', async (t) => {
  const base = await startVessel(t, '--token', 'tok_a', '--retries', '2', '--backoff', '10');
  const { connectionId } = await link(base, 'tok_a');
  const tokens = new Map([[connectionId, 'tok_a']]);
  const flaky = await startReceiver(t, tokens, [500, 503]);
  const { webhookId } = await createWebhook(base, 'tok_a', flaky.url);

  const { event, deliveries } = await triggered(base, { connectionId, event: 'contact.updated' });
  const summary = (d) => [d.eventId, d.attempt, d.status, d.outcome, d.retryInMs];
  assert.deepEqual(deliveries.map(summary), [
    [event.eventId, 1, 500, 'retrying', 10],
    [event.eventId, 2, 503, 'retrying', 20],
    [event.eventId, 3, 200, 'delivered', undefined],
  ]);
  assert.deepEqual(flaky.accepted, [event, event, event]);

  // One failure more than the retries allow: three attempts, and the event is given up.
  const down = await startReceiver(t, tokens, [500, 500, 500]);
  await call(base, 'DELETE', '/connection/webhook', { accessToken: 'tok_a', webhookId });
  await createWebhook(base, 'tok_a', down.url);
  const lost = await triggered(base, { connectionId, event: 'status.ready' });
  assert.deepEqual(lost.deliveries.map(summary), [
    [lost.event.eventId, 1, 500, 'retrying', 10],
    [lost.event.eventId, 2, 500, 'retrying', 20],
    [lost.event.eventId, 3, 500, 'failed', undefined],
  ]);
  assert.deepEqual(down.answers, [500, 500, 500]);
});

test('retries: no answer within --timeout is a failed attempt', async (t) => {
  const settings = ['--timeout', '300', '--retries', '5', '--backoff', '10'];
  const base = await startVessel(t, '--token', 'tok_a', ...settings);
  const { connectionId } = await link(base, 'tok_a');
  const receiver = await startReceiver(t, new Map([[connectionId, 'tok_a']]), [null]);
  await createWebhook(base, 'tok_a', receiver.url);
  const { event, deliveries } = await triggered(base, { connectionId, event: 'lead.created' });
  assert.equal(deliveries[0].error, 'no answer within 300 ms');
  assert.equal(deliveries[0].status, undefined);
  assert.equal(deliveries.at(-1).outcome, 'delivered');
  assert(deliveries.every((d) => d.eventId === event.eventId));
  assert.deepEqual(receiver.accepted.slice(0, 2), [event, event]);
});

test('a receiver that verifies accepts every simulated delivery and no forgery', async (t) => {
  const base = await startVessel(t, '--token', 'tok_a', '--token', 'tok_b', '--backoff', '10');
  const a = await link(base, 'tok_a');
  const b = await link(base, 'tok_b');
  // The receiver knows tok_a's connection, and a wrong token for tok_b's.
  const tokens = new Map([
    [a.connectionId, 'tok_a'],
    [b.connectionId, 'tok_b_wrong'],
  ]);
  const receiver = await startReceiver(t, tokens);
  await createWebhook(base, 'tok_a', receiver.url);
  const sent = [];
  for (const event of ['contact.created', 'deal.updated', 'task.deleted', 'status.READY']) {
    const { event: body, deliveries } = await triggered(base, { accessToken: 'tok_a', event });
    assert.deepEqual(
      deliveries.map((d) => d.status),
      [200],
    );
    sent.push(body);
  }

  // Forgeries sent straight to the receiver: none is accepted.
  const forged = { ...sent[0], eventId: 'evt_forged' };
  const forgedBody = JSON.stringify(forged);
  const headers = (body, token) => ({
    'content-type': 'application/json',
    ...sign(body, token, { connectionId: a.connectionId }),
  });
  const attempts = [
    [forgedBody, headers(forgedBody, 'tok_guessed')],
    [forgedBody, headers(JSON.stringify(sent[0]), 'tok_a')], // a real signature, another body
    [forgedBody, { 'content-type': 'application/json', 'x-vessel-connection-id': a.connectionId }],
  ];
  for (const [body, forgedHeaders] of attempts) {
    const response = await fetch(receiver.url, { method: 'POST', headers: forgedHeaders, body });
    assert.equal(response.status, 401);
  }

  // tok_b's deliveries are signed with tok_b, which this receiver does not have: all refused.
  await createWebhook(base, 'tok_b', receiver.url);
  const refused = await triggered(base, { accessToken: 'tok_b', event: 'contact.created' });
  assert.deepEqual(
    refused.deliveries.map((d) => [d.status, d.outcome]),
    [
      [401, 'retrying'],
      [401, 'retrying'],
      [401, 'retrying'],
      [401, 'failed'],
    ],
  );
  assert.deepEqual(receiver.accepted, sent);
});

test('trigger: one signed event straight to a receiver, retried, with its exit status', async (t) => {
  const receiver = await startReceiver(t, { get: () => 'tok_t' }); // for every connection
  const trigger = (...args) => run('trigger', ...args, '--url', receiver.url, '--backoff', '10');

  const sent = await trigger('contact.created', '--token', 'tok_t', '--connection', 'conn_t');
  assert.equal(sent.code, 0, sent.stderr);
  const [event] = receiver.accepted;
  assert.equal(event.data.objectType, 'Contact');
  assert.equal(event.data.eventType, 'CREATE');
  assert.deepEqual(receiver.connectionIds, ['conn_t']);
  assert.deepEqual(attemptsOf(sent.stdout), [
    `${event.eventId} attempt 1: HTTP 200 in N ms, delivered`,
  ]);

  // Without --connection: the connectionId serve gives the same token.
  const base = await startVessel(t);
  const { connectionId } = await link(base, 'tok_t');
  const record = JSON.stringify({ firstName: 'Ann' });
  assert.equal((await trigger('Contact.Updated', '--token', 'tok_t', '--record', record)).code, 0);
  assert.equal(receiver.connectionIds.at(-1), connectionId);
  assert.equal(receiver.accepted.at(-1).data.record.firstName, 'Ann');
  assert.equal(receiver.accepted.at(-1).data.eventType, 'UPDATE');

  // Fails twice, then 2xx: three attempts of one eventId, exit 0.
  receiver.accepted.length = 0;
  receiver.statuses.push(500, 502);
  const retried = await trigger('status.ready', '--token', 'tok_t', '--retries', '2');
  assert.equal(retried.code, 0, retried.stderr);
  const { eventId } = receiver.accepted[0];
  assert.deepEqual(
    receiver.accepted.map((e) => [e.eventId, e.data]),
    [
      [eventId, { status: 'READY' }],
      [eventId, { status: 'READY' }],
      [eventId, { status: 'READY' }],
    ],
  );
  assert.deepEqual(attemptsOf(retried.stdout), [
    `${eventId} attempt 1: HTTP 500 in N ms, retrying in 10 ms`,
    `${eventId} attempt 2: HTTP 502 in N ms, retrying in 20 ms`,
    `${eventId} attempt 3: HTTP 200 in N ms, delivered`,
  ]);

  // Never 2xx: exit 1. A wrong token is refused by the receiver every time.
  receiver.statuses.push(500, 500);
  const failed = await trigger('deal.created', '--token', 'tok_t', '--retries', '1');
  assert.equal(failed.code, 1);
  assert.match(
    failed.stdout,
    /attempt 2: HTTP 500 in \d+ ms, failed, giving up after 2 attempts$/m,
  );
  const forged = await trigger('deal.created', '--token', 'tok_guessed', '--retries', '0');
  assert.equal(forged.code, 1);
  // The receiver's answer is printed under a refused attempt (issue 17).
  assert.match(
    forged.stdout,
    /attempt 1: HTTP 401 in \d+ ms, failed.*\n {2}answer: \{"error":"SIGNATURE_MISMATCH"\}\n/,
  );
  const closed = http.createServer().listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const nobody = `http://127.0.0.1:${closed.address().port}/hook`;
  closed.close();
  const toNobody = ['deal.created', '--token', 't', '--url', nobody, '--backoff', '10'];
  const unreachable = await run('trigger', ...toNobody);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stdout, /attempt 4: ECONNREFUSED in \d+ ms, failed/);

  // Usage errors: exit 2, and an unknown event lists the valid ones.
  const unknown = await trigger('contact.archived', '--token', 'tok_t');
  assert.equal(unknown.code, 2);
  for (const name of ['contact.created', 'contact.deleted', 'deal.created', 'status.READY']) {
    assert(unknown.stderr.includes(name), name);
  }
  assert.equal((await run('trigger', 'contact.created', '--token', 'tok_t')).code, 2);
  assert.equal((await trigger('contact.created')).code, 2);
  assert.equal((await trigger('contact.created', '--token', 't', '--retries', 'two')).code, 2);
  // Waits a timer cannot honour (over 2³¹ − 1 ms it fires at once) are usage errors too.
  for (const flag of ['--backoff', '--timeout']) {
    const args = ['trigger', 'contact.created', '--token', 't', '--url', receiver.url];
    const tooLong = await run(...args, flag, '2147483648');
    assert.equal(tooLong.code, 2, flag);
    assert.match(
      tooLong.stderr,
      new RegExp(`${flag}: expected a whole number from \\d to 2147483647`),
    );
  }
  assert.equal((await run('launch')).code, 2);
  const help = await run('--help');
  assert.equal(help.code, 0);
  for (const text of ['vessel-webhooks serve', 'vessel-webhooks trigger', '/connection/webhook']) {
    assert(help.stdout.includes(text), text);
  }
  // The help text says what is escaped without writing a control character itself.
  assert(help.stdout.includes('escaped (\\x1b)'));
  assert.doesNotMatch(help.stdout, /[\x00-\x09\x0b-\x1f\x7f]/);
});

/**
 * A request to the local Vessel with exactly these headers (Host, Origin … included, which fetch
 * may not send as given): its status and parsed answer.
 */
function raw(base, method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(path, base), { method, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (part) => (text += part));
      response.on('end', () => resolve({ status: response.statusCode, body: JSON.parse(text) }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

// Issue 14, item 7: a page on any site could register a webhook (blind SSRF) and trigger it.
test('a web page cannot drive it: foreign Origins and non-JSON bodies are refused', async (t) => {
  const base = await startVessel(t, '--token', 'tok_a');
  const register = JSON.stringify({
    accessToken: 'tok_a',
    webhook: { webhookUrl: 'http://10.0.0.1/admin/reboot' },
  });
  const json = { 'content-type': 'application/json' };
  const evil = { origin: 'https://evil.example' };
  const refusals = [
    // The cross-site simple POST of the review: refused for its Origin.
    [{ ...evil, 'content-type': 'text/plain' }, 403, 'ORIGIN_NOT_ALLOWED'],
    [{ ...evil, ...json }, 403, 'ORIGIN_NOT_ALLOWED'],
    [{ origin: 'null', ...json }, 403, 'ORIGIN_NOT_ALLOWED'],
    [{ origin: 'http://localhost.evil.example:4000', ...json }, 403, 'ORIGIN_NOT_ALLOWED'],
    // Without an Origin (a browser that sends none): the content types a form can send.
    [{ 'content-type': 'text/plain' }, 415, 'UNSUPPORTED_CONTENT_TYPE'],
    [{ 'content-type': 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_CONTENT_TYPE'],
    [{ 'content-type': 'multipart/form-data; boundary=x' }, 415, 'UNSUPPORTED_CONTENT_TYPE'],
    [{}, 415, 'UNSUPPORTED_CONTENT_TYPE'],
  ];
  for (const [headers, status, code] of refusals) {
    const answer = await raw(base, 'POST', '/connection/webhook', headers, register);
    assert.deepEqual(codeOf(answer), refusal(status, code), JSON.stringify(headers));
  }
  const trigger = JSON.stringify({ accessToken: 'tok_a', event: 'contact.created' });
  const triggerAnswer = await raw(base, 'POST', '/_local/trigger', { ...evil }, trigger);
  assert.deepEqual(codeOf(triggerAnswer), refusal(403, 'ORIGIN_NOT_ALLOWED'));
  // A POST without a body is a simple request too: it must be JSON all the same.
  const bodiless = await raw(base, 'POST', '/_local/connections', {});
  assert.deepEqual(codeOf(bodiless), refusal(415, 'UNSUPPORTED_CONTENT_TYPE'));

  // Nothing was registered: the webhook is created now, not a 409.
  const ok = await raw(base, 'POST', '/connection/webhook', json, register);
  assert.equal(ok.status, 200);
  // Pages served from this machine's loopback, JSON with a charset, and GET or DELETE without a
  // body (no Content-Type needed) are served.
  for (const origin of ['http://localhost:3000', 'http://127.0.0.1:5173', 'http://[::1]:8080']) {
    const linked = await raw(
      base,
      'POST',
      '/_local/connections',
      { origin, 'content-type': 'application/json; charset=utf-8' },
      '{}',
    );
    assert.equal(linked.status, 201, origin);
  }
  const query = `accessToken=tok_a&webhookId=${ok.body.webhook.webhookId}`;
  assert.equal((await raw(base, 'GET', `/webhook?${query}`, {})).status, 200);
  assert.equal((await raw(base, 'DELETE', `/webhook?${query}`, {})).status, 200);
});

test('DNS rebinding: only a loopback Host (or the address connected to) with the port', async (t) => {
  const base = await startVessel(t, '--token', 'tok_a');
  const { port } = new URL(base);
  const own = [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `[::1]:${port}`];
  for (const host of own) {
    const answer = await raw(base, 'GET', '/_local/deliveries', { host });
    assert.deepEqual(answer, { status: 200, body: { deliveries: [] } }, host);
  }
  const foreign = [
    `evil.example:${port}`,
    'evil.example',
    `127.0.0.1:${Number(port) + 1}`,
    '127.0.0.1',
    `localhost.evil.example:${port}`,
    `10.0.0.1:${port}`,
    `[::1]:${Number(port) + 1}`,
    `[::2]:${port}`,
  ];
  for (const host of foreign) {
    const answer = await raw(base, 'GET', '/_local/deliveries', { host });
    assert.deepEqual(codeOf(answer), refusal(403, 'HOST_NOT_ALLOWED'), host);
    const post = await raw(
      base,
      'POST',
      '/_local/connections',
      { host, ...{ 'content-type': 'application/json' } },
      '{}',
    );
    assert.deepEqual(codeOf(post), refusal(403, 'HOST_NOT_ALLOWED'), host);
  }
});

test('what it keeps is capped: request size, tokens, URLs, connections', async (t) => {
  const base = await startVessel(t);
  const big = await call(base, 'POST', '/_local/connections', { pad: 'x'.repeat(65 * 1024) });
  assert.deepEqual(codeOf(big), refusal(413, 'REQUEST_TOO_LARGE'));
  const long = await call(base, 'POST', '/_local/connections', { accessToken: 't'.repeat(1025) });
  assert.deepEqual(codeOf(long), refusal(400, 'INVALID_REQUEST'));
  const { accessToken } = await link(base, 't'.repeat(1024));
  const webhookUrl = `http://127.0.0.1:1/${'p'.repeat(2048)}`;
  const longUrl = await call(base, 'POST', '/connection/webhook', {
    accessToken,
    webhook: { webhookUrl },
  });
  assert.deepEqual(codeOf(longUrl), refusal(400, 'INVALID_REQUEST'));
  const tooLong = await run('serve', '--port', '0', '--token', 't'.repeat(1025));
  assert.equal(tooLong.code, 2);
  // Review BQ: an empty --host (an unset $HOST) listened on every interface.
  const noHost = await run('serve', '--port', '0', '--host', '');
  assert.equal(noHost.code, 2);

  // 1 000 connections at most (the 1 001st is refused; relinking a known one is not).
  for (let i = 1; i < 1000; i++) await link(base, `tok_${i}`);
  const over = await call(base, 'POST', '/_local/connections', { accessToken: 'tok_1000' });
  assert.deepEqual(codeOf(over), refusal(429, 'TOO_MANY_CONNECTIONS'));
  assert.equal(
    (await call(base, 'POST', '/_local/connections', { accessToken: 'tok_1' })).status,
    200,
  );
});

/** createLocalVessel with small `limits`, listening for the test `t`: its base URL and output. */
async function startSmall(t, limits, settings = {}) {
  const { createLocalVessel } = await import(localVessel);
  const lines = [];
  const options = { retries: 0, backoffMs: 10, timeoutMs: 5000, ...settings, limits };
  const server = createLocalVessel(options, (line) => lines.push(line)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { base: `http://127.0.0.1:${server.address().port}`, lines, server };
}

// Review CK: a request-target that is no URL was a 500 and a stack in the output; a client gone
// mid-body printed a stack as for a bug.
test('a request-target that is no URL is 400; a client gone mid-body is one line', async (t) => {
  const { base, lines } = await startSmall(t, {});
  const { port } = new URL(base);
  const raw = async (text, wait) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk) => (answer += chunk));
    socket.write(text);
    await sleep(wait);
    socket.destroy();
    return answer;
  };
  const target = await raw(`GET http://[/ HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n\r\n`, 200);
  assert.match(target, /^HTTP\/1\.1 400 /);
  assert.match(target, /"error":"INVALID_REQUEST","message":"request-target: not a URL"/);
  const body = '{"accessToken":';
  await raw(
    `POST /_local/connections HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n` +
      `content-type: application/json\r\ncontent-length: 100\r\n\r\n${body}`,
    50,
  );
  await sleep(100);
  assert.deepEqual(lines, ['a client went away mid-request (aborted)']);
});

test('the delivery log keeps the last entries, deliveries and sockets are capped', async (t) => {
  const { base } = await startSmall(t, { logEntries: 3, deliveries: 1 });
  const { accessToken, connectionId } = await link(base, 'tok_a');
  const receiver = await startReceiver(t, new Map([[connectionId, 'tok_a']]));
  await createWebhook(base, accessToken, receiver.url);
  const sent = [];
  for (let i = 0; i < 5; i++)
    sent.push((await triggered(base, { accessToken, event: 'status.READY' })).event.eventId);
  const { deliveries } = (await call(base, 'GET', '/_local/deliveries')).body;
  assert.deepEqual(
    deliveries.map((d) => d.eventId),
    sent.slice(2),
  );

  // One event in delivery at once: while the receiver does not answer, a second is refused.
  receiver.statuses.push(null);
  const first = await call(base, 'POST', '/_local/trigger', { accessToken, event: 'status.READY' });
  assert.equal(first.status, 202);
  const second = await call(base, 'POST', '/_local/trigger', {
    accessToken,
    event: 'status.READY',
  });
  assert.deepEqual(codeOf(second), refusal(429, 'TOO_MANY_DELIVERIES'));

  // Two sockets at once: a third is closed at once.
  const { port } = new URL((await startSmall(t, { sockets: 2 })).base);
  const open = [];
  for (let i = 0; i < 2; i++) {
    const socket = net.connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    open.push(socket);
  }
  t.after(() => open.forEach((socket) => socket.destroy()));
  const third = net.connect(Number(port), '127.0.0.1');
  third.on('error', () => {});
  third.resume();
  await once(third, 'close');
  for (const socket of open) assert.equal(socket.destroyed, false);
});

test('control characters are escaped in everything it prints', async (t) => {
  const token = 'tok_\x1b]0;pwned\x07\x1b[2J\u202e';
  const base = await startVessel(t, '--token', token, '--retries', '0');
  const { connectionId } = await link(base, token);
  // A receiver that refuses with an answer full of escape sequences.
  const app = express();
  app.use((req, res) => res.status(400).send('\x1b[31mred\x1b[0m\r\nfake line'));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const webhookUrl = `http://127.0.0.1:${server.address().port}/hook\x1b[1m`;
  await createWebhook(base, token, webhookUrl);
  const { deliveries } = await triggered(base, { connectionId, event: 'contact.created' });
  assert.equal(deliveries[0].status, 400);
  const output = outputOf.get(base)();
  assert(!/[\x00-\x09\x0b-\x1f\x7f\u202e]/.test(output), JSON.stringify(output));
  // A token is printed as its first 4 characters and its length, never whole.
  assert(output.includes(`linked for access token tok_… (${token.length} characters)`));
  assert(!output.includes('pwned'));
  assert(output.includes('/hook\\x1b[1m'));
  assert(output.includes('  answer: \\x1b[31mred\\x1b[0m\\x0d\\x0afake line\n'));
  assert.equal(deliveries[0].answer, '\x1b[31mred\x1b[0m\r\nfake line'); // JSON keeps it exact

  // trigger prints the same way: the answer, the URL and the connection.
  const cli = await run(
    'trigger',
    'status.READY',
    '--url',
    webhookUrl,
    '--token',
    't',
    '--connection',
    'conn\u009b2J', // a C1 control: a header may carry it
    '--retries',
    '0',
  );
  assert.equal(cli.code, 1);
  assert(!/[\x00-\x09\x0b-\x1f\x7f-\x9f]/.test(cli.stdout), JSON.stringify(cli.stdout));
  assert(cli.stdout.includes('conn\\x9b2J'));
  assert(cli.stdout.includes('  answer: \\x1b[31mred\\x1b[0m\\x0d\\x0afake line\n'));
  const unknown = await run('trigger', 'contact.\x1b[2J', '--url', webhookUrl, '--token', 't');
  assert.equal(unknown.code, 2);
  assert(!/[\x00-\x09\x0b-\x1f\x7f]/.test(unknown.stderr), JSON.stringify(unknown.stderr));
});

test('trigger prints the start of a refusing receiver answer, at most 1 KiB', async (t) => {
  const app = express();
  app.post('/hook', (req, res) => res.status(500).send(`${'y'.repeat(5000)}TAIL`));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const url = `http://127.0.0.1:${server.address().port}/hook`;
  const cli = await run('trigger', 'status.READY', '--url', url, '--token', 't', '--retries', '0');
  assert.equal(cli.code, 1);
  assert(cli.stdout.includes(`\n  answer: ${'y'.repeat(1024)}…\n`), cli.stdout);
  assert(!cli.stdout.includes('TAIL'));
});

test('a record deeper than a receiver reads is refused 400, and the local Vessel serves on', async (t) => {
  const { base } = await startSmall(t, {});
  const { accessToken, connectionId } = await link(base, 'tok_deep');
  const receiver = await startReceiver(t, new Map([[connectionId, 'tok_deep']]));
  await createWebhook(base, accessToken, receiver.url);
  const nested = (depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  // 6 000 levels made JSON.stringify throw outside the handler: the process ended.
  for (const depth of [255, 6000]) {
    const response = await fetch(new URL('/_local/trigger', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"accessToken":"${accessToken}","event":"contact.created","record":{"x":${nested(depth)}}}`,
    });
    const deep = { status: response.status, body: await response.json() };
    assert.deepEqual(codeOf(deep), refusal(400, 'INVALID_REQUEST'), String(depth));
    assert.match(deep.body.message, /^record: nested more than 254 levels deep/);
  }
  // 254 levels (the event's 256) is sent, and its receiver reads it.
  const { deliveries } = await triggered(base, {
    accessToken,
    event: 'contact.created',
    record: { x: JSON.parse(nested(253)) },
  });
  assert.equal(deliveries[0].status, 200);
  const cli = await run(
    'trigger',
    'contact.created',
    ...[
      '--url',
      receiver.url,
      '--token',
      't',
      '--record',
      `{"x":${'['.repeat(6000)}${']'.repeat(6000)}}`,
    ],
  );
  assert.equal(cli.code, 2, cli.stderr);
  assert.match(cli.stderr, /record: nested more than 254 levels deep/);
});

/** `count` sockets connected to the local Vessel at `base`, destroyed after the test `t`. */
async function connected(t, base, count) {
  const { port } = new URL(base);
  const sockets = [];
  for (let i = 0; i < count; i++) {
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.on('error', () => {});
    await once(socket, 'connect');
    sockets.push(socket);
  }
  t.after(() => sockets.forEach((socket) => socket.destroy()));
  return sockets;
}

test('a socket that sends no request is closed after requestTimeoutMs: idle sockets cannot lock the API', async (t) => {
  const { base } = await startSmall(t, { sockets: 4, requestTimeoutMs: 300 });
  const idle = await connected(t, base, 4);
  // Closed by the server (Node's defaults kept them 60 s and more): bounded, not timed.
  for (const socket of idle) {
    socket.resume();
    await Promise.race([once(socket, 'close'), sleep(10_000)]);
    assert.equal(socket.destroyed, true);
  }
  assert.equal((await call(base, 'GET', '/_local/deliveries')).status, 200);
});

test('an answer its client does not read is kept a socket buffer at a time, and its socket closed', async (t) => {
  // Review BS: GET /_local/deliveries was written whole at once (up to ~18 MB), kept in memory for
  // each client that did not read it, with no deadline: 64 such sockets held 1.1 GB and locked
  // the API for as long as they stayed. Here 150 entries of 50 KB URLs: a 7.5 MB answer, more than
  // the kernel's buffers of a socket take.
  const limits = { sockets: 8, requestTimeoutMs: 300, urlLength: 60_000 };
  const { base, server } = await startSmall(t, limits);
  const { accessToken } = await link(base, 'tok_unread');
  await createWebhook(base, accessToken, `http://127.0.0.1:1/${'p'.repeat(50_000)}`);
  const logged = async () => (await call(base, 'GET', '/_local/deliveries')).body.deliveries;
  for (let sent = 0; sent < 150;) {
    const params = { accessToken, event: 'status.READY' };
    if ((await call(base, 'POST', '/_local/trigger', params)).status === 202) sent++;
    else await sleep(20); // 429: 100 in delivery at once
  }
  for (let i = 0; i < 500 && (await logged()).length < 150; i++) await sleep(20);

  const served = new Set();
  server.on('connection', (socket) => served.add(socket));
  const { port } = new URL(base);
  for (const socket of await connected(t, base, 4)) {
    socket.pause();
    socket.write(`GET /_local/deliveries HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  }
  // Each answer started (a bounded loop), then what the server holds of the four.
  for (let i = 0; i < 500 && [...served].some((socket) => socket.bytesWritten === 0); i++)
    await sleep(10);
  await sleep(100);
  const held = [...served].reduce((sum, socket) => sum + socket.writableLength, 0);
  assert(held < 4 * 256 * 1024, `${held} bytes held for 4 unread answers`);
  // Closed by the server once nothing moved for 2 × requestTimeoutMs (bounded, not timed).
  for (const socket of served) {
    if (!socket.destroyed) await Promise.race([once(socket, 'close'), sleep(10_000)]);
    assert.equal(socket.destroyed, true);
  }
  assert.equal((await call(base, 'GET', '/_local/deliveries?eventId=x')).status, 200);
});

test('URLs with credentials, connections no header can carry and user connectionIds', async (t) => {
  const base = await startVessel(t, '--token', 'tok_u');
  const url = 'http://admin:hunter2@127.0.0.1:9/hook';
  const created = await call(base, 'POST', '/connection/webhook', {
    accessToken: 'tok_u',
    webhook: { webhookUrl: url },
  });
  assert.deepEqual(codeOf(created), refusal(400, 'INVALID_REQUEST'));
  const trigger = (...args) => run('trigger', 'contact.created', '--token', 't', ...args);
  const withCredentials = await trigger('--url', url);
  assert.equal(withCredentials.code, 2);
  assert(!withCredentials.stderr.includes('hunter2'));
  const receiver = await startReceiver(t, new Map([['conn_mine', 't']]));
  assert.equal((await trigger('--url', receiver.url, '--connection', 'conn\nx')).code, 2);
  // A record's own connectionId is the one sent: the caller's fields win.
  const mine = await trigger(
    ...['--url', receiver.url, '--connection', 'conn_mine', '--record'],
    '{"connectionId":"conn_other","firstName":"Ann"}',
  );
  assert.equal(mine.code, 0, mine.stdout);
  assert.equal(receiver.accepted[0].data.record.connectionId, 'conn_other');
  // With no backoff, 1 026 retries wait 0 ms each, never NaN.
  const many = await run(
    ...['trigger', 'status.READY', '--token', 'x', '--url', receiver.url],
    ...['--retries', '1026', '--backoff', '0'],
  );
  assert.equal(many.code, 1);
  assert.match(many.stdout, /attempt 1026: HTTP 401 in \d+ ms, retrying in 0 ms/);
});
