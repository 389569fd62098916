// vessel-webhooks/express: Express (and Connect-style) middleware. It imports the package by its
// own name, so require and import of this subpath share the core's one wasm instance and its one
// VesselWebhookError class; scripts/build.sh makes dist/express.cjs from this file for require.
import { verify, verifyRequest, VesselWebhookError } from 'vessel-webhooks';
import {
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TOKEN_LOOKUP_TIMEOUT_MS,
  checkKeys,
  endEarly,
  incomingBody,
  notReceived,
  otherMethod,
  ownTokens,
  readBefore,
  readTimeout,
  refuseMethod,
  tokenAnswer,
  withDeadline,
} from './incoming.js';

const OPTION_KEYS = new Set([
  'accessToken',
  'getAccessToken',
  'toleranceSeconds',
  'maxBodyBytes',
  'strict',
  'bodyTimeoutMs',
  'tokenLookupTimeoutMs',
]);

/** A refusal with its code (and the code's status). */
const refusal = (code, message) => new VesselWebhookError(code, message);

/** Answers `status` with `{ "error": code }` (and nothing else: no message, no body text). */
function answer(res, status, code) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ error: code }));
}

/**
 * The request to verify: its headers and its body. The stream, while nobody has read it: then
 * req.body is at most a parser's placeholder (Express 4's body-parser sets `{}` when the content
 * type does not match, and reads nothing). Once something read the stream, the raw body a
 * middleware kept in req.rawBody (readBefore), else what it left in req.body, as a body read
 * before: a Buffer (express.raw), a string (express.text), or the value express.json() parsed,
 * signed as its JSON.stringify, which is what Vessel signs. A value from
 * another parser (express.urlencoded made an object of a form) is verified the same way and fails
 * as a forgery would: Vessel only sends JSON.
 */
function requestOf(req, read) {
  return req.readableDidRead
    ? readBefore(req, 'vesselWebhook')
    : { headers: req.headers, body: incomingBody(req, read) };
}

/**
 * Middleware that authenticates a Vessel delivery: on success it sets `req.vesselEvent` and calls
 * next(); on failure it answers the error's status with `{ "error": CODE }`. The access token is
 * `accessToken` (a string or an array of them) or what `getAccessToken(connectionId, req)` gives
 * (or resolves to) for the x-vessel-connection-id; undefined or null means an unknown connection
 * (401). Deadlines: the body must arrive within `bodyTimeoutMs` (408 BODY_TIMEOUT, and the
 * connection is closed) and the resolver settle within `tokenLookupTimeoutMs` (503
 * TOKEN_LOOKUP_TIMEOUT). A method other than POST (mounted with app.use) is answered 405
 * METHOD_NOT_ALLOWED with `Allow: POST`. Other errors (the resolver's own, a body read and dropped
 * before) go to next as the cause of notReceived's error: Express answers 500 (or the 4xx/5xx
 * status the error carries), and Vessel retries.
 */
export function vesselWebhook(options) {
  const {
    accessToken: given,
    getAccessToken,
    bodyTimeoutMs,
    tokenLookupTimeoutMs,
    ...rest
  } = checkKeys(options, OPTION_KEYS, 'options');
  // Without a prototype too, as checkKeys's copy: `checks.maxBodyBytes` caps the read (review BF).
  const checks = { __proto__: null, ...rest };
  const accessToken = ownTokens(given);
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
  const read = {
    maxBodyBytes: checks.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    timeoutMs: readTimeout(bodyTimeoutMs, 'bodyTimeoutMs', DEFAULT_BODY_TIMEOUT_MS),
    refuse: refusal,
  };
  const lookupMs = readTimeout(
    tokenLookupTimeoutMs,
    'tokenLookupTimeoutMs',
    DEFAULT_TOKEN_LOOKUP_TIMEOUT_MS,
  );
  const lookupTimeout = () =>
    refusal('TOKEN_LOOKUP_TIMEOUT', `getAccessToken: no answer within ${lookupMs} ms`);

  return async function vesselWebhookMiddleware(req, res, next) {
    if (otherMethod(req.method)) {
      refuseMethod(req, res);
      return;
    }
    const tokens =
      getAccessToken === undefined
        ? accessToken
        : (connectionId) =>
            withDeadline(getAccessToken(connectionId, req), lookupMs, lookupTimeout, tokenAnswer);
    try {
      req.vesselEvent = await verifyRequest(requestOf(req, read), tokens, checks);
    } catch (error) {
      // What is left of the body is dropped, so the connection can carry the answer, and closed
      // after it when the body is still arriving (over the cap, past the deadline).
      endEarly(req, res);
      if (!(error instanceof VesselWebhookError)) {
        next(notReceived(error));
        return;
      }
      answer(res, error.status, error.code);
      return;
    }
    next();
  };
}
