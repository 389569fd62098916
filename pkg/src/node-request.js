// Internal to the Node adapters (vessel-webhooks/fastify and /koa): a Node IncomingMessage as the
// Fetch API Request that VesselWebhooks#fetch takes, and its Response back as plain parts. Not an
// entry point: each adapter's bundle (scripts/build.sh) carries its own copy. No static node:
// import.
import {
  BODY_CAP,
  clientGone,
  DEFAULT_BODY_TIMEOUT_MS,
  SET_ENCODING,
  byteCollector,
  dropRest,
  parsedBody,
  requestReadBefore,
} from './incoming.js';

/** A hook's text chunks as bytes (streamOf). */
const UTF8 = new TextEncoder();

/** The bytes the body stream gives a read at most (the last one may be shorter). */
const BATCH_BYTES = 64 * 1024;

/**
 * The request stream as a Fetch API body of Uint8Arrays, read only as the reader pulls it (so
 * that a size cap stops the reading), its HTTP chunks gathered into reads of BATCH_BYTES: a body
 * sent a byte per chunk costs a 'data' event a byte, not a read of a web stream (about three
 * times Node's own cost of the chunk). A read also ends as soon as the body passes `cap` bytes
 * (the receiver's maxBodyBytes), so that a body that crossed it and stalled is answered 413 at
 * once (review BN: it waited for 64 KiB, or the deadline). Between reads the request is paused. A
 * body whose last byte has not arrived 10 s after the first read (trickled, or a Content-Length
 * longer than what is sent) destroys the request, which closes the connection: the read fails and
 * nothing is answered, so the client cannot hold it (over HTTP/2 the stream stays, and the
 * framework answers the failed read 408).
 *
 * `req` may be a stream a framework's hooks made of the request `owner` (Fastify's preParsing
 * `payload`): the deadline and the drop of what is left then act on both, since only the
 * request's end closes the connection (review CC: behind a hook's PassThrough a trickled body
 * held it open), and its text chunks are taken as UTF-8 text, as a parser's text is (README,
 * Express); only the request's own text chunks mean setEncoding().
 */
export function streamOf(req, cap = Infinity, owner = req) {
  let timer;
  let total = 0;
  // The streams the deadline and the drop act on: the request, and the hook's stream of it.
  const streams = owner === req ? [req] : [req, owner];
  const drop = () => streams.forEach((stream) => dropRest(stream, DEFAULT_BODY_TIMEOUT_MS));
  // Whether the client left: the request destroyed or aborted, or its HTTP/2 stream reset.
  const left = () => owner.destroyed || owner.aborted === true || owner.stream?.destroyed === true;
  // A read that failed because the client left is its going away. Behind a hook's stream, a hook
  // that failed may have destroyed the request with its own error, as pipeline() does (reviews
  // CZ, DA): the request's going away is then the client's only with no error, or Node's own for
  // a client that left (ECONNRESET), or pipeline()'s for a request that ended short (review DB).
  const gone = (error) =>
    left() &&
    (owner === req ||
      owner.errored == null ||
      owner.errored.code === 'ECONNRESET' ||
      owner.errored.code === 'ERR_STREAM_PREMATURE_CLOSE')
      ? clientGone(error)
      : error;
  return new ReadableStream(
    {
      pull(controller) {
        timer ??= setTimeout(() => {
          // The request is destroyed with it: the client's going away; exposed, since its message
          // is ours, so that Koa, which hears of it from the socket too, does not print it
          // (review CW).
          const error = Object.assign(
            new Error(`body: not received within ${DEFAULT_BODY_TIMEOUT_MS} ms`),
            { status: 408, expose: true },
          );
          streams.forEach((stream) => stream.destroy(clientGone(error)));
        }, DEFAULT_BODY_TIMEOUT_MS);
        // Ended or destroyed before this read (emits nothing more to wait for).
        if (req.readableEnded || req.destroyed) {
          clearTimeout(timer);
          if (req.readableEnded) {
            controller.close();
            return undefined;
          }
          return Promise.reject(
            gone(req.errored ?? new Error('request: closed before the body ended')),
          );
        }
        return new Promise((resolve, reject) => {
          const batch = byteCollector(BATCH_BYTES);
          function settle(error) {
            req.off('data', onData);
            req.off('end', onEnd);
            req.off('error', onError);
            req.off('close', onClose);
            if (error !== undefined) {
              // What is left is dropped, within a deadline (a request in text mode, review BP).
              clearTimeout(timer);
              drop();
              reject(error);
            } else {
              if (batch.length > 0) controller.enqueue(batch.bytes());
              resolve();
            }
          }
          function onData(given) {
            let chunk = given;
            if (typeof chunk === 'string') {
              // After req.setEncoding() the chunks are text, no longer the bytes that were signed.
              if (owner === req) {
                settle(SET_ENCODING());
                return;
              }
              chunk = UTF8.encode(chunk);
            }
            batch.push(chunk);
            total += chunk.length;
            if (batch.length >= BATCH_BYTES || total > cap) {
              req.pause();
              settle();
            }
          }
          function onEnd() {
            clearTimeout(timer);
            // Node's HTTP/2 request ends its body when its stream is reset: behind a pipe() hook
            // that is an end of the hook's stream too, and a body cut short read as whole was a
            // forgery (review DB). A reset request is the client's going away.
            if (owner.aborted === true) {
              settle(clientGone(new Error('request: closed before the body ended')));
              return;
            }
            settle();
            controller.close();
          }
          const onError = (error) => settle(gone(error));
          const onClose = () => settle(gone(new Error('request: closed before the body ended')));
          req.on('data', onData);
          req.on('end', onEnd);
          req.on('error', onError);
          req.on('close', onClose);
          req.resume();
        });
      },
      // Over the receiver's size cap: stop reading but keep the socket, so that the 413 is
      // written (with Connection: close, answeredEarly); what is left is dropped, within a
      // deadline, for a client that would send on and not read the answer (review BN).
      cancel() {
        clearTimeout(timer);
        drop();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The request-target as a URL on http://localhost, for getAccessToken, or that origin's root when
 * it is none (`http://[/hook`: the client's to choose, so never a TypeError).
 */
function urlOf(target = '/') {
  try {
    return new URL(target, 'http://localhost');
  } catch {
    return 'http://localhost/';
  }
}

/** `req`'s headers as fetch Headers. */
function headersOf(req) {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    // HTTP/2's pseudo-headers (:method, :path…) are not header names: Headers throws on them.
    if (!req.rawHeaders[i].startsWith(':'))
      headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  return headers;
}

/**
 * Throws unless this Node has the Fetch API (not with --no-experimental-fetch): the adapter
 * `name` hands the receiver a Request for each delivery, and without one each would be a 500 that
 * onDelivery never hears of (review DC). Checked when the adapter is made.
 */
export function checkFetchApi(name) {
  if ([typeof Request, typeof Headers, typeof Response].some((type) => type !== 'function')) {
    throw new TypeError(
      `${name}: this Node has no Fetch API (Request, Headers, Response), which the adapter ` +
        'needs; was it started with --no-experimental-fetch?',
    );
  }
}

/**
 * The Fetch API Request for `req`, whose body `stream` (`req` itself, or what a framework's hooks
 * made of it: Fastify's preParsing `payload`) the receiver `webhooks` reads under its own size
 * cap. Always POST: it carries the delivery's headers and body to the receiver.
 */
export function fetchRequestOf(req, webhooks, stream = req) {
  return new Request(urlOf(req.url), {
    method: 'POST',
    headers: headersOf(req),
    body: streamOf(stream, webhooks[BODY_CAP], req),
    duplex: 'half',
  });
}

/**
 * The request for `req` whose body a framework's parser already read (`body`, what it left): its
 * `url`, `method`, `headers` and that body (parsedBody: the core checks a parsed value's
 * JSON.stringify, which is what Vessel signs, and refuses one too deep for it with a code).
 */
export function readBeforeRequestOf(req, body) {
  const request = requestReadBefore(headersOf(req), parsedBody(body, 'vesselWebhook'));
  return { url: String(urlOf(req.url)), method: 'POST', ...request };
}

/** A Response's status, headers (as an object) and body text, for a framework's reply API. */
export async function partsOf(response) {
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: await response.text(),
  };
}
