#!/usr/bin/env node
// The `vessel-webhooks` command (npx vessel-webhooks): `serve` runs a local Vessel, `trigger`
// sends one signed event to a URL. Node built-ins only; signing is the package's own sign().
// Node ≥ 18.3 (util.parseArgs; its `default` of 18.11 is not used). Everything printed that
// comes from outside (tokens, URLs, names, answers) goes through terminal.js's escaping.
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { HEADER_VALUE, MAX_TIMEOUT_MS } from '../src/incoming.js';
import { DEFAULTS, MAX_ANSWER_BYTES, deliver, describeAttempt, isHttpUrl } from './deliver.js';
import { buildEvent, connectionIdFor, eventNames } from './events.js';
import { LIMITS, createLocalVessel } from './local-vessel.js';
import { printError, printLine } from './terminal.js';

const DEFAULT_PORT = 4000;

/** The event names, wrapped to fit the help. */
const eventList = eventNames
  .join(', ')
  .replace(/(.{1,92})(?:, |$)/g, '    $1,\n')
  .replace(/,\n$/, '');

const HELP = `vessel-webhooks: a local Vessel, to test a webhook receiver end to end

Usage:
  vessel-webhooks serve [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--token T]… [delivery options]
  vessel-webhooks trigger <event> --url URL --token T [--connection ID] [--record JSON]
                          [delivery options]
  vessel-webhooks --help

serve: Vessel's webhook management API, state in memory
  POST   /connection/webhook {"accessToken","webhook":{"webhookUrl"}}
         → {"webhook":{"webhookId","connectionId","webhookUrl","createdTime"}}
  GET    /connection/webhook?accessToken=T&webhookId=W → {"webhook":{…}}
  DELETE /connection/webhook {"accessToken","webhookId"} → {}
  Also at /webhook. One webhook per connection. Errors: 4xx {"error":CODE,"message":…}.
  Parameters come from the JSON body, or else the query string.
and a control API:
  POST /_local/connections {"accessToken"?}  link a connection (a new token when none is given)
       → {"accessToken","connectionId"}
  POST /_local/trigger {"accessToken"|"connectionId","event","record"?}
       send an event to the connection's webhook, in the background → 202 {"eventId","event"}
  GET  /_local/deliveries[?eventId=E]  the delivery attempts: {"deliveries":[{"eventId",
       "attempt","status"|"error","answer"?,"latencyMs","outcome","retryInMs"?,
       "connectionId","webhookUrl"}]}, outcome being delivered, retrying or failed, answer the
       start of a refusal's body
  --port N       port on the host (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H       address to listen on (default 127.0.0.1; another lets other machines use it)
  --token T      link a connection for access token T at start (repeatable)
  A connection's connectionId is derived from its access token: the same in every run, and the
  one trigger sends by default.
  Web pages cannot drive it: a request with a non-loopback Origin is refused (403
  ORIGIN_NOT_ALLOWED), a POST or a body must be application/json (415
  UNSUPPORTED_CONTENT_TYPE), the Host must be localhost, 127.0.0.1, [::1] or the address
  connected to, with the port (403 HOST_NOT_ALLOWED). Bounded: request bodies ${LIMITS.requestBytes / 1024} KiB
  within ${LIMITS.requestTimeoutMs / 1000} s, ${LIMITS.sockets} sockets, ${LIMITS.connections} connections (429 TOO_MANY_CONNECTIONS),
  tokens ${LIMITS.tokenLength} and URLs ${LIMITS.urlLength} characters, the last ${LIMITS.logEntries} delivery attempts,
  ${LIMITS.deliveries} events in delivery at once (429 TOO_MANY_DELIVERIES).

trigger: one event straight to URL, no server needed
  Built from the package's sample models with a fresh eventId, signed with T. Exits 0 once
  delivered, 1 if never delivered, 2 on a usage error.
  --url URL         the receiver
  --token T         the access token to sign with
  --connection ID   the x-vessel-connection-id (default: the connectionId serve gives T)
  --record JSON     fields laid over the sample record, e.g. '{"firstName":"Ann"}'

Delivery options, for both commands:
  --retries N    retries after a failed first attempt (default ${DEFAULTS.retries})
  --backoff MS   wait before the first retry, doubling for each next one (default ${DEFAULTS.backoffMs})
  --timeout MS   time an attempt has to get the whole answer (default ${DEFAULTS.timeoutMs})
  An attempt fails on anything but a 2xx (redirects are not followed), no answer in time or a
  network error. Every attempt sends the same body (same eventId) with a fresh x-vessel-timestamp
  and x-vessel-signature. Each attempt is printed with its status and latency, and a refusal
  with the start of the receiver's answer (${MAX_ANSWER_BYTES} bytes), e.g.
  answer: {"error":"SIGNATURE_MISMATCH"}. Control characters in output are escaped (\\x1b).

Events (names are case-insensitive):
${eventList}
`;

class UsageError extends Error {}

const DELIVERY_OPTIONS = {
  retries: { type: 'string' },
  backoff: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** The whole-number option `name` (`min` to `max`), or `fallback` when absent. */
function whole(values, name, fallback, min = 0, max = Number.MAX_SAFE_INTEGER) {
  const text = values[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name}: expected a whole number from ${min} to ${max}, not ${text}`);
  }
  return value;
}

// Milliseconds are waited with timers, which honour at most 2³¹ − 1 (longer ones fire at once).
const deliverySettings = (values) => ({
  retries: whole(values, 'retries', DEFAULTS.retries),
  backoffMs: whole(values, 'backoff', DEFAULTS.backoffMs, 0, MAX_TIMEOUT_MS),
  timeoutMs: whole(values, 'timeout', DEFAULTS.timeoutMs, 1, MAX_TIMEOUT_MS),
});

async function serve(args) {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      token: { type: 'string', multiple: true },
      ...DELIVERY_OPTIONS,
    },
  });
  if (values.help) return console.log(HELP);
  const { host: listenHost = '127.0.0.1', token: tokens = [] } = values;
  const port = whole(values, 'port', DEFAULT_PORT);
  if (port > 65535) throw new UsageError(`--port: expected at most 65535, not ${port}`);
  // An empty one (an unset $HOST) would listen on every interface (review BQ).
  if (listenHost === '') throw new UsageError('--host: expected an address');
  if (tokens.includes('')) throw new UsageError('--token: expected a non-empty token');
  if (tokens.some((token) => token.length > LIMITS.tokenLength)) {
    throw new UsageError(`--token: longer than ${LIMITS.tokenLength} characters`);
  }
  if (new Set(tokens).size > LIMITS.connections) {
    throw new UsageError(`--token: more than ${LIMITS.connections} tokens`);
  }
  const settings = deliverySettings(values);
  const server = createLocalVessel({ accessTokens: tokens, ...settings }, console.log);
  server.listen(port, listenHost);
  try {
    await once(server, 'listening');
  } catch (error) {
    printError(`vessel-webhooks: cannot listen on ${listenHost}:${port}: ${error.code}`);
    process.exitCode = 1;
    return;
  }
  const { address, family } = server.address();
  const host = family === 'IPv6' ? `[${address}]` : address;
  console.log(`local Vessel listening on http://${host}:${server.address().port}`);
  if (!/^(?:127\.|::1$|::ffff:127\.)/.test(address)) {
    printLine(
      `warning: ${address} is reachable from other machines: anyone who can reach it can link ` +
        'tokens, send signed events to any URL and read the start of refusals; use 127.0.0.1 ' +
        'unless that is what you want',
    );
  }
  console.log(
    `deliveries: ${settings.retries} retries, backoff ${settings.backoffMs} ms doubling, ` +
      `timeout ${settings.timeoutMs} ms; vessel-webhooks --help lists the endpoints`,
  );
}

async function trigger(args) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      connection: { type: 'string' },
      record: { type: 'string' },
      ...DELIVERY_OPTIONS,
    },
  });
  if (values.help) return console.log(HELP);
  if (positionals.length !== 1) {
    throw new UsageError('trigger: expected one event name, such as contact.created');
  }
  if (!isHttpUrl(values.url)) {
    throw new UsageError('--url: expected an http or https URL, without credentials');
  }
  if (!values.token) throw new UsageError('--token: expected the access token to sign with');
  if (values.connection !== undefined && !HEADER_VALUE.test(values.connection)) {
    throw new UsageError('--connection: expected a connectionId a header can carry');
  }
  const settings = deliverySettings(values);
  let record;
  if (values.record !== undefined) {
    try {
      record = JSON.parse(values.record);
    } catch {
      throw new UsageError('--record: expected JSON, such as {"firstName":"Ann"}');
    }
  }
  const connectionId = values.connection ?? connectionIdFor(values.token);
  let event;
  try {
    event = buildEvent(positionals[0], connectionId, record);
  } catch (error) {
    throw new UsageError(error.message);
  }
  printLine(`${positionals[0]} ${event.eventId} → ${values.url} (connection ${connectionId})`);
  const delivered = await deliver(
    { url: values.url, event, accessToken: values.token, connectionId, ...settings },
    (attempt) => console.log(describeAttempt(attempt)),
  );
  if (!delivered) process.exitCode = 1;
}

// A reader of the output that goes away (`serve | head -1`, a harness that closes the pipe) makes
// the next line an EPIPE error on the stream, after the write: without a listener it ended the
// process, and every connection and webhook with it (review CK). The output is dropped instead.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const [command, ...args] = process.argv.slice(2);
try {
  if (command === 'serve') await serve(args);
  else if (command === 'trigger') await trigger(args);
  else if (command === '--help' || command === '-h' || command === 'help') console.log(HELP);
  else
    throw new UsageError(
      command === undefined ? 'expected a command' : `unknown command ${command}`,
    );
} catch (error) {
  if (!(error instanceof UsageError || error.code?.startsWith('ERR_PARSE_ARGS_'))) throw error;
  printError(`vessel-webhooks: ${error.message}`);
  console.error('vessel-webhooks --help shows the usage.');
  process.exitCode = 2;
}
