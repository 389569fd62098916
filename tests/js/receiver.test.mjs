// VesselWebhooks: routing by event name, handler errors, stores that fail, toHttp, middleware.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { once } from 'node:events';
import { inspect } from 'node:util';
import { createHash } from 'node:crypto';
import express from 'express';
import {
  VesselWebhooks,
  VesselWebhookError,
  durableObjectStore,
  memoryStore,
  postgresStore,
  redisStore,
  sign,
} from 'vessel-webhooks';
import { sample, samples } from 'vessel-webhooks/samples';
import { vectors } from './vectors.mjs';

const TOKEN = 'tok_routing_83b1c2d4';
const CONNECTION = 'conn_routing';
const delivery = (event, token = TOKEN) => {
  const body = JSON.stringify(event);
  return { body, headers: sign(body, token, { connectionId: CONNECTION }) };
};
/** A Fetch API Request of a delivery (`delivery()`'s body and headers). */
const requestOf = ({ body, headers }) =>
  new Request('http://x/hook', { method: 'POST', body, headers });
/** The name Vessel's event has: `<objectType>.<change>` in lower camel case, `status.<STATUS>`. */
const nameOf = ({ name, event }) =>
  event.type === 'STATUS_CHANGE' ? `status.${event.data.status}` : name;

test('every event name reaches its handlers, and only those; onAny sees every event', async () => {
  const webhooks = new VesselWebhooks({ accessToken: TOKEN });
  const seen = [];
  const any = [];
  for (const s of samples) webhooks.on(nameOf(s), (event, { name }) => seen.push([name, event]));
  webhooks.onAny((event) => any.push(event.eventId));
  assert(samples.some((s) => nameOf(s) === 'eventAttendee.created'));
  assert(samples.some((s) => nameOf(s) === 'status.READY'));
  for (const s of samples) {
    seen.length = 0;
    const event = await webhooks.verifyAndReceive(delivery(s.event));
    assert.deepEqual(event, s.event);
    assert.deepEqual(seen, [[nameOf(s), s.event]]);
  }
  assert.deepEqual(
    any,
    samples.map((s) => s.event.eventId),
  );
});

// The same samples the Rust tests read (tests/vectors/samples.json, generated with them): each
// event, in order, DELETE records with their nativeId and connectionId, no key added.
test('the samples are tests/vectors/samples.json’s; sample(name) copies one, or throws RangeError', () => {
  assert.deepEqual(samples, vectors('samples.json', 'samples'));
  const copy = sample('contact.updated');
  assert.deepEqual(copy, samples.find((s) => s.name === 'contact.updated').event);
  copy.data.record.firstName = 'Changed';
  assert.notEqual(sample('contact.updated').data.record.firstName, 'Changed');
  assert.notEqual(sample('contact.created').data.record.firstName, 'Changed');
  for (const unknown of ['Contact.created', 'CONTACT.CREATED', 'status.ready', 'contact', '']) {
    assert.throws(() => sample(unknown), RangeError, unknown);
  }
});

test('an array of names; unknown kinds reach onAny only; names are checked', async () => {
  const webhooks = new VesselWebhooks({ accessToken: TOKEN });
  const seen = [];
  webhooks.on(['deal.updated', 'deal.deleted'], (event) => seen.push(event.eventId));
  webhooks.onAny((event) => seen.push(`any:${event.eventId}`));
  const deal = samples.find((s) => s.name === 'deal.deleted').event;
  await webhooks.verifyAndReceive(delivery(deal));
  const future = { eventId: 'evt_future', type: 'SOMETHING_NEW', data: {} };
  await webhooks.verifyAndReceive(delivery(future));
  assert.deepEqual(seen, [deal.eventId, `any:${deal.eventId}`, 'any:evt_future']);
  // Names of the right shape for kinds this version does not know are refused too: a misspelt
  // name would never run, and its events would be answered 2xx.
  // The names are read once: a name checked is the name registered (review BF).
  let reads = 0;
  const shifty = Object.defineProperty([], 0, {
    get: () => (reads++ === 0 ? 'contact.created' : 'contacts.created'),
    enumerable: true,
  });
  let shiftyRuns = 0;
  webhooks.on(shifty, () => (shiftyRuns += 1));
  const contact = samples.find((s) => s.name === 'contact.created').event;
  await webhooks.verifyAndReceive(delivery(contact));
  assert.equal(shiftyRuns, 1);
  for (const bad of [
    'status.ready',
    'Contact.created',
    'contact.changed',
    'contact',
    'contacts.created',
    'status.REDY',
    'invoice.updated',
    [],
  ]) {
    assert.throws(() => webhooks.on(bad, () => {}), TypeError, String(bad));
  }
  assert.throws(() => new VesselWebhooks({ accessToken: TOKEN, leaseSecond: 5 }), /leaseSecond/);
  assert.throws(() => new VesselWebhooks({}), /accessToken or getAccessToken/);
});

// Review CF: Octokit's removeListener had no counterpart.
test('removeListener stops a handler for those names, its last registration each', async () => {
  const webhooks = new VesselWebhooks({ accessToken: TOKEN });
  const runs = [];
  const handler = (event, { name }) => runs.push(name);
  webhooks.on('status.READY', handler).on(['status.READY', 'status.NEW_CONNECTION'], handler);
  const deliver = async (status) => {
    const event = { eventId: `evt_${status}`, type: 'STATUS_CHANGE', data: { status } };
    await webhooks.verifyAndReceive(delivery(event));
  };
  await deliver('READY');
  assert.deepEqual(runs.splice(0), ['status.READY', 'status.READY']);
  assert.equal(webhooks.removeListener('status.READY', handler), webhooks);
  await deliver('READY');
  await deliver('NEW_CONNECTION');
  assert.deepEqual(runs.splice(0), ['status.READY', 'status.NEW_CONNECTION']);
  webhooks.removeListener(['status.READY', 'status.NEW_CONNECTION'], handler);
  webhooks.removeListener('status.READY', handler); // no longer there: nothing to do
  webhooks.removeListener('contact.created', () => {});
  await deliver('READY');
  await deliver('NEW_CONNECTION');
  assert.deepEqual(runs, []);
  // Only its own registration goes: not another handler's where it has none, nor the next one.
  const other = (event, { name }) => runs.push(`other:${name}`);
  webhooks.on('status.READY', handler).on('status.READY', other);
  webhooks.removeListener('status.READY', () => {});
  webhooks.removeListener('status.READY', handler);
  await deliver('READY');
  assert.deepEqual(runs, ['other:status.READY']);
  assert.throws(() => webhooks.removeListener('status.ready', handler), {
    name: 'TypeError',
    message: /^names: "status\.ready" is not an event name this version knows/,
  });
});

test('each handler gets a context of its own: what one does to its context, no other sees', async () => {
  // Review BV: one context object went to every handler, so a handler that changed its `name`
  // changed what the others (registered for another name) were told.
  const webhooks = new VesselWebhooks({ accessToken: TOKEN });
  const seen = [];
  webhooks.on('status.READY', (event, context) => {
    seen.push(context.name);
    context.name = 'mutated';
  });
  webhooks.onAny((event, context) => seen.push(context.name));
  webhooks.on('status.READY', (event, context) => seen.push(context.name));
  const event = { eventId: 'evt_contexts', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  await webhooks.verifyAndReceive(delivery(event));
  assert.deepEqual(seen, ['status.READY', 'status.READY', 'status.READY']);
});

test('handlers run concurrently; one failure is HANDLER_FAILED, onError sees it, the retry runs all', async () => {
  const webhooks = new VesselWebhooks({ accessToken: TOKEN, store: memoryStore() });
  const runs = [];
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  let fail = true;
  webhooks.on('status.READY', async () => {
    runs.push('a');
    await gate; // waits for b: both run at once
  });
  webhooks.on('status.READY', async () => {
    runs.push('b');
    release();
    if (fail) throw new Error('b failed');
  });
  const errors = [];
  webhooks.onError((error, event) => errors.push([error.message, event.eventId]));
  const event = { eventId: 'evt_concurrent', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  const error = await webhooks.verifyAndReceive(delivery(event)).catch((e) => e);
  assert(error instanceof VesselWebhookError);
  assert.equal(error.code, 'HANDLER_FAILED');
  assert.equal(error.status, 500);
  assert.equal(error.cause.message, 'b failed');
  assert.deepEqual(errors, [['b failed', 'evt_concurrent']]);
  assert.deepEqual(error.toHttp(), {
    status: 500,
    headers: { 'content-type': 'application/json' },
    body: '{"error":"HANDLER_FAILED"}',
  });
  fail = false;
  assert.deepEqual(await webhooks.verifyAndReceive(delivery(event)), event);
  assert.deepEqual(runs, ['a', 'b', 'a', 'b']);

  // Two that fail: the cause holds both, in the order of their registration.
  const both = new VesselWebhooks({ accessToken: TOKEN })
    .onAny(() => Promise.reject(new Error('x failed')))
    .onAny(() => Promise.reject(new Error('y failed')))
    .onError(() => {});
  const twice = await both.verifyAndReceive(delivery(event)).catch((e) => e);
  assert.equal(twice.code, 'HANDLER_FAILED');
  assert(twice.cause instanceof AggregateError);
  assert.deepEqual(
    twice.cause.errors.map((e) => e.message),
    ['x failed', 'y failed'],
  );
});

// Review CF: without onError, a failing handler (or store) was logged nowhere: Vessel retried,
// and the operator saw 500s alone. Now console.error prints it, as Express's final handler and
// Octokit's middleware do, until an onError hook is registered; onDelivery names the event.
test('without onError, a handler or store failure goes to console.error; onDelivery names the event', async (t) => {
  const printed = [];
  t.mock.method(console, 'error', (...args) => printed.push(args));
  const infos = [];
  const webhooks = new VesselWebhooks({
    accessToken: TOKEN,
    store: memoryStore(),
    onDelivery: (info) => infos.push(info),
  });
  const bug = new TypeError("Cannot read properties of undefined (reading 'email')");
  webhooks.on('status.READY', () => {
    throw bug;
  });
  const event = { eventId: 'evt_printed', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  assert.equal((await webhooks.fetch(requestOf(delivery(event)))).status, 500);
  assert.equal(printed.length, 1);
  assert.match(printed[0][0], /^vessel-webhooks: event "evt_printed" \(status\.READY\) failed/);
  assert.match(printed[0][0], /webhooks\.onError/);
  assert.equal(printed[0][1], bug);
  // A signed eventId a megabyte long is cut short in the line (review CI).
  const long = { ...event, eventId: 'x'.repeat(1_000_000) };
  assert.equal((await webhooks.fetch(requestOf(delivery(long)))).status, 500);
  assert.match(printed.pop()[0], /^vessel-webhooks: event "x{128}"… \(status\.READY\) failed/);
  // Not half of a surrogate pair.
  const pair = { ...event, eventId: `${'x'.repeat(127)}😀${'x'.repeat(10)}` };
  assert.equal((await webhooks.fetch(requestOf(delivery(pair)))).status, 500);
  assert.match(printed.pop()[0], /^vessel-webhooks: event "x{127}"… \(status\.READY\) failed/);
  infos.pop();
  infos.pop();
  assert.deepEqual(
    infos.map(({ outcome, name, eventId }) => [outcome, name, eventId]),
    [['failed', 'status.READY', 'evt_printed']],
  );

  const down = new VesselWebhooks({
    accessToken: TOKEN,
    store: { ...memoryStore(), claim: () => Promise.reject(new Error('connect ECONNREFUSED')) },
  }).onAny(() => {});
  assert.equal((await down.fetch(requestOf(delivery(event)))).status, 503);
  assert.equal(printed.length, 2);
  assert.equal(printed[1][1].code, 'STORE_UNAVAILABLE');
  assert.equal(printed[1][1].cause.message, 'connect ECONNREFUSED');

  // With an onError hook it is the app's to report; a value that cannot be printed changes
  // nothing.
  const reported = [];
  webhooks.onError((error) => reported.push(error));
  assert.equal((await webhooks.fetch(requestOf(delivery(event)))).status, 500);
  assert.deepEqual(reported, [bug]);
  assert.equal(printed.length, 2);
  t.mock.method(console, 'error', () => {
    throw new Error('the console is closed');
  });
  const quiet = new VesselWebhooks({ accessToken: TOKEN }).onAny(() => {
    throw bug;
  });
  const error = await quiet.verifyAndReceive(delivery(event)).catch((e) => e);
  assert.equal(error.code, 'HANDLER_FAILED');
  assert.equal(error.cause, bug);
});

test('verifyAndReceive of anything but a { body, headers } object is a TypeError', async () => {
  const webhooks = new VesselWebhooks({ accessToken: TOKEN }).onAny(() => {});
  for (const given of [null, undefined, 'a body', 42]) {
    await assert.rejects(webhooks.verifyAndReceive(given), {
      name: 'TypeError',
      message: 'delivery: expected { body, headers }',
    });
  }
});

test('a handler, hook or store method that is no function is a TypeError when given', () => {
  const webhooks = new VesselWebhooks({ accessToken: TOKEN });
  for (const register of [
    () => webhooks.on('contact.created', 'a handler'),
    () => webhooks.onAny(undefined),
    () => webhooks.onError({}),
  ]) {
    assert.throws(register, { name: 'TypeError', message: 'handler: expected a function' });
  }
  const { claim, done } = memoryStore();
  for (const [options, message] of [
    [{ accessToken: TOKEN, store: { claim, done } }, 'options.store.release: expected a function'],
    [{ accessToken: TOKEN, store: null }, 'options.store.claim: expected a function'],
    [{ getAccessToken: TOKEN }, 'options.getAccessToken: expected a function'],
    [{ accessToken: TOKEN, onDelivery: true }, 'options.onDelivery: expected a function'],
  ]) {
    assert.throws(() => new VesselWebhooks(options), { name: 'TypeError', message });
  }
});

test('without a store, handlers run on every delivery', async () => {
  const infos = [];
  const webhooks = new VesselWebhooks({
    accessToken: TOKEN,
    onDelivery: (info) => infos.push(info),
  });
  let runs = 0;
  webhooks.onAny(() => (runs += 1));
  const event = { eventId: 'evt_nostore', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  await webhooks.verifyAndReceive(delivery(event));
  await webhooks.verifyAndReceive(delivery(event));
  assert.equal(runs, 2);
  // Each reported as processed: no store, so never a duplicate.
  assert.deepEqual(
    infos.map(({ outcome, status }) => [outcome, status]),
    [
      ['processed', 200],
      ['processed', 200],
    ],
  );
});

test('with accessToken, a replay with x-vessel-connection-id changed or removed is a duplicate', async () => {
  // The header is not signed: it keys the event only where it chose the token (getAccessToken).
  const webhooks = new VesselWebhooks({ accessToken: [TOKEN, 'tok_other'], store: memoryStore() });
  const runs = [];
  webhooks.onAny((event, { connectionId }) => runs.push(connectionId));
  const event = { eventId: 'evt_replayed', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  const { body, headers } = delivery(event);
  const { 'x-vessel-connection-id': _, ...withoutConnection } = headers;
  for (const h of [
    headers,
    withoutConnection,
    { ...headers, 'x-vessel-connection-id': 'conn_other' },
    { ...headers, 'x-vessel-connection-id': ` ${CONNECTION}` },
  ]) {
    const response = await webhooks.fetch(
      new Request('http://x/hook', { method: 'POST', body, headers: h }),
    );
    assert.equal(response.status, 200);
  }
  assert.deepEqual(runs, [CONNECTION]);
});

test('with getAccessToken, each connection keys its own events', async () => {
  const tokens = new Map([
    [CONNECTION, TOKEN],
    ['conn_b', 'tok_b'],
  ]);
  const webhooks = new VesselWebhooks({
    getAccessToken: (connectionId) => tokens.get(connectionId),
    store: memoryStore(),
  });
  const runs = [];
  webhooks.onAny((event, { connectionId }) => runs.push(connectionId));
  const event = { eventId: 'evt_same_id', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  const body = JSON.stringify(event);
  for (const [connectionId, token] of [...tokens, ...tokens]) {
    await webhooks.verifyAndReceive({ body, headers: sign(body, token, { connectionId }) });
  }
  assert.deepEqual(runs, [CONNECTION, 'conn_b']);
});

test('with getAccessToken, a replay under another spelling of the connection is a duplicate', async () => {
  // The header is not signed: a resolver that gives the same token for several of its values (a
  // case-insensitive lookup, one token for every connection) must not make a replay a new event.
  const event = { eventId: 'evt_respelled', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  const { body, headers } = delivery(event);
  for (const getAccessToken of [
    (connectionId) => (connectionId.toLowerCase() === CONNECTION ? TOKEN : undefined),
    async () => [TOKEN, 'tok_other'],
  ]) {
    const webhooks = new VesselWebhooks({ getAccessToken, store: memoryStore() });
    const runs = [];
    webhooks.onAny((event, { connectionId }) => runs.push(connectionId));
    for (const connectionId of [CONNECTION, CONNECTION.toUpperCase(), 'Conn_Routing']) {
      const replayed = { ...headers, 'x-vessel-connection-id': connectionId };
      const response = await webhooks.fetch(
        new Request('http://x/hook', { method: 'POST', body, headers: replayed }),
      );
      assert.equal(response.status, 200);
      await webhooks.verifyAndReceive({ body, headers: replayed });
    }
    assert.deepEqual(runs, [CONNECTION]);
  }
});

test('the store key is the token that verified: each token keys its own events', async () => {
  // Another token's event with the same eventId is another event, never a duplicate of this one.
  const webhooks = new VesselWebhooks({ accessToken: [TOKEN, 'tok_b'], store: memoryStore() });
  const runs = [];
  webhooks.onAny((event, { connectionId }) => runs.push(connectionId));
  const body = JSON.stringify({
    eventId: 'evt_same',
    type: 'STATUS_CHANGE',
    data: { status: 'READY' },
  });
  for (const [token, connectionId] of [
    [TOKEN, 'conn_a'],
    ['tok_b', 'conn_b'],
    [TOKEN, 'conn_b'],
    ['tok_b', 'conn_a'],
  ]) {
    await webhooks.verifyAndReceive({ body, headers: sign(body, token, { connectionId }) });
  }
  assert.deepEqual(runs, ['conn_a', 'conn_b']);
});

/** `store` with the arguments of each claim and done pushed to `calls`, as [method, ...args]. */
const recorded = (store, calls) => ({
  ...store,
  claim: (...args) => (calls.push(['claim', ...args]), store.claim(...args)),
  done: (...args) => (calls.push(['done', ...args]), store.done(...args)),
});

/** What was given as argument `index` to each claim in `calls` (`recorded`'s). */
const claimArgs = (calls, index) =>
  calls.filter(([method]) => method === 'claim').map((call) => call[1 + index]);

test('the store key: SHA-256(label, token, "0") and of the eventId, the same on every path', async () => {
  // The token is never first in the digest, so a key is no x-vessel-signature under it.
  const digest = (text) =>
    createHash('sha256').update(`vessel-webhooks store key:${text}0`).digest('hex');
  const keyOf = (token, eventId) => `${digest(token)}:${digest(JSON.stringify(eventId))}`;
  const calls = [];
  const recording = recorded(memoryStore(), calls);
  const expected = [];
  let n = 0;
  for (const options of [
    { accessToken: TOKEN },
    { accessToken: ['tok_b', TOKEN] },
    { getAccessToken: async (id) => (id === 'conn_b' ? 'tok_b' : TOKEN) },
    { getAccessToken: async () => [TOKEN, 'tok_b'] },
  ]) {
    const webhooks = new VesselWebhooks({ ...options, store: recording }).onAny(() => {});
    // Tokens alternate where there are two, so a digest kept from the last event is never reused.
    const tokens = options.accessToken === TOKEN ? [TOKEN, TOKEN] : [TOKEN, 'tok_b', TOKEN];
    for (const token of tokens) {
      const connectionId = token === TOKEN ? 'conn_a' : 'conn_b';
      for (const via of ['fetch', 'verifyAndReceive']) {
        n += 1;
        const body = JSON.stringify({
          eventId: `evt_${n}`,
          type: 'STATUS_CHANGE',
          data: { status: 'READY' },
        });
        const headers = sign(body, token, { connectionId });
        expected.push(keyOf(token, `evt_${n}`));
        if (via === 'fetch') {
          const request = requestOf({ body, headers });
          assert.equal((await webhooks.fetch(request)).status, 200);
        } else {
          await webhooks.verifyAndReceive({ body, headers });
        }
      }
    }
  }
  const keys = claimArgs(calls, 0);
  assert.deepEqual(keys, expected);
  for (const key of keys) assert.ok(!key.includes(TOKEN) && !key.includes('tok_b'));
});

test('each claim has a token of its own, also where crypto.randomUUID is missing (http: pages)', async (t) => {
  const calls = [];
  const recording = recorded(memoryStore(), calls);
  const webhooks = new VesselWebhooks({ accessToken: TOKEN, store: recording }).onAny(() => {});
  const deliver = (eventId) =>
    webhooks.verifyAndReceive(
      delivery({ eventId, type: 'STATUS_CHANGE', data: { status: 'READY' } }),
    );
  await deliver('evt_uuid_1');
  // Browsers give randomUUID to secure contexts only.
  Object.defineProperty(globalThis.crypto, 'randomUUID', { value: undefined, configurable: true });
  t.after(() => delete globalThis.crypto.randomUUID);
  await deliver('evt_uuid_2');
  await deliver('evt_uuid_3');
  const tokens = claimArgs(calls, 1);
  assert.equal(tokens.length, 3);
  assert.equal(new Set(tokens).size, 3);
  for (const token of tokens) assert.match(token, /^\S{10,}$/);
});

test('eventIds that differ only in lone surrogates are two events, in a store keeping UTF-8', async () => {
  // Redis and Postgres encode a key as UTF-8, where every lone surrogate becomes U+FFFD: a key
  // holding the eventId as it is made the second event a "duplicate", answered 200 unprocessed.
  const store = memoryStore();
  const utf8 = (key) => Buffer.from(key).toString();
  const keys = [];
  const asUtf8 = {
    claim: (key, ...rest) => (keys.push(key), store.claim(utf8(key), ...rest)),
    release: (key, ...rest) => store.release(utf8(key), ...rest),
    done: (key, ...rest) => store.done(utf8(key), ...rest),
  };
  const webhooks = new VesselWebhooks({ accessToken: TOKEN, store: asUtf8 });
  const runs = [];
  webhooks.onAny((event) => runs.push(event.eventId));
  const eventIds = ['evt_\ud800', 'evt_\udbff', 'evt_\u0000', `evt_${'x'.repeat(6000)}`];
  for (const eventId of eventIds) {
    const body = JSON.stringify({ eventId, type: 'STATUS_CHANGE', data: { status: 'READY' } });
    await webhooks.verifyAndReceive({ body, headers: sign(body, TOKEN) });
  }
  assert.deepEqual(runs, eventIds);
  // Fixed-width ASCII whatever the eventId: no NUL, nothing over a btree index's row size.
  for (const key of keys) assert.match(key, /^[0-9a-f]{64}:[0-9a-f]{64}$/);
});

test('seconds options out of range are a TypeError, not a store call that always fails', () => {
  // No replay window, so that any doneTtlSeconds covers it (the next test).
  const ok = { accessToken: TOKEN, store: memoryStore(), toleranceSeconds: 0 };
  for (const [what, max] of [
    ['leaseSeconds', 365 * 24 * 3600],
    ['doneTtlSeconds', 365 * 24 * 3600],
    ['storeTimeoutSeconds', 2147483.647],
    ['tokenLookupTimeoutSeconds', 2147483.647],
  ]) {
    new VesselWebhooks({ ...ok, [what]: max });
    new VesselWebhooks({ ...ok, [what]: 0.001 });
    for (const bad of [max + 0.001, 0.0009, Infinity, 0, -1, NaN, '5']) {
      assert.throws(() => new VesselWebhooks({ ...ok, [what]: bad }), {
        name: 'TypeError',
        message: new RegExp(`^options\\.${what}: `),
      });
    }
  }
});

/** `store` (a memoryStore), its done mark refused while `failing()`, as by a store that is down. */
const doneFailing = (store, failing) => ({
  ...store,
  claim: (...args) => store.claim(...args),
  done: async (...args) => {
    if (failing()) throw new Error('connect ECONNREFUSED');
    return store.done(...args);
  },
});

// Review CA: a store that failed was a 503 logged nowhere (only verifyAndReceive's rejection had
// the cause). Review BY: node-redis failed the done mark in flight when Redis restarted, and the
// event ran again after its lease; it is tried again within the store deadline.
test('store failures reach onError with their cause; a done mark that fails at once is tried again', async () => {
  const seen = [];
  const ran = [];
  const store = memoryStore();
  let doneFailures = 2;
  const webhooks = new VesselWebhooks({
    accessToken: TOKEN,
    store: {
      claim: (...args) => store.claim(...args),
      release: (...args) => store.release(...args),
      done: async (...args) => {
        if (doneFailures-- > 0) throw new Error('socket closed unexpectedly');
        return store.done(...args);
      },
    },
  })
    .onAny((event) => ran.push(event.eventId))
    .onError((error, event) => seen.push([error.code, error.cause?.message, event.eventId]));
  const delivered = (eventId) =>
    webhooks.fetch(
      requestOf(delivery({ eventId, type: 'STATUS_CHANGE', data: { status: 'READY' } })),
    );
  assert.equal((await delivered('evt_done')).status, 200);
  assert.equal((await delivered('evt_done')).status, 200);
  assert.deepEqual(ran, ['evt_done']);
  assert.deepEqual(seen, []);

  const down = new VesselWebhooks({
    accessToken: TOKEN,
    store: { ...store, claim: async () => Promise.reject(new Error('connect ECONNREFUSED')) },
  })
    .onAny(() => {})
    .onError((error, event) => seen.push([error.code, error.cause?.message, event.eventId]));
  const refused = await down.fetch(
    requestOf(delivery({ eventId: 'evt_down', type: 'STATUS_CHANGE', data: { status: 'READY' } })),
  );
  assert.equal(refused.status, 503);
  assert.deepEqual(seen, [['STORE_UNAVAILABLE', 'connect ECONNREFUSED', 'evt_down']]);

  // Review CC: each try had a store deadline of its own (a done mark failing slowly held the
  // delivery for nearly twice it). The second try here has what is left of one deadline.
  let tries = 0;
  const slow = new VesselWebhooks({
    accessToken: TOKEN,
    storeTimeoutSeconds: 0.3,
    store: {
      ...store,
      claim: (...args) => store.claim(...args),
      done: () =>
        ++tries === 1
          ? new Promise((resolve, reject) => setTimeout(() => reject(new Error('slow')), 120))
          : new Promise(() => {}),
    },
  }).onAny(() => {});
  const held = delivery({ eventId: 'evt_slow', type: 'STATUS_CHANGE', data: { status: 'READY' } });
  const rejection = await slow.verifyAndReceive(held).catch((error) => error);
  assert.equal(rejection.code, 'STORE_UNAVAILABLE');
  const [, within] = /no answer within (\d+) ms/.exec(rejection.message);
  assert.ok(Number(within) < 300 - 120, rejection.message);
  // Two tries within the deadline, and the first of those made after the answer (until the lease
  // ends: the handlers succeeded).
  assert.equal(tries, 3);

  // A mark that fails at once is tried again 50 ms, 100 ms … later, never in a tight loop: a
  // store that is down is not hammered (three tries within the deadline, one after the answer).
  let failures = 0;
  const refusing = new VesselWebhooks({
    accessToken: TOKEN,
    storeTimeoutSeconds: 0.3,
    leaseSeconds: 0.5,
    store: doneFailing(store, () => (failures += 1)),
  })
    .onAny(() => {})
    .onError(() => {});
  const tight = delivery({
    eventId: 'evt_tight',
    type: 'STATUS_CHANGE',
    data: { status: 'READY' },
  });
  assert.equal((await refusing.fetch(requestOf(tight))).status, 503);
  assert.ok(failures <= 5, `${failures} tries within 0.3 s`);
});

// Review CP: a store down for longer than storeTimeoutSeconds while handlers ran gave their done
// marks up at the 503, and every event in flight ran again once its lease ended, though the store
// was back well within it. The mark is tried on until the lease ends: the retry meets the claim
// (409), then the mark (200, its handlers not run again). Printed, the line says it was processed.
test('a done mark the store takes after the 503, within the lease, keeps the retry from running the event again', async (t) => {
  const printed = [];
  t.mock.method(console, 'error', (...args) => printed.push(args));
  const store = memoryStore();
  let down = true;
  const ran = [];
  const webhooks = new VesselWebhooks({
    accessToken: TOKEN,
    storeTimeoutSeconds: 0.2,
    leaseSeconds: 1,
    store: doneFailing(store, () => down),
  }).onAny((event) => ran.push(event.eventId));
  const signed = delivery({
    eventId: 'evt_back',
    type: 'STATUS_CHANGE',
    data: { status: 'READY' },
  });
  const started = performance.now();
  const answer = async () => {
    const response = await webhooks.fetch(requestOf(signed));
    return [response.status, await response.json()];
  };
  assert.deepEqual(await answer(), [503, { error: 'STORE_UNAVAILABLE' }]);
  assert.deepEqual(await answer(), [409, { error: 'EVENT_IN_PROGRESS' }]);
  down = false;
  // Past the lease: without the mark the retry would claim the event and run it again.
  await new Promise((resolve) => setTimeout(resolve, 1200 - (performance.now() - started)));
  const retry = await answer();
  assert.deepEqual([retry, ran], [[200, { received: true }], ['evt_back']]);
  assert.equal(printed.length, 1);
  assert.match(printed[0][0], /"evt_back" \(status\.READY\) was processed, but the store did not/);
});

// A done mark tried on after its 503 goes on after the answer: a Worker cancels what it was not
// given (ctx.waitUntil), and in Node its pauses and deadlines hold no process open. Workerd, Deno
// and browsers give a number for a timer, which has no unref: there it is tried on too.
test('the done mark tried on after its 503 is given to ctx.waitUntil, and holds no process open', async (t) => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const nodeSetTimeout = globalThis.setTimeout;
  for (const numbers of [false, true]) {
    if (numbers) {
      t.mock.method(globalThis, 'setTimeout', (...args) => Number(nodeSetTimeout(...args)));
    }
    const store = memoryStore();
    let down = true;
    const ran = [];
    const webhooks = new VesselWebhooks({
      accessToken: TOKEN,
      storeTimeoutSeconds: 0.1,
      leaseSeconds: 5,
      store: doneFailing(store, () => down),
    })
      .onAny((event) => ran.push(event.eventId))
      .onError(() => {});
    const kept = [];
    const ctx = { waitUntil: (promise) => kept.push(promise) };
    const eventId = numbers ? 'evt_number' : 'evt_kept';
    const signed = delivery({ eventId, type: 'STATUS_CHANGE', data: { status: 'READY' } });
    const before = timers();
    // ctx found after env, or first.
    const context = numbers ? [ctx] : [{}, ctx];
    assert.equal((await webhooks.fetch(requestOf(signed), ...context)).status, 503);
    if (!numbers) {
      await new Promise((resolve) => setImmediate(resolve)); // its first try after the answer failed
      assert.equal(timers(), before);
    }
    down = false;
    // Held open here as a Worker holds what it was given.
    const open = setInterval(() => {}, 1000);
    await Promise.all(kept).finally(() => clearInterval(open));
    // What the Worker was given has written the mark: the retry is a done duplicate, not a 409.
    assert.equal((await webhooks.fetch(requestOf(signed))).status, 200);
    assert.deepEqual(ran, [eventId]);
  }
});

// Review CT: a done mark whose tries outlasted the lease landed after it, while a retry had claimed
// and run the event: both answered 200, and nothing said so. And a mark never written, its tries
// after the 503 given up at the lease's end, was told apart from one written late by nothing.
test('a done mark that lands after the lease, or never, is reported', async () => {
  const store = memoryStore();
  const seen = [];
  const failUntil = performance.now() + 1300;
  const webhooks = new VesselWebhooks({
    accessToken: TOKEN,
    leaseSeconds: 1,
    storeTimeoutSeconds: 3,
    store: doneFailing(store, () => performance.now() < failUntil),
  })
    .onAny(() => {})
    .onError((error, event) => seen.push([event.eventId, error.message]));
  const late = delivery({ eventId: 'evt_late', type: 'STATUS_CHANGE', data: { status: 'READY' } });
  assert.equal((await webhooks.fetch(requestOf(late))).status, 200);
  assert.deepEqual(seen, [['evt_late', 'store.done: landed after leaseSeconds (1 s)']]);

  seen.length = 0;
  const failing = new VesselWebhooks({
    accessToken: TOKEN,
    leaseSeconds: 0.5,
    storeTimeoutSeconds: 0.1,
    store: doneFailing(store, () => true),
  })
    .onAny(() => {})
    .onError((error, event) => seen.push([event.eventId, error.code]));
  const lost = delivery({ eventId: 'evt_never', type: 'STATUS_CHANGE', data: { status: 'READY' } });
  assert.equal((await failing.fetch(requestOf(lost))).status, 503);
  assert.deepEqual(seen, [['evt_never', 'STORE_UNAVAILABLE']]);
  await new Promise((resolve) => setTimeout(resolve, 700));
  assert.deepEqual(seen, [
    ['evt_never', 'STORE_UNAVAILABLE'],
    ['evt_never', 'STORE_UNAVAILABLE'],
  ]);
});

// Review CP: the done mark's deadline and onDelivery's `ms` ran on the wall clock; set back an
// hour while the mark was tried, the answer waited for the store (up to the hour), and `ms` was
// negative. They run on the monotonic clock.
test('a wall clock set back holds no answer past the store deadline, and no `ms` is negative', async (t) => {
  const store = memoryStore();
  const reported = [];
  const now = Date.now;
  const webhooks = new VesselWebhooks({
    accessToken: TOKEN,
    storeTimeoutSeconds: 0.2,
    leaseSeconds: 1,
    onDelivery: (info) => reported.push(info),
    store: {
      ...store,
      claim: (...args) => store.claim(...args),
      done: async () => {
        const setBack = now() - 3_600_000;
        t.mock.method(Date, 'now', () => setBack);
        throw new Error('connect ECONNREFUSED');
      },
    },
  })
    .onAny(() => {})
    .onError(() => {});
  const signed = delivery({
    eventId: 'evt_clock',
    type: 'STATUS_CHANGE',
    data: { status: 'READY' },
  });
  const started = performance.now();
  const answer = await Promise.race([
    webhooks.fetch(requestOf(signed)).then((response) => response.status),
    new Promise((resolve) => setTimeout(resolve, 3000, 'no answer after 3 s')),
  ]);
  assert.equal(answer, 503);
  assert.ok(performance.now() - started < 1000);
  assert.equal(reported.length, 1);
  assert.ok(reported[0].ms >= 0 && reported[0].ms < 1000, String(reported[0].ms));
});

// Review BY: with doneTtlSeconds: 1, the same captured delivery sent again 1.5 s later (well within
// the 300 s window) ran its handlers again.
test('doneTtlSeconds shorter than twice the replay window is a TypeError', () => {
  const ok = { accessToken: TOKEN, store: memoryStore() };
  new VesselWebhooks({ ...ok, doneTtlSeconds: 600 });
  new VesselWebhooks({ ...ok, doneTtlSeconds: 20, toleranceSeconds: 10 });
  new VesselWebhooks({ ...ok, doneTtlSeconds: 1, toleranceSeconds: Infinity });
  // No store, no done mark (review CC: a long window without one threw).
  new VesselWebhooks({ accessToken: TOKEN, toleranceSeconds: 400_000 });
  for (const [doneTtlSeconds, toleranceSeconds] of [
    [1, undefined],
    [599, undefined],
    [19.999, 10],
  ]) {
    assert.throws(() => new VesselWebhooks({ ...ok, doneTtlSeconds, toleranceSeconds }), {
      name: 'TypeError',
      message: /^options\.doneTtlSeconds: expected at least twice toleranceSeconds/,
    });
  }
});

test('the options given, else their defaults: the lease and done TTL the store gets, the deadlines', async (t) => {
  const event = { eventId: 'evt_defaults', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  for (const [options, leaseMs, doneTtlMs] of [
    [{}, 60_000, 7 * 24 * 3600 * 1000],
    [{ leaseSeconds: 1.5, doneTtlSeconds: 600 }, 1500, 600_000],
  ]) {
    const calls = [];
    const recording = recorded(memoryStore(), calls);
    const webhooks = new VesselWebhooks({ accessToken: TOKEN, store: recording, ...options });
    await webhooks.onAny(() => {}).verifyAndReceive(delivery(event));
    // The lease and the done TTL: each call's third argument.
    assert.deepEqual(
      calls.map(([method, , , ms]) => [method, ms]),
      [
        ['claim', leaseMs],
        ['done', doneTtlMs],
      ],
    );
  }
  // A store that does not answer is STORE_UNAVAILABLE after 5 s, a resolver after 10 s (on mock
  // timers: no test waits for them).
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const hung = () => new Promise(() => {});
  for (const [options, ms, message] of [
    [
      { accessToken: TOKEN, store: { ...memoryStore(), claim: hung } },
      5000,
      'store.claim: no answer within 5000 ms',
    ],
    [{ getAccessToken: hung }, 10_000, 'getAccessToken: no answer within 10000 ms'],
  ]) {
    const webhooks = new VesselWebhooks(options).onAny(() => {});
    let answer;
    webhooks.verifyAndReceive(delivery(event)).catch((error) => (answer = error.message));
    await new Promise((resolve) => setImmediate(resolve));
    t.mock.timers.tick(ms - 1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(answer, undefined);
    t.mock.timers.tick(1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(answer, message);
  }
});

test('an event no handler takes is 200 with no store call (a store outage does not hold it)', async () => {
  const calls = [];
  const store = {
    claim: async () => {
      calls.push('claim');
      throw new Error('down');
    },
    done: async () => calls.push('done'),
    release: async () => calls.push('release'),
  };
  const infos = [];
  const webhooks = new VesselWebhooks({
    accessToken: TOKEN,
    store,
    onDelivery: (info) => infos.push(info),
  });
  webhooks.on('contact.created', () => {});
  const ready = { eventId: 'evt_none', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  const response = await webhooks.fetch(requestOf(delivery(ready)));
  assert.equal(response.status, 200);
  assert.deepEqual(calls, []);
  // Reported as processed (there was nothing to do), with the status it was answered.
  assert.deepEqual(
    infos.map(({ outcome, status }) => [outcome, status]),
    [['processed', 200]],
  );
});

test('a store that throws or does not answer gives 503 STORE_UNAVAILABLE, never 2xx', async () => {
  const never = () => new Promise(() => {});
  const broken = async () => {
    throw new Error('connection refused');
  };
  const ok = memoryStore();
  const stores = {
    'claim throws': { ...ok, claim: broken },
    'claim never answers': { ...ok, claim: never },
    'claim answers nonsense': { ...ok, claim: async () => 'yes' },
    'done throws': { ...memoryStore(), done: broken },
    'done never answers': { ...memoryStore(), done: never },
  };
  for (const [what, store] of Object.entries(stores)) {
    const infos = [];
    const webhooks = new VesselWebhooks({
      accessToken: TOKEN,
      store,
      storeTimeoutSeconds: 0.2,
      onDelivery: (info) => infos.push(info),
    });
    let runs = 0;
    webhooks.onAny(() => (runs += 1));
    const event = { eventId: `evt_${what}`, type: 'STATUS_CHANGE', data: { status: 'READY' } };
    const { body, headers } = delivery(event);
    const response = await webhooks.fetch(requestOf({ body, headers }));
    assert.equal(response.status, 503, what);
    assert.deepEqual(await response.json(), { error: 'STORE_UNAVAILABLE' }, what);
    assert.equal(runs, what.startsWith('done') ? 1 : 0, what);
    assert.deepEqual(
      infos.map((i) => [i.outcome, i.code, i.status]),
      [['failed', 'STORE_UNAVAILABLE', 503]],
      what,
    );
  }
});

// A store call past its deadline goes on after the answer, and may still fail: that failure is
// handled wherever the call ends, with or without a Worker's ctx (an unhandled rejection ends a
// Node, Deno or Bun process). The context arguments are read once, and odd ones are no ctx.
test('store calls that fail after their 503 end no process; odd fetch arguments are no ctx', async () => {
  const unhandled = [];
  const record = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', record);
  try {
    const later = (settle) => () => new Promise((resolve) => setTimeout(() => settle(resolve), 60));
    const rejects = () => Promise.reject(new Error('down'));
    const stores = {
      'claim rejects late': { claim: later((resolve) => resolve(rejects())) },
      'claim lands late, release rejects': { claim: later((r) => r('claimed')), release: rejects },
    };
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const waitUntilGets = [];
    const contexts = {
      'no context': [],
      'waitUntil rejects': [{}, { waitUntil: () => Promise.reject(new Error('ctx')) }],
      'a revoked proxy, then a getter': [
        revoked.proxy,
        {
          get waitUntil() {
            waitUntilGets.push(1);
            return waitUntilGets.length === 1 ? (promise) => promise : 42;
          },
        },
      ],
    };
    const answers = {};
    for (const [what, methods] of Object.entries(stores)) {
      for (const [how, context] of Object.entries(contexts)) {
        const webhooks = new VesselWebhooks({
          accessToken: TOKEN,
          store: { ...memoryStore(), ...methods },
          storeTimeoutSeconds: 0.02,
        }).onAny(() => {});
        const event = {
          eventId: `evt_late_${what}_${how}`,
          type: 'STATUS_CHANGE',
          data: { status: 'READY' },
        };
        const { body, headers } = delivery(event);
        const request = requestOf({ body, headers });
        answers[`${what}, ${how}`] = await webhooks.fetch(request, ...context).then(
          (response) => response.status,
          (error) => error.message,
        );
      }
    }
    // The late answers (60 ms), then what follows them.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(
      {
        answers,
        unhandled: unhandled.map((reason) => reason.message),
        waitUntilGets: waitUntilGets.length,
      },
      {
        answers: Object.fromEntries(Object.keys(answers).map((key) => [key, 503])),
        unhandled: [],
        waitUntilGets: 2,
      },
    );
  } finally {
    process.off('unhandledRejection', record);
  }
});

test('a store whose release fails still answers 500: the lease frees the event later', async () => {
  const store = { ...memoryStore(), release: async () => Promise.reject(new Error('down')) };
  const webhooks = new VesselWebhooks({ accessToken: TOKEN, store });
  webhooks.onAny(() => {
    throw new Error('handler');
  });
  const event = { eventId: 'evt_release', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  await assert.rejects(webhooks.verifyAndReceive(delivery(event)), { code: 'HANDLER_FAILED' });
});

// Review CO: the 500 went out before the claim was given back when a release takes a round trip,
// and nothing checked it: a retry right after would meet the claim (409).
test('the claim of a failed delivery is given back before its 500: a retry right after runs it', async () => {
  const inner = memoryStore();
  const store = {
    ...inner,
    claim: (...args) => inner.claim(...args),
    release: async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return inner.release(...args);
    },
  };
  let runs = 0;
  const webhooks = new VesselWebhooks({ accessToken: TOKEN, store })
    .onAny(() => {
      if (++runs === 1) throw new Error('the first run fails');
    })
    .onError(() => {});
  const signed = delivery({
    eventId: 'evt_give',
    type: 'STATUS_CHANGE',
    data: { status: 'READY' },
  });
  assert.equal((await webhooks.fetch(requestOf(signed))).status, 500);
  assert.equal((await webhooks.fetch(requestOf(signed))).status, 200);
  assert.equal(runs, 2);
});

test('getAccessToken(connectionId, request) picks the token; no connection is refused unasked', async () => {
  const asked = [];
  const webhooks = new VesselWebhooks({
    getAccessToken: (connectionId, request) => {
      asked.push([connectionId, request.tag]);
      return connectionId === CONNECTION ? TOKEN : undefined;
    },
  });
  const event = { eventId: 'evt_tok', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  const d = delivery(event);
  await webhooks.verifyAndReceive({ ...d, request: { tag: 'req' } });
  const { 'x-vessel-connection-id': _, ...withoutConnection } = d.headers;
  await assert.rejects(webhooks.verifyAndReceive({ body: d.body, headers: withoutConnection }), {
    code: 'SIGNATURE_MISMATCH',
  });
  assert.deepEqual(asked, [[CONNECTION, 'req']]);
});

/**
 * Serves `handler` on 127.0.0.1 and posts `body` with `headers` to it: the answer's status and
 * JSON, and with `type`, its content-type.
 */
async function postTo(handler, body, headers, { type = false } = {}) {
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${server.address().port}/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    const text = await response.text();
    try {
      const json = JSON.parse(text);
      if (!type) return { status: response.status, json };
      return { status: response.status, type: response.headers.get('content-type'), json };
    } catch {
      throw new Error(`status ${response.status}: ${text.slice(0, 80)}`);
    }
  } finally {
    server.close();
  }
}

// Review CO: nothing checked that a store call's or a token lookup's deadline timer is cleared
// once it answers (each left would hold the process, and its closure, for 5 – 10 s a delivery).
test('no deadline timer outlives the delivery it timed', async () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  // Nor does the lease's timer hold a process open while the handlers run.
  const during = [];
  const webhooks = new VesselWebhooks({
    getAccessToken: async () => TOKEN,
    store: memoryStore(),
  }).onAny(() => during.push(timers()));
  const before = timers();
  for (const eventId of ['evt_t1', 'evt_t2', 'evt_t1']) {
    const signed = delivery({ eventId, type: 'STATUS_CHANGE', data: { status: 'READY' } });
    assert.equal((await webhooks.fetch(requestOf(signed))).status, 200);
  }
  assert.equal(timers(), before);
  assert.deepEqual(during, [before, before]);

  // While a store call is pending, its deadline holds the process open: a hung claim is answered
  // 503, not dropped by a process that ends.
  const hung = new VesselWebhooks({
    accessToken: TOKEN,
    storeTimeoutSeconds: 0.05,
    store: { ...memoryStore(), claim: () => new Promise(() => {}) },
  }).onAny(() => {});
  const signed = delivery({
    eventId: 'evt_hung',
    type: 'STATUS_CHANGE',
    data: { status: 'READY' },
  });
  const answer = hung.fetch(requestOf(signed));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(timers(), before + 1);
  assert.equal((await answer).status, 503);
});

// Review CO: a body of exactly maxBodyBytes was not tried through the middleware's read (a cap of
// `>=` there passed every test).
test('middleware(): a body of exactly maxBodyBytes is read; one byte over is 413', async () => {
  const signed = delivery({ eventId: 'evt_cap', type: 'STATUS_CHANGE', data: { status: 'READY' } });
  const at = (maxBodyBytes) =>
    postTo(
      new VesselWebhooks({ accessToken: TOKEN, maxBodyBytes }).middleware(),
      signed.body,
      signed.headers,
    );
  const length = Buffer.byteLength(signed.body);
  assert.deepEqual(await at(length), { status: 200, json: { received: true } });
  assert.deepEqual(await at(length - 1), { status: 413, json: { error: 'BODY_TOO_LARGE' } });
});

test('a getAccessToken that does not settle is 503 TOKEN_LOOKUP_TIMEOUT, in every entry', async () => {
  const webhooks = new VesselWebhooks({
    getAccessToken: () => new Promise(() => {}),
    tokenLookupTimeoutSeconds: 0.05,
  });
  const { body, headers } = delivery({
    eventId: 'evt_hung',
    type: 'STATUS_CHANGE',
    data: { status: 'READY' },
  });
  const response = await webhooks.fetch(requestOf({ body, headers }));
  assert.equal(response.status, 503);
  assert.deepEqual(await response.json(), { error: 'TOKEN_LOOKUP_TIMEOUT' });
  await assert.rejects(webhooks.verifyAndReceive({ body, headers }), {
    code: 'TOKEN_LOOKUP_TIMEOUT',
    message: 'getAccessToken: no answer within 50 ms',
  });
  assert.deepEqual(await postTo(webhooks.middleware(), body, headers), {
    status: 503,
    json: { error: 'TOKEN_LOOKUP_TIMEOUT' },
  });
});

// Review CB: a resolver's error with a status of its own was answered with it (review BW), but
// onDelivery reported 500, and middleware() without a next answered 500.
test("a resolver's error carrying a 4xx/5xx status: answered and reported with it", async (t) => {
  const infos = [];
  const webhooks = new VesselWebhooks({
    getAccessToken: () => {
      throw Object.assign(new Error('tokens-db: no such tenant'), { statusCode: 404 });
    },
    onDelivery: (info) => infos.push(info),
  });
  const { body, headers } = delivery({
    eventId: 'evt_status',
    type: 'STATUS_CHANGE',
    data: { status: 'READY' },
  });
  // No next: answered with the status and no body (postTo refuses a body that is no JSON), and
  // printed, as a final handler prints (review CG: it was a 500 or 404 seen by no one).
  const printed = [];
  t.mock.method(console, 'error', (...args) => printed.push(args));
  await assert.rejects(postTo(webhooks.middleware(), body, headers), { message: 'status 404: ' });
  assert.deepEqual(
    infos.map(({ outcome, status, code, message }) => ({ outcome, status, code, message })),
    [{ outcome: 'failed', status: 404, code: undefined, message: undefined }],
  );
  assert.equal(printed.length, 1);
  assert.match(printed[0][0].message, /^vessel-webhooks: the delivery could not be received/);
  assert.equal(printed[0][0].cause.message, 'tokens-db: no such tenant');
  // fetch has no final handler: the resolver's own error is thrown, for the runtime's 500.
  await assert.rejects(webhooks.fetch(requestOf({ body, headers })), {
    message: 'tokens-db: no such tenant',
    statusCode: 404,
  });

  // A 2xx or 3xx it carries is no answer for a delivery that was not processed: 500, so that
  // Vessel retries (review CO: nothing checked it).
  for (const status of [200, 204, 302]) {
    const odd = new VesselWebhooks({
      getAccessToken: () => {
        throw Object.assign(new Error('tokens-db: said so'), { status });
      },
    }).onAny(() => assert.fail('no handler runs'));
    const answer = await postTo(odd.middleware(), body, headers).catch((error) => error.message);
    assert.match(String(answer), /^status 500: /, String(status));
  }
});

// Review CI: without a next, middleware() printed what it answered 500, unguarded: an error that
// util.inspect cannot print ended the process; and a client that went away mid-body, which no
// answer reaches, made any unsigned request print.
test('middleware() without a next: an unprintable error is answered; a client gone prints nothing', async (t) => {
  const printed = [];
  const unprintable = {
    [Symbol.for('nodejs.util.inspect.custom')]() {
      throw new Error('cannot inspect');
    },
  };
  const webhooks = new VesselWebhooks({
    getAccessToken: async () => {
      throw unprintable;
    },
  });
  const { body, headers } = delivery({
    eventId: 'evt_odd',
    type: 'STATUS_CHANGE',
    data: { status: 'READY' },
  });
  t.mock.method(console, 'error', (...values) => {
    printed.push(values);
    return inspect(values[0]);
  });
  await assert.rejects(postTo(webhooks.middleware(), body, headers), { message: 'status 500: ' });
  assert.equal(printed.length, 1);

  const server = createServer(new VesselWebhooks({ accessToken: TOKEN }).middleware());
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const socket = connect(server.address().port, '127.0.0.1');
  socket.write('POST /hook HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\nabc');
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 100));
  server.close();
  assert.equal(printed.length, 1);

  // A resolver that fails after the sender gave up is still printed (review CL: the socket's
  // state hid it).
  const slow = new VesselWebhooks({
    getAccessToken: () =>
      new Promise((resolve, reject) =>
        setTimeout(() => reject(new Error('tokens-db: connect ETIMEDOUT')), 150),
      ),
  });
  const late = createServer(slow.middleware());
  await new Promise((resolve) => late.listen(0, '127.0.0.1', resolve));
  const gone = connect(late.address().port, '127.0.0.1');
  gone.write(
    `POST /hook HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('') +
      `\r\n${body}`,
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  gone.destroy();
  await new Promise((resolve) => setTimeout(resolve, 250));
  late.close();
  assert.equal(printed.length, 2);
  assert.equal(printed[1][0].cause.message, 'tokens-db: connect ETIMEDOUT');
});

// Review CH: a refusal's reason was told nowhere (a resolver that found no token and a wrong
// token were one SIGNATURE_MISMATCH); a resolver's answer of the wrong type named an accessToken
// option; a body a parser read and left nothing of was a 500 onDelivery never saw.
test("onDelivery's message says why; a resolver's wrong answer names it; every delivery is reported", async () => {
  const infos = [];
  const tokens = new Map([[CONNECTION, TOKEN]]);
  const webhooks = new VesselWebhooks({
    getAccessToken: (id) => tokens.get(id),
    onDelivery: (info) => infos.push(info),
  });
  const event = { eventId: 'evt_why', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  await webhooks.fetch(requestOf(delivery(event, 'tok_other')));
  const other = delivery(event);
  other.headers['x-vessel-connection-id'] = 'conn_unknown';
  await webhooks.fetch(requestOf(other));
  assert.deepEqual(
    infos.splice(0).map(({ code, message }) => [code, message]),
    [
      [
        'SIGNATURE_MISMATCH',
        'x-vessel-signature: the access token did not sign this body and timestamp',
      ],
      [
        'SIGNATURE_MISMATCH',
        'x-vessel-connection-id: no access token was found for this connection',
      ],
    ],
  );

  tokens.set(CONNECTION, { token: TOKEN });
  await assert.rejects(webhooks.verifyAndReceive(delivery(event)), {
    name: 'TypeError',
    message:
      /^getAccessToken's answer \(or undefined or null: no token\): expected a non-empty string/,
  });

  assert.deepEqual(
    infos.splice(0).map(({ outcome, status }) => [outcome, status]),
    [['failed', 500]],
  );

  // A body read by the app, with nothing left of it: the app's mistake, answered 500 and reported.
  tokens.set(CONNECTION, TOKEN);
  const readFirst = (req, res) =>
    req
      .resume()
      .on('end', () =>
        webhooks.middleware()(req, res, (error) =>
          res.writeHead(500).end(JSON.stringify({ cause: error.cause.message })),
        ),
      );
  const { body, headers } = delivery(event);
  const answer = await postTo(readFirst, body, headers);
  assert.equal(answer.status, 500);
  assert.match(answer.json.cause, /^webhooks\.middleware\(\): the request body was read before/);
  assert.deepEqual(
    infos.map(({ outcome, status }) => [outcome, status]),
    [['failed', 500]],
  );
});

// Review CH: a handler that hung was told nowhere, and ran again after each lease.
test('handlers still running when the lease ends are reported, once; a quick one is not', async () => {
  const seen = [];
  const webhooks = new VesselWebhooks({
    accessToken: TOKEN,
    store: memoryStore(),
    leaseSeconds: 0.1,
  })
    .on(
      'status.READY',
      (event) =>
        new Promise((resolve) => setTimeout(resolve, event.eventId === 'evt_slow' ? 350 : 0)),
    )
    .onError((error, event) => seen.push([error.message, event.eventId]));
  for (const eventId of ['evt_slow', 'evt_quick']) {
    await webhooks.verifyAndReceive(
      delivery({ eventId, type: 'STATUS_CHANGE', data: { status: 'READY' } }),
    );
  }
  // A lease longer than setTimeout's longest delay (2³¹ − 1 ms) has no timer, which would fire
  // at once: a handler that takes a while is not reported.
  const yearLong = new VesselWebhooks({
    accessToken: TOKEN,
    store: memoryStore(),
    leaseSeconds: 365 * 24 * 3600,
  })
    .on('status.READY', () => new Promise((resolve) => setTimeout(resolve, 50)))
    .onError((error, event) => seen.push([error.message, event.eventId]));
  await yearLong.verifyAndReceive(
    delivery({ eventId: 'evt_year', type: 'STATUS_CHANGE', data: { status: 'READY' } }),
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(seen, [
    [
      'handlers: still running after leaseSeconds (0.1 s); a retry may now run this event again beside them',
      'evt_slow',
    ],
  ]);
});

/** An object that becomes a thenable, never settling, from its `then`'s read `after + 1` on. */
function lateThenable(after) {
  let reads = 0;
  return {
    get then() {
      return ++reads > after ? () => {} : undefined;
    },
  };
}

test('an answer whose `then` appears on a later read is read once: answered in time', async () => {
  for (const after of [1, 2, 3]) {
    // A resolver's: no token, a TypeError (the runtime's 500), never a request held open.
    const webhooks = new VesselWebhooks({
      getAccessToken: () => lateThenable(after),
      tokenLookupTimeoutSeconds: 0.05,
    });
    const { body, headers } = delivery({
      eventId: 'evt_late',
      type: 'STATUS_CHANGE',
      data: { status: 'READY' },
    });
    const request = requestOf({ body, headers });
    await assert.rejects(webhooks.fetch(request), TypeError);
    await assert.rejects(webhooks.verifyAndReceive({ body, headers }), TypeError);
    // A store's: not an answer, so 503 STORE_UNAVAILABLE.
    const stored = new VesselWebhooks({
      accessToken: TOKEN,
      store: { ...memoryStore(), claim: () => lateThenable(after) },
      storeTimeoutSeconds: 0.05,
    });
    stored.onAny(() => {});
    const response = await stored.fetch(requestOf({ body, headers }));
    assert.equal(response.status, 503, `after ${after}`);
  }
});

test('a hand-made request is a POST without a method, or with POST in any case; another is 405', async () => {
  const webhooks = new VesselWebhooks({ accessToken: TOKEN });
  const { body, headers } = delivery({
    eventId: 'evt_methods',
    type: 'STATUS_CHANGE',
    data: { status: 'READY' },
  });
  const answered = async (method) => {
    const request = { method, headers, body: new Response(body).body };
    return (await webhooks.fetch(request)).status;
  };
  for (const method of [undefined, 'POST', 'post', 'Post'])
    assert.equal(await answered(method), 200);
  for (const method of ['GET', 'put', 'POSTS']) assert.equal(await answered(method), 405);
});

test('middleware(): node:http and Express (raw or after express.json()), forged, too large', async () => {
  const webhooks = new VesselWebhooks({ accessToken: TOKEN, maxBodyBytes: 10_000 });
  const received = [];
  webhooks.onAny((event) => received.push(event.eventId));
  const event = { eventId: 'evt_mw', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  const { body, headers } = delivery(event);
  const ok = { status: 200, json: { received: true } };
  assert.deepEqual(await postTo(webhooks.middleware(), body, headers), ok);
  const raw = express().post('/hook', webhooks.middleware());
  assert.deepEqual(await postTo(raw, body, headers), ok);
  const parsed = express().use(express.json()).post('/hook', webhooks.middleware());
  assert.deepEqual(await postTo(parsed, body, headers), ok);
  assert.deepEqual(received, ['evt_mw', 'evt_mw', 'evt_mw']);
  const forged = body.replace('READY', 'NEW_CONNECTION');
  assert.deepEqual(await postTo(webhooks.middleware(), forged, headers), {
    status: 401,
    json: { error: 'SIGNATURE_MISMATCH' },
  });
  const large = JSON.stringify({ ...event, pad: 'x'.repeat(20_000) });
  assert.deepEqual(
    await postTo(webhooks.middleware(), large, delivery(JSON.parse(large)).headers),
    {
      status: 413,
      json: { error: 'BODY_TOO_LARGE' },
    },
  );
  assert.equal(received.length, 3);
});

test('the 200 of fetch and of middleware() is {"received":true} as application/json', async () => {
  const webhooks = new VesselWebhooks({ accessToken: TOKEN }).onAny(() => {});
  const d = delivery({ eventId: 'evt_json', type: 'STATUS_CHANGE', data: { status: 'READY' } });
  const response = await webhooks.fetch(requestOf(d));
  assert.deepEqual(
    [response.status, response.headers.get('content-type'), await response.text()],
    [200, 'application/json', '{"received":true}'],
  );
  assert.deepEqual(await postTo(webhooks.middleware(), d.body, d.headers, { type: true }), {
    status: 200,
    type: 'application/json',
    json: { received: true },
  });
});

test('middleware(): a body that does not arrive within 10 s is 408 BODY_TIMEOUT, connection closed', async () => {
  const webhooks = new VesselWebhooks({ accessToken: TOKEN });
  const ran = [];
  webhooks.onAny((event) => ran.push(event.eventId));
  const event = { eventId: 'evt_slow', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  const { body, headers } = delivery(event);
  const server = createServer(webhooks.middleware());
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    // A Content-Length one byte longer than what is sent: without a deadline the request would
    // wait for Node's own requestTimeout (300 s).
    const started = performance.now();
    const socket = connect(server.address().port, '127.0.0.1');
    const head = Object.entries({ ...headers, 'content-type': 'application/json' })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(
      `POST /hook HTTP/1.1\r\nhost: 127.0.0.1\r\n${head}content-length: ${Buffer.byteLength(body) + 1}\r\n\r\n${body}`,
    );
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    await once(socket, 'close');
    // The default deadline itself (a later one passed this test as well): 10 s, with room for a
    // loaded machine after it, none before.
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 9_900 && elapsed < 20_000, `answered after ${elapsed} ms`);
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.match(answer, /connection: close/i);
    assert.match(answer, /\{"error":"BODY_TIMEOUT"\}/);
    assert.deepEqual(ran, []);
  } finally {
    server.close();
  }
});

test('middleware(): a 413 before the body ended closes the connection; text mode is a 500; a body a parser ended is answered at once', async () => {
  // Review BN: after a 413 the rest was read and dropped on a kept-alive connection, with no
  // deadline left; a request put in text mode was encoded back (a forgery, or other bytes
  // verified); a stream a parser had read to its empty end waited for the deadline, a 408.
  const webhooks = new VesselWebhooks({ accessToken: TOKEN, maxBodyBytes: 1024 });
  const event = { eventId: 'evt_early', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  const { body, headers } = delivery(event);
  // A chunk over the cap of a chunked body, then nothing: the socket is closed after the 413. Its
  // own cap (1 KiB, or 0 bytes), and the default one (4 MiB) when none is given.
  for (const [middleware, size] of [
    [webhooks.middleware(), 2048],
    [new VesselWebhooks({ accessToken: TOKEN, maxBodyBytes: 0 }).middleware(), 1],
    [new VesselWebhooks({ accessToken: TOKEN }).middleware(), 4 * 1024 ** 2 + 1],
  ]) {
    const server = createServer(middleware);
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const socket = connect(server.address().port, '127.0.0.1');
      const head = Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(
        `POST /hook HTTP/1.1\r\nhost: 127.0.0.1\r\n${head}transfer-encoding: chunked\r\n\r\n` +
          `${size.toString(16)}\r\n${' '.repeat(size)}\r\n`,
      );
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk));
      await once(socket, 'close');
      assert.match(answer, /^HTTP\/1\.1 413 /);
      assert.match(answer, /connection: close/i);
      assert.match(answer, /\{"error":"BODY_TOO_LARGE"\}/);
    } finally {
      server.close();
    }
  }
  const textMode = express()
    .use((req, res, next) => {
      req.setEncoding('latin1');
      next();
    })
    .post('/hook', webhooks.middleware());
  await assert.rejects(postTo(textMode, body, headers), (error) => {
    assert.match(error.message, /status 500:/);
    return true;
  });
  const emptied = express().use(express.json()).post('/hook', webhooks.middleware());
  assert.deepEqual(await postTo(emptied, '', sign('', TOKEN)), {
    status: 400,
    json: { error: 'INVALID_JSON' },
  });
});

test('onDelivery failing never changes the answer', async () => {
  const webhooks = new VesselWebhooks({
    accessToken: TOKEN,
    onDelivery: () => {
      throw new Error('logger down');
    },
  });
  const event = { eventId: 'evt_log', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  assert.deepEqual(await webhooks.verifyAndReceive(delivery(event)), event);
});

/** A receiver whose getAccessToken answers TOKEN and records each connection id it is asked about. */
function askingReceiver(options = {}) {
  const asked = [];
  const getAccessToken = (connectionId) => {
    asked.push(connectionId);
    return TOKEN;
  };
  return { asked, webhooks: new VesselWebhooks({ getAccessToken, ...options }) };
}

test('with getAccessToken, a request that fails a check needing no token gets its code, unasked', async () => {
  const { asked, webhooks } = askingReceiver({
    maxBodyBytes: 2000,
  });
  const ran = [];
  webhooks.onAny((event, { connectionId }) => ran.push([event.eventId, connectionId]));
  const event = { eventId: 'evt_order', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  const { body, headers } = delivery(event);
  const large = JSON.stringify({ ...event, pad: 'x'.repeat(3000) });
  const stale = sign(body, 'tok_anyone', { connectionId: CONNECTION, timestamp: 1_700_000_000 });
  const cases = [
    [{ body, headers: { 'x-vessel-connection-id': CONNECTION } }, 'MISSING_HEADER'],
    [{ body, headers: { ...headers, 'x-vessel-timestamp': 'soon' } }, 'INVALID_TIMESTAMP'],
    [{ body, headers: { ...headers, 'x-vessel-signature': 'sha256=0' } }, 'MALFORMED_SIGNATURE'],
    [{ body, headers: stale }, 'TIMESTAMP_OUT_OF_TOLERANCE'],
    [{ body: large, headers: delivery(JSON.parse(large)).headers }, 'BODY_TOO_LARGE'],
  ];
  for (const [d, code] of cases) {
    await assert.rejects(webhooks.verifyAndReceive(d), { code }, code);
    const response = await webhooks.fetch(requestOf(d));
    assert.deepEqual(await response.json(), { error: code });
    assert.deepEqual(await postTo(webhooks.middleware(), d.body, d.headers), {
      status: code === 'BODY_TOO_LARGE' ? 413 : 401,
      json: { error: code },
    });
  }
  assert.deepEqual(asked, []);
  // A parsed body (as a framework's parser leaves it) too.
  await assert.rejects(webhooks.verifyAndReceive({ body: event, headers: stale }), {
    code: 'TIMESTAMP_OUT_OF_TOLERANCE',
  });
  assert.deepEqual(asked, []);
  await webhooks.verifyAndReceive({ body: event, headers });
  assert.deepEqual(asked, [CONNECTION]);
  assert.deepEqual(ran, [['evt_order', CONNECTION]]);
});

test('the connection looked up is the one checked and the one the handlers get: two are none', async () => {
  const { asked, webhooks } = askingReceiver();
  const got = [];
  webhooks.onAny((event, { connectionId }) => got.push(connectionId));
  const event = { eventId: 'evt_reads', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  const { body, headers } = delivery(event);
  // A hand-made headers object whose connection changes from one read to the next.
  let reads = 0;
  const shifting = {
    get: (name) =>
      name === 'x-vessel-connection-id' ? (reads++ === 0 ? 'conn_B' : 'conn_A') : headers[name],
  };
  const response = await webhooks.fetch({ headers: shifting, body: new Response(body).body });
  assert.deepEqual(await response.json(), { error: 'SIGNATURE_MISMATCH' });
  assert.deepEqual([asked, got], [[], []]);
  // One connection, however often it is read: looked up, and the handlers get it.
  await webhooks.fetch({ headers, body: new Response(body).body });
  assert.deepEqual([asked, got], [[CONNECTION], [CONNECTION]]);
});

test('accessToken is checked and copied at construction: null is a TypeError, a later change to the array none', async () => {
  assert.throws(() => new VesselWebhooks({ accessToken: null }), /accessToken: expected/);
  const tokens = ['tok_old_1', TOKEN];
  const webhooks = new VesselWebhooks({ accessToken: tokens });
  tokens.push(undefined);
  tokens[1] = 'tok_other';
  const event = { eventId: 'evt_copy', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  assert.deepEqual(await webhooks.verifyAndReceive(delivery(event)), event);
});

test('strict: true refuses the kinds this version does not know, which onAny gets otherwise', async () => {
  const known = { eventId: 'evt_known', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  const unknown = { eventId: 'evt_unknown', type: 'ACCOUNT_MERGED', data: {} };
  for (const [strict, answer] of [
    [undefined, 'evt_unknown'],
    [false, 'evt_unknown'],
    [true, 'INVALID_EVENT'],
  ]) {
    const seen = [];
    const webhooks = new VesselWebhooks({ accessToken: TOKEN, strict });
    webhooks.onAny((event) => seen.push(event.eventId));
    await webhooks.verifyAndReceive(delivery(known));
    const got = await webhooks.verifyAndReceive(delivery(unknown)).then(
      (event) => event.eventId,
      (error) => error.code,
    );
    assert.deepEqual([got, seen], [answer, strict ? ['evt_known'] : ['evt_known', 'evt_unknown']]);
  }
  assert.throws(() => new VesselWebhooks({ accessToken: TOKEN, strict: 'yes' }), {
    name: 'TypeError',
    message: /^options\.strict: /,
  });
});

test('only names Vessel spells are routed: `contact` or `Ready,` reach onAny alone, with no name', async () => {
  const webhooks = new VesselWebhooks({ accessToken: TOKEN });
  const typed = [];
  const any = [];
  webhooks.on(['contact.created', 'status.READY'], (event) => typed.push(event.eventId));
  webhooks.onAny((event, { name }) => any.push([event.eventId, name]));
  const record = { id: 'v.contact.1' };
  const events = [
    {
      eventId: 'e1',
      type: 'OBJECT_CHANGE',
      data: { objectType: 'contact', eventType: 'CREATE', record },
    },
    {
      eventId: 'e2',
      type: 'OBJECT_CHANGE',
      data: { objectType: 'Contact', eventType: 'CREATE', record },
    },
    { eventId: 'e3', type: 'STATUS_CHANGE', data: { status: 'READY,' } },
    { eventId: 'e4', type: 'STATUS_CHANGE', data: { status: 'READY' } },
    {
      eventId: 'e5',
      type: 'OBJECT_CHANGE',
      data: { objectType: 'Invoice', eventType: 'UPDATE', record },
    },
    // An eventType that names what every object inherits.
    {
      eventId: 'e6',
      type: 'OBJECT_CHANGE',
      data: { objectType: 'Contact', eventType: 'toString', record },
    },
    // A kind this version does not know, with an object change's data; a change it does not know.
    {
      eventId: 'e7',
      type: 'OBJECT_MERGED',
      data: { objectType: 'Contact', eventType: 'CREATE', record },
    },
    {
      eventId: 'e8',
      type: 'OBJECT_CHANGE',
      data: { objectType: 'Contact', eventType: 'MERGE', record },
    },
  ];
  for (const event of events) await webhooks.verifyAndReceive(delivery(event));
  assert.deepEqual(typed, ['e2', 'e4']);
  assert.deepEqual(any, [
    ['e1', undefined],
    ['e2', 'contact.created'],
    ['e3', undefined],
    ['e4', 'status.READY'],
    ['e5', 'invoice.updated'],
    ['e6', undefined],
    ['e7', undefined],
    ['e8', undefined],
  ]);
});

test('middleware() after a parser that left a JSON value that is no object: a coded refusal, not a 500', async () => {
  const webhooks = new VesselWebhooks({ accessToken: TOKEN });
  const app = express()
    .use(express.json({ strict: false }))
    .post('/hook', webhooks.middleware());
  for (const body of ['123', 'null', 'true']) {
    assert.deepEqual(await postTo(app, body, sign(body, TOKEN)), {
      status: 400,
      json: { error: 'INVALID_JSON' },
    });
    assert.deepEqual(await postTo(app, body, sign(body, 'tok_other')), {
      status: 401,
      json: { error: 'SIGNATURE_MISMATCH' },
    });
  }
});

test('the middleware caps its read by its own maxBodyBytes, never by Object.prototype', async () => {
  // Review BF: the read's cap came from `#checks`, an object literal whose missing maxBodyBytes
  // was Object.prototype's: polluted with 8, every authentic delivery was 413.
  const webhooks = new VesselWebhooks({ accessToken: TOKEN });
  const body = JSON.stringify(samples[0].event);
  try {
    Object.prototype.maxBodyBytes = 8;
    const answer = await postTo(webhooks.middleware(), body, sign(body, TOKEN));
    assert.equal(answer.status, 200);
  } finally {
    delete Object.prototype.maxBodyBytes;
  }
});

test('the stores refuse options they do not know, as the receiver does', () => {
  const redis = { call() {} };
  const pool = { query() {}, connect() {} };
  assert.throws(
    () => redisStore(redis, { keyPrefix: 'app:' }),
    /options\.keyPrefix: unknown option/,
  );
  assert.throws(() => redisStore(redis, null), /options: expected an object/);
  assert.throws(() => postgresStore(pool, { tableName: 'events' }), /options\.tableName/);
  assert.throws(() => postgresStore(pool, 'events'), /options: expected an object/);
  assert.throws(
    () => postgresStore(pool, { setupTimeoutSeconds: 0 }),
    /options\.setupTimeoutSeconds: expected a number of seconds/,
  );
  for (const prefix of [1, null, ['app:']]) {
    assert.throws(() => redisStore(redis, { prefix }), {
      name: 'TypeError',
      message: 'options.prefix: expected a string',
    });
  }
  assert.equal(typeof redisStore(redis, { prefix: 'app:' }).claim, 'function');
  // The longest wait a timer can have, 2 ** 31 - 1 ms: one longer would fire at once.
  assert.throws(
    () => postgresStore(pool, { setupTimeoutSeconds: 2147483.648 }),
    /options\.setupTimeoutSeconds: expected a number of seconds from 0\.001 to 2147483\.647$/,
  );
  assert.equal(typeof postgresStore(pool, { setupTimeoutSeconds: 2147483.647 }).claim, 'function');
  // The table's name is written into SQL: only a lower-case SQL name, no quote, of 63 at most.
  for (const table of [
    'Events',
    'a-b',
    'e"; DROP TABLE x; --',
    '',
    '1e',
    'e'.repeat(64),
    5,
    ['e'],
  ]) {
    assert.throws(() => postgresStore(pool, { table }), /options\.table: expected a lower-case/);
  }
  for (const table of ['events', '_e1', 'e'.repeat(63)]) {
    assert.equal(typeof postgresStore(pool, { table }).claim, 'function');
  }
  // The two stores without options refuse any (review BC: they were dropped silently).
  const namespace = { idFromName() {}, get() {} };
  assert.throws(() => memoryStore({ prefix: 'app:' }), /options\.prefix: unknown option/);
  assert.throws(() => durableObjectStore(namespace, { prefix: 'a' }), /options\.prefix/);
  assert.throws(() => durableObjectStore(namespace, 'a'), /options: expected an object/);
  assert.equal(typeof memoryStore().claim, 'function');
  assert.equal(typeof durableObjectStore(namespace).claim, 'function');
});

test('the stores refuse what is not their client, at once', () => {
  for (const [store, clients, message] of [
    [
      redisStore,
      [undefined, null, {}, { call: 'SET' }],
      'client: expected a node-redis (v4 or later) or ioredis client',
    ],
    [postgresStore, [undefined, {}, { query() {} }, { connect() {} }], 'pool: expected a pg Pool'],
    [
      durableObjectStore,
      [undefined, {}, { idFromName() {} }, { get() {} }],
      'namespace: expected a Durable Object namespace binding',
    ],
  ]) {
    for (const client of clients) {
      assert.throws(() => store(client), { name: 'TypeError', message });
    }
  }
});

/**
 * Delivers one event to a receiver with `store` twice, the first claim failing after it landed
 * when `failFirst`: the statuses, and how many times the handler ran.
 */
async function lostReply(store, failFirst) {
  const held = { ...store };
  if (failFirst) {
    held.claim = async (...args) => {
      held.claim = store.claim;
      await store.claim(...args);
      throw new Error('connection lost');
    };
  }
  const webhooks = new VesselWebhooks({ accessToken: TOKEN, store: held });
  let runs = 0;
  webhooks.onAny(() => (runs += 1));
  const { body, headers } = delivery({
    eventId: 'evt_lost_reply',
    type: 'STATUS_CHANGE',
    data: { status: 'READY' },
  });
  const deliver = async () => (await webhooks.fetch(requestOf({ body, headers }))).status;
  return { statuses: [await deliver(), await deliver()], runs };
}

test('a claim that failed after it landed is given back: the retry runs at once, not 409 for a lease', async () => {
  assert.deepEqual(await lostReply(memoryStore(), true), { statuses: [503, 200], runs: 1 });
});

// A Worker cancels what it was not given: a claim given back after its 503 (one that landed late,
// or failed after it landed) is given to ctx.waitUntil, and once that settled, the retry runs the
// event at once (not 409 until the lease ends).
test('a claim given back after its 503 is given to ctx.waitUntil: once settled, the retry runs at once', async () => {
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const firstClaims = {
    'landed after the deadline': async (store, args) => {
      const claim = await store.claim(...args);
      await wait(60);
      return claim;
    },
    'failed after it landed': async (store, args) => {
      await store.claim(...args);
      throw new Error('connection lost');
    },
  };
  for (const [what, firstClaim] of Object.entries(firstClaims)) {
    const store = memoryStore();
    let claims = 0;
    const webhooks = new VesselWebhooks({
      accessToken: TOKEN,
      storeTimeoutSeconds: 0.02,
      store: {
        ...store,
        claim: (...args) => (++claims === 1 ? firstClaim(store, args) : store.claim(...args)),
        // A release that takes a while, as over a network.
        release: async (...args) => wait(30).then(() => store.release(...args)),
      },
    })
      .onAny(() => {})
      .onError(() => {});
    const kept = [];
    const ctx = { waitUntil: (promise) => kept.push(promise) };
    const event = { eventId: 'evt_given_back', type: 'STATUS_CHANGE', data: { status: 'READY' } };
    assert.equal((await webhooks.fetch(requestOf(delivery(event)), ctx)).status, 503, what);
    await Promise.all(kept);
    assert.equal((await webhooks.fetch(requestOf(delivery(event)))).status, 200, what);
  }
});

test('redisStore: a claim the client sent again after its answer was lost is this claim', async () => {
  assert.deepEqual(await lostReply(redisStore(resendingRedis()), false), {
    statuses: [200, 200],
    runs: 1,
  });
});

test('redisStore: a command that gives no promise, or a SET … NX answered neither OK nor nil, is no claim', async () => {
  // Review BL: node-redis's legacy interface (client.legacy(), legacyMode) passed the client
  // check, but its sendCommand answers by callback and returns undefined, which was read as a
  // claim: every delivery of an event ran its handlers (and a Redis down was a 200).
  const legacy = { sendCommand() {} };
  const unanswered = { call: async () => undefined };
  for (const client of [legacy, unanswered]) {
    assert.deepEqual(await lostReply(redisStore(client), false), { statuses: [503, 503], runs: 0 });
  }
});

test('redisStore: its commands, keys (under its prefix) and expiries', async () => {
  for (const [options, prefix] of [
    [undefined, 'vessel-webhooks:'],
    [{ prefix: 'app:' }, 'app:'],
  ]) {
    const sent = [];
    const client = {
      async call(...args) {
        sent.push(args);
        return args[0] === 'SET' ? 'OK' : 1;
      },
    };
    const store = redisStore(client, options);
    assert.equal(await store.claim('k', 'tok', 60000), 'claimed');
    await store.done('k', 'tok', 3600000);
    await store.release('k', 'tok');
    assert.deepEqual(sent, [
      ['SET', `${prefix}k`, 'tok', 'PX', '60000', 'NX'],
      ['SET', `${prefix}k`, 'done', 'PX', '3600000'],
      ['EVAL', sent[2][1], '1', `${prefix}k`, 'tok'],
    ]);
  }
});

/**
 * A Redis client (ioredis's `call`) whose first SET lands but whose answer is lost, and which
 * then sends it again, as ioredis does with unanswered commands after it reconnects.
 */
function resendingRedis() {
  const keys = new Map();
  let lost = false;
  const run = ([name, key, value, ...rest]) => {
    if (name === 'GET') return keys.get(key) ?? null;
    if (name === 'EVAL') return keys.get(rest[0]) === rest[1] && keys.delete(rest[0]) ? 1 : 0;
    if (rest.includes('NX') && keys.has(key)) return null;
    keys.set(key, value);
    return 'OK';
  };
  return {
    async call(...args) {
      const answer = run(args);
      if (args[0] === 'SET' && args.includes('NX') && !lost) {
        lost = true;
        return run(args); // the answer lost, the command sent again: the key is taken now
      }
      return answer;
    },
  };
}

test('memoryStore: leases run on the monotonic clock: a wall clock set forward ends none', async () => {
  const webhooks = new VesselWebhooks({ accessToken: TOKEN, store: memoryStore() });
  let open;
  const gate = new Promise((resolve) => (open = resolve));
  let runs = 0;
  webhooks.onAny(async () => {
    runs += 1;
    await gate;
  });
  const d = delivery({ eventId: 'evt_clock', type: 'STATUS_CHANGE', data: { status: 'READY' } });
  const first = webhooks.verifyAndReceive(d);
  while (runs === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  // NTP or a VM resumed sets the wall clock 61 s forward (past the 60 s lease, within the
  // replay window) while the handler runs.
  const wallClock = Date.now;
  Date.now = () => wallClock() + 61_000;
  try {
    await assert.rejects(webhooks.verifyAndReceive(d), { code: 'EVENT_IN_PROGRESS' });
  } finally {
    Date.now = wallClock;
  }
  open();
  await first;
  assert.equal(runs, 1);
});

test('memoryStore: a claim costs the same however many marks it keeps, and what expired is forgotten (reviews CU, CZ)', async () => {
  // Counts the steps of every Map iteration and the deletions: the store's work and what it
  // forgets, without timing it or reading its insides.
  const iterator = Object.getPrototypeOf(new Map().entries());
  const { next } = iterator;
  const { delete: remove } = Map.prototype;
  let steps = 0;
  let forgotten = 0;
  iterator.next = function () {
    steps += 1;
    return next.call(this);
  };
  Map.prototype.delete = function (key) {
    const removed = remove.call(this, key);
    if (removed) forgotten += 1;
    return removed;
  };
  const clock = performance.now;
  let now = clock.call(performance);
  performance.now = () => now;
  const hour = 3_600_000;
  const week = 168 * hour;
  try {
    const store = memoryStore();
    // A week-long mark first, then 50 000 of an hour (two receivers sharing the store).
    await store.done('evt_week', 'tok', week);
    for (let i = 0; i < 50_000; i += 1) {
      assert.equal(await store.claim(`evt_${i}`, 'tok', 60_000), 'claimed');
      await store.done(`evt_${i}`, 'tok', hour);
    }
    steps = 0;
    for (let i = 0; i < 2048; i += 1) await store.claim(`evt_new_${i}`, 'tok', 60_000);
    assert.ok(steps <= 2048 * 10, `${steps} steps for 2 048 claims beside 50 000 marks`);
    assert.equal(await store.claim('evt_1', 'tok', 60_000), 'done');
    await store.done('evt_no_ttl', 'tok', Number.NaN); // no finite expiry: expired
    // Two hours later the hour-long marks have expired, behind the week-long one: a few hundred
    // claims forget them all (review DA: four entries a claim left a burst for days).
    now += 2 * hour;
    forgotten = 0;
    // Each claim forgets a bounded part of them (SWEEP_LIMIT, 256, in each map), not all at once.
    steps = 0;
    await store.claim('evt_later', 'tok', 60_000);
    assert.ok(steps <= 2 * 256 + 8, `${steps} steps for the first claim after they expired`);
    for (let i = 0; i < 1000; i += 1) await store.claim(`evt_later_${i}`, 'tok', 60_000);
    assert.ok(forgotten >= 50_001, `${forgotten} of 50 001 expired marks forgotten`);
    assert.equal(await store.claim('evt_1', 'tok', 60_000), 'claimed');
    assert.equal(await store.claim('evt_week', 'tok', 60_000), 'done');
  } finally {
    iterator.next = next;
    Map.prototype.delete = remove;
    performance.now = clock;
  }
});

test('verifyAndReceive answers the same with getAccessToken as with accessToken, for every body form', async () => {
  const reports = [];
  const make = (options) => {
    const webhooks = new VesselWebhooks({ ...options, onDelivery: (info) => reports.push(info) });
    webhooks.onAny(() => {});
    return webhooks;
  };
  const withToken = make({ accessToken: TOKEN });
  const withResolver = make({ getAccessToken: () => TOKEN });
  const event = { eventId: 'evt_forms', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  const text = JSON.stringify(event);
  const bytes = new TextEncoder().encode(text);
  const shared = new SharedArrayBuffer(bytes.length);
  new Uint8Array(shared).set(bytes);
  const circular = { ...event };
  circular.self = circular;
  let deep = [];
  for (let i = 0; i < 20_000; i++) deep = [deep];
  const forms = {
    string: text,
    Buffer: Buffer.from(text),
    ArrayBuffer: bytes.buffer,
    SharedArrayBuffer: shared,
    'Uint8Array over shared memory': new Uint8Array(shared),
    object: event,
    'toJSON object': { toJSON: () => event },
    'lone surrogate object': { ...event, data: { status: 'READY', note: '\ud800' } },
    'too deep for JSON.stringify': deep,
    circular,
    undefined,
    null: null,
    number: 123,
    // Not a body read: its JSON.stringify ("{}") is no body either.
    ReadableStream: new Response(text).body,
    Blob: new Blob([text]),
  };
  const outcomeOf = (promise) =>
    promise.then(
      () => 'OK',
      (error) => `${error.name} ${error.code ?? error.message}`,
    );
  for (const [name, body] of Object.entries(forms)) {
    const headers = sign(text, TOKEN, { connectionId: CONNECTION });
    reports.length = 0;
    const expected = await outcomeOf(withToken.verifyAndReceive({ body, headers }));
    const got = await outcomeOf(withResolver.verifyAndReceive({ body, headers }));
    assert.equal(got, expected, name);
    assert.deepEqual(
      reports.map(({ outcome, code, status }) => [outcome, code, status]),
      [reports[0], reports[0]].map(({ outcome, code, status }) => [outcome, code, status]),
      name,
    );
  }
});

test('middleware() after express.json(): a body too deep for JSON.stringify is 400 INVALID_JSON, not a 500', async () => {
  const webhooks = new VesselWebhooks({ getAccessToken: () => TOKEN });
  const app = express().use(express.json()).post('/hook', webhooks.middleware());
  const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
  assert.deepEqual(await postTo(app, deep, {}), { status: 400, json: { error: 'INVALID_JSON' } });
});
