// vessel-webhooks/express: Express (and Connect-style) middleware. It imports the package by its
// own name, so require and import of this subpath share the core's one wasm instance and its one
// VesselWebhookError class; scripts/build.sh makes dist/express.cjs from this file for require.
import { verify, verifyRequest, VesselWebhookError } from 'vessel-webhooks';

const OPTION_KEYS = new Set([
  'accessToken',
  'getAccessToken',
  'toleranceSeconds',
  'maxBodyBytes',
  'strict',
]);

/** The request stream as a Fetch API body, read only when verifyRequest pulls it. */
function streamOf(req) {
  const chunks = req.iterator({ destroyOnReturn: false });
  return new ReadableStream(
    {
      async pull(controller) {
        const { done, value } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      // Over the size cap: stop reading, but leave req whole. Destroying it would close the
      // socket before the 413 is written; the rest is discarded by req.resume() below.
      cancel: () => chunks.return(),
    },
    { highWaterMark: 0 },
  );
}

/**
 * The body to verify. The stream, while nobody has read it: then req.body is at most a parser's
 * placeholder (Express 4's body-parser sets `{}` when the content type does not match, and reads
 * nothing). Once something read the stream, what it left in req.body: a Buffer (express.raw), a
 * string (express.text), or the value express.json() parsed, signed as its JSON.stringify, which
 * is what Vessel signs. A value from another parser (express.urlencoded made an object of a form)
 * is verified the same way and fails as a forgery would: Vessel only sends JSON.
 */
function bodyOf(req) {
  if (!req.readableDidRead) return streamOf(req);
  const { body } = req;
  if (body === undefined) {
    throw new Error(
      'vesselWebhook: the request body was read before, and req.body holds nothing to verify; ' +
        'mount vesselWebhook before what read it, or after express.json(), raw() or text()',
    );
  }
  const raw = typeof body === 'string' || ArrayBuffer.isView(body);
  return new Response(raw ? body : JSON.stringify(body)).body;
}

/**
 * Middleware that authenticates a Vessel delivery: on success it sets `req.vesselEvent` and calls
 * next(); on failure it answers the error's status with `{ "error": CODE }`. The access token is
 * `accessToken` (a string or an array of them) or what `getAccessToken(connectionId, req)` gives
 * (or resolves to) for the x-vessel-connection-id; undefined or null means an unknown connection
 * (401). Other errors (the resolver's own, a body read and dropped before) go to next(error):
 * Express answers 500, and Vessel retries later.
 */
export function vesselWebhook(options) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('options: expected an object');
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new TypeError(`options.${key}: unknown option`);
  }
  const { accessToken, getAccessToken, ...checks } = options;
  if ((accessToken === undefined) === (getAccessToken === undefined)) {
    throw new TypeError('options: expected either accessToken or getAccessToken');
  }
  if (getAccessToken !== undefined && typeof getAccessToken !== 'function') {
    throw new TypeError('options.getAccessToken: expected a function');
  }
  // verify() checks the token(s) and the other options as every request will, throwing TypeError
  // now rather than per request; this empty request it only refuses. A resolver's tokens are
  // checked when it gives them, so a stand-in takes their place here.
  verify('{}', {}, getAccessToken === undefined ? accessToken : 'stand-in', checks);

  return async function vesselWebhookMiddleware(req, res, next) {
    const tokens =
      getAccessToken === undefined
        ? accessToken
        : (connectionId) => getAccessToken(connectionId, req);
    try {
      const request = { headers: req.headers, body: bodyOf(req) };
      req.vesselEvent = await verifyRequest(request, tokens, checks);
    } catch (error) {
      // Discard what is left of the body unbuffered, so the connection can carry the answer.
      req.resume();
      if (!(error instanceof VesselWebhookError)) {
        next(error);
        return;
      }
      res.statusCode = error.status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: error.code }));
      return;
    }
    next();
  };
}
