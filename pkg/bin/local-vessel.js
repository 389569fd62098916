// The local Vessel of `vessel-webhooks serve`: an HTTP server with Vessel's webhook management API
// as its docs give it, and a control API under /_local/ to link connections, trigger events and
// read the log of delivery attempts. All state is in memory and lost when it stops.
//
// Decisions (the docs say nothing on these):
// - A connection exists once linked, standing in for "exchange the publicToken for an
//   accessToken": `serve --token T`, or POST /_local/connections. Its connectionId is derived
//   from the token (events.js), so it is the same in every run and in `trigger`.
// - The vessel-api-token header of the docs' example is accepted and not checked.
// - Every endpoint takes its parameters from the JSON body, or else the query string (GET has no
//   body; DELETE bodies are dropped by some clients).
// - Errors are 4xx with `{ "error": CODE, "message": … }`.
// - A triggered event is answered 202 at once and delivered in the background, to the webhookUrl
//   of that moment, with the retries of deliver.js.
//
// A web page must not drive it (issue 14, item 7): it listens on 127.0.0.1, but a browser on the
// same machine reaches that too. So, before anything else:
// - a request whose Origin is not a loopback one (http://127.0.0.1, localhost or [::1], any port)
//   is refused 403 ORIGIN_NOT_ALLOWED: no page of another site can make it do anything;
// - a POST, and any request with a body, must be `Content-Type: application/json` (else 415
//   UNSUPPORTED_CONTENT_TYPE), which a page cannot send cross-site without a CORS preflight
//   (never granted);
// - the Host must be localhost, 127.0.0.1, [::1] or the IP address the connection came in on,
//   with the listening port (else 403 HOST_NOT_ALLOWED): a DNS-rebound name is refused, so a
//   page cannot read the delivery log either.
// What it keeps is bounded (LIMITS), and what it prints is escaped (terminal.js).
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { readIncoming } from '../src/incoming.js';
import { deliver, describeAttempt, isHttpUrl } from './deliver.js';
import { buildEvent, connectionIdFor, eventNames } from './events.js';
import { printable } from './terminal.js';

/**
 * What the local Vessel keeps is bounded, so a client (or a page) cannot grow it without limit.
 * Worst case kept: 1 000 connections × (1 KiB token + 2 KiB URL) + 1 000 log entries × ~3.5 KiB
 * (URL, 1 KiB answer) + 100 events in delivery × 64 KiB ≈ 13 MiB, over Node's own ~50 MiB.
 */
export const LIMITS = {
  /** Bytes of a request body (management and control requests are small). */
  requestBytes: 64 * 1024,
  /** Time a request body has to arrive whole, in ms (a slow body cannot hold a socket). */
  requestTimeoutMs: 10_000,
  /** Open client sockets at once; more are closed by Node at once. */
  sockets: 64,
  /** Linked connections (POST /_local/connections and --token); more are refused 429. */
  connections: 1000,
  /** Characters of an access token. */
  tokenLength: 1024,
  /** Characters of a webhookUrl. */
  urlLength: 2048,
  /** Entries of the delivery log (GET /_local/deliveries); the oldest are dropped. */
  logEntries: 1000,
  /** Events being delivered (and retried) at once; more triggers are refused 429. */
  deliveries: 100,
};

class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const invalid = (message) => new ApiError(400, 'INVALID_REQUEST', message);
/** A request's target as a URL; INVALID_REQUEST for one that is none. */
function urlOf(target) {
  try {
    return new URL(target, 'http://localhost');
  } catch {
    throw invalid('request-target: not a URL');
  }
}

function nonEmptyString(value, name, maxLength = Infinity) {
  if (typeof value !== 'string' || value === '') {
    throw invalid(`${name}: expected a non-empty string`);
  }
  if (value.length > maxLength) {
    throw invalid(`${name}: longer than ${maxLength} characters`);
  }
  return value;
}

/** The status of the refusals of readIncoming's codes. */
const READ_REFUSALS = {
  BODY_TOO_LARGE: [413, 'REQUEST_TOO_LARGE'],
  BODY_TIMEOUT: [408, 'REQUEST_TIMEOUT'],
};

const refuseRead = (code, message) => new ApiError(...READ_REFUSALS[code], message);

/**
 * The request's parameters: its JSON object body (at most `limits.requestBytes`, arrived within
 * `limits.requestTimeoutMs`), or else its query string.
 */
async function readParams(req, url, limits) {
  const read = {
    maxBodyBytes: limits.requestBytes,
    timeoutMs: limits.requestTimeoutMs,
    refuse: refuseRead,
  };
  const text = new TextDecoder().decode(await readIncoming(req, read));
  if (text.trim() === '') return Object.fromEntries(url.searchParams);
  let params;
  try {
    params = JSON.parse(text);
  } catch {
    throw invalid('body: expected JSON');
  }
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw invalid('body: expected a JSON object');
  }
  return params;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An access token as printed: its first 4 characters when it is longer than 8, never all of it. */
function hint(accessToken) {
  return `${accessToken.length > 8 ? accessToken.slice(0, 4) : ''}… (${accessToken.length} characters)`;
}

/** Whether `origin` (an Origin header) is a page served from this machine's loopback. */
function isLoopbackOrigin(origin) {
  try {
    const url = new URL(origin);
    return /^https?:$/.test(url.protocol) && LOOPBACK_NAMES.has(url.hostname);
  } catch {
    return false; // `null` (sandboxed frames, file:) and anything unparsable
  }
}

/**
 * Whether the Host header names this server: a loopback name or the IP address the connection
 * came in on (never a DNS name that could be rebound to it), with its port.
 */
function isOwnHost(req) {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::([0-9]+))?$/.exec(
    (req.headers.host ?? '').toLowerCase(),
  );
  if (match === null) return false;
  const [, name, port = '80'] = match;
  if (Number(port) !== req.socket.localPort) return false;
  const local = req.socket.localAddress.replace(/^::ffff:(?=\d+\.)/, '');
  return LOOPBACK_NAMES.has(name) || name === (local.includes(':') ? `[${local}]` : local);
}

/** Refuses what a web page could send: a foreign Origin or Host, a body that is not JSON. */
function checkSender(req) {
  const { origin } = req.headers;
  if (origin !== undefined && !isLoopbackOrigin(origin)) {
    throw new ApiError(403, 'ORIGIN_NOT_ALLOWED', 'Origin: only loopback pages may call');
  }
  if (!isOwnHost(req)) {
    throw new ApiError(
      403,
      'HOST_NOT_ALLOWED',
      'Host: expected localhost, 127.0.0.1, [::1] or the address connected to, with the port',
    );
  }
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    (req.headers['content-length'] ?? '0') !== '0';
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if ((req.method === 'POST' || hasBody) && type !== 'application/json') {
    throw new ApiError(415, 'UNSUPPORTED_CONTENT_TYPE', 'Content-Type: expected application/json');
  }
}

/**
 * The local Vessel as an http.Server, not yet listening. `accessTokens` are linked from the start;
 * deliveries use `retries`, `backoffMs` and `timeoutMs` (deliver.js); `log` gets one line per
 * change and per delivery attempt, its control characters escaped. `limits` overrides some of
 * LIMITS (tests use small ones).
 */
export function createLocalVessel(
  { accessTokens = [], retries, backoffMs, timeoutMs, limits: someLimits },
  log,
) {
  const limits = { ...LIMITS, ...someLimits };
  /** accessToken → { accessToken, connectionId, webhook: null | { webhookId, … } } */
  const connections = new Map();
  /** The last `limits.logEntries` delivery attempts, oldest first. */
  const deliveries = [];
  /** Events being delivered now. */
  let delivering = 0;
  const say = (line) => log(printable(line));

  function link(accessToken) {
    nonEmptyString(accessToken, 'accessToken', limits.tokenLength);
    let connection = connections.get(accessToken);
    const created = connection === undefined;
    if (created) {
      if (connections.size >= limits.connections) {
        throw new ApiError(
          429,
          'TOO_MANY_CONNECTIONS',
          `at most ${limits.connections} linked connections; restart to start afresh`,
        );
      }
      connection = { accessToken, connectionId: connectionIdFor(accessToken), webhook: null };
      connections.set(accessToken, connection);
      say(`connection ${connection.connectionId} linked for access token ${hint(accessToken)}`);
    }
    return { connection, created };
  }

  function connectionOf(accessToken) {
    const connection = connections.get(nonEmptyString(accessToken, 'accessToken'));
    if (connection === undefined) {
      throw new ApiError(401, 'UNKNOWN_ACCESS_TOKEN', 'accessToken: no linked connection has it');
    }
    return connection;
  }

  /** The connection's webhook with this webhookId; another connection's is not found either. */
  function webhookOf({ accessToken, webhookId }) {
    const connection = connectionOf(accessToken);
    nonEmptyString(webhookId, 'webhookId');
    if (connection.webhook?.webhookId !== webhookId) {
      throw new ApiError(404, 'WEBHOOK_NOT_FOUND', 'webhookId: no such webhook on this connection');
    }
    return connection;
  }

  function createWebhook({ accessToken, webhook }) {
    const connection = connectionOf(accessToken);
    const webhookUrl = nonEmptyString(webhook?.webhookUrl, 'webhook.webhookUrl', limits.urlLength);
    if (!isHttpUrl(webhookUrl)) {
      throw invalid('webhook.webhookUrl: expected an http or https URL, without credentials');
    }
    if (connection.webhook !== null) {
      throw new ApiError(
        409,
        'WEBHOOK_EXISTS',
        'only one webhook per connection: delete it (DELETE /connection/webhook) to change it',
      );
    }
    connection.webhook = {
      webhookId: `wh_${randomUUID()}`,
      connectionId: connection.connectionId,
      webhookUrl,
      createdTime: new Date().toISOString(),
    };
    say(
      `webhook ${connection.webhook.webhookId} created: ${connection.connectionId} → ${webhookUrl}`,
    );
    return [200, { webhook: connection.webhook }];
  }

  function deleteWebhook(params) {
    const connection = webhookOf(params);
    say(`webhook ${connection.webhook.webhookId} deleted`);
    connection.webhook = null;
    return [200, {}];
  }

  function linkConnection({ accessToken = `tok_local_${randomUUID()}` }) {
    const { connection, created } = link(accessToken);
    return [created ? 201 : 200, { accessToken, connectionId: connection.connectionId }];
  }

  function connectionById(connectionId) {
    nonEmptyString(connectionId, 'connectionId');
    for (const connection of connections.values()) {
      if (connection.connectionId === connectionId) return connection;
    }
    throw new ApiError(404, 'UNKNOWN_CONNECTION', 'connectionId: no such linked connection');
  }

  function trigger({ accessToken, connectionId, event: name, record }) {
    if ((accessToken === undefined) === (connectionId === undefined)) {
      throw invalid('expected either accessToken or connectionId');
    }
    const connection =
      accessToken === undefined ? connectionById(connectionId) : connectionOf(accessToken);
    if (connection.webhook === null) {
      throw new ApiError(
        409,
        'NO_WEBHOOK',
        'this connection has no webhook: create one with POST /connection/webhook',
      );
    }
    // A name that is no string is a malformed request, not an unknown event (review CK: a deep
    // array was UNKNOWN_EVENT with V8's stack-overflow message).
    if (typeof name !== 'string') throw invalid('event: expected an event name (a string)');
    let event;
    try {
      event = buildEvent(name, connection.connectionId, record);
    } catch (error) {
      if (error instanceof RangeError) {
        throw new ApiError(400, 'UNKNOWN_EVENT', error.message, { events: eventNames });
      }
      throw invalid(error.message);
    }
    if (delivering >= limits.deliveries) {
      throw new ApiError(
        429,
        'TOO_MANY_DELIVERIES',
        `at most ${limits.deliveries} events in delivery at once; try again later`,
      );
    }
    const { connectionId: id, accessToken: token, webhook } = connection;
    const { webhookUrl } = webhook;
    say(`${name} ${event.eventId} → ${webhookUrl}`);
    const options = { url: webhookUrl, event, accessToken: token, connectionId: id };
    delivering++;
    deliver({ ...options, retries, backoffMs, timeoutMs }, (attempt) => {
      deliveries.push({ ...attempt, connectionId: id, webhookUrl });
      if (deliveries.length > limits.logEntries) deliveries.shift();
      log(describeAttempt(attempt)); // escaped by describeAttempt
    }).finally(() => delivering--);
    return [202, { eventId: event.eventId, event }];
  }

  function listDeliveries({ eventId }) {
    // A copy: the log changes while a long answer is written (sendJson).
    const list =
      eventId === undefined ? deliveries.slice() : deliveries.filter((d) => d.eventId === eventId);
    return [200, { deliveries: list }];
  }

  const management = {
    GET: (params) => [200, { webhook: webhookOf(params).webhook }],
    POST: createWebhook,
    DELETE: deleteWebhook,
  };
  const routes = {
    '/connection/webhook': management,
    // The docs' table names the same endpoints without the /connection prefix.
    '/webhook': management,
    '/_local/connections': { POST: linkConnection },
    '/_local/trigger': { POST: trigger },
    '/_local/deliveries': { GET: listDeliveries },
  };

  for (const accessToken of accessTokens) link(accessToken);

  // A socket that sends no request (or too slowly) is closed after requestTimeoutMs, checked
  // every second: Node's defaults (60 s, checked every 30 s) let 64 idle sockets lock the API.
  const timeouts = {
    headersTimeout: limits.requestTimeoutMs,
    requestTimeout: 2 * limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, limits.requestTimeoutMs),
  };
  const server = http.createServer(timeouts, async (req, res) => {
    let status;
    let answer;
    try {
      checkSender(req);
      // A request-target that is no URL (`http://[/`) is the client's mistake (review CK: a 500).
      const url = urlOf(req.url);
      const methods = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
      if (methods === undefined)
        throw new ApiError(404, 'NOT_FOUND', `no endpoint ${url.pathname}`);
      if (!Object.hasOwn(methods, req.method)) {
        res.setHeader('allow', Object.keys(methods).join(', '));
        throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${url.pathname}: ${req.method} not allowed`);
      }
      [status, answer] = methods[req.method](await readParams(req, url, limits));
    } catch (caught) {
      let error = caught;
      if (!(error instanceof ApiError)) {
        // A bug, or a client gone mid-request (one line: no bug): answer 500 and serve on.
        if (req.socket.destroyed) say(`a client went away mid-request (${error.message})`);
        else for (const line of `internal error: ${error.stack}`.split('\n')) say(line);
        error = new ApiError(500, 'INTERNAL_ERROR', 'the local Vessel failed; see its output');
      }
      status = error.status;
      answer = { error: error.code, message: error.message, ...error.details };
      // Refused before the whole body was read (too large): do not wait for the rest.
      if (!req.complete) res.setHeader('connection', 'close');
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    await sendJson(res, answer).catch(() => res.destroy());
  });
  server.maxConnections = limits.sockets;
  // A socket on which nothing moves for twice requestTimeoutMs is closed: an answer its client
  // does not read (review BS) holds it no longer than a request may take to arrive.
  server.setTimeout(2 * limits.requestTimeoutMs);
  return server;
}

/**
 * Writes `answer` as JSON; a delivery log (up to ~18 MB of JSON, its control characters escaped)
 * an entry at a time, each once the socket has taken the ones before: a client that does not read
 * holds a socket's buffer of it, not all of it (review BS: 64 such sockets held 1.1 GB).
 */
async function sendJson(res, answer) {
  const { deliveries } = answer;
  if (!Array.isArray(deliveries)) {
    res.end(JSON.stringify(answer));
    return;
  }
  let before = '{"deliveries":[';
  for (const entry of deliveries) {
    if (!res.write(before + JSON.stringify(entry))) await drained(res);
    if (res.destroyed) return;
    before = ',';
  }
  res.end(`${before === ',' ? '' : before}]}`);
}

/** Resolves when `res` can take more, or is closed. */
function drained(res) {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
