// Many instances (issue 16): four receiver processes (many-instances/receiver.mjs: node:http +
// webhooks.middleware()) share one store: postgresStore, then redisStore, each on a private
// server (many-instances/services.mjs) on a loopback port; the handlers' effects are rows in the
// PostgreSQL server. A Vessel-like deliverer (signed with `sign`, retried until a 2xx,
// a retry going to any instance) delivers EVENTS events with concurrent duplicates and late
// duplicates; handlers fail at random; one process is killed with SIGKILL while a handler sleeps
// before its effect (its claim expires with its lease and a retry elsewhere runs the event); the
// store is restarted once (deliveries meanwhile get 503 and are retried). At the end: one effect
// row per event (each handler succeeded exactly once, nothing lost), and each 2xx came after its
// event's effect.
//
// The one window where a handler can succeed twice (README: killed, or the store lost, between
// the handler's effect and the done mark) is kept out deterministically: before the kill and the
// restart, the receivers' handlers stop before their effect, and the parent waits until no
// effect awaits its done mark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import pg from 'pg';
import { sign } from 'vessel-webhooks';
import { startPostgres, startRedis } from './many-instances/services.mjs';

const EVENTS = 2000;
const INSTANCES = 4;
const CONCURRENCY = 48;
const LEASE_SECONDS = 5; // far above a handler (~20 ms) even on a loaded machine; a kill costs one lease
const TOKEN = 'tok_many_3b9d27e1';
const CONNECTION = 'conn_many';
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A receiver process: its port, its last report, and a way to wait for a report. */
async function startReceiver(pgPort, redisPort) {
  const child = fork(new URL('./many-instances/receiver.mjs', import.meta.url), {
    env: {
      ...process.env,
      PG_PORT: String(pgPort),
      ...(redisPort === undefined ? {} : { REDIS_PORT: String(redisPort) }),
      TOKEN,
      LEASE_SECONDS: String(LEASE_SECONDS),
      FAIL_RATE: '0.1',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const receiver = { child, effectsAwaitingDone: 0, ack: 0, sleeping: undefined };
  child.on('message', (message) => Object.assign(receiver, message));
  const [{ port }] = await once(child, 'message');
  receiver.url = `http://127.0.0.1:${port}/hook`;
  return receiver;
}

/** Resolves once `condition()` holds (checked every 10 ms), or after `ms`. */
async function until(condition, ms = Infinity) {
  const end = Date.now() + ms;
  while (!condition() && Date.now() < end) await wait(10);
}

let seq = 0;
/** Sets the gate of `receivers` (receiver.mjs); resolves to the message's seq. */
function setGate(receivers, gate) {
  seq += 1;
  for (const r of receivers) r.child.send({ gate, seq });
  return seq;
}

/** Closes the gates of `receivers` and waits until no effect there awaits its done mark. */
async function drain(receivers) {
  const sent = setGate(receivers, 'fail');
  await until(() => receivers.every((r) => r.ack >= sent && r.effectsAwaitingDone === 0));
}

function eventOf(i) {
  return {
    eventId: `evt_many_${i}`,
    type: 'OBJECT_CHANGE',
    data: {
      objectType: 'Contact',
      eventType: i % 3 === 0 ? 'UPDATE' : 'CREATE',
      record: { id: `v.contact.${i}`, firstName: 'Zoë', email: `c${i}@example.com` },
    },
  };
}

for (const storeName of ['postgres', 'redis']) {
  test(
    `four instances, one ${storeName} store: each event processed once, none lost`,
    {
      timeout: 90_000,
    },
    async (t) => {
      const postgres = await startPostgres();
      t.after(() => postgres.remove());
      const redis = storeName === 'redis' ? await startRedis() : undefined;
      if (redis !== undefined) t.after(() => redis.remove());
      const store = redis ?? postgres; // the server restarted once
      const receivers = [];
      t.after(() => {
        for (const r of receivers) r.child.kill('SIGKILL');
      });
      const db = new pg.Pool({ host: '127.0.0.1', port: postgres.port, user: 'postgres', max: 2 });
      db.on('error', () => {});
      t.after(() => db.end());
      await db.query(
        'CREATE TABLE effects (event_id text NOT NULL, pid int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())',
      );
      for (let i = 0; i < INSTANCES; i++) {
        receivers.push(await startReceiver(postgres.port, redis?.port));
      }

      const statuses = new Map(); // status (or 'network') → count
      const count = (key) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
      const accepted = []; // [eventId, ms] of every 2xx
      let delivered = 0;

      /** Vessel's delivery of `event` to instance `first`, then any instance, until a 2xx. */
      async function deliver(event, first) {
        const body = JSON.stringify(event);
        for (let attempt = 0; ; attempt++) {
          const target = attempt === 0 ? first : Math.floor(Math.random() * INSTANCES);
          const headers = {
            'content-type': 'application/json',
            ...sign(body, TOKEN, { connectionId: CONNECTION }),
          };
          try {
            const response = await fetch(receivers[target].url, {
              method: 'POST',
              headers,
              body,
              signal: AbortSignal.timeout(20_000),
            });
            const text = await response.text();
            count(response.status);
            if (response.ok) {
              accepted.push([event.eventId, Date.now()]);
              return;
            }
            assert.ok([409, 500, 503].includes(response.status), `${response.status} ${text}`);
          } catch (error) {
            if (error instanceof assert.AssertionError) throw error;
            count('network');
          }
          await wait(Math.min(20 * 2 ** attempt, 400) * (0.5 + Math.random()));
        }
      }

      /** Every 10th event is delivered twice at once, to two instances. */
      async function deliverEvent(i) {
        const event = eventOf(i);
        const copies = i % 10 === 0 ? [i % INSTANCES, (i + 1) % INSTANCES] : [i % INSTANCES];
        await Promise.all(copies.map((first) => deliver(event, first)));
        delivered += 1;
      }

      // The kill: after a quarter of the events, receiver 0's next handler sleeps before its effect;
      // once nothing else there awaits its done mark, SIGKILL.
      const kill = (async () => {
        await until(() => delivered >= EVENTS / 4);
        const victim = receivers[0];
        setGate([victim], 'sleep-next');
        await until(() => victim.sleeping !== undefined);
        await drain([victim]);
        victim.child.kill('SIGKILL');
        return victim.sleeping;
      })();
      // The store restart: after 60 % of the events, on the survivors.
      const restart = (async () => {
        await kill;
        await until(() => delivered >= (EVENTS * 3) / 5);
        const alive = receivers.slice(1);
        await drain(alive);
        await store.stop();
        const before503 = statuses.get(503) ?? 0;
        // Deliveries during the outage (the last assertions check that some were answered 503).
        await until(() => (statuses.get(503) ?? 0) > before503, 5000);
        await wait(500);
        await store.start();
        setGate(alive, 'open');
      })();

      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < EVENTS) await deliverEvent(next++);
        }),
      );
      const killedEvent = await kill;
      await restart;
      // Late duplicates of done events (Vessel's retries after a lost answer): 2xx, nothing run.
      const survivors = receivers.slice(1);
      for (let i = 0; i < EVENTS; i += 50) await deliver(eventOf(i), 1 + (i % survivors.length));

      const { rows } = await db.query(
        `SELECT event_id, count(*)::int AS n, max(at) AS at, min(pid) AS pid FROM effects GROUP BY event_id`,
      );
      const effects = new Map(rows.map((row) => [row.event_id, row]));
      const twice = rows.filter((row) => row.n !== 1).map((row) => row.event_id);
      assert.deepEqual(twice, [], 'handlers that succeeded more than once');
      const lost = Array.from({ length: EVENTS }, (_, i) => eventOf(i).eventId).filter(
        (id) => !effects.has(id),
      );
      assert.deepEqual(lost, [], 'events without an effect');
      assert.equal(rows.length, EVENTS);
      for (const [eventId, ms] of accepted) {
        assert.ok(effects.get(eventId).at.getTime() <= ms, `${eventId}: a 2xx before its effect`);
      }
      // The killed handler's event ran elsewhere; every kind of refusal happened.
      assert.notEqual(effects.get(killedEvent).pid, receivers[0].child.pid);
      for (const key of [500, 409, 503, 'network']) {
        assert.ok(statuses.get(key) > 0, `no ${key} answer in ${JSON.stringify([...statuses])}`);
      }
      console.log(`many instances, ${storeName}: ${JSON.stringify(Object.fromEntries(statuses))}`);
    },
  );
}
