// What the store tests share: the services' URLs (scripts/services.sh run exports them), Node
// servers for an app (app.mjs), and a TCP proxy that can cut a client off its store.
import { createConnection, createServer } from 'node:net';
import assert from 'node:assert/strict';
import { sign } from 'vessel-webhooks';
import { createApp, LEASE_SECONDS, TOKEN } from './app.mjs';
import { eventBody, newEventId } from './suite.mjs';

/**
 * The URL in `variable`, or a reason to skip when it is unset; under scripts/services.sh run
 * (REQUIRE_SERVICES=1) a missing one fails instead.
 */
export function service(variable) {
  const url = process.env[variable];
  if (url === undefined && process.env.REQUIRE_SERVICES === '1') {
    throw new Error(`${variable} is not set, though scripts/services.sh run should set it`);
  }
  return { url, skip: url === undefined && `${variable} unset: run under scripts/services.sh run` };
}

/** An app with `store`, served in-process for storeSuite. */
export function appWith(store, options = {}) {
  const app = createApp({ store, leaseSeconds: LEASE_SECONDS, ...options });
  return (path, init) => app(new Request(`http://receiver.test${path}`, init));
}

/**
 * A TCP proxy on 127.0.0.1 to `port`: `cut()` drops every connection and refuses new ones (a
 * store gone away), `restore()` accepts again on the same port. The first `hold` connections are
 * accepted and never answered (a store that hangs).
 */
export async function startProxy(port, { hold = 0 } = {}) {
  const sockets = new Set();
  let held = 0;
  const server = createServer((client) => {
    if (held < hold) {
      held += 1;
      sockets.add(client);
      client.on('error', () => {});
      return;
    }
    const upstream = createConnection(port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (p) => new Promise((resolve) => server.listen(p, '127.0.0.1', resolve));
  await listen(0);
  const proxyPort = server.address().port;
  return {
    port: proxyPort,
    async cut() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    restore: () => listen(proxyPort),
    async close() {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Through `fetch` (an app whose store's client goes through `proxy`): a delivery is answered
 * 503 STORE_UNAVAILABLE, never 2xx, and runs nothing while the store is cut off; once it is back,
 * Vessel's retries (refused with 503, or 409 while a late claim is given back) end in one run.
 */
export async function outage(fetch, proxy) {
  const deliver = async (eventId) => {
    const body = eventBody(eventId);
    const headers = sign(body, TOKEN, { connectionId: 'conn_down' });
    const response = await fetch('/hook', { method: 'POST', headers, body });
    return { status: response.status, json: await response.json() };
  };
  const runs = async (eventId) => (await fetch(`/runs?eventId=${eventId}`)).json();
  assert.equal((await deliver(newEventId('up'))).status, 200);
  const id = newEventId('down');
  await proxy.cut();
  assert.deepEqual(await deliver(id), { status: 503, json: { error: 'STORE_UNAVAILABLE' } });
  assert.deepEqual(await runs(id), { started: 0, succeeded: 0 });
  await proxy.restore();
  let answer;
  for (let tries = 0; tries < 100; tries += 1) {
    answer = await deliver(id);
    if (answer.status !== 503 && answer.status !== 409) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.deepEqual(answer, { status: 200, json: { received: true } });
  assert.deepEqual(await runs(id), { started: 1, succeeded: 1 });
}
