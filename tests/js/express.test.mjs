// vessel-webhooks/express in a real Express 5 server on 127.0.0.1, called with Node's fetch (and
// node:http where a body must stay unfinished), including examples/express-app.mjs as the README
// shows it. Every refusal must be exactly {"error":CODE}: no token, no body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import express from 'express';
import { sign, VesselWebhooks } from 'vessel-webhooks';
import { vesselWebhook } from 'vessel-webhooks/express';
import { createApp } from '../../examples/express-app.mjs';

const tokens = new Map([
  ['conn_a', 'tok_a_7f3e9c1d'],
  ['conn_b', 'tok_b_52aa0e4b'],
]);
const lookup = (connectionId) => tokens.get(connectionId);
const event = {
  eventId: 'evt_1',
  type: 'OBJECT_CHANGE',
  data: {
    objectType: 'Contact',
    eventType: 'CREATE',
    record: { id: 'v.contact.1', firstName: 'Zoë', email: 'zoe@example.com' },
  },
};
const body = JSON.stringify(event);

/** Serves `app` on an ephemeral port for the test `t`; resolves to the webhook URL. */
async function serve(t, app, path = '/hook') {
  app.set('env', 'test'); // Express's error handler then answers without logging
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${server.address().port}${path}`;
}

/** An app with `parsers` before the middleware; the handler answers the event it was given. */
function appWith(options, ...parsers) {
  const app = express();
  app.post('/hook', ...parsers, vesselWebhook(options), (req, res) => res.json(req.vesselEvent));
  return app;
}

async function post(url, payload, headers, contentType = 'application/json') {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body: payload,
  });
  return { status: response.status, text: await response.text() };
}

test('vesselWebhook caps its read by its own maxBodyBytes, never by Object.prototype', async (t) => {
  // Review BF: the cap came from the options' rest object, whose missing maxBodyBytes was
  // Object.prototype's: polluted with 8, every authentic delivery was 413.
  const body = JSON.stringify({
    eventId: 'e-proto',
    type: 'STATUS_CHANGE',
    data: { status: 'READY' },
  });
  try {
    // Before the middleware is made: it read the cap then.
    Object.prototype.maxBodyBytes = 8;
    const url = await serve(t, appWith({ accessToken: 'tok_proto' }));
    const response = await post(url, body, sign(body, 'tok_proto'));
    assert.equal(response.status, 200);
  } finally {
    delete Object.prototype.maxBodyBytes;
  }
});

/** A refusal is exactly `{"error":CODE}`: no token, no body, no message. */
function assertRefused(response, status, code) {
  assert.equal(response.status, status);
  assert.equal(response.text, JSON.stringify({ error: code }));
}

const signedBy = (connectionId, payload = body, timestamp = undefined) =>
  sign(payload, tokens.get(connectionId), { connectionId, timestamp });

test('examples/express-app.mjs: a token per connection', async (t) => {
  const url = await serve(t, createApp(lookup), '/webhooks/vessel');
  assert.deepEqual(await post(url, body, signedBy('conn_a')), {
    status: 200,
    text: JSON.stringify({ received: 'evt_1' }),
  });
  const pretty = JSON.stringify(event, null, 2); // re-serialised by a proxy: same JSON, signed
  assert.equal((await post(url, pretty, signedBy('conn_a'))).status, 200);

  const forged = body.replace('Zoë', 'Eve');
  assertRefused(await post(url, forged, signedBy('conn_a')), 401, 'SIGNATURE_MISMATCH');
  const otherToken = sign(body, tokens.get('conn_b'), { connectionId: 'conn_a' });
  assertRefused(await post(url, body, otherToken), 401, 'SIGNATURE_MISMATCH');
  const unknown = sign(body, tokens.get('conn_a'), { connectionId: 'conn_zzz' });
  assertRefused(await post(url, body, unknown), 401, 'SIGNATURE_MISMATCH');
  const { 'x-vessel-connection-id': _, ...noConnection } = signedBy('conn_a');
  assertRefused(await post(url, body, noConnection), 401, 'SIGNATURE_MISMATCH');
  const hourAgo = Math.floor(Date.now() / 1000) - 3600;
  const replayed = await post(url, body, signedBy('conn_a', body, hourAgo));
  assertRefused(replayed, 401, 'TIMESTAMP_OUT_OF_TOLERANCE');
  const { 'x-vessel-signature': __, ...unsigned } = signedBy('conn_a');
  assertRefused(await post(url, body, unsigned), 401, 'MISSING_HEADER');
});

test('a resolver that throws is a 500 (Vessel retries), a promise and a list are awaited', async (t) => {
  const failing = createApp(() => {
    throw new Error('database unreachable');
  });

  const url = await serve(t, failing, '/webhooks/vessel');
  const response = await post(url, body, signedBy('conn_a'));
  assert.equal(response.status, 500);
  assert(!response.text.includes(tokens.get('conn_a')) && !response.text.includes('Zoë'));
  // Review BV: Express's default handler sends the error's stack outside production, and any
  // request can make the lookup run: the app gets an error of ours, with the resolver's as cause.
  assert(!response.text.includes('database unreachable'), response.text);
  const leaky = () => {
    throw new Error('AUTH failed for redis://admin:S3cretPass@db:6379');
  };
  for (const middleware of [
    vesselWebhook({ getAccessToken: leaky }),
    new VesselWebhooks({ getAccessToken: leaky }).middleware(),
  ]) {
    const causes = [];
    const app = express().post('/hook', middleware);
    const shown = await post(await serve(t, app), body, signedBy('conn_a'));
    assert.equal(shown.status, 500);
    assert(!shown.text.includes('S3cretPass'), shown.text);
    app.use((error, req, res, next) => {
      causes.push(error.cause?.message);
      res.status(500).json({ error: error.message });
    });
    const handled = await post(await serve(t, app), body, signedBy('conn_a'));
    assert.deepEqual(JSON.parse(handled.text), {
      error: 'vessel-webhooks: the delivery could not be received (the cause says why)',
    });
    assert.deepEqual(causes, ['AUTH failed for redis://admin:S3cretPass@db:6379']);
  }

  const seen = [];
  const rotating = appWith({
    getAccessToken: async (connectionId, req) => {
      seen.push([connectionId, req.path]);
      return ['tok_retired', tokens.get(connectionId)];
    },
  });
  const url2 = await serve(t, rotating);
  assert.equal((await post(url2, body, signedBy('conn_b'))).status, 200);
  assert.deepEqual(seen, [['conn_b', '/hook']]);
});

/**
 * `middleware` with the promise of each of its calls kept: `settled()` resolves once every call
 * has ended, and rejects with what one threw (Express 5 hands that to the app's error handlers).
 */
function watched(middleware) {
  const calls = [];
  return {
    middleware: (req, res, next) => {
      const call = middleware(req, res, next);
      calls.push(call);
      return call;
    },
    settled: () => Promise.all(calls).then(() => calls.length),
  };
}

test('a failure is the app’s error handler’s to answer, at once or after an await', async (t) => {
  // Review DS: with no return after next(error), the middleware answered the failure too, and
  // threw: after a handler that answered at once, ERR_HTTP_HEADERS_SENT; before one that awaits
  // first (a log, a report), ERR_HTTP_INVALID_STATUS_CODE (no status). Express's final handler got
  // it: printed outside env 'test', and the connection destroyed after an answer already sent.
  for (const awaits of [false, true]) {
    const handled = [];
    const { middleware, settled } = watched(
      vesselWebhook({
        getAccessToken: () => {
          throw new Error('database unreachable');
        },
      }),
    );
    const app = express().post('/hook', middleware);
    app.use(async (error, req, res, next) => {
      handled.push(error.cause?.message);
      if (awaits) await new Promise((resolve) => setImmediate(resolve));
      res.status(503).json({ error: 'try again' });
    });
    const response = await post(await serve(t, app), body, signedBy('conn_a'));
    assert.deepEqual(response, { status: 503, text: JSON.stringify({ error: 'try again' }) });
    assert.equal(await settled(), 1);
    assert.deepEqual(handled, ['database unreachable']);
  }
});

test('no body parser: the raw bytes, read by the middleware', async (t) => {
  const url = await serve(t, appWith({ accessToken: tokens.get('conn_a') }));
  // Bytes only the raw path accepts: not what JSON.stringify would give for any object.
  const raw = `{ "eventId": "evt_1" , "type": "STATUS_CHANGE", "data": {"status": "READY"} }`;
  const response = await post(url, raw, sign(raw, tokens.get('conn_a')));
  assert.equal(response.status, 200);
  assert.deepEqual(JSON.parse(response.text), JSON.parse(raw));
  assertRefused(
    await post(url, raw, sign(`${raw} `, tokens.get('conn_a'))),
    401,
    'SIGNATURE_MISMATCH',
  );
});

test('after express.json(), express.raw() and express.text()', async (t) => {
  const parsers = [express.json(), express.raw({ type: '*/*' }), express.text({ type: '*/*' })];
  for (const parser of parsers) {
    const url = await serve(t, appWith({ getAccessToken: lookup }, parser));
    const response = await post(url, body, signedBy('conn_a'));
    assert.deepEqual(
      { status: response.status, event: JSON.parse(response.text) },
      {
        status: 200,
        event,
      },
    );
    const pretty = JSON.stringify(event, null, 2); // re-serialised by a proxy: same JSON, signed
    assert.equal((await post(url, pretty, signedBy('conn_a'))).status, 200);
    const forged = body.replace('Zoë', 'Eve');
    assertRefused(await post(url, forged, signedBy('conn_a')), 401, 'SIGNATURE_MISMATCH');
  }
});

// Review CA: a middleware that kept the raw body in req.rawBody (the Stripe-style pattern, Nest's
// rawBody option) and left no req.body made every delivery a 500; with express.json() beside it,
// the parsed value was checked, not the bytes. Both middlewares check the bytes as received.
test('a raw body kept in req.rawBody is verified as received', async (t) => {
  const keepRaw = (req, res, next) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      req.rawBody = Buffer.concat(chunks);
      next();
    });
  };
  const jsonKeepingRaw = express.json({
    verify: (req, res, buffer) => {
      req.rawBody = buffer;
    },
  });
  // Signed as sent, with spaces: JSON.stringify of the parsed value is other bytes.
  const spaced = `{ "eventId": "evt_1" , "type": "STATUS_CHANGE", "data": {"status": "READY"} }`;
  const token = tokens.get('conn_a');
  for (const parser of [keepRaw, jsonKeepingRaw]) {
    for (const mounted of [
      appWith({ accessToken: token }, parser),
      express().post('/hook', parser, new VesselWebhooks({ accessToken: token }).middleware()),
    ]) {
      const url = await serve(t, mounted);
      assert.equal((await post(url, spaced, sign(spaced, token))).status, 200);
      assertRefused(
        await post(url, spaced, sign(spaced.replace(' ,', ','), token)),
        401,
        'SIGNATURE_MISMATCH',
      );
    }
  }
});

test('a gzipped delivery: 401 SIGNATURE_MISMATCH read raw (issue 3); verified after express.json(), which inflates it', async (t) => {
  const { gzipSync } = await import('node:zlib');
  const gzipped = { ...signedBy('conn_a'), 'content-encoding': 'gzip' };
  const raw = await serve(t, appWith({ getAccessToken: lookup }));
  assertRefused(await post(raw, gzipSync(body), gzipped), 401, 'SIGNATURE_MISMATCH');
  const parsed = await serve(t, appWith({ getAccessToken: lookup }, express.json()));
  const response = await post(parsed, gzipSync(body), gzipped);
  assert.deepEqual(
    { status: response.status, event: JSON.parse(response.text) },
    { status: 200, event },
  );
  // Inflated, a forgery is one: the header no longer describes the bytes checked.
  const forged = gzipSync(body.replace('Zoë', 'Eve'));
  assertRefused(await post(parsed, forged, gzipped), 401, 'SIGNATURE_MISMATCH');
});

test('after express.json(), a body too deep for JSON.stringify is 400 INVALID_JSON, not a 500', async (t) => {
  // express.json() parses thousands of levels; JavaScript's JSON.stringify overflows its stack.
  const url = await serve(t, appWith({ accessToken: tokens.get('conn_a') }, express.json()));
  const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
  assertRefused(await post(url, deep, signedBy('conn_a', deep)), 400, 'INVALID_JSON');
});

test('a parser placeholder, a form parser, a body read by something else', async (t) => {
  // Express 4's body-parser sets req.body = {} for a content type it skips, reading nothing:
  // the stream is verified.
  const placeholder = (req, res, next) => {
    req.body = {};
    next();
  };
  const url = await serve(t, appWith({ getAccessToken: lookup }, placeholder));
  assert.equal((await post(url, body, signedBy('conn_a'))).status, 200);

  // express.urlencoded() made an object of a form: never what Vessel signed.
  const form = 'eventId=evt_1&type=STATUS_CHANGE';
  const url2 = await serve(t, appWith({ getAccessToken: lookup }, express.urlencoded()));
  const formResponse = await post(
    url2,
    form,
    signedBy('conn_a', form),
    'application/x-www-form-urlencoded',
  );
  assertRefused(formResponse, 401, 'SIGNATURE_MISMATCH');

  // Read and dropped: nothing is left to verify, a mistake of the app, so next(error) and 500
  // (the package's error, this one its cause).
  const drain = async (req, res, next) => {
    for await (const _ of req);
    next();
  };
  const errors = [];
  const app = appWith({ getAccessToken: lookup }, drain);
  app.use((error, req, res, next) => {
    errors.push(error.cause.message);
    res.sendStatus(500);
  });
  const url3 = await serve(t, app);
  assert.equal((await post(url3, body, signedBy('conn_a'))).status, 500);
  assert.match(errors[0], /^vesselWebhook: the request body was read before/);
});

/** Sends `chunk` of a body that never ends and resolves to the answer: only an early one comes. */
function postUnfinished(url, headers, chunk) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (part) => (text += part));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode, text });
      });
    });
    request.on('error', reject);
    request.write(chunk);
  });
}

// A middleware that waited for the whole body would never answer: the timeout ends such a run.
test(
  'too large: 413 from Content-Length or as soon as a chunked body crosses the cap',
  { timeout: 30_000 },
  async (t) => {
    const url = await serve(t, appWith({ getAccessToken: lookup, maxBodyBytes: 1024 }));
    const big = JSON.stringify({ ...event, padding: 'x'.repeat(2000) });
    assertRefused(await post(url, big, signedBy('conn_a', big)), 413, 'BODY_TOO_LARGE');
    const headers = { ...signedBy('conn_a'), 'content-type': 'application/json' };
    const claimed = await postUnfinished(url, { ...headers, 'content-length': '10000000' }, '{');
    assertRefused(claimed, 413, 'BODY_TOO_LARGE');
    const chunked = await postUnfinished(url, headers, big);
    assertRefused(chunked, 413, 'BODY_TOO_LARGE');
    // The default cap, 4 MiB, holds for a stream too.
    const url2 = await serve(t, appWith({ getAccessToken: lookup }));
    const huge = await postUnfinished(url2, headers, Buffer.alloc(4 * 1024 * 1024 + 1, 0x20));
    assertRefused(huge, 413, 'BODY_TOO_LARGE');
    // A Content-Length of exactly the cap is read (review DL: a `>=` in the middleware's own read
    // made it a 413); one a byte over is refused with no byte of the body sent, not at the deadline.
    const exact = Buffer.byteLength(body);
    const url3 = await serve(t, appWith({ getAccessToken: lookup, maxBodyBytes: exact }));
    assert.equal((await post(url3, body, signedBy('conn_a'))).status, 200);
    const over = { ...headers, 'content-length': String(exact + 1) };
    assertRefused(await postUnfinished(url3, over, ''), 413, 'BODY_TOO_LARGE');
  },
);

test('the middleware’s own read refuses a Content-Length over the cap before reading anything', async () => {
  // verifyRequest refuses such a request first, so no request through the middleware reaches this
  // check of its read (incoming.js readIncoming; review DL: without it, the read waited for bytes
  // up to the deadline). Called here with a request that sends nothing.
  const { EventEmitter } = await import('node:events');
  const pkg = dirname(createRequire(import.meta.url).resolve('vessel-webhooks/package.json'));
  const { readIncoming } = await import(pathToFileURL(join(pkg, 'src/incoming.js')));
  const req = Object.assign(new EventEmitter(), {
    headers: { 'content-length': '1025' },
    readableEnded: false,
    destroyed: false,
    resume() {},
  });
  const refuse = (code, message) => Object.assign(new Error(message), { code });
  const read = readIncoming(req, { maxBodyBytes: 1024, timeoutMs: 1000, refuse });
  await assert.rejects(read, { code: 'BODY_TOO_LARGE' });
  assert.equal(req.listenerCount('data'), 0);
});

test(
  'a 413 sent before the body ended closes the connection: a client that sends on is cut off',
  { timeout: 30_000 },
  async (t) => {
    // Review BN: the rest of the body was read and dropped on a kept-alive connection, with no
    // deadline left: a client trickling on held it for Node's requestTimeout (300 s).
    const url = await serve(t, appWith({ getAccessToken: lookup, maxBodyBytes: 1024 }));
    const chunked = { ...signedBy('conn_a'), 'transfer-encoding': 'chunked' };
    const trickled = await postTrickled(url, chunked, [Buffer.alloc(2048, 0x20), ' ']);
    assertRefused(trickled, 413, 'BODY_TOO_LARGE');
    assert.equal(trickled.closing, true);
    // A Content-Length over the cap: refused before any byte is read, and closed too.
    const declared = { ...signedBy('conn_a'), 'content-length': String(1e12) };
    const large = await postTrickled(url, declared, [' ']);
    assertRefused(large, 413, 'BODY_TOO_LARGE');
    assert.equal(large.closing, true);
    // A refusal of a body that ended keeps the connection for the next delivery.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    t.after(() => agent.destroy());
    const sockets = new Set();
    const send = (payload, headers) =>
      new Promise((resolve, reject) => {
        const request = http.request(url, { method: 'POST', agent, headers }, (response) => {
          sockets.add(request.socket);
          response.resume();
          response.on('end', () => resolve(response.statusCode));
        });
        request.on('error', reject);
        request.end(payload);
      });
    assert.equal(await send(body.replace('Zoë', 'Zoe'), signedBy('conn_a')), 401);
    assert.equal(await send(body, signedBy('conn_a')), 200);
    assert.equal(sockets.size, 1);
  },
);

test(
  'a request put in text mode (setEncoding) is a 500, never a forgery or another body',
  { timeout: 60_000 },
  async (t) => {
    // Review BN: its text was encoded back to UTF-8: latin1 made an authentic delivery a 401, and
    // under utf8 a body of other bytes (a lone 0xFF where the signed text had U+FFFD) verified.
    const textMode = (encoding) => (req, res, next) => {
      req.setEncoding(encoding);
      next();
    };
    const latin1 = await serve(t, appWith({ getAccessToken: lookup }, textMode('latin1')));
    assert.equal((await post(latin1, body, signedBy('conn_a'))).status, 500);
    const signed = body.replace('Zoë', 'Zo\uFFFD');
    const sent = Buffer.from(signed.replace('\uFFFD', '\u0000'));
    sent[sent.indexOf(0)] = 0xff;
    const utf8 = await serve(t, appWith({ getAccessToken: lookup }, textMode('utf8')));
    assert.equal((await post(utf8, sent, signedBy('conn_a', signed))).status, 500);
    // Review BP: with the body still arriving, the rest was read and dropped with no deadline, and
    // Express's error handler, which waits for the request's end, never answered. The connection is
    // closed at the body's deadline.
    const trickling = await serve(
      t,
      appWith({ getAccessToken: lookup, bodyTimeoutMs: 300 }, textMode('utf8')),
    );
    const chunked = { ...signedBy('conn_a'), 'transfer-encoding': 'chunked' };
    await assert.rejects(postTrickled(trickling, chunked, [' ']), /socket hang up|ECONNRESET/);
  },
);

test('after a parser read an empty body, the answer comes at once', async (t) => {
  // Review BN: the stream had ended, with nothing read: the middleware waited for its end until
  // the deadline, a 408.
  const url = await serve(
    t,
    appWith({ getAccessToken: lookup, bodyTimeoutMs: 2000 }, express.json()),
  );
  assertRefused(await post(url, '', signedBy('conn_a', '')), 400, 'INVALID_JSON');
});

/**
 * POSTs `headers`, then `chunks` one by one `everyMs` apart (the last is repeated while no answer
 * came), never ending the body; resolves to the answer and whether the server closed the
 * connection after it.
 */
function postTrickled(url, headers, chunks, everyMs = 50) {
  return new Promise((resolve, reject) => {
    let timer;
    const request = http.request(url, { method: 'POST', headers }, (response) => {
      clearInterval(timer);
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (part) => (text += part));
      response.on('end', () => {
        const closing = response.headers.connection === 'close';
        request.destroy();
        resolve({ status: response.statusCode, text, closing });
      });
    });
    request.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    request.flushHeaders();
    let next = 0;
    timer = setInterval(() => {
      request.write(chunks[Math.min(next++, chunks.length - 1)]);
    }, everyMs);
  });
}

// Before the deadline (issue 14, item 6), each of these requests was held until Node's own
// requestTimeout (300 s): the test's timeout ends such a run.
test(
  'a body that does not arrive in time: 408 BODY_TIMEOUT, and the connection is closed',
  { timeout: 60_000 },
  async (t) => {
    const url = await serve(t, appWith({ getAccessToken: lookup, bodyTimeoutMs: 300 }));
    const headers = { ...signedBy('conn_a'), 'content-type': 'application/json' };
    // A byte at a time, for ever (the byte is JSON whitespace: the body stays valid).
    const started = performance.now();
    const trickled = await postTrickled(url, headers, [' ']);
    assertRefused(trickled, 408, 'BODY_TIMEOUT');
    assert.equal(trickled.closing, true);
    // At the option's 300 ms, not the default 10 s (review CO: an option not read passed).
    assert.ok(performance.now() - started < 5000);
    // A Content-Length longer than what is sent: the whole body, then nothing.
    const longer = { ...headers, 'content-length': String(Buffer.byteLength(body) + 10) };
    const short = await postUnfinished(url, longer, body);
    assertRefused(short, 408, 'BODY_TIMEOUT');
    // A body trickled within the deadline is read and accepted.
    const bytes = Buffer.from(body);
    const halves = [bytes.subarray(0, 20), bytes.subarray(20)];
    const slow = await new Promise((resolve, reject) => {
      const request = http.request(url, { method: 'POST', headers }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
      });
      request.on('error', reject);
      request.write(halves[0]);
      setTimeout(() => request.end(halves[1]), 50);
    });
    assert.equal(slow, 200);
  },
);

test(
  'a token resolver that never settles: 503 TOKEN_LOOKUP_TIMEOUT, a late rejection is handled',
  { timeout: 60_000 },
  async (t) => {
    const unhandled = [];
    const onUnhandled = (reason) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    t.after(() => process.off('unhandledRejection', onUnhandled));
    const never = appWith({
      getAccessToken: () => new Promise(() => {}),
      tokenLookupTimeoutMs: 200,
    });
    const url = await serve(t, never);
    assertRefused(await post(url, body, signedBy('conn_a')), 503, 'TOKEN_LOOKUP_TIMEOUT');
    // One that rejects after its deadline: the request was answered, the rejection is dropped.
    let rejected;
    const late = appWith({
      getAccessToken: () =>
        new Promise((_, reject) => {
          setTimeout(() => {
            reject(new Error('too late'));
            rejected();
          }, 300);
        }),
      tokenLookupTimeoutMs: 100,
    });
    const url2 = await serve(t, late);
    const done = new Promise((resolve) => (rejected = resolve));
    assertRefused(await post(url2, body, signedBy('conn_a')), 503, 'TOKEN_LOOKUP_TIMEOUT');
    await done;
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
  },
);

test(
  'without the options, the default deadlines (10 s each) hold',
  { timeout: 60_000 },
  async (t) => {
    const headers = { ...signedBy('conn_a'), 'content-type': 'application/json' };
    const longer = { ...headers, 'content-length': String(Buffer.byteLength(body) + 10) };
    const url = await serve(t, appWith({ getAccessToken: lookup }));
    const url2 = await serve(t, appWith({ getAccessToken: () => new Promise(() => {}) }));
    const [short, never] = await Promise.all([
      postUnfinished(url, longer, body),
      post(url2, body, signedBy('conn_a')),
    ]);
    assertRefused(short, 408, 'BODY_TIMEOUT');
    assertRefused(never, 503, 'TOKEN_LOOKUP_TIMEOUT');
  },
);

test('mounted with app.use: 405 METHOD_NOT_ALLOWED with Allow: POST to other methods', async (t) => {
  const app = express();
  app.use('/hook', vesselWebhook({ getAccessToken: lookup }), (req, res) =>
    res.json(req.vesselEvent),
  );
  const url = await serve(t, app);
  for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    const response = await fetch(url, {
      method,
      headers: signedBy('conn_a'),
      body: ['PUT', 'PATCH'].includes(method) ? body : undefined,
    });
    assert.equal(response.status, 405, method);
    assert.equal(response.headers.get('allow'), 'POST', method);
    const text = await response.text();
    assert.equal(text, method === 'HEAD' ? '' : JSON.stringify({ error: 'METHOD_NOT_ALLOWED' }));
  }
  assert.equal((await post(url, body, signedBy('conn_a'))).status, 200);
});

test('after a 405 nothing else runs: no verification, no route handler, no error to the app', async (t) => {
  // Review DS: with no return after refuseMethod, the request was verified after its 405 (its body
  // already drained: refused), and the refusal answered a second time threw: the app's error
  // handler got ERR_HTTP_HEADERS_SENT for each such request.
  const { middleware, settled } = watched(vesselWebhook({ getAccessToken: lookup }));
  let ran = 0;
  const errors = [];
  const app = express();
  app.use('/hook', middleware, (req, res) => {
    ran += 1;
    res.json(req.vesselEvent);
  });
  app.use((error, req, res, next) => {
    errors.push(error.code ?? error.message);
    next(error);
  });
  const url = await serve(t, app);
  for (const method of ['GET', 'PUT']) {
    const response = await fetch(url, {
      method,
      headers: signedBy('conn_a'),
      body: method === 'PUT' ? body : undefined,
    });
    assert.equal(response.status, 405, method);
    assert.equal(await response.text(), JSON.stringify({ error: 'METHOD_NOT_ALLOWED' }));
  }
  assert.equal(await settled(), 2);
  assert.equal(ran, 0);
  assert.deepEqual(errors, []);
});

test('toleranceSeconds is the middleware’s; a refusal is answered as application/json, and the route’s handler never runs', async (t) => {
  const app = express();
  let ran = 0;
  const handler = (req, res) => {
    ran += 1;
    res.json({ received: req.vesselEvent.eventId });
  };
  app.use(
    '/hook',
    vesselWebhook({ accessToken: tokens.get('conn_a'), toleranceSeconds: 600 }),
    handler,
  );
  const url = await serve(t, app);
  const timestamp = Math.floor(Date.now() / 1000) - 400; // past the default 300 s, within 600
  const deliver = (headers) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  assert.equal((await deliver(signedBy('conn_a', body, timestamp))).status, 200);
  const refused = await deliver(signedBy('conn_b', body, timestamp));
  assert.equal(refused.status, 401);
  assert.equal(refused.headers.get('content-type'), 'application/json');
  assert.equal(await refused.text(), JSON.stringify({ error: 'SIGNATURE_MISMATCH' }));
  assert.equal((await fetch(url)).status, 405);
  assert.equal(ran, 1);
});

test('options are checked when the middleware is made', () => {
  const wrong = [
    undefined,
    {},
    { accessToken: 'a', getAccessToken: lookup },
    { accessToken: '' },
    { accessToken: null },
    { accessToken: [] },
    { getAccessToken: 'tok' },
    { accessToken: 'a', toleranceSeconds: -1 },
    { accessToken: 'a', maxBodyBytes: 1.5 },
    { accessToken: 'a', strict: 'yes' },
    { accessToken: 'a', now: Date.now() },
    ...[0, -1, 1.5, 2 ** 31, '1000', Infinity, null].flatMap((ms) => [
      { accessToken: 'a', bodyTimeoutMs: ms },
      { getAccessToken: lookup, tokenLookupTimeoutMs: ms },
    ]),
  ];
  for (const options of wrong) assert.throws(() => vesselWebhook(options), TypeError);
  assert.equal(typeof vesselWebhook({ getAccessToken: lookup, strict: true }), 'function');
  const deadlines = { bodyTimeoutMs: 1, tokenLookupTimeoutMs: 2 ** 31 - 1 };
  assert.equal(typeof vesselWebhook({ getAccessToken: lookup, ...deadlines }), 'function');
});

test('a list of tokens is copied when the middleware is made: a later change to it changes nothing', async (t) => {
  const list = ['tok_old', tokens.get('conn_a')];
  const url = await serve(t, appWith({ accessToken: list }));
  list.push(undefined);
  list[1] = 'tok_other';
  assert.deepEqual(await post(url, body, signedBy('conn_a')), { status: 200, text: body });
});

test('require("vessel-webhooks/express") works the same', async (t) => {
  const cjs = createRequire(import.meta.url)('vessel-webhooks/express');
  const app = express();
  app.post('/hook', cjs.vesselWebhook({ getAccessToken: lookup }), (req, res) =>
    res.json(req.vesselEvent),
  );
  const url = await serve(t, app);
  assert.equal((await post(url, body, signedBy('conn_b'))).status, 200);
  assertRefused(await post(url, body, signedBy('conn_b', '{}')), 401, 'SIGNATURE_MISMATCH');
});

test('node examples/express-app.mjs serves on its own', async (t) => {
  const child = spawn(process.execPath, ['examples/express-app.mjs'], {
    env: {
      ...process.env,
      PORT: '0',
      VESSEL_ACCESS_TOKENS: JSON.stringify({ conn_a: tokens.get('conn_a') }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => child.kill());
  child.stdout.setEncoding('utf8');
  const [line] = await once(child.stdout, 'data');
  const url = line.match(/http:\/\/127\.0\.0\.1:\d+\/webhooks\/vessel/)[0];
  assert.equal((await post(url, body, signedBy('conn_a'))).status, 200);
  assertRefused(await post(url, body, signedBy('conn_b')), 401, 'SIGNATURE_MISMATCH');
});
