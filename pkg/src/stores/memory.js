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
  // Claims and done marks, each map in the order its entries were written. With one lease and
  // one TTL (a receiver's), that is the order they expire in, so forgetting what has expired
  // looks only at the front of each map: a claim costs the same with a million events kept as
  // with none (a walk over every entry paused the process for 0.26 s at a million: review CU).
  const leases = new Map(); // key → { token, expires }
  const marks = new Map(); // key → when its done mark expires
  const forget = (map, expiresOf, now) => {
    for (const [key, entry] of map) {
      if (expiresOf(entry) > now) return;
      map.delete(key);
    }
  };
  return {
    async claim(key, token, leaseMs) {
      const now = performance.now();
      forget(leases, (lease) => lease.expires, now);
      forget(marks, (expires) => expires, now);
      if (marks.get(key) > now) return 'done';
      if (leases.get(key)?.expires > now) return 'busy';
      marks.delete(key);
      leases.delete(key); // written anew at the end, where its expiry puts it
      leases.set(key, { token, expires: now + leaseMs });
      return 'claimed';
    },
    async done(key, token, ttlMs) {
      leases.delete(key);
      marks.delete(key);
      marks.set(key, performance.now() + ttlMs);
    },
    async release(key, token) {
      if (leases.get(key)?.token === token) leases.delete(key);
    },
  };
}
