// The receiver's semantics with postgresStore on a real PostgreSQL (DATABASE_URL,
// scripts/services.sh), its table created safely by instances starting together, and 503 while
// the database is unreachable.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { postgresStore, sign } from 'vessel-webhooks';
import { TOKEN } from './receiver/app.mjs';
import { eventBody, newEventId, storeContract, storeSuite } from './receiver/suite.mjs';
import { appWith, outage, service, startProxy } from './receiver/services.mjs';

const database = service('DATABASE_URL');

/** Runs `sql` on a connection of its own (not a pool's, which a failing store may keep). */
async function runOn(sql) {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Runs `use(pool, table)` with a pool of one connection and a table name of its own (`suffix`),
 * then drops the table (on a connection of its own) and ends the pool, not awaited: a connection
 * a failing store kept from the pool would hold it.
 */
async function withOneConnection(suffix, use) {
  const table = `events_${Date.now().toString(36)}_${suffix}`;
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  try {
    await use(pool, table);
  } finally {
    await runOn(`DROP TABLE IF EXISTS ${table}`);
    pool.end();
  }
}

describe('postgresStore', { skip: database.skip }, () => {
  storeSuite(async () => {
    const pool = new pg.Pool({ connectionString: database.url });
    return { fetch: appWith(postgresStore(pool)), stop: () => pool.end() };
  });

  storeContract((t) => {
    const pool = new pg.Pool({ connectionString: database.url });
    t.after(() => pool.end());
    return postgresStore(pool);
  });

  it('creates its table once when several instances start at once', async () => {
    const table = `events_${Date.now().toString(36)}`;
    const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: database.url }));
    try {
      const claims = await Promise.all(
        pools.map((pool, i) => postgresStore(pool, { table }).claim('k', `token${i}`, 60000)),
      );
      assert.deepEqual(claims.sort(), ['busy', 'busy', 'busy', 'claimed']);
      const { rows } = await pools[0].query(`SELECT count(*)::int AS n FROM ${table}`);
      assert.equal(rows[0].n, 1);
    } finally {
      await pools[0].query(`DROP TABLE IF EXISTS ${table}`);
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('a claim that waited on another claim of an expired done mark is busy, never done', async () => {
    // Its statement's snapshot, taken before the other claim committed, still shows the done
    // mark: answered 'done', the delivery got 200 while the other run could still fail.
    const table = `events_${Date.now().toString(36)}_done`;
    const pool = new pg.Pool({ connectionString: database.url });
    const store = postgresStore(pool, { table });
    const other = await pool.connect();
    try {
      await store.done('k', 'first', 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await other.query('BEGIN');
      await other.query(
        `UPDATE ${table} SET token = 'other', expires_at = clock_timestamp() + interval '1 hour'`,
      );
      const claim = store.claim('k', 'second', 60000);
      // Until the claim waits on the other's row lock.
      const waiting = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'`;
      while ((await pool.query(waiting)).rows[0].n === 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await other.query('COMMIT');
      assert.equal(await claim, 'busy');
    } finally {
      other.release();
      await pool.query(`DROP TABLE IF EXISTS ${table}`);
      await pool.end();
    }
  });

  it('the sweep at each 1 000th claim deletes the rows past their time, and no live one', async () => {
    const table = `events_${Date.now().toString(36)}_sweep`;
    const pool = new pg.Pool({ connectionString: database.url });
    const store = postgresStore(pool, { table });
    const rows = async () =>
      (await pool.query(`SELECT key FROM ${table} WHERE key NOT LIKE 'k%' ORDER BY key`)).rows;
    try {
      await store.done('expired', 'token', 1);
      await store.done('done', 'token', 60000);
      assert.equal(await store.claim('claimed', 'token', 60000), 'claimed');
      for (let i = 1; i < 1000; i += 1) await store.claim(`k${i}`, 'token', 60000);
      // The sweep is not awaited by the claim that starts it.
      for (let tries = 0; tries < 50 && (await rows()).length > 2; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.deepEqual(await rows(), [{ key: 'claimed' }, { key: 'done' }]);
      assert.equal(await store.claim('done', 'other', 60000), 'done');
      assert.equal(await store.claim('claimed', 'other', 60000), 'busy');
      assert.equal(await store.claim('k999', 'other', 60000), 'busy');
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${table}`);
      await pool.end();
    }
  });

  it('a table named by a reserved word (user, order) is a table too', async () => {
    const pool = new pg.Pool({ connectionString: database.url });
    try {
      for (const table of ['user', 'order']) {
        const store = postgresStore(pool, { table });
        assert.equal(await store.claim('k', 'token', 60000), 'claimed');
        await store.done('k', 'token', 60000);
        assert.equal(await store.claim('k', 'token2', 60000), 'done');
        await pool.query(`DROP TABLE "${table}"`);
      }
    } finally {
      await pool.end();
    }
  });

  it('answers 503 STORE_UNAVAILABLE, never 2xx, while PostgreSQL is unreachable', async () => {
    const proxy = await startProxy(Number(new URL(database.url).port));
    const url = new URL(database.url);
    url.port = String(proxy.port);
    const pool = new pg.Pool({ connectionString: url.href, connectionTimeoutMillis: 2000 });
    pool.on('error', () => {});
    try {
      await outage(appWith(postgresStore(pool), { storeTimeoutSeconds: 1 }), proxy);
    } finally {
      await proxy.close();
      await pool.end();
    }
  });

  it('gives up a set-up that hangs, and sets up again once the database answers', async () => {
    // Review BL: the set-up's promise was kept until it failed. On a connection accepted and never
    // answered (pg waits forever by default), it never did: every later claim waited on it, 503
    // for good though the same pool ran queries again.
    const proxy = await startProxy(Number(new URL(database.url).port), { hold: 1 });
    const url = new URL(database.url);
    url.port = String(proxy.port);
    const pool = new pg.Pool({ connectionString: url.href });
    pool.on('error', () => {});
    const fetch = appWith(
      postgresStore(pool, {
        table: `events_${Date.now().toString(36)}_hang`,
        setupTimeoutSeconds: 0.3,
      }),
      { storeTimeoutSeconds: 2 },
    );
    const eventId = newEventId('setup');
    const body = eventBody(eventId);
    const deliver = async () =>
      (await fetch('/hook', { method: 'POST', headers: sign(body, TOKEN), body })).status;
    try {
      assert.deepEqual([await deliver(), await deliver(), await deliver()], [503, 200, 200]);
      assert.deepEqual(await (await fetch(`/runs?eventId=${eventId}`)).json(), {
        started: 1,
        succeeded: 1,
      });
    } finally {
      await proxy.close();
      await pool.end();
    }
  });

  it('a set-up that fails gives back its connection, and the next call sets up again', () =>
    // A sequence holds the table's name: CREATE INDEX fails. Its connection goes back to the pool
    // (the pool's only one), and once the name is free the next claim creates the table.
    withOneConnection('fails', async (pool, table) => {
      const store = postgresStore(pool, { table });
      await runOn(`CREATE SEQUENCE ${table}`);
      for (let i = 0; i < 2; i += 1) {
        await assert.rejects(store.claim('k', 'token', 60000), { message: /cannot create index/ });
      }
      await runOn(`DROP SEQUENCE ${table}`);
      assert.equal(await store.claim('k', 'token', 60000), 'claimed');
    }));

  it('a set-up given up gives back its connection when it comes late', () =>
    // The pool's one connection reaches the first set-up after its deadline: unused, it goes back
    // to the pool, where the next set-up finds it (kept, every later call would wait for good).
    withOneConnection('late', async (pool, table) => {
      let late = true;
      const slowFirst = {
        query: (...args) => pool.query(...args),
        async connect() {
          const client = await pool.connect();
          if (late) {
            late = false;
            await new Promise((resolve) => setTimeout(resolve, 300));
          }
          return client;
        },
      };
      const store = postgresStore(slowFirst, { table, setupTimeoutSeconds: 0.1 });
      await assert.rejects(store.claim('k', 'token', 60000), /not set up within 100 ms/);
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(await store.claim('k', 'token', 60000), 'claimed');
    }));

  it('a set-up given up leaves no backend queued on the server', async () => {
    // Review BO: a set-up given up closed its connection, but a backend queued on a lock does not
    // see its client go: each retry left one more waiting on the server, past the pool's max,
    // until the database refused connections.
    const table = `events_${Date.now().toString(36)}_queued`;
    const admin = new pg.Pool({ connectionString: database.url });
    const holder = await admin.connect();
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    pool.on('error', () => {});
    const store = postgresStore(pool, { table, setupTimeoutSeconds: 0.3 });
    const queued = async () => {
      const { rows } = await admin.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'
           AND (query LIKE 'CREATE INDEX IF NOT EXISTS "${table}%'
             OR query LIKE 'SELECT pg_advisory_xact_lock%')`,
      );
      return rows[0].n;
    };
    try {
      // Its table made without its index (a migration), and a write still open on it.
      await admin.query(
        `CREATE TABLE ${table} (key text PRIMARY KEY, token text NOT NULL, expires_at timestamptz NOT NULL)`,
      );
      await holder.query('BEGIN');
      await holder.query(`INSERT INTO ${table} VALUES ('x', 't', clock_timestamp())`);
      for (let i = 0; i < 4; i += 1) await assert.rejects(store.claim(`k${i}`, 't', 60000));
      let left = await queued();
      for (let tries = 0; left > 0 && tries < 20; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        left = await queued();
      }
      assert.equal(left, 0);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
      await admin.query(`DROP TABLE IF EXISTS ${table}`);
      await Promise.all([admin.end(), pool.end()]);
    }
  });

  it('a store that starts takes no lock on its table: it and the running ones claim on', async () => {
    // Review BL: each new store ran CREATE INDEX IF NOT EXISTS, which takes a ShareLock on the
    // table even when the index is there. Queued behind a write still open on the table (a sweep,
    // a migration), it held every other instance's claims, on any key, until that write ended.
    const table = `events_${Date.now().toString(36)}_lock`;
    const running = new pg.Pool({ connectionString: database.url });
    const starting = new pg.Pool({ connectionString: database.url });
    const writer = await running.connect();
    const store = postgresStore(running, { table });
    try {
      assert.equal(await store.claim('warm', 'token0', 60000), 'claimed');
      await writer.query('BEGIN');
      await writer.query(`DELETE FROM ${table} WHERE expires_at < clock_timestamp()`);
      const newcomer = postgresStore(starting, { table }).claim('other', 'token1', 60000);
      const answer = await Promise.race([
        Promise.all([newcomer, store.claim('fresh', 'token2', 60000)]),
        new Promise((resolve) => setTimeout(() => resolve('no answer within 2 s'), 2000).unref()),
      ]);
      assert.deepEqual(answer, ['claimed', 'claimed']);
    } finally {
      await writer.query('ROLLBACK');
      writer.release();
      await running.query(`DROP TABLE IF EXISTS ${table}`);
      await Promise.all([running.end(), starting.end()]);
    }
  });
});
