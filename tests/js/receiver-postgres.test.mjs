// The receiver's semantics with postgresStore on a real PostgreSQL (DATABASE_URL,
// scripts/services.sh), its table created safely by instances starting together, and 503 while
// the database is unreachable.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { postgresStore } from 'vessel-webhooks';
import { storeSuite } from './receiver/suite.mjs';
import { appWith, outage, service, startProxy } from './receiver/services.mjs';

const database = service('DATABASE_URL');

describe('postgresStore', { skip: database.skip }, () => {
  storeSuite(async () => {
    const pool = new pg.Pool({ connectionString: database.url });
    return { fetch: appWith(postgresStore(pool)), stop: () => pool.end() };
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
});
