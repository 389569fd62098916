// What the store tests share: the services' URLs (scripts/services.sh run exports them), Node
// servers for an app (app.mjs), and a TCP proxy that can cut a client off its store.
import { createConnection, createServer } from 'node:net';
import { createApp, LEASE_SECONDS } from './app.mjs';

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
 * store gone away), `restore()` accepts again on the same port.
 */
export async function startProxy(port) {
  const sockets = new Set();
  const server = createServer((client) => {
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
