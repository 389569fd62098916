// memoryStore(): the receiver's store for one process (README, "Receiver"). Every store keeps,
// per event key, either a claim (its token, until its lease ends) or a done mark (until its TTL
// ends); memoryStore keeps the two in maps of their own.
import { checkKeys } from '../incoming.js';

/** What the Redis, PostgreSQL and Durable Object stores keep in a key's slot for its done mark. */
export const DONE = 'done';

/** The options of a store that has none: any given is refused, as other stores refuse theirs. */
export const NO_OPTIONS = new Set();

/**
 * A store in this process's memory: claims and done marks are lost when it exits. Leases and TTLs
 * run on the monotonic clock (performance.now): a wall clock set forward (NTP, a VM resumed) ends
 * no lease early.
 */
export function memoryStore(options = {}) {
  checkKeys(options, NO_OPTIONS, 'options');
  const leases = new Map(); // key → { token, expires }
  const marks = new Map(); // key → when its done mark expires
  const forgetLeases = sweeper(leases, (lease) => lease.expires);
  const forgetMarks = sweeper(marks, (expires) => expires);
  return {
    async claim(key, token, leaseMs) {
      const now = performance.now();
      forgetLeases(now);
      forgetMarks(now);
      if (marks.get(key) > now) return 'done';
      if (leases.get(key)?.expires > now) return 'busy';
      marks.delete(key);
      leases.set(key, { token, expires: now + leaseMs });
      return 'claimed';
    },
    async done(key, token, ttlMs) {
      leases.delete(key);
      marks.set(key, performance.now() + ttlMs);
    },
    async release(key, token) {
      if (leases.get(key)?.token === token) leases.delete(key);
    },
  };
}

/** A claim looks on in each map until it has seen SWEEP_STEPS live entries, or SWEEP_LIMIT. */
const SWEEP_STEPS = 4;
const SWEEP_LIMIT = 256;

/**
 * Forgets what has expired in `map`, from where the last call stopped, as Redis expires keys: a
 * claim costs at most SWEEP_LIMIT steps however many events the store holds (a walk over every
 * entry each 1 024th claim paused the process for 0.26 s at a million: review CU), whatever
 * leases and TTLs share the store (review CZ), and a run of expired entries (after a burst, then
 * a quiet day) goes SWEEP_LIMIT a claim (review DA). An entry whose expiry is NaN is expired.
 */
function sweeper(map, expiresOf) {
  let cursor = map.entries();
  return (now) => {
    for (let seen = 0, live = 0; live < SWEEP_STEPS && seen < SWEEP_LIMIT; seen += 1) {
      let next = cursor.next();
      if (next.done) {
        cursor = map.entries();
        next = cursor.next();
        if (next.done) return;
      }
      const [key, entry] = next.value;
      if (expiresOf(entry) > now) live += 1;
      else map.delete(key);
    }
  };
}
