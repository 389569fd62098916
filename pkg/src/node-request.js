// Internal to the Node adapters (vessel-webhooks/fastify and /koa): a Node IncomingMessage as the
// Fetch API Request that VesselWebhooks#fetch takes, and its Response back as plain parts. Not an
// entry point: each adapter's bundle (scripts/build.sh) carries its own copy. No static node:
// import.
import { DEFAULT_BODY_TIMEOUT_MS, parsedBody, requestReadBefore } from './incoming.js';

/**
 * The request stream as a Fetch API body of Uint8Arrays, read only as the reader pulls it (so
 * that a size cap stops the reading). A body whose last byte has not arrived 10 s after the first
 * read (trickled, or a Content-Length longer than what is sent) destroys the request, which
 * closes the connection: the read fails and nothing is answered, so the client cannot hold it.
 */
export function streamOf(req) {
  const chunks = req.iterator({ destroyOnReturn: false });
  let timer;
  return new ReadableStream(
    {
      async pull(controller) {
        timer ??= setTimeout(
          () => req.destroy(new Error(`body: not received within ${DEFAULT_BODY_TIMEOUT_MS} ms`)),
          DEFAULT_BODY_TIMEOUT_MS,
        );
        let read;
        try {
          read = await chunks.next();
        } catch (error) {
          clearTimeout(timer);
          throw error;
        }
        const { done, value } = read;
        if (done) {
          clearTimeout(timer);
          controller.close();
        } else {
          controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
        }
      },
      // Over the receiver's size cap: stop reading but keep the socket, so that the 413 is
      // written; what is left is discarded unbuffered.
      async cancel() {
        clearTimeout(timer);
        await chunks.return();
        req.resume();
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
 * The Fetch API Request for `req`, whose stream the receiver reads under its own size cap. Always
 * POST: it carries the delivery's headers and body to the receiver.
 */
export function fetchRequestOf(req) {
  return new Request(urlOf(req.url), {
    method: 'POST',
    headers: headersOf(req),
    body: streamOf(req),
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
