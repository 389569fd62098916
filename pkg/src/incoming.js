// A Node request body (http.IncomingMessage, or any stream with its `headers` and 'data', 'end',
// 'error' and 'close' events) read to bytes with the size cap, the Content-Length check and a read
// deadline; and a deadline for a promise (the access-token resolver). Used by the Express
// middleware and shared with the Node/Connect middleware. No imports: the main entry also runs
// in browsers and Workers, so nothing here may load a node: module; only the globals setTimeout
// and clearTimeout.

/**
 * Default for the body read deadline: 10 s from the start of the read to the last byte. A Vessel
 * delivery is at most a few MiB sent at once; a body still arriving after 10 s is a slow-loris.
 */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/**
 * The cap of a middleware's own read when maxBodyBytes is not given: the core's default (4 MiB).
 * verifyRequest checks the bytes read against the core's cap again, so this one only ever refuses
 * sooner.
 */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The replay window's default half-width, in seconds (README, "Checks and codes"). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Default for the access-token resolver's deadline: 10 s (a lookup, usually a few ms). */
export const DEFAULT_TOKEN_LOOKUP_TIMEOUT_MS = 10_000;

/** The largest delay setTimeout honours (2³¹ − 1 ms, ~24.8 days); longer ones fire at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The option `name` as a deadline in milliseconds: `fallback` when undefined, else a whole
 * number from 1 to 2³¹ − 1. Throws TypeError otherwise.
 */
export function readTimeout(value, name, fallback) {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new TypeError(`options.${name}: expected a whole number of milliseconds, 1 to 2³¹ − 1`);
  }
  return value;
}

/**
 * The option `what`, in seconds, as whole milliseconds: `fallbackSeconds` when undefined, else from
 * 0.001 to `maxSeconds` (a longer one is refused here, not by every store call or timer later).
 */
export function milliseconds(value, fallbackSeconds, what, maxSeconds) {
  if (value === undefined) return 1000 * fallbackSeconds;
  if (typeof value !== 'number' || !(value >= 0.001 && value <= maxSeconds)) {
    throw new TypeError(
      `options.${what}: expected a number of seconds from 0.001 to ${maxSeconds}`,
    );
  }
  return Math.ceil(1000 * value);
}

/** A Content-Length header's value as a number when it is a whole number, else undefined. */
export function lengthOf(declared) {
  return declared !== undefined && /^[0-9]+$/.test(declared) ? Number(declared) : undefined;
}

/**
 * A body's bytes gathered into one buffer as its chunks arrive, so that a body sent in tiny chunks
 * costs its bytes and not an object per chunk (about 100 bytes of heap each in V8, 400 of RSS: a
 * 3 MB body sent a byte at a time held 1.2 GB when the chunks were kept). The buffer is made at
 * the first chunk, of 1 KiB or the chunk's size, and doubles, up to `limit` bytes (the declared
 * length, or the cap; the caller checks the cap before each push), so what a request holds grows
 * with what it sent, never with what it declares; past a declared length that was too short it
 * keeps doubling (never one copy per chunk). (A body that comes as one chunk, as most do, costs
 * one buffer: in Node 20 each costs ~1 µs to make.)
 */
export function byteCollector(limit) {
  let buffer = new Uint8Array(0);
  let length = 0;
  return {
    push(chunk) {
      const needed = length + chunk.length;
      if (needed > buffer.length) {
        const doubled =
          needed > limit ? 2 * needed : Math.min(Math.max(2 * buffer.length, 1024), limit);
        const grown = new Uint8Array(Math.max(needed, doubled));
        if (length > 0) grown.set(buffer.subarray(0, length));
        buffer = grown;
      }
      buffer.set(chunk, length);
      length = needed;
    },
    /** How many bytes were pushed. */
    get length() {
      return length;
    },
    /** The bytes pushed, in a buffer of their own. */
    bytes: () => (length === buffer.length ? buffer : buffer.slice(0, length)),
  };
}

/**
 * Reads and drops what is left of `req`'s body, unbuffered, for at most `timeoutMs` more: a
 * request whose body has not ended by then is destroyed, its connection with it. After a read
 * failed (over the cap, text mode) a client that sends on cannot hold the connection, nor keep an
 * error handler that waits for the request's end (Express's) from ever answering (review BP).
 */
export function dropRest(req, timeoutMs) {
  if (req.readableEnded || req.destroyed) return;
  const timer = setTimeout(() => req.destroy(), timeoutMs);
  const stop = () => clearTimeout(timer);
  req.once('end', stop);
  req.once('close', stop);
  req.resume();
}

/**
 * A header value that fetch's Headers and Node send as it is: visible ASCII or Latin-1, no space
 * (Headers trims one at either end) and no control character. sign()'s connectionId and the
 * CLI's --connection.
 */
export const HEADER_VALUE = /^[\x21-\x7e\x80-\xff]+$/;

/** The error of a request put in text mode (req.setEncoding()), whose chunks are not its bytes. */
export const SET_ENCODING = () =>
  new TypeError('request: setEncoding() was called on it; read it as bytes');

/**
 * An error that is no delivery's answer (getAccessToken's own, a body's read that failed), for
 * the framework's error handling: a message of the package's own, the error its `cause`. Any
 * request can cause one (the lookup runs before authentication), and default error handlers send
 * a message to the caller: Fastify's, and Express's its stack outside production (review BV). A
 * 4xx or 5xx status the cause carries (`status` or `statusCode`, as http-errors sets them: a
 * resolver's 503) stays the answer's, its message not (review BW).
 */
export function notReceived(cause) {
  const error = new Error(
    'vessel-webhooks: the delivery could not be received (the cause says why)',
    { cause },
  );
  // A body's read cut short by the client's going away, or by its deadline, is exposed: a 4xx
  // (statusOf) the frameworks do not log as their failure (Koa prints no exposed error, Fastify
  // logs a 4xx at info), not a 500 logged at error level for each request any client can cut
  // short (review CW). Its message is the package's own.
  const status = statusOf(cause);
  if (status !== 500) {
    Object.assign(error, { status, statusCode: status, expose: isClientGone(cause) });
  }
  return error;
}

/**
 * The status an error that is no delivery's answer is answered with by the Node adapters
 * (notReceived): the 4xx or 5xx `status` or `statusCode` it carries, else 400 for a body's read
 * the client cut short (isClientGone), else 500.
 */
export function statusOf(cause) {
  let status;
  try {
    status = cause?.status ?? cause?.statusCode;
  } catch {
    // a getter that throws: no status
  }
  if (Number.isInteger(status) && status >= 400 && status <= 599) return status;
  return isClientGone(cause) ? 400 : 500;
}

/**
 * Whether an answer to `req` goes with `Connection: close`: an HTTP/1 request with a body (a
 * Content-Length other than 0, or a Transfer-Encoding) answered before that body ended. Node then
 * closes the connection once the answer is written; on a kept-alive one it would read and drop the
 * rest for as long as the client sends, past every deadline (review BN). (HTTP/2 has no such
 * header: a stream ends on its own.)
 */
export function answeredEarly(req) {
  const { headers } = req;
  return (
    req.httpVersionMajor === 1 &&
    req.complete !== true &&
    (headers['transfer-encoding'] !== undefined ||
      (headers['content-length'] !== undefined && headers['content-length'] !== '0'))
  );
}

/**
 * Readies Node's `res` for an answer that may come before `req`'s body ended: what is left is
 * read and dropped unbuffered, and the connection is closed after the answer when the body is
 * still arriving (answeredEarly). The Express middlewares' refusals and refuseMethod.
 */
export function endEarly(req, res) {
  req.resume();
  if (answeredEarly(req)) res.setHeader('connection', 'close');
}

/**
 * The answer to a method other than POST, which no delivery comes with, where a receiver is
 * mounted for every method (app.use, a Worker's one fetch): 405 with `Allow: POST`, as
 * vessel-webhooks/express answers. No VesselWebhookError: nothing was received.
 */
export const METHOD_NOT_ALLOWED = Object.freeze({
  status: 405,
  headers: Object.freeze({ 'content-type': 'application/json', allow: 'POST' }),
  body: '{"error":"METHOD_NOT_ALLOWED"}',
});

/**
 * Whether a request's `method` is one that gets METHOD_NOT_ALLOWED: a method other than POST, in
 * any ASCII case (as fetch's Request normalizes it; `poſt` is not POST). A hand-made request with
 * no method is a POST.
 */
export const otherMethod = (method) =>
  typeof method === 'string' && method !== 'POST' && !/^post$/i.test(method);

/** Answers Node's `res` with METHOD_NOT_ALLOWED, the rest of `req`'s body read and dropped. */
export function refuseMethod(req, res) {
  endEarly(req, res);
  res.writeHead(METHOD_NOT_ALLOWED.status, METHOD_NOT_ALLOWED.headers);
  res.end(METHOD_NOT_ALLOWED.body);
}

/**
 * The mark of a request for verifyRequest whose `body` a parser already read (requestReadBefore):
 * registered, so that every bundle's copy of this module has the same symbol.
 */
export const READ_BEFORE = Symbol.for('vessel-webhooks.readBefore');

/**
 * The key of a receiver's body cap (VesselWebhooks, its maxBodyBytes), which the Node adapters'
 * reads stop at (node-request.js): registered, as READ_BEFORE, so that every bundle shares it.
 * Not part of the public API.
 */
export const BODY_CAP = Symbol.for('vessel-webhooks.bodyCap');

/**
 * A request for verifyRequest of `headers` and a `body` read before, marked READ_BEFORE: checked
 * as constructEvent checks a body (a stream given as one is a wrong body, not one to read).
 */
export function requestReadBefore(headers, body) {
  return { headers, body, [READ_BEFORE]: true };
}

/**
 * The request for verifyRequest of an Express (or node:http) request `req` a parser read (`who`
 * the middleware, for parsedBody's error): the raw body a middleware kept in `req.rawBody`
 * (NestJS's `rawBody` option, a `verify` callback of express.json(), a reader of the stream), as
 * received, when it is text or bytes; else what the parser left in `req.body` (review CA: a body
 * kept only in req.rawBody was a 500 on every delivery). The Koa adapter takes
 * ctx.request.rawBody first too.
 */
export function readBefore(req, who) {
  const raw = req.rawBody;
  const body = typeof raw === 'string' || ArrayBuffer.isView(raw) ? raw : req.body;
  return requestReadBefore(req.headers, parsedBody(body, who));
}

/**
 * What a framework's parser left (Express's req.body, Koa's ctx.request), for verifyRequest as a
 * body read before: a string or bytes as received, a parsed object as it is (the core checks its
 * JSON.stringify, which is what Vessel signs), and a parsed value that is no object
 * (`express.json({ strict: false })` leaves 123, true or null) as its JSON text, so that it is
 * refused with a code. When the parser left nothing, an Error that says so (`who` was mounted too
 * late: the app's setup, answered 500).
 */
export function parsedBody(body, who) {
  if (body === undefined) {
    throw new Error(
      `${who}: the request body was read before, and nothing holds it to verify; mount ${who} ` +
        'before what read it, or after a parser that keeps it (express.json(), raw() or text())',
    );
  }
  return body === null || typeof body === 'number' || typeof body === 'boolean'
    ? JSON.stringify(body)
    : body;
}

/**
 * An accessToken option as the package keeps it: an array copied, its length and each element
 * read once (a Proxy or getters run now), so that what was checked is what is used (the caller's
 * array may change later); anything else as is, for verify() to check.
 */
export function ownTokens(accessToken) {
  return Array.isArray(accessToken)
    ? Array.from({ length: accessToken.length }, (_, i) => accessToken[i])
    : accessToken;
}

/**
 * The access token(s) as wasm takes them: a non-empty string, or a plain copy of an array of
 * them (each element read once: a Proxy or getters run now, before any body is written); else a
 * TypeError naming `what` gave them.
 */
export function readTokens(accessToken, what = 'accessToken') {
  if (typeof accessToken === 'string' && accessToken !== '') return accessToken;
  const tokens = Array.isArray(accessToken) ? ownTokens(accessToken) : [];
  if (tokens.length === 0 || !tokens.every((t) => typeof t === 'string' && t !== '')) {
    throw new TypeError(
      `${what}: expected a non-empty string or a non-empty array of non-empty strings`,
    );
  }
  return tokens;
}

/**
 * A token resolver's answer as a plain value for withDeadline: none as it is, else readTokens,
 * whose error names the resolver (review CH: it named an accessToken option never given).
 */
export const tokenAnswer = (answer) =>
  answer === undefined || answer === null
    ? answer
    : readTokens(answer, "getAccessToken's answer (or undefined or null: no token)");

/**
 * The own properties of `options`, copied once into an object without a prototype; TypeError
 * unless `options` is an object whose own keys are all `known` (`what`: its name). Read from the
 * copy, an option that other code set on Object.prototype is absent, as an unknown one is refused
 * (review BB: an inherited `toleranceSeconds: Infinity` turned the replay window off), and each
 * getter runs once.
 */
export function checkKeys(options, known, what) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${what}: expected an object`);
  }
  const own = { __proto__: null, ...options };
  for (const key of Object.keys(own)) {
    if (!known.has(key)) throw new TypeError(`${what}.${key}: unknown option`);
  }
  // A known option that is there but not copied (a class's getter, Object.create(defaults), a
  // non-enumerable property) is refused, not dropped; one inherited by a plain object is
  // Object.prototype's, which is never read (review BF).
  const proto = Object.getPrototypeOf(options);
  const plain = proto === null || Object.getPrototypeOf(proto) === null;
  for (const key of known) {
    if (!(key in own) && key in options && (!plain || Object.hasOwn(options, key))) {
      throw new TypeError(`${what}.${key}: not an own enumerable property, so not read`);
    }
  }
  return own;
}

/**
 * `value` (a promise or a plain value) as `plain(settled)`, or a rejection with `refuse()` if it
 * has not settled after `timeoutMs`. The timer is cleared when it settles, and a late rejection is
 * handled (by the race), never unhandled. `plain` maps what it settled to synchronously to a value
 * that is no thenable (a string, a copied array): a promise resolved with an object reads its
 * `then` again, and one that has become a function by then would be adopted past the deadline.
 * Without `hold`, the timer holds no Node process open (work after the answer: receiver.js).
 */
export function withDeadline(value, timeoutMs, refuse, plain, hold = true) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
  let timer;
  const expired = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(refuse()), timeoutMs);
    if (!hold) timer.unref?.();
  });
  const settled = new Promise((resolve) => resolve(value)).then(plain);
  return Promise.race([settled, expired]).finally(() => clearTimeout(timer));
}

/**
 * The mark of an error of a body's read that a client's going away caused (isClientGone): a
 * registered symbol, so that each bundle of the package (an adapter's and the receiver's) reads
 * the mark another made (review CZ: a module's own WeakSet was not seen across them).
 */
const GONE = Symbol.for('vessel-webhooks.clientGone');

/** `error`, marked as a client's going away mid-body (an error that takes no mark stays as it is). */
export function clientGone(error) {
  if (error !== null && typeof error === 'object') {
    try {
      Object.defineProperty(error, GONE, { value: true });
    } catch {
      // frozen: the server's error as any other
    }
  }
  return error;
}

/**
 * Whether `error` is a body's read that ended because the client went away, whom no answer
 * reaches: not printed by a middleware without a next (review CL: the socket's state hid a
 * resolver's failure that came after the sender gave up).
 */
export function isClientGone(error) {
  try {
    return error !== null && typeof error === 'object' && Object.hasOwn(error, GONE);
  } catch {
    return false; // a Proxy whose trap throws: no mark
  }
}

/**
 * The whole body of `req` as one Uint8Array. Rejects with `refuse(code, message)`:
 * - `BODY_TOO_LARGE` when its Content-Length is over `maxBodyBytes` (before reading anything), or
 *   as soon as the bytes received cross it (a chunked body has no Content-Length): an oversized
 *   body is never held whole;
 * - `BODY_TIMEOUT` when the last byte has not arrived `timeoutMs` after the call: a body trickled
 *   a byte at a time, or a Content-Length longer than what is sent, cannot hold the request open.
 * A stream error or a connection closed before the end rejects with that error.
 *
 * On a refusal the listeners are removed and the stream is left flowing, so the rest is read and
 * dropped (a connection that will carry more requests stays usable); after BODY_TIMEOUT the caller
 * should answer with `Connection: close`, or the dropping lasts as long as the client sends.
 */
export function readIncoming(req, { maxBodyBytes, timeoutMs, refuse }) {
  return new Promise((resolve, reject) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBodyBytes) {
      reject(
        refuse('BODY_TOO_LARGE', `content-length: more than the limit of ${maxBodyBytes} bytes`),
      );
      return;
    }
    // Ended or gone before this read: 'end' and 'close' will not come again (review BN: a body a
    // parser read to its empty end waited out the deadline, a 408).
    if (req.readableEnded) {
      resolve(new Uint8Array(0));
      return;
    }
    if (req.destroyed) {
      reject(clientGone(req.errored ?? new Error('request: closed before the body ended')));
      return;
    }
    const collected = byteCollector(lengthOf(declared) ?? maxBodyBytes);
    const timer = setTimeout(
      () => settle(refuse('BODY_TIMEOUT', `body: not received within ${timeoutMs} ms`)),
      timeoutMs,
    );
    function settle(error) {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error !== undefined) {
        dropRest(req, timeoutMs);
        reject(error);
        return;
      }
      resolve(collected.bytes());
    }
    function onData(chunk) {
      // After req.setEncoding() the chunks are text, no longer the bytes that were signed (review
      // BN: re-encoded, an authentic body was a forgery, and invalid UTF-8 read as U+FFFD verified).
      if (typeof chunk === 'string') {
        settle(SET_ENCODING());
      } else if (collected.length + chunk.byteLength > maxBodyBytes) {
        settle(refuse('BODY_TOO_LARGE', `body: more than the limit of ${maxBodyBytes} bytes`));
      } else {
        collected.push(chunk);
      }
    }
    const onEnd = () => settle();
    const onError = (error) => settle(clientGone(error));
    const onClose = () => settle(clientGone(new Error('request: closed before the body ended')));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * The body of `req` as a Fetch API body for verifyRequest: read with readIncoming (the cap, the
 * deadline) when the reader pulls it. Its codes' statuses are VesselWebhookError's (api.js):
 * BODY_TIMEOUT 408, TOKEN_LOOKUP_TIMEOUT 503.
 */
export function incomingBody(req, read) {
  return new ReadableStream(
    {
      async pull(controller) {
        controller.enqueue(await readIncoming(req, read));
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}
