// One of the many-instances test's receivers (../many-instances.test.mjs), forked with an IPC
// channel: node:http + webhooks.middleware() with postgresStore, or redisStore (node-redis) when
// REDIS_PORT is set, on 127.0.0.1. Its handler does
// some work, fails at random before its effect, and records its effect as one row in PostgreSQL.
// The parent steers the point before the effect (the gate) to kill or restart deterministically:
//   { gate: 'open' }        run handlers
//   { gate: 'fail' }        handlers throw before their effect (500, released, retried)
//   { gate: 'sleep-next' }  the next handler sleeps forever before its effect (reported as
//                           { sleeping: eventId }), and the gate turns to 'fail'
// with a `seq` it acknowledges in its reports { effectsAwaitingDone: n, ack }: handlers past their effect whose delivery has not
// finished yet, the one window where a kill or a store outage would make a handler run twice.
import http from 'node:http';
import pg from 'pg';
import { createClient } from 'redis';
import { VesselWebhooks, postgresStore, redisStore } from 'vessel-webhooks';

const { PG_PORT, REDIS_PORT, TOKEN, LEASE_SECONDS, FAIL_RATE } = process.env;
const pool = new pg.Pool({
  host: '127.0.0.1',
  port: Number(PG_PORT),
  user: 'postgres',
  database: 'postgres',
  max: 8,
  connectionTimeoutMillis: 1000,
});
// Idle connections dropped by the store's restart: the pool replaces them.
pool.on('error', () => {});

/** The store: Redis when REDIS_PORT is set (reconnecting after its restart), else PostgreSQL. */
async function store() {
  if (REDIS_PORT === undefined) return postgresStore(pool);
  const client = createClient({
    url: `redis://127.0.0.1:${REDIS_PORT}`,
    socket: { reconnectStrategy: () => 50 },
  });
  client.on('error', () => {}); // while the server restarts; the receiver answers 503
  await client.connect();
  return redisStore(client);
}

let gate = 'open';
let ack = 0; // the last gate message's seq, so that the parent can tell reports after it
const awaitingDone = new Set();
const report = () => process.send({ effectsAwaitingDone: awaitingDone.size, ack });
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const webhooks = new VesselWebhooks({
  accessToken: TOKEN,
  store: await store(),
  leaseSeconds: Number(LEASE_SECONDS),
  storeTimeoutSeconds: 2,
  onDelivery(info) {
    if (info.outcome === 'processed' || info.outcome === 'failed') {
      if (awaitingDone.delete(info.eventId)) report();
    }
  },
});
webhooks.onAny(async (event) => {
  await wait(Math.random() * 20); // the handler's work
  if (Math.random() < Number(FAIL_RATE)) throw new Error('random failure');
  if (gate === 'sleep-next') {
    gate = 'fail';
    process.send({ sleeping: event.eventId });
    await new Promise(() => {}); // killed here, before its effect
  }
  if (gate === 'fail') throw new Error('gate closed');
  awaitingDone.add(event.eventId);
  await pool.query('INSERT INTO effects (event_id, pid) VALUES ($1, $2)', [
    event.eventId,
    process.pid,
  ]);
});
// The failures are planned: not printed (without an onError hook the receiver prints each).
webhooks.onError(() => {});

process.on('message', (message) => {
  ({ gate, seq: ack } = message);
  report();
});
process.on('disconnect', () => process.exit(0)); // the parent is gone

const server = http.createServer(webhooks.middleware());
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
