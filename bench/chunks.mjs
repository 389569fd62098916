// A body sent a byte per HTTP chunk, to each Node adapter: the server's CPU per byte beside Node's
// own (a node:http server that reads the body and drops it). Each server runs in a child process
// of this file (`node chunks.mjs serve KIND`), which reports its CPU time for the one request; the
// body is unsigned (a wrong signature), as an attacker's would be, and is sent in one socket write
// so that the client costs the server nothing between chunks.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BODY_BYTES = 200_000;
const KINDS = [
  'node:http',
  'middleware()',
  'express',
  'fastify',
  'koa',
  'hono',
  'hono, arrayBuffer()',
];

/**
 * Starts the server of `kind` on a free port and prints the port; each answered request prints
 * the CPU ms it took since the last line on stdin.
 */
async function serve(kind) {
  const require = createRequire(import.meta.url);
  const { VesselWebhooks } = await import('vessel-webhooks');
  const webhooks = new VesselWebhooks({ accessToken: 'tok' }).onAny(() => {});
  let start = process.cpuUsage();
  process.stdin.on('data', () => (start = process.cpuUsage()));
  const report = () => {
    const { user, system } = process.cpuUsage(start);
    console.log((user + system) / 1000);
  };
  const server = http.createServer();
  server.on('request', (req, res) => res.on('finish', report));
  if (kind === 'node:http' || kind === 'middleware()') {
    const middleware = webhooks.middleware();
    server.on('request', (req, res) =>
      kind === 'node:http'
        ? req.on('data', () => {}).on('end', () => res.end())
        : middleware(req, res),
    );
  } else if (kind === 'express') {
    const { vesselWebhook } = await import('vessel-webhooks/express');
    const app = require('express')();
    app.post('/', vesselWebhook({ accessToken: 'tok' }), (req, res) => res.end());
    server.on('request', app);
  } else if (kind === 'fastify') {
    const { vesselWebhooks } = await import('vessel-webhooks/fastify');
    const app = require('fastify')({ serverFactory: (handler) => server.on('request', handler) });
    await app.register(vesselWebhooks, { webhooks, prefix: '/' });
    await app.ready();
  } else if (kind === 'koa') {
    const { vesselWebhook } = await import('vessel-webhooks/koa');
    const app = new (require('koa'))().use(vesselWebhook(webhooks));
    server.on('request', app.callback());
  } else {
    // Beside Hono's own read of a body (@hono/node-server makes the Request's stream).
    const { vesselWebhook } = await import('vessel-webhooks/hono');
    const { getRequestListener } = require('@hono/node-server');
    const read = async (c) => c.body(String((await c.req.arrayBuffer()).byteLength));
    const app = new (require('hono').Hono)().post(
      '/',
      kind === 'hono' ? vesselWebhook(webhooks) : read,
    );
    server.on('request', getRequestListener(app.fetch));
  }
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
}

/** The server CPU in µs per byte that `kind` spends on one body sent a byte per chunk. */
async function measure(kind) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve', kind], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => Number((await lines.next()).value);
  try {
    const port = await next();
    const body = Buffer.from(JSON.stringify({ a: 'x'.repeat(BODY_BYTES) }).slice(0, BODY_BYTES));
    const parts = [];
    for (const byte of body) parts.push(Buffer.from(`1\r\n${String.fromCharCode(byte)}\r\n`));
    const head =
      'POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n' +
      `transfer-encoding: chunked\r\nx-vessel-signature: ${'ab'.repeat(32)}\r\n` +
      `x-vessel-timestamp: ${Math.floor(Date.now() / 1000)}\r\n\r\n`;
    child.stdin.write('start\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(head);
    socket.write(Buffer.concat([...parts, Buffer.from('0\r\n\r\n')]));
    const cpuMs = await next();
    socket.destroy();
    return (cpuMs * 1000) / BODY_BYTES;
  } finally {
    child.kill();
  }
}

/** Rows of µs per byte and the ratio to node:http's, the median of `runs` runs of each kind. */
export async function measureChunks(runs = 3) {
  const samples = new Map(KINDS.map((kind) => [kind, []]));
  for (let run = 0; run < runs; run++) {
    for (const kind of KINDS) samples.get(kind).push(await measure(kind));
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const node = median(samples.get('node:http'));
  return KINDS.map((kind) => {
    const us = median(samples.get(kind));
    return { server: kind, 'CPU µs/byte': us.toFixed(2), 'vs node:http': (us / node).toFixed(2) };
  });
}

if (process.argv[2] === 'serve') {
  await serve(process.argv[3]);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.table(await measureChunks());
}
