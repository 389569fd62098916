// The receiver's semantics with postgresStore on a real PostgreSQL (DATABASE_URL,
// scripts/services.sh), its table created safely by instances starting together, and 503 while
// the database is unreachable.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { postgresStore, sign } from 'vessel-webhooks';
import { storeSuite, eventBody, newEventId } from './receiver/suite.mjs';
import { TOKEN } from './receiver/app.mjs';
import { appWith, service, startProxy } from './receiver/services.mjs';

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
      const fetch = appWith(postgresStore(pool), { storeTimeoutSeconds: 1 });
      const deliver = async (eventId) => {
        const body = eventBody(eventId);
        const headers = sign(body, TOKEN, { connectionId: 'conn_down' });
        const response = await fetch('/hook', { method: 'POST', headers, body });
        return { status: response.status, json: await response.json() };
      };
      assert.equal((await deliver(newEventId('up'))).status, 200);
      const id = newEventId('down');
      await proxy.cut();
      assert.deepEqual(await deliver(id), { status: 503, json: { error: 'STORE_UNAVAILABLE' } });
      const runs = await (await fetch(`/runs?eventId=${id}`)).json();
      assert.deepEqual(runs, { started: 0, succeeded: 0 });
      await proxy.restore();
      let answer;
      for (let tries = 0; tries < 100; tries += 1) {
        answer = await deliver(id);
        if (answer.status !== 503 && answer.status !== 409) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.deepEqual(answer, { status: 200, json: { received: true } });
    } finally {
      await proxy.close();
      await pool.end();
    }
  });
});
