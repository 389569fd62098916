// `npm run bench` (second part): deliveries per second through VesselWebhooks, on one Node
// thread, with each store — none, memoryStore, redisStore (node-redis) and postgresStore (pg) on
// private servers on 127.0.0.1 — against verification alone (verifyRequest; the
// vessel-webhooks/express middleware), and so the store's cost per event. Two paths:
//   fetch    webhooks.fetch(Request) called in-process: the receiver's own cost
//   express  webhooks.middleware() in Express 5 on 127.0.0.1, with a keep-alive client in the
//            same process (so the client's cost is in every figure, the baseline's too)
// Each delivery is a new event (2 KB, signed beforehand), CONCURRENCY in flight. The
// configurations run interleaved in a new random order each round, ROUNDS times; the median rate
// is shown. The database servers
// run in their own processes (on the machine's other core, when it has one).
import http from 'node:http';
import { once } from 'node:events';
import express from 'express';
import pg from 'pg';
import { createClient } from 'redis';
import {
  VesselWebhooks,
  memoryStore,
  postgresStore,
  redisStore,
  sign,
  verifyRequest,
} from 'vessel-webhooks';
import { vesselWebhook } from 'vessel-webhooks/express';
import { startPostgres, startRedis } from '../tests/js/many-instances/services.mjs';

const TOKEN = 'tok_bench_41c7e2aa';
const CONCURRENCY = 32;
const PER_RUN = { fetch: 3000, express: 1500 };
const ROUNDS = Number(process.env.ROUNDS ?? 5);

let serial = 0;
/** `n` new deliveries: a 2 KB Contact event each, signed now. */
function deliveries(n) {
  return Array.from({ length: n }, () => {
    serial += 1;
    const body = JSON.stringify({
      eventId: `evt_bench_${process.pid}_${serial}`,
      type: 'OBJECT_CHANGE',
      data: {
        objectType: 'Contact',
        eventType: 'UPDATE',
        record: { id: `v.contact.${serial}`, email: 'zoe@example.com', notes: 'n'.repeat(1850) },
      },
    });
    return { body, headers: { 'content-type': 'application/json', ...sign(body, TOKEN) } };
  });
}

/** Runs `deliver(item)` over `items`, CONCURRENCY at a time; deliveries per second. */
async function rate(items, deliver) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await deliver(items[next++]);
    }),
  );
  return (items.length * 1000) / (performance.now() - started);
}

const requestOf = ({ body, headers }) =>
  new Request('http://bench.local/hook', { method: 'POST', headers, body });

/** An Express app on 127.0.0.1 with `middleware` at POST /hook; its URL and close(). */
async function serve(...handlers) {
  const app = express();
  app.post('/hook', ...handlers);
  const server = app.listen(0, '127.0.0.1');
  // A server's kept-alive sockets wait out the other configurations of a round: with Node's 5 s
  // default the server closed one as the client reused it, and the run ended with ECONNRESET
  // (session 23).
  server.keepAliveTimeout = 10 * 60 * 1000;
  await once(server, 'listening');
  return {
    port: server.address().port,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
/** POSTs a delivery; rejects unless 2xx. */
function post(port, { body, headers }) {
  return new Promise((resolve, reject) => {
    const request = http.request({
      port,
      host: '127.0.0.1',
      path: '/hook',
      method: 'POST',
      headers,
      agent,
    });
    request.on('error', reject);
    request.on('response', (response) => {
      response.resume();
      response.on('end', () =>
        response.statusCode < 300 ? resolve() : reject(new Error(`status ${response.statusCode}`)),
      );
    });
    request.end(body);
  });
}

const postgres = await startPostgres();
const redisServer = await startRedis({ durable: false });
const pool = new pg.Pool({ host: '127.0.0.1', port: postgres.port, user: 'postgres', max: 10 });
// An idle connection the server ends (as PostgreSQL stops) is an 'error' on the Pool: without a
// listener it ended this process after the results were printed (README: the same for an app).
pool.on('error', () => {});
const redis = createClient({ url: `redis://127.0.0.1:${redisServer.port}` });
await redis.connect();

const stores = {
  none: () => undefined,
  memory: () => memoryStore(),
  redis: () => redisStore(redis),
  postgres: () => postgresStore(pool),
};
/** A receiver with `store` and one handler that does nothing. */
function receiver(store) {
  return new VesselWebhooks({ accessToken: TOKEN, store }).on('contact.updated', async () => {});
}

// Each configuration: a function running `items` through it, resolving to deliveries/s.
const configs = {
  'fetch: verifyRequest alone': (items) =>
    rate(items, async (item) => {
      await verifyRequest(requestOf(item), TOKEN);
    }),
};
for (const [name, store] of Object.entries(stores)) {
  const webhooks = receiver(store());
  configs[`fetch: store ${name}`] = (items) =>
    rate(items, async (item) => {
      const response = await webhooks.fetch(requestOf(item));
      if (!response.ok) throw new Error(`status ${response.status}`);
    });
}
const servers = [await serve(vesselWebhook({ accessToken: TOKEN }), (req, res) => res.end())];
configs['express: vessel-webhooks/express alone'] = (items) =>
  rate(items, (item) => post(servers[0].port, item));
for (const [name, store] of Object.entries(stores)) {
  const server = await serve(receiver(store()).middleware());
  servers.push(server);
  configs[`express: store ${name}`] = (items) => rate(items, (item) => post(server.port, item));
}

// Warm-up (JIT, connections, the PostgreSQL table), then interleaved rounds.
for (const [name, run] of Object.entries(configs)) {
  await run(deliveries(300));
  process.stderr.write(`warm: ${name}\n`);
}
const rates = Object.fromEntries(Object.keys(configs).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  // A new order each round, so that no configuration always follows the same one.
  const order = Object.entries(configs)
    .map((config) => [Math.random(), config])
    .sort((a, b) => a[0] - b[0])
    .map(([, config]) => config);
  for (const [name, run] of order) {
    rates[name].push(await run(deliveries(PER_RUN[name.split(':')[0]])));
  }
  process.stderr.write(`round ${round + 1}/${ROUNDS}\n`);
}

const median = (values) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)];
const baseline = {
  fetch: median(rates['fetch: verifyRequest alone']),
  express: median(rates['express: vessel-webhooks/express alone']),
};
console.log(
  `\nReceiver: deliveries/s (median of ${ROUNDS}; ${CONCURRENCY} in flight; 2 KB events; Node ${process.version})`,
);
console.log('| configuration | deliveries/s | µs per delivery | over verification alone |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, values] of Object.entries(rates)) {
  const r = median(values);
  const base = baseline[name.split(':')[0]];
  const extra = 1e6 / r - 1e6 / base;
  console.log(
    `| ${name} | ${r.toFixed(0)} | ${(1e6 / r).toFixed(1)} | ${r === base ? '—' : `${extra >= 0 ? '+' : ''}${extra.toFixed(1)} µs`} |`,
  );
}

for (const server of servers) server.close();
agent.destroy();
await redis.quit();
await pool.end();
redisServer.remove();
postgres.remove();
