// postgresStore(pool): the receiver's store in PostgreSQL, with the user's `pg` Pool. One table,
// one row per event key: a claim's token or 'done', and when it expires (the database's clock,
// so the instances' clocks do not matter).
import { checkKeys, MAX_TIMEOUT_MS, milliseconds, withDeadline } from '../incoming.js';
import { DONE } from './memory.js';

const SWEEP_EVERY = 1000;
const OPTION_KEYS = new Set(['table', 'setupTimeoutSeconds']);

/**
 * A store in PostgreSQL table `table` (default `vessel_webhook_events`), created when missing on
 * first use — under a transaction-scoped advisory lock, so that instances starting together
 * create it once. A set-up that has not ended within `setupTimeoutSeconds` (default 10) is given
 * up, its connection closed, and the next call tries again.
 */
export function postgresStore(pool, options = {}) {
  if (typeof pool?.query !== 'function' || typeof pool?.connect !== 'function') {
    throw new TypeError('pool: expected a pg Pool');
  }
  const { table: name = 'vessel_webhook_events', setupTimeoutSeconds } = checkKeys(
    options,
    OPTION_KEYS,
    'options',
  );
  const setupMs = milliseconds(
    setupTimeoutSeconds,
    10,
    'setupTimeoutSeconds',
    MAX_TIMEOUT_MS / 1000,
  );
  if (typeof name !== 'string' || !/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new TypeError('options.table: expected a lower-case SQL name ([a-z_][a-z0-9_]*)');
  }
  // Quoted, so that a reserved word (`user`, `order`) is a name too; lower-case, so the same
  // table as unquoted.
  const table = `"${name}"`;
  const claimSql = `WITH claim AS (
      INSERT INTO ${table} AS e (key, token, expires_at)
      VALUES ($1, $2, clock_timestamp() + $3::float8 * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at
        WHERE e.expires_at <= clock_timestamp()
      RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM claim) AS claimed,
      (SELECT token FROM ${table} WHERE key = $1 AND expires_at > clock_timestamp()) AS token`;
  const doneSql = `INSERT INTO ${table} (key, token, expires_at)
    VALUES ($1, '${DONE}', clock_timestamp() + $2::float8 * interval '1 millisecond')
    ON CONFLICT (key) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at`;

  /**
   * One attempt to set the table up, on a connection of its own: nothing but a look at the catalog
   * when the table and its index are there (CREATE INDEX IF NOT EXISTS takes a lock on the table
   * even then, queued behind any write still open on it, and every claim behind that: one instance
   * starting would stall the others), else both created under the advisory lock. `abandon()`
   * closes its connection: a query that hangs on it ends, and a connection that comes late goes
   * back to the pool unused.
   */
  const attempt = () => {
    let client;
    let abandoned = false;
    let released = false;
    const release = (error) => {
      if (client === undefined || released) return;
      released = true;
      client.release(error);
    };
    const done = (async () => {
      client = await pool.connect();
      if (abandoned) return release();
      try {
        const { rows } = await client.query(
          'SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL AS found',
          [table, `"${name}_expires_at"`],
        );
        if (!rows[0].found) {
          await client.query('BEGIN');
          // The server gives up its waits too: a backend queued on a lock does not see its client
          // go, and each abandoned set-up would leave one queued, past the pool's count (review BO).
          await client.query(
            "SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $1, true)",
            [String(setupMs)],
          );
          await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [name]);
          await client.query(
            `CREATE TABLE IF NOT EXISTS ${table} (key text PRIMARY KEY, token text NOT NULL, expires_at timestamptz NOT NULL)`,
          );
          await client.query(
            `CREATE INDEX IF NOT EXISTS "${name}_expires_at" ON ${table} (expires_at)`,
          );
          await client.query('COMMIT');
        }
        release();
      } catch (error) {
        // A broken connection is not returned to the pool.
        release(error);
        throw error;
      }
    })();
    return {
      done,
      abandon() {
        abandoned = true;
        release(new Error('postgresStore: set-up abandoned'));
      },
    };
  };

  let ready;
  /**
   * Sets the table up once per store, again after a failure or after setupMs: a set-up kept
   * pending (its connection accepted and never answered) would hold every later call for good.
   */
  const setUp = () => {
    if (ready === undefined) {
      const { done, abandon } = attempt();
      ready = withDeadline(done, setupMs, () => {
        abandon();
        return new Error(`postgresStore: the table was not set up within ${setupMs} ms`);
      }).catch((error) => {
        ready = undefined;
        throw error;
      });
    }
    return ready;
  };

  let claims = 0;
  return {
    async claim(key, token, leaseMs) {
      await setUp();
      claims += 1;
      if (claims % SWEEP_EVERY === 0) {
        // Rows past their time are free to claim already; deleting them only keeps the table
        // small. The condition is re-checked on a row claimed meanwhile, which stays.
        pool.query(`DELETE FROM ${table} WHERE expires_at < clock_timestamp()`).catch(() => {});
      }
      const { rows } = await pool.query(claimSql, [key, token, leaseMs]);
      if (rows[0].claimed) return 'claimed';
      return rows[0].token === DONE ? 'done' : 'busy';
    },
    async done(key, token, ttlMs) {
      await setUp();
      await pool.query(doneSql, [key, ttlMs]);
    },
    async release(key, token) {
      await setUp();
      await pool.query(`DELETE FROM ${table} WHERE key = $1 AND token = $2`, [key, token]);
    },
  };
}
