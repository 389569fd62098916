// vessel-webhooks/fastify, /koa and /hono in their real frameworks on 127.0.0.1, each with a
// VesselWebhooks receiver and memoryStore: signed, forged, too large (with and without a
// Content-Length), a duplicate of a done event (2xx, handlers not run again), a duplicate while
// the first is in its handlers (409), a failing handler (500, then the retry runs it), the token
// resolver, and a 3 MiB event (over Fastify's 1 MiB default bodyLimit) accepted. NestJS, which
// has no adapter, runs the README's recipe: webhooks.middleware() ahead of Nest's parsers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { PassThrough, Readable, pipeline } from 'node:stream';
import Fastify from 'fastify';
import fastifyRawBody from 'fastify-raw-body';
import Koa from 'koa';
import Router from '@koa/router';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { serve } from '@hono/node-server';
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { VesselWebhooks, memoryStore, sign } from 'vessel-webhooks';
import vesselWebhooks from 'vessel-webhooks/fastify';
import { vesselWebhook as koaWebhook } from 'vessel-webhooks/koa';
import { vesselWebhook as honoWebhook } from 'vessel-webhooks/hono';

const tokens = new Map([
  ['conn_a', 'tok_a_7f3e9c1d'],
  ['conn_b', 'tok_b_52aa0e4b'],
]);
const MiB = 1024 * 1024;

/** Listens on 127.0.0.1 for the test `t`; resolves to the port. */
async function listen(t, server) {
  if (!server.listening) await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return server.address().port;
}

/** Registers the plugin with `webhooks` at /hook on the Fastify `app` and listens: its URL. */
async function listenFastify(t, app, webhooks) {
  await app.register(vesselWebhooks, { webhooks, prefix: '/hook' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => app.close());
  return `http://127.0.0.1:${app.server.address().port}/hook`;
}

/**
 * Each framework: mounts `webhooks` at /hook and resolves to its URL. The apps' own parsers and
 * limits are set to refuse anything the adapter's route should not be held to.
 */
const frameworks = {
  async fastify(t, webhooks) {
    // A 1 KiB global bodyLimit and a JSON parser that refuses everything: the plugin's scope
    // must use neither.
    const app = Fastify({ bodyLimit: 1024 });
    app.addContentTypeParser('application/json', (request, payload, done) =>
      done(new Error('the app parser ran')),
    );
    return listenFastify(t, app, webhooks);
  },
  // Review BX: an app-wide preParsing hook that reads the body and hands on a new stream of it
  // (a common way to keep a raw body): the plugin read request.raw, drained, as an empty body,
  // and answered every delivery 401 SIGNATURE_MISMATCH. The new stream holds the whole body in
  // 1 KiB writes, which it gives in one go once read: the reads are paused between batches
  // (review DM: without the pause, what came after a 64 KiB batch went to no listener).
  async 'fastify, behind a preParsing hook that hands on a new stream'(t, webhooks) {
    const app = Fastify();
    app.addHook('preParsing', async (request, reply, payload) => {
      const chunks = [];
      for await (const chunk of payload) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      const stream = new PassThrough();
      for (let i = 0; i < body.length; i += 1024) stream.write(body.subarray(i, i + 1024));
      stream.end();
      return stream;
    });
    return listenFastify(t, app, webhooks);
  },
  // Review CC: a hook that hands on a PassThrough of the request (reading nothing itself): the
  // deadline acted on the PassThrough alone, and a trickled body held the connection open.
  async 'fastify, behind a preParsing hook that hands on a PassThrough'(t, webhooks) {
    const app = Fastify();
    app.addHook('preParsing', async (request, reply, payload) => payload.pipe(new PassThrough()));
    return listenFastify(t, app, webhooks);
  },
  // fastify-raw-body at its defaults reads every route's body beside the route's parser; the
  // plugin's route opts out of it (config.rawBody: false).
  async 'fastify, with fastify-raw-body'(t, webhooks) {
    const app = Fastify();
    await app.register(fastifyRawBody, { runFirst: true });
    return listenFastify(t, app, webhooks);
  },
  async koa(t, webhooks) {
    const app = new Koa();
    const router = new Router();
    router.post('/hook', koaWebhook(webhooks));
    app.use(router.routes());
    const port = await listen(t, app.listen(0, '127.0.0.1'));
    return `http://127.0.0.1:${port}/hook`;
  },
  async 'koa, after a JSON body parser'(t, webhooks) {
    // As @koa/bodyparser does: the stream read, the parsed value in ctx.request.body.
    const app = new Koa();
    app.use(async (ctx, next) => {
      const chunks = [];
      for await (const chunk of ctx.req) chunks.push(chunk);
      ctx.request.body = JSON.parse(Buffer.concat(chunks).toString());
      await next();
    });
    const router = new Router();
    router.post('/hook', koaWebhook(webhooks));
    app.use(router.routes());
    const port = await listen(t, app.listen(0, '127.0.0.1'));
    return `http://127.0.0.1:${port}/hook`;
  },
  // As koa-bodyparser does: the raw text kept in ctx.request.rawBody beside the parsed value,
  // which an app's middleware then annotates: the raw text is what is checked (review CO: nothing
  // set rawBody, and checking the parsed value passed every test).
  async 'koa, after a parser that keeps rawBody'(t, webhooks) {
    const app = new Koa();
    app.use(async (ctx, next) => {
      const chunks = [];
      for await (const chunk of ctx.req) chunks.push(chunk);
      ctx.request.rawBody = Buffer.concat(chunks).toString();
      ctx.request.body = JSON.parse(ctx.request.rawBody);
      ctx.request.body.receivedAt = 'now';
      await next();
    });
    app.use(koaWebhook(webhooks));
    const port = await listen(t, app.listen(0, '127.0.0.1'));
    return `http://127.0.0.1:${port}/hook`;
  },
  async hono(t, webhooks) {
    const app = new Hono();
    app.post('/hook', honoWebhook(webhooks));
    const port = await listen(t, serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }));
    return `http://127.0.0.1:${port}/hook`;
  },
  // Hono's bodyLimit reads c.req.raw.body, which makes @hono/node-server start reading the
  // request (review AL: a Node read of its own beside it lost bodies that came in pieces).
  async 'hono, behind bodyLimit'(t, webhooks) {
    const app = new Hono();
    app.post('/hook', bodyLimit({ maxSize: 8 * MiB }), honoWebhook(webhooks));
    const port = await listen(t, serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }));
    return `http://127.0.0.1:${port}/hook`;
  },
  async 'hono, after a middleware that read c.req.json()'(t, webhooks) {
    const app = new Hono();
    app.post(
      '/hook',
      async (c, next) => {
        await c.req.json();
        await next();
      },
      honoWebhook(webhooks),
    );
    const port = await listen(t, serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }));
    return `http://127.0.0.1:${port}/hook`;
  },
  async 'nestjs (the README recipe)'(t, webhooks) {
    return listenNest(t, await nestApp(webhooks, { bodyParser: false }));
  },
};

/**
 * A Nest app (an empty module) with `webhooks.middleware()` at /hook, mounted as the README's
 * NestJS recipe does: after `NestFactory.create(…, options)`, then Nest's usual parsers.
 */
async function nestApp(webhooks, options) {
  class AppModule {}
  Module({})(AppModule);
  const app = await NestFactory.create(AppModule, { logger: false, ...options });
  app.use('/hook', webhooks.middleware());
  app.useBodyParser('json');
  app.useBodyParser('urlencoded', { extended: true });
  return app;
}

/** Listens on 127.0.0.1 with the Nest `app` for the test `t`; resolves to its /hook URL. */
async function listenNest(t, app) {
  await app.listen(0, '127.0.0.1');
  t.after(() => app.close());
  return `http://127.0.0.1:${app.getHttpServer().address().port}/hook`;
}

let nextId = 0;
/** A Contact event with a fresh eventId; `notes` pads the record to make large bodies. */
function contactEvent(notes = '') {
  nextId += 1;
  return {
    eventId: `evt_${nextId}`,
    type: 'OBJECT_CHANGE',
    data: {
      objectType: 'Contact',
      eventType: 'CREATE',
      record: { id: `v.contact.${nextId}`, firstName: 'Zoë', notes },
    },
  };
}

async function post(url, body, headers) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

/** `post` over HTTP/2 (prior knowledge, no TLS), with no Content-Length, as HTTP/2 allows. */
async function postH2(url, body, headers) {
  const client = http2.connect(new URL(url).origin);
  try {
    const stream = client.request({
      ':method': 'POST',
      ':path': new URL(url).pathname,
      'content-type': 'application/json',
      ...headers,
    });
    stream.end(body);
    const [answer] = await once(stream, 'response');
    let text = '';
    for await (const chunk of stream) text += chunk;
    return { status: answer[':status'], text };
  } finally {
    client.close();
  }
}

/** A delivery of `event` signed for `connectionId` (its token, or `token`). */
function deliver(url, event, connectionId = 'conn_a', token = tokens.get(connectionId)) {
  const body = JSON.stringify(event);
  return post(url, body, sign(body, token, { connectionId }));
}

/** A refusal is exactly `{"error":CODE}` with its status. */
function assertRefused(response, status, code) {
  assert.equal(response.status, status);
  assert.equal(response.text, JSON.stringify({ error: code }));
}

const is2xx = (response) => response.status >= 200 && response.status < 300;

/** `body` POSTed in chunks without a Content-Length; resolves to the answer's status and text. */
function postChunked(url, body, headers) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
    });
    request.on('error', reject);
    request.on('response', async (response) => {
      let text = '';
      for await (const chunk of response) text += chunk;
      resolve({ status: response.statusCode, text });
      request.destroy();
    });
    // Written chunk by chunk until the answer comes (the receiver stops at its cap).
    const chunk = body.subarray(0, 64 * 1024);
    const write = (offset) => {
      if (offset >= body.length || request.destroyed) return request.end();
      request.write(body.subarray(offset, offset + chunk.length), () =>
        write(offset + chunk.length),
      );
    };
    write(0);
  });
}

/** A receiver with a handler that records the eventIds it ran, and its gate (see `hold`). */
function receiver(options = {}) {
  const ran = [];
  const state = { hold: undefined, fail: 0 };
  const webhooks = new VesselWebhooks({
    getAccessToken: (connectionId) => tokens.get(connectionId),
    store: memoryStore(),
    ...options,
  });
  webhooks.on('contact.created', async (event) => {
    ran.push(event.eventId);
    if (state.hold !== undefined) await state.hold;
    if (state.fail > 0) {
      state.fail -= 1;
      throw new Error('handler failed');
    }
  });
  return { webhooks, ran, state };
}

/** `headers` and a JSON Content-Type as HTTP/1 header lines. */
const headerLines = (headers) =>
  Object.entries({ ...headers, 'content-type': 'application/json' })
    .map(([key, value]) => `${key}: ${value}\r\n`)
    .join('');

/**
 * A POST of a signed delivery to `url` on a socket of its own: its headers, `framing(body)` (a
 * Content-Length or Transfer-Encoding line) and `start(body)`, the start of its body; then `more` every 100 ms, if
 * given, until the server closes the connection. Resolves to all that was answered.
 */
async function rawPost(url, framing, start, more) {
  const body = JSON.stringify(contactEvent());
  const headers = sign(body, tokens.get('conn_a'), { connectionId: 'conn_a' });
  const socket = connect(Number(url.port), '127.0.0.1');
  socket.write(
    `POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\n${headerLines(headers)}${framing(body)}\r\n\r\n`,
  );
  socket.write(start(body));
  const timer = more && setInterval(() => socket.write(more), 100);
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk));
  socket.on('error', () => {});
  await once(socket, 'close');
  clearInterval(timer);
  return answer;
}

/** The delivery as one chunk of a chunked body that never ends (a byte more every 100 ms). */
const trickle = (url) =>
  rawPost(
    url,
    () => 'transfer-encoding: chunked',
    (body) => `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n`,
    '1\r\n \r\n',
  );

for (const name of [
  'fastify',
  'fastify, behind a preParsing hook that hands on a PassThrough',
  'koa',
]) {
  test(
    `${name}: a body that does not arrive within 10 s closes the connection`,
    { timeout: 60_000 },
    async (t) => {
      const reports = [];
      const { webhooks, ran } = receiver({ onDelivery: (info) => reports.push(info) });
      const url = new URL(await frameworks[name](t, webhooks));
      // Koa's default error handler prints what is not exposed: the connection closed at the
      // deadline reaches no one, and is no error of the app's (review CW).
      const printed = [];
      const { error } = console;
      console.error = (...args) => printed.push(args.join(' '));
      t.after(() => (console.error = error));
      // A Content-Length one byte longer than what is sent: without a deadline the request waits
      // for Node's requestTimeout (300 s) or, under Fastify, for ever.
      const answer = await rawPost(
        url,
        (body) => `content-length: ${Buffer.byteLength(body) + 1}`,
        (body) => body,
      );
      // The request is destroyed, which closes the connection with no answer (review DT: behind
      // the hook, destroying the hook's stream alone let a 408 through first).
      assert.equal(answer, '');
      assert.deepEqual(ran, []);
      // Over HTTP/1 no one hears the answer, but onDelivery does: BODY_TIMEOUT's 408 (review DT:
      // another status passed).
      assert.deepEqual(await reported(reports), [{ outcome: 'failed', status: 408 }]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(
        printed.filter((line) => line.includes('vessel-webhooks')),
        [],
      );
    },
  );

  test(
    `${name}: a body that crosses maxBodyBytes is 413 at once, and the connection is closed`,
    { timeout: 60_000 },
    async (t) => {
      // Review BN: the cap was checked once 64 KiB had come (a body 1 KiB over a 1 KiB cap that
      // then stalled got no answer until the deadline), and after a 413 the rest was read and
      // dropped on a kept-alive connection, with no deadline: a client sending on held it.
      // Its own cap (1 KiB, or 0 bytes), and the default one (4 MiB) when none is given; the
      // client sending on, or one byte over the cap and nothing more (review DT: a count off by
      // one waited for the deadline, and answered nothing).
      for (const [options, size, more] of [
        [{ maxBodyBytes: 1024 }, 2048, '1\r\n \r\n'],
        [{ maxBodyBytes: 1024 }, 1025, undefined],
        [{ maxBodyBytes: 0 }, 1, '1\r\n \r\n'],
        [{}, 4 * 1024 ** 2 + 1, '1\r\n \r\n'],
      ]) {
        const { webhooks, ran } = receiver(options);
        const url = new URL(await frameworks[name](t, webhooks));
        const answer = await rawPost(
          url,
          () => 'transfer-encoding: chunked',
          () => `${size.toString(16)}\r\n${' '.repeat(size)}\r\n`,
          more,
        );
        assert.match(answer, /^HTTP\/1\.1 413 /, `${JSON.stringify(options)}, ${size} bytes`);
        assert.match(answer, /connection: close/i);
        assert.deepEqual(ran, []);
      }
    },
  );
}

/** A signed delivery whose first 1 000 bytes a client sends before it leaves (leaveMidBody). */
const cutBody = JSON.stringify(contactEvent('x'.repeat(100_000)));
const cutHeaders = sign(cutBody, tokens.get('conn_a'), { connectionId: 'conn_a' });

/**
 * A POST of cutBody to `url` that sends its first bytes, then leaves: over HTTP/1 by closing its
 * connection, over HTTP/2 (`h2`) by resetting its stream (CANCEL); that client is given back, to
 * be closed once the server has told what it made of it.
 */
async function leaveMidBody(url, h2 = false) {
  const start = cutBody.slice(0, 1000);
  const pause = () => new Promise((resolve) => setTimeout(resolve, 100));
  if (!h2) {
    const socket = connect(Number(url.port), '127.0.0.1');
    socket.on('error', () => {});
    socket.write(
      `POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\n${headerLines(cutHeaders)}` +
        `content-length: ${cutBody.length}\r\n\r\n${start}`,
    );
    await pause();
    socket.destroy();
    return undefined;
  }
  const client = http2.connect(url.origin);
  client.on('error', () => {});
  const stream = client.request({
    ':method': 'POST',
    ':path': url.pathname,
    ...cutHeaders,
    'content-type': 'application/json',
    'content-length': String(cutBody.length),
  });
  stream.on('error', () => {});
  stream.write(start);
  await pause();
  stream.close(http2.constants.NGHTTP2_CANCEL);
  return client;
}

/** onDelivery's `reports`, once there is one: their outcomes and statuses. */
async function reported(reports) {
  while (reports.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  return reports.map(({ outcome, status }) => ({ outcome, status }));
}

/** A Koa app of `webhooks` whose errors, as Koa's default handler gets them, are kept in `seen`. */
function spiedKoa(webhooks) {
  const seen = [];
  const koa = new Koa();
  const onerror = koa.onerror.bind(koa);
  koa.onerror = (error) => {
    seen.push(error);
    onerror(error);
  };
  koa.use(koaWebhook(webhooks));
  return { koa, seen };
}

// Review CW: a client that leaves mid-body reaches no answer, and any client can do it at will: a
// 4xx that the framework does not log as its failure (Koa prints no exposed error; Fastify logs a
// 4xx at info), not a 500 logged at error level, a kilobyte a request.
test('fastify and koa: a client that leaves mid-body is no 500 logged as an error', async (t) => {
  const printed = [];
  const { error } = console;
  console.error = (...args) => printed.push(args.join(' '));
  t.after(() => (console.error = error));
  const reports = [];
  const { koa, seen } = spiedKoa(receiver({ onDelivery: (info) => reports.push(info) }).webhooks);
  const koaUrl = new URL(`http://127.0.0.1:${await listen(t, koa.listen(0, '127.0.0.1'))}/hook`);
  const logged = [];
  const stream = { write: (line) => logged.push(JSON.parse(line)) };
  const fastify = Fastify({ logger: { level: 'info', stream } });
  const fastifyUrl = new URL(await listenFastify(t, fastify, receiver().webhooks));
  const ours = (err) => /vessel-webhooks: the delivery could not be received/.test(err?.message);
  for (const [url, told] of [
    [koaUrl, () => seen.find(ours)],
    [fastifyUrl, () => logged.find((line) => ours(line.err))],
  ]) {
    await leaveMidBody(url);
    while (told() === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const koaError = seen.find(ours);
  assert.equal(koaError.status, 400);
  assert.equal(koaError.expose, true);
  // onDelivery reports what was answered (review CZ: it said 500).
  assert.deepEqual(
    reports.map(({ outcome, status }) => ({ outcome, status })),
    [{ outcome: 'failed', status: 400 }],
  );
  assert.deepEqual(
    printed.filter((line) => line.includes('vessel-webhooks')),
    [],
  );
  const line = logged.find((entry) => ours(entry.err));
  assert.equal(line.level, 30, JSON.stringify(line));
});

// Review DT: a client that left before the adapter reads (a middleware before it still awaiting)
// is its going away too: the read did not wait for events a destroyed request no longer emits.
test(
  'koa: a client that left before the body is read is a 400 reported, not a read that never ends',
  { timeout: 60_000 },
  async (t) => {
    const reports = [];
    const { webhooks, ran } = receiver({ onDelivery: (info) => reports.push(info) });
    const app = new Koa();
    app.use(async (ctx, next) => {
      if (!ctx.req.destroyed) await new Promise((resolve) => ctx.req.once('close', resolve));
      await next();
    });
    app.use(koaWebhook(webhooks));
    await leaveMidBody(
      new URL(`http://127.0.0.1:${await listen(t, app.listen(0, '127.0.0.1'))}/hook`),
    );
    assert.deepEqual(await reported(reports), [{ outcome: 'failed', status: 400 }]);
    assert.deepEqual(ran, []);
  },
);

// Review CZ: a hook's stream that fails on its own, the client still there, is the server's
// failure: a 500 logged as an error, reported as one to onDelivery, not a client's going away.
// With pipe() the request stays; pipeline() destroys it with the hook's error (review DA). A
// stream destroyed with no error emits 'close' alone (review DT: a read that did not hear it
// waited for ever). Over HTTP/2 the request's stream is there too (review DT: its state read the
// wrong way round took the hook's failure for the client's going away, a 400).
for (const [joined, join, failure, protocol = 1] of [
  ['pipe()', (payload, tee) => payload.pipe(tee), 'archive: ENOSPC'],
  ['pipeline()', (payload, tee) => pipeline(payload, tee, () => {}), 'archive: ENOSPC'],
  ['pipe(), destroyed with no error', (payload, tee) => payload.pipe(tee), undefined],
  ['pipe(), over HTTP/2', (payload, tee) => payload.pipe(tee), 'archive: ENOSPC', 2],
]) {
  test(
    `fastify: a preParsing hook whose stream fails (${joined}) is a 500 logged as an error`,
    { timeout: 60_000 },
    async (t) => {
      const reports = [];
      const { webhooks } = receiver({ onDelivery: (info) => reports.push(info) });
      const logged = [];
      const stream = { write: (line) => logged.push(JSON.parse(line)) };
      const app = Fastify({ http2: protocol === 2, logger: { level: 'info', stream } });
      app.addHook('preParsing', async (request, reply, payload) => {
        const tee = new PassThrough();
        join(payload, tee);
        payload.once('data', () => setImmediate(() => tee.destroy(failure && new Error(failure))));
        return tee;
      });
      const url = await listenFastify(t, app, webhooks);
      const body = JSON.stringify(contactEvent('x'.repeat(200_000)));
      const headers = sign(body, tokens.get('conn_a'), { connectionId: 'conn_a' });
      const send = protocol === 2 ? postH2 : post;
      const response = await send(url, body, headers).catch(() => ({}));
      const line = logged.find((entry) => entry.err);
      assert.equal(line.level, 50, JSON.stringify(line));
      assert.deepEqual(
        reports.map(({ outcome, status }) => ({ outcome, status })),
        [{ outcome: 'failed', status: 500 }],
      );
      if (joined.startsWith('pipe()')) assert.equal(response.status, 500);
    },
  );
}

// Any request can make the lookup run (before authentication): what getAccessToken throws must
// not reach the client (Fastify's default error handler sent its message).
for (const [name, mount] of Object.entries(frameworks)) {
  test(`${name}: getAccessToken's error is a 500 that shows nothing of it`, async (t) => {
    const secret = 'redis://admin:S3cretPass@db:6379';
    const { webhooks, ran } = receiver({
      getAccessToken: () => {
        throw new Error(`AUTH failed for ${secret}`);
      },
    });
    const url = await mount(t, webhooks);
    const response = await deliver(url, contactEvent());
    assert.equal(response.status, 500);
    assert(!response.text.includes('S3cretPass'), response.text);
    assert.deepEqual(ran, []);
  });
}

// Review BV: an app's error handling that shows err.message (a common Koa or Express pattern)
// showed the resolver's; the adapters hand on an error of their own, the resolver's its cause.
test('koa: an app that answers with err.message shows the package’s, not the resolver’s', async (t) => {
  const { webhooks } = receiver({
    getAccessToken: () => {
      throw new Error('AUTH failed for redis://admin:S3cretPass@db:6379');
    },
  });
  const causes = [];
  const app = new Koa();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      causes.push(error.cause?.message);
      ctx.status = 500;
      ctx.body = { error: error.message };
    }
  });
  app.use(koaWebhook(webhooks));
  const url = `http://127.0.0.1:${await listen(t, app.listen(0, '127.0.0.1'))}/hook`;
  const response = await deliver(url, contactEvent());
  assert.deepEqual(response, {
    status: 500,
    text: '{"error":"vessel-webhooks: the delivery could not be received (the cause says why)"}',
  });
  assert.deepEqual(causes, ['AUTH failed for redis://admin:S3cretPass@db:6379']);

  // Review BW: Koa's default handler logs the stack alone (the cause was logged nowhere), and a
  // status the resolver's error carries (http-errors' 503) was lost. Its message is still not sent.
  // The cause is logged whole: an Error's stack (where it was thrown), another value as its text,
  // one with no text as its type (review DS: an Error's message alone, or `undefined`, passed).
  const tooMany = Object.assign(new Error('tokens-db S3cretPass: too many clients'), {
    status: 503,
    expose: true,
  });
  for (const [thrown, answer, told] of [
    [tooMany, { status: 503, text: 'Service Unavailable' }, tooMany.stack],
    ['tokens-db: down', { status: 500, text: 'Internal Server Error' }, 'tokens-db: down'],
    [Object.create(null), { status: 500, text: 'Internal Server Error' }, 'object'],
  ]) {
    const logged = [];
    const plain = new Koa();
    plain.silent = true;
    plain.on('error', (error) => logged.push(error.stack));
    const busy = receiver({
      getAccessToken: () => {
        throw thrown;
      },
    });
    plain.use(koaWebhook(busy.webhooks));
    const plainUrl = `http://127.0.0.1:${await listen(t, plain.listen(0, '127.0.0.1'))}/hook`;
    assert.deepEqual(await deliver(plainUrl, contactEvent()), answer);
    assert.ok(logged[0].endsWith(`\n[cause]: ${told}`), logged[0]);
  }
});

// The plugin answers only its deliveries: the app's own hooks (a rate limiter's 429) and error
// handler still act on its route, and the handler gets getAccessToken's error as the cause.
test('fastify: the app’s hooks and error handler still work on the plugin’s route', async (t) => {
  const { webhooks } = receiver({
    getAccessToken: () => {
      throw new Error('lookup down');
    },
  });
  const seen = [];
  const app = Fastify();
  app.addHook('onRequest', async (request) => {
    if (request.headers['x-limited'])
      throw Object.assign(new Error('slow down'), { statusCode: 429 });
  });
  app.setErrorHandler((error, request, reply) => {
    seen.push(error.cause?.message ?? error.message);
    return reply.code(error.statusCode ?? 500).send({ app: true });
  });
  const url = await listenFastify(t, app, webhooks);
  const limited = await post(url, '{}', { 'x-limited': '1' });
  assert.deepEqual(limited, { status: 429, text: '{"app":true}' });
  const failed = await deliver(url, contactEvent());
  assert.deepEqual(failed, { status: 500, text: '{"app":true}' });
  assert.deepEqual(seen, ['slow down', 'lookup down']);
});

// Review CC: a hook that hands on the body as text (Readable.from of a string): its chunks were
// taken for a request in text mode (setEncoding), a 500 on every delivery. Text a hook decoded is
// checked as UTF-8, as a parser's text is.
test('fastify: a preParsing hook that hands on the body as text', async (t) => {
  const { webhooks, ran } = receiver();
  const app = Fastify();
  app.addHook('preParsing', async (request, reply, payload) => {
    let text = '';
    for await (const chunk of payload) text += chunk;
    return Readable.from(text);
  });
  const url = await listenFastify(t, app, webhooks);
  const event = contactEvent();
  assert.ok(is2xx(await deliver(url, event)));
  assert.deepEqual(ran, [event.eventId]);
});

// An answer to a body that came whole keeps the connection, whatever it says (review DS:
// `connection: close` on every answer passed, a new connection for each delivery).
for (const name of ['fastify', 'koa']) {
  test(`${name}: an answer after the whole body keeps the connection`, async (t) => {
    const { webhooks } = receiver({
      getAccessToken: (connectionId) => {
        if (connectionId === 'conn_down') throw new Error('lookup down');
        return tokens.get(connectionId);
      },
    });
    const url = await frameworks[name](t, webhooks);
    for (const [connectionId, token, status] of [
      ['conn_a', tokens.get('conn_a'), 200],
      ['conn_a', 'tok_guess', 401],
      ['conn_down', 'tok_any', 500],
    ]) {
      const body = JSON.stringify(contactEvent());
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...sign(body, token, { connectionId }) },
        body,
      });
      await response.arrayBuffer();
      assert.equal(response.status, status);
      assert.notEqual(response.headers.get('connection'), 'close', `${status}`);
    }
  });
}

// The plugin's route is Fastify's '/' of its prefix: the prefix with or without a trailing slash
// (Fastify's default for a plugin's '/'), and `/` when it is registered with no prefix (review DS:
// a route of '' answered the prefix alone, and 404 to a webhookUrl that ends in a slash).
test('fastify: the prefix with or without a trailing slash, and / with no prefix', async (t) => {
  const { webhooks, ran } = receiver();
  const url = await listenFastify(t, Fastify(), webhooks);
  const slashed = contactEvent();
  assert.ok(is2xx(await deliver(`${url}/`, slashed)));
  const app = Fastify();
  await app.register(vesselWebhooks, { webhooks });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => app.close());
  const root = contactEvent();
  assert.ok(is2xx(await deliver(`http://127.0.0.1:${app.server.address().port}/`, root)));
  assert.deepEqual(ran, [slashed.eventId, root.eventId]);
});

// A hook that puts the request itself in text mode (setEncoding) and hands it on: a 500 that says
// so, as in Koa, and while the body is still arriving the connection is closed after it (review
// DS: without the close, a client sending on held the connection until the body's deadline).
test('fastify: a preParsing hook that puts the request in text mode is a 500, the connection closed', async (t) => {
  const { webhooks, ran } = receiver();
  const app = Fastify();
  const seen = [];
  app.addHook('preParsing', async (request, reply, payload) => {
    payload.setEncoding('utf8');
    return payload;
  });
  app.setErrorHandler((error, request, reply) => {
    seen.push(error.cause?.message);
    return reply.code(500).send({ app: true });
  });
  const url = new URL(await listenFastify(t, app, webhooks));
  const answer = await trickle(url);
  assert.match(answer, /^HTTP\/1\.1 500 /);
  assert.match(answer, /connection: close/i);
  assert.match(String(seen[0]), /setEncoding/);
  assert.deepEqual(ran, []);
});

// A hook that reads the body beside the route and hands on the same stream (what fastify-raw-body
// does, here without its opt-out), or one that read it to its end first, paused (`readable` and
// read(), as a digest of it might; review DS: not flowing, it passed for whole, and the drained
// body was answered as a refusal): the body is no longer whole for the plugin, a 500 that says so.
const readBeforeThePlugin = {
  'reads beside the plugin': (request, reply, payload, done) => {
    payload.on('data', () => {});
    done(null, payload);
  },
  'read to its end (paused)': async (request, reply, payload) => {
    payload.on('readable', () => {
      while (payload.read() !== null);
    });
    await once(payload, 'end');
    return payload;
  },
};
for (const [how, hook] of Object.entries(readBeforeThePlugin)) {
  test(`fastify: a body a preParsing hook ${how} is a 500 that says so`, async (t) => {
    const { webhooks, ran } = receiver();
    const app = Fastify();
    const seen = [];
    app.addHook('preParsing', hook);
    // An error handler that answers after an await (a log, a report): the route must not run
    // meanwhile (review DS: the parser's done called again after its error ran it, and the
    // drained body was answered as a refusal before the handler's 500).
    app.setErrorHandler(async (error, request, reply) => {
      seen.push(error.message);
      await new Promise((resolve) => setImmediate(resolve));
      return reply.code(500).send({ app: true });
    });
    const url = await listenFastify(t, app, webhooks);
    assert.deepEqual(await deliver(url, contactEvent()), { status: 500, text: '{"app":true}' });
    assert.equal(seen.length, 1);
    assert.match(seen[0], /^vessel-webhooks\/fastify: the request body was read before the plugin/);
    assert.deepEqual(ran, []);
  });
}

for (const [name, mount] of Object.entries(frameworks)) {
  test(`${name}: signed, forged, unknown connection, duplicate`, async (t) => {
    const { webhooks, ran } = receiver();
    const url = await mount(t, webhooks);
    const event = contactEvent();
    assert.ok(is2xx(await deliver(url, event)));
    assert.deepEqual(ran, [event.eventId]);
    // The same delivery again (Vessel's retry): done, not run again.
    assert.ok(is2xx(await deliver(url, event)));
    assert.deepEqual(ran, [event.eventId]);

    const forged = contactEvent();
    const body = JSON.stringify(forged);
    const headers = sign(body, tokens.get('conn_a'), { connectionId: 'conn_a' });
    assertRefused(await post(url, body.replace('Zoë', 'Eve'), headers), 401, 'SIGNATURE_MISMATCH');
    assertRefused(await deliver(url, forged, 'conn_a', 'tok_guess'), 401, 'SIGNATURE_MISMATCH');
    assertRefused(
      await deliver(url, forged, 'conn_x', 'tok_a_7f3e9c1d'),
      401,
      'SIGNATURE_MISMATCH',
    );
    assertRefused(
      await post(url, body, { 'x-vessel-connection-id': 'conn_a' }),
      401,
      'MISSING_HEADER',
    );
    assert.deepEqual(ran, [event.eventId]);
    // The other connection's token, through the resolver.
    assert.ok(is2xx(await deliver(url, forged, 'conn_b')));
    assert.deepEqual(ran, [event.eventId, forged.eventId]);
    // Whatever the content type says (Fastify refuses types it has no parser for: 415).
    const plain = contactEvent();
    const plainBody = JSON.stringify(plain);
    const plainHeaders = sign(plainBody, tokens.get('conn_a'), { connectionId: 'conn_a' });
    const asText = await post(url, plainBody, { ...plainHeaders, 'content-type': 'text/plain' });
    assert.ok(is2xx(asText), `${asText.status} ${asText.text}`);
    assert.deepEqual(ran, [event.eventId, forged.eventId, plain.eventId]);
  });

  test(`${name}: a failing handler is 500 HANDLER_FAILED, and its retry runs it`, async (t) => {
    const { webhooks, ran, state } = receiver();
    const url = await mount(t, webhooks);
    const event = contactEvent();
    state.fail = 1;
    assertRefused(await deliver(url, event), 500, 'HANDLER_FAILED');
    assert.ok(is2xx(await deliver(url, event)));
    assert.ok(is2xx(await deliver(url, event)));
    assert.deepEqual(ran, [event.eventId, event.eventId]);
  });

  test(`${name}: a duplicate while the first is in its handlers is 409`, async (t) => {
    const { webhooks, ran, state } = receiver();
    const url = await mount(t, webhooks);
    const event = contactEvent();
    let release;
    state.hold = new Promise((resolve) => (release = resolve));
    const first = deliver(url, event);
    while (ran.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    try {
      assertRefused(await deliver(url, event), 409, 'EVENT_IN_PROGRESS');
    } finally {
      release();
    }
    assert.ok(is2xx(await first));
    assert.deepEqual(ran, [event.eventId]);
  });

  test(`${name}: 3 MiB accepted (no framework limit), over maxBodyBytes 413`, async (t) => {
    const { webhooks, ran } = receiver();
    const url = await mount(t, webhooks);
    const large = contactEvent('x'.repeat(3 * MiB));
    assert.ok(is2xx(await deliver(url, large)));
    assert.deepEqual(ran, [large.eventId]);

    // Over the default 4 MiB cap: announced by Content-Length, and streamed without one.
    const tooLarge = JSON.stringify(contactEvent('x'.repeat(4 * MiB)));
    const headers = sign(tooLarge, tokens.get('conn_a'), { connectionId: 'conn_a' });
    assertRefused(await post(url, tooLarge, headers), 413, 'BODY_TOO_LARGE');
    assertRefused(await postChunked(url, Buffer.from(tooLarge), headers), 413, 'BODY_TOO_LARGE');
    assert.deepEqual(ran, [large.eventId]);
  });

  test(`${name}: a body sent a few bytes per HTTP chunk is received whole`, async (t) => {
    const { webhooks, ran } = receiver();
    const url = new URL(await mount(t, webhooks));
    // Over 64 KiB, so that the Node adapters read it in more than one batch (node-request.js):
    // two of 9 363 chunks (65 541 bytes, the first past 64 KiB), then a last one of its 1-byte
    // chunk alone (review DT: a last batch of one byte was dropped, and the delivery refused).
    const event = contactEvent();
    const padding = 2 * 65_541 + 1 - Buffer.byteLength(JSON.stringify(event)) - 100_000;
    event.data.record.notes = 'é'.repeat(50_000) + 'x'.repeat(padding);
    const body = Buffer.from(JSON.stringify(event));
    assert.equal(body.length, 2 * 65_541 + 1);
    const head = headerLines({
      ...sign(body.toString(), tokens.get('conn_a'), { connectionId: 'conn_a' }),
      'transfer-encoding': 'chunked',
      // Closed after the answer, so that another answer ends the read below (Fastify keeps a
      // connection 72 s).
      connection: 'close',
    });
    const chunks = [];
    for (let i = 0; i < body.length; i += 7) {
      const chunk = body.subarray(i, i + 7);
      chunks.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
    }
    const socket = connect(Number(url.port), '127.0.0.1');
    t.after(() => socket.destroy());
    socket.write(`POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\n${head}\r\n`);
    socket.write(Buffer.concat([...chunks, Buffer.from('0\r\n\r\n')]));
    let answer = '';
    for await (const data of socket) {
      answer += data;
      if (answer.includes('{"received":true}')) break;
    }
    assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.deepEqual(ran, [event.eventId]);
  });

  test(`${name}: the receiver's own smaller maxBodyBytes`, async (t) => {
    const { webhooks, ran } = receiver({ maxBodyBytes: 1024 });
    const url = await mount(t, webhooks);
    assertRefused(await deliver(url, contactEvent('x'.repeat(2000))), 413, 'BODY_TOO_LARGE');
    assert.ok(is2xx(await deliver(url, contactEvent())));
    assert.equal(ran.length, 1);
  });
}

// Review DT: each read of a batch takes its listeners off the request again (left on, a body of a
// few MiB read in 64 KiB batches made Node warn of a listener leak on each delivery).
test('koa: a body read in many batches leaves no listener on the request', async (t) => {
  const { webhooks, ran } = receiver();
  const counts = [];
  const count = (req) => ['data', 'end', 'error', 'close'].map((name) => req.listenerCount(name));
  const app = new Koa();
  app.use(async (ctx, next) => {
    counts.push(count(ctx.req));
    await next();
    counts.push(count(ctx.req));
  });
  app.use(koaWebhook(webhooks));
  const url = `http://127.0.0.1:${await listen(t, app.listen(0, '127.0.0.1'))}/hook`;
  const event = contactEvent('x'.repeat(MiB));
  assert.ok(is2xx(await deliver(url, event)));
  assert.deepEqual(ran, [event.eventId]);
  assert.deepEqual(counts[1], counts[0]);
});

test("nestjs: as a module's middleware, after Nest's parsers, a 300 KB event is refused by Nest", async (t) => {
  // Why the recipe mounts it with app.use: a module's configure(consumer) middleware runs after
  // the parsers Nest adds at init, whose 100 KB limit answers first (a 413 of Nest's own, which
  // Vessel keeps retrying); smaller events verify what body-parser left.
  const { webhooks, ran } = receiver();
  class AppModule {
    configure(consumer) {
      consumer.apply(webhooks.middleware()).forRoutes('hook');
    }
  }
  Module({})(AppModule);
  const url = await listenNest(t, await NestFactory.create(AppModule, { logger: false }));
  assert.ok(is2xx(await deliver(url, contactEvent())));
  const response = await deliver(url, contactEvent('x'.repeat(300_000)));
  assert.equal(response.status, 413);
  assert.notEqual(response.text, JSON.stringify({ error: 'BODY_TOO_LARGE' }));
  assert.equal(ran.length, 1);
});

// In a Worker, Hono hands over the request's ExecutionContext (app.fetch(request, env, ctx)):
// the receiver gives it the store call that missed its deadline (receiver-workerd.test.mjs
// shows why: workerd cancels what it was not given).
test('hono: a store call past its deadline goes to the ExecutionContext’s waitUntil', async () => {
  const claims = [];
  const released = [];
  const webhooks = new VesselWebhooks({
    accessToken: tokens.get('conn_a'),
    storeTimeoutSeconds: 0.05,
    store: {
      claim: () => new Promise((resolve) => claims.push(resolve)),
      done: () => {},
      release: (key) => released.push(key),
    },
  }).onAny(() => {});
  const app = new Hono();
  app.post('/hook', honoWebhook(webhooks));
  const kept = [];
  const body = JSON.stringify({
    eventId: 'evt_ctx',
    type: 'STATUS_CHANGE',
    data: { status: 'READY' },
  });
  const request = new Request('http://localhost/hook', {
    method: 'POST',
    headers: sign(body, tokens.get('conn_a')),
    body,
  });
  const response = await app.fetch(request, {}, { waitUntil: (p) => kept.push(p) });
  assert.equal(response.status, 503);
  assert.equal(kept.length, 1);
  // The claim lands after the answer: what waitUntil was given releases it.
  claims[0]('claimed');
  await kept[0];
  assert.equal(released.length, 1);
});

test('the adapters refuse what is not a receiver, at once', () => {
  // null, and a fetch that is not a function: refused here, not a TypeError at each delivery.
  for (const notReceiver of [undefined, null, {}, { fetch: 'https://example.com/hook' }]) {
    for (const adapter of [koaWebhook, honoWebhook]) {
      assert.throws(() => adapter(notReceiver), { name: 'TypeError', message: /^webhooks: / });
    }
  }
});

test('fastify: a plugin registered without a receiver fails to start', async () => {
  const app = Fastify();
  app.register(vesselWebhooks, {});
  await assert.rejects(app.ready(), { name: 'TypeError', message: /^options\.webhooks: / });
});

test('fastify and koa: a Node without the Fetch API fails when the adapter is made', () => {
  // Under --no-experimental-fetch every delivery was a 500 that onDelivery never heard of
  // (review DC); the Express adapter and webhooks.middleware() need no Fetch API.
  const script = `
    const { VesselWebhooks } = require('vessel-webhooks');
    const webhooks = new VesselWebhooks({ accessToken: 'tok' });
    const told = (e) => console.log(e.name + ': ' + e.message);
    try { require('vessel-webhooks/koa').vesselWebhook(webhooks); console.log('koa made'); }
    catch (e) { told(e); }
    require('fastify')().register(require('vessel-webhooks/fastify'), { webhooks }).ready()
      .then(() => console.log('fastify made'), told);`;
  const output = execFileSync(process.execPath, ['--no-experimental-fetch', '-e', script], {
    cwd: new URL('../..', import.meta.url),
    encoding: 'utf8',
  });
  const refused = (name) =>
    `TypeError: vessel-webhooks/${name}: this Node has no Fetch API (Request, Headers, ` +
    'Response), which the adapter needs; was it started with --no-experimental-fetch?';
  assert.deepEqual(output.trim().split('\n'), [refused('koa'), refused('fastify')]);
});

test('require: the CommonJS builds, with the receiver from require', async (t) => {
  const require = createRequire(import.meta.url);
  const { VesselWebhooks: RequiredReceiver } = require('vessel-webhooks');
  const webhooks = new RequiredReceiver({ accessToken: tokens.get('conn_a') });
  const ran = [];
  webhooks.on('contact.created', (event) => ran.push(event.eventId));
  // Fastify's usual CommonJS form: register what require gives (an ES module's namespace).
  const app = Fastify();
  app.register(require('vessel-webhooks/fastify'), { webhooks, prefix: '/hook' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => app.close());
  const fastifyUrl = `http://127.0.0.1:${app.server.address().port}/hook`;

  const koa = new Koa();
  koa.use(require('vessel-webhooks/koa').vesselWebhook(webhooks));
  const koaUrl = `http://127.0.0.1:${await listen(t, koa.listen(0, '127.0.0.1'))}/`;

  const hono = new Hono();
  hono.post('/', require('vessel-webhooks/hono').vesselWebhook(webhooks));
  const honoServer = serve({ fetch: hono.fetch, port: 0, hostname: '127.0.0.1' });
  const honoUrl = `http://127.0.0.1:${await listen(t, honoServer)}/`;

  for (const url of [fastifyUrl, koaUrl, honoUrl]) {
    const event = contactEvent();
    assert.ok(is2xx(await deliver(url, event)));
    assert.equal(ran.at(-1), event.eventId);
    assertRefused(await deliver(url, event, 'conn_a', 'tok_guess'), 401, 'SIGNATURE_MISMATCH');
  }
  assert.equal(ran.length, 3);
});

test('mounted for every method: another method, signed or not, is 405 METHOD_NOT_ALLOWED with Allow: POST, and runs nothing', async (t) => {
  const { webhooks, ran } = receiver();
  const koa = new Koa();
  koa.use(koaWebhook(webhooks));
  const hono = new Hono();
  hono.use('/hook', honoWebhook(webhooks));
  const urls = {
    'webhooks.fetch': `http://127.0.0.1:${await listen(t, serve({ fetch: (request) => webhooks.fetch(request), port: 0, hostname: '127.0.0.1' }))}/hook`,
    'webhooks.middleware() on node:http': `http://127.0.0.1:${await listen(t, http.createServer(webhooks.middleware()).listen(0, '127.0.0.1'))}/hook`,
    'koa with app.use': `http://127.0.0.1:${await listen(t, koa.listen(0, '127.0.0.1'))}/hook`,
    'hono with app.use': `http://127.0.0.1:${await listen(t, serve({ fetch: hono.fetch, port: 0, hostname: '127.0.0.1' }))}/hook`,
    'nestjs (the README recipe)': await listenNest(
      t,
      await nestApp(webhooks, { bodyParser: false }),
    ),
  };
  const body = JSON.stringify(contactEvent());
  const headers = sign(body, tokens.get('conn_a'), { connectionId: 'conn_a' });
  for (const [name, url] of Object.entries(urls)) {
    for (const method of ['PUT', 'PATCH', 'DELETE', 'GET', 'OPTIONS']) {
      const withBody = method !== 'GET';
      const response = await fetch(url, { method, headers, body: withBody ? body : undefined });
      const what = `${name}: ${method}`;
      assert.equal(response.status, 405, what);
      assert.equal(response.headers.get('allow'), 'POST', what);
      assert.equal(await response.text(), '{"error":"METHOD_NOT_ALLOWED"}', what);
    }
    assert.ok(is2xx(await post(url, body, headers)), name);
  }
  // Each POST ran the event once (the store kept the rest from running it again).
  assert.equal(ran.length, 1);
});

test(
  'koa: a request put in text mode (setEncoding) is a 500 that says so, not a forgery',
  { timeout: 60_000 },
  async (t) => {
    const { webhooks, ran } = receiver();
    const app = new Koa();
    let failure;
    app.on('error', (error) => (failure = error));
    app.use(async (ctx, next) => {
      ctx.req.setEncoding('utf8');
      await next();
    });
    app.use(koaWebhook(webhooks));
    const port = await listen(t, app.listen(0, '127.0.0.1'));
    const response = await deliver(`http://127.0.0.1:${port}/hook`, contactEvent());
    assert.equal(response.status, 500);
    assert.match(String(failure?.cause?.message), /setEncoding/);
    // Review BP: the rest of a body still arriving was then read and dropped with no deadline: a
    // client sending on held the connection for ever. It is closed at the body's deadline (10 s).
    const url = new URL(`http://127.0.0.1:${port}/hook`);
    const answer = await trickle(url);
    assert.match(answer, /^HTTP\/1\.1 500 /);
    assert.deepEqual(ran, []);
  },
);

test('koa: a request-target that is no URL (`http://[/hook`) is received, not a 500 from the adapter', async (t) => {
  const urls = [];
  const ran = [];
  const webhooks = new VesselWebhooks({
    getAccessToken: (connectionId, request) => {
      urls.push(request.url);
      return tokens.get(connectionId);
    },
  }).onAny((event) => ran.push(event.eventId));
  // Mounted with app.use (a router's own path parsing refuses such a target before it).
  const app = new Koa();
  app.use(koaWebhook(webhooks));
  const url = new URL(`http://127.0.0.1:${await listen(t, app.listen(0, '127.0.0.1'))}`);
  /** `body` POSTed to the request-target `target` over a socket of its own: the answer. */
  const postTo = async (target, body, headers) => {
    const socket = connect(Number(url.port), '127.0.0.1');
    socket.end(
      `POST ${target} HTTP/1.1\r\nhost: ${url.host}\r\nconnection: close\r\n${headerLines(headers)}` +
        `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    await once(socket, 'close');
    return answer;
  };
  const event = contactEvent();
  const body = JSON.stringify(event);
  const headers = sign(body, tokens.get('conn_a'), { connectionId: 'conn_a' });
  assert.match(
    await postTo('http://[/hook', body, headers),
    /^HTTP\/1\.1 200 [^]*\{"received":true\}$/,
  );
  assert.match(await postTo('http://[/hook', body, {}), /^HTTP\/1\.1 401 [^]*"MISSING_HEADER"/);
  // A request-target that is a URL is the resolver's request's URL, as before.
  assert.match(await postTo('/hook?tenant=7', body, headers), /^HTTP\/1\.1 200 /);
  assert.deepEqual(ran, [event.eventId, event.eventId]);
  assert.deepEqual(urls, ['http://localhost/', 'http://localhost/hook?tenant=7']);
});

// Review DA: an HTTP/2 stream reset leaves the request aborted, not destroyed: it was a 500
// logged as an error (Koa printed it) where the same client over HTTP/1 is a 400 (Fastify: below).
test('koa over HTTP/2: a client that resets its stream mid-body is a 400, not a printed 500', async (t) => {
  const reports = [];
  const { koa, seen } = spiedKoa(receiver({ onDelivery: (info) => reports.push(info) }).webhooks);
  koa.silent = true;
  const server = http2.createServer(koa.callback()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const client = await leaveMidBody(
    new URL(`http://127.0.0.1:${server.address().port}/hook`),
    true,
  );
  assert.deepEqual(await reported(reports), [{ outcome: 'failed', status: 400 }]);
  client.close();
  await new Promise((resolve) => setTimeout(resolve, 100));
  // Ours is exposed (Koa also hears the stream's own error, as without the package).
  const ours = seen.filter((error) => /^vessel-webhooks: /.test(error.message));
  assert.equal(ours.length, 1);
  assert.equal(ours[0].expose, true);
});

// Review DA: over HTTP/2, a stream reset (a logged 500). Review DB: behind a hook's stream, a
// client that leaves is its going away too: over HTTP/1 behind pipeline() or an async generator
// (a logged 500 after review DA's rule), and over HTTP/2 behind pipe(), whose stream Node ends on
// a reset (the cut body was read as whole: a 401).
test('fastify: a client that leaves mid-body is a 400 logged at info, behind a preParsing hook too', async (t) => {
  const generator = (payload) =>
    Readable.from(
      (async function* read() {
        for await (const chunk of payload) yield chunk;
      })(),
    );
  for (const [name, hook, protocols] of [
    ['no hook', undefined, [2]],
    ['pipeline()', (payload) => pipeline(payload, new PassThrough(), () => {}), [1, 2]],
    ['an async generator', generator, [1, 2]],
    ['pipe()', (payload) => payload.pipe(new PassThrough()), [2]],
  ]) {
    for (const protocol of protocols) {
      const reports = [];
      const logged = [];
      const stream = { write: (line) => logged.push(JSON.parse(line)) };
      const app = Fastify({ http2: protocol === 2, logger: { level: 'info', stream } });
      if (hook) app.addHook('preParsing', async (request, reply, payload) => hook(payload));
      const { webhooks } = receiver({ onDelivery: (info) => reports.push(info) });
      const url = new URL(await listenFastify(t, app, webhooks));
      const client = await leaveMidBody(url, protocol === 2);
      const over = `${name} over HTTP/${protocol}`;
      assert.deepEqual(await reported(reports), [{ outcome: 'failed', status: 400 }], over);
      client?.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(
        logged.filter((line) => line.level >= 50),
        [],
        over,
      );
    }
  }
});

test('fastify and koa over HTTP/2: the pseudo-headers (:method, :path…) stay out of the Request', async (t) => {
  const body = JSON.stringify({
    eventId: 'evt_h2',
    type: 'STATUS_CHANGE',
    data: { status: 'READY' },
  });
  const post = (port) =>
    postH2(`http://127.0.0.1:${port}/hook`, body, sign(body, tokens.get('conn_a')));
  const receiver = (ran) =>
    new VesselWebhooks({ accessToken: tokens.get('conn_a') }).onAny(() => ran.push(1));

  const fastifyRan = [];
  const fastify = Fastify({ http2: true });
  fastify.register(vesselWebhooks, { webhooks: receiver(fastifyRan), prefix: '/hook' });
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => fastify.close());
  assert.deepEqual(await post(fastify.server.address().port), {
    status: 200,
    text: '{"received":true}',
  });
  assert.equal(fastifyRan.length, 1);

  const koaRan = [];
  const koa = new Koa();
  koa.use(koaWebhook(receiver(koaRan)));
  const server = http2.createServer(koa.callback()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  assert.deepEqual(await post(server.address().port), {
    status: 200,
    text: '{"received":true}',
  });
  assert.equal(koaRan.length, 1);
});
