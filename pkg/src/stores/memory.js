// memoryStore(): the receiver's store for one process (README, "Receiver"). Every store keeps,
// per event key, either a claim (its token, until its lease ends) or DONE (until its TTL ends).
import { checkKeys } from '../incoming.js';

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

/** The entries a claim looks at in each map for expired ones. */
const SWEEP_STEPS = 4;

/**
 * Forgets what has expired in `map`, a few entries a call (SWEEP_STEPS), from where the last call
 * stopped, as Redis expires keys: a claim costs the same however many events the store holds
 * (a walk over every entry each 1 024th claim paused the process for 0.26 s at a million: review
 * CU), whatever leases and TTLs share the store (review CZ). An entry is forgotten within one
 * pass after it expired, a pass taking a quarter as many claims as the map has entries; as a
 * claim adds at most one entry to each map, the store holds little more than what is live.
 */
function sweeper(map, expiresOf) {
  let cursor = map.entries();
  return (now) => {
    for (let step = 0; step < SWEEP_STEPS; step += 1) {
      let next = cursor.next();
      if (next.done) {
        cursor = map.entries();
        next = cursor.next();
        if (next.done) return;
      }
      const [key, entry] = next.value;
      if (expiresOf(entry) <= now) map.delete(key);
    }
  };
}
