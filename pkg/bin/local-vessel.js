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
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { deliver, describeAttempt, isHttpUrl } from './deliver.js';
import { buildEvent, connectionIdFor, eventNames } from './events.js';

/** Management and control requests are small: longer bodies are refused. */
const MAX_REQUEST_BYTES = 1024 * 1024;

class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const invalid = (message) => new ApiError(400, 'INVALID_REQUEST', message);

function nonEmptyString(value, name) {
  if (typeof value !== 'string' || value === '') {
    throw invalid(`${name}: expected a non-empty string`);
  }
  return value;
}

/** The request's parameters: its JSON object body, or else its query string. */
async function readParams(req, url) {
  const chunks = [];
  let length = 0;
  for await (const chunk of req) {
    length += chunk.length;
    if (length > MAX_REQUEST_BYTES) {
      throw new ApiError(413, 'REQUEST_TOO_LARGE', `more than ${MAX_REQUEST_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
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

/**
 * The local Vessel as an http.Server, not yet listening. `accessTokens` are linked from the start;
 * deliveries use `retries`, `backoffMs` and `timeoutMs` (deliver.js); `log` gets one line per
 * change and per delivery attempt.
 */
export function createLocalVessel({ accessTokens = [], retries, backoffMs, timeoutMs }, log) {
  /** accessToken → { accessToken, connectionId, webhook: null | { webhookId, … } } */
  const connections = new Map();
  /** Every delivery attempt, oldest first. */
  const deliveries = [];

  function link(accessToken) {
    let connection = connections.get(accessToken);
    const created = connection === undefined;
    if (created) {
      connection = { accessToken, connectionId: connectionIdFor(accessToken), webhook: null };
      connections.set(accessToken, connection);
      log(`connection ${connection.connectionId} linked for access token ${accessToken}`);
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
    const webhookUrl = nonEmptyString(webhook?.webhookUrl, 'webhook.webhookUrl');
    if (!isHttpUrl(webhookUrl)) {
      throw invalid('webhook.webhookUrl: expected an http or https URL');
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
    log(
      `webhook ${connection.webhook.webhookId} created: ${connection.connectionId} → ${webhookUrl}`,
    );
    return [200, { webhook: connection.webhook }];
  }

  function deleteWebhook(params) {
    const connection = webhookOf(params);
    log(`webhook ${connection.webhook.webhookId} deleted`);
    connection.webhook = null;
    return [200, {}];
  }

  function linkConnection({ accessToken = `tok_local_${randomUUID()}` }) {
    const { connection, created } = link(nonEmptyString(accessToken, 'accessToken'));
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
    let event;
    try {
      event = buildEvent(name, connection.connectionId, record);
    } catch (error) {
      if (error instanceof RangeError) {
        throw new ApiError(400, 'UNKNOWN_EVENT', error.message, { events: eventNames });
      }
      throw invalid(error.message);
    }
    const { connectionId: id, accessToken: token, webhook } = connection;
    const { webhookUrl } = webhook;
    log(`${name} ${event.eventId} → ${webhookUrl}`);
    const options = { url: webhookUrl, event, accessToken: token, connectionId: id };
    deliver({ ...options, retries, backoffMs, timeoutMs }, (attempt) => {
      deliveries.push({ ...attempt, connectionId: id, webhookUrl });
      log(describeAttempt(attempt));
    });
    return [202, { eventId: event.eventId, event }];
  }

  function listDeliveries({ eventId }) {
    const list =
      eventId === undefined ? deliveries : deliveries.filter((d) => d.eventId === eventId);
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

  return http.createServer(async (req, res) => {
    let status;
    let answer;
    try {
      const url = new URL(req.url, 'http://localhost');
      const methods = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
      if (methods === undefined)
        throw new ApiError(404, 'NOT_FOUND', `no endpoint ${url.pathname}`);
      if (!Object.hasOwn(methods, req.method)) {
        res.setHeader('allow', Object.keys(methods).join(', '));
        throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${url.pathname}: ${req.method} not allowed`);
      }
      [status, answer] = methods[req.method](await readParams(req, url));
    } catch (caught) {
      let error = caught;
      if (!(error instanceof ApiError)) {
        // A bug, or a client gone mid-request: answer 500 and serve on.
        log(`internal error: ${error.stack}`);
        error = new ApiError(500, 'INTERNAL_ERROR', 'the local Vessel failed; see its output');
      }
      status = error.status;
      answer = { error: error.code, message: error.message, ...error.details };
      // Refused before the whole body was read (too large): do not wait for the rest.
      if (!req.complete) res.setHeader('connection', 'close');
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  });
}
