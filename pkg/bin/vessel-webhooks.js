#!/usr/bin/env node
// The `vessel-webhooks` command (npx vessel-webhooks): `serve` runs a local Vessel, `trigger`
// sends one signed event to a URL. Node built-ins only; signing is the package's own sign().
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { DEFAULTS, deliver, describeAttempt, isHttpUrl } from './deliver.js';
import { buildEvent, connectionIdFor, eventNames } from './events.js';
import { createLocalVessel } from './local-vessel.js';

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
  GET  /_local/deliveries[?eventId=E]  every delivery attempt: {"deliveries":[{"eventId",
       "attempt","status"|"error","latencyMs","outcome","retryInMs"?,"connectionId",
       "webhookUrl"}]}, outcome being delivered, retrying or failed
  --port N       port on the host (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H       address to listen on (default 127.0.0.1)
  --token T      link a connection for access token T at start (repeatable)
  A connection's connectionId is derived from its access token: the same in every run, and the
  one trigger sends by default.

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
  and x-vessel-signature. Each attempt is printed with its status and latency.

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

/** The whole-number option `name` (at least `min`), or `fallback` when absent. */
function whole(values, name, fallback, min = 0) {
  const text = values[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name}: expected a whole number ≥ ${min}, not ${text}`);
  }
  return value;
}

const deliverySettings = (values) => ({
  retries: whole(values, 'retries', DEFAULTS.retries),
  backoffMs: whole(values, 'backoff', DEFAULTS.backoffMs),
  timeoutMs: whole(values, 'timeout', DEFAULTS.timeoutMs, 1),
});

async function serve(args) {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string', multiple: true, default: [] },
      ...DELIVERY_OPTIONS,
    },
  });
  if (values.help) return console.log(HELP);
  const port = whole(values, 'port', DEFAULT_PORT);
  if (port > 65535) throw new UsageError(`--port: expected at most 65535, not ${port}`);
  if (values.token.includes('')) throw new UsageError('--token: expected a non-empty token');
  const settings = deliverySettings(values);
  const server = createLocalVessel({ accessTokens: values.token, ...settings }, console.log);
  server.listen(port, values.host);
  try {
    await once(server, 'listening');
  } catch (error) {
    console.error(`vessel-webhooks: cannot listen on ${values.host}:${port}: ${error.code}`);
    process.exitCode = 1;
    return;
  }
  const { address, family } = server.address();
  const host = family === 'IPv6' ? `[${address}]` : address;
  console.log(`local Vessel listening on http://${host}:${server.address().port}`);
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
  if (!isHttpUrl(values.url)) throw new UsageError('--url: expected an http or https URL');
  if (!values.token) throw new UsageError('--token: expected the access token to sign with');
  if (values.connection === '') throw new UsageError('--connection: expected a connectionId');
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
  console.log(`${positionals[0]} ${event.eventId} → ${values.url} (connection ${connectionId})`);
  const delivered = await deliver(
    { url: values.url, event, accessToken: values.token, connectionId, ...settings },
    (attempt) => console.log(describeAttempt(attempt)),
  );
  if (!delivered) process.exitCode = 1;
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
  console.error(`vessel-webhooks: ${error.message}\nvessel-webhooks --help shows the usage.`);
  process.exitCode = 2;
}
