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
  const entries = new Map();
  let claims = 0;
  /** The key's entry while it lasts. */
  const live = (key, now) => {
    const entry = entries.get(key);
    if (entry === undefined || entry.expires > now) return entry;
    entries.delete(key);
    return undefined;
  };
  return {
    async claim(key, token, leaseMs) {
      const now = performance.now();
      claims += 1;
      // Now and then, forget what has expired (the store would otherwise only grow).
      if (claims % 1024 === 0) for (const k of entries.keys()) live(k, now);
      const entry = live(key, now);
      if (entry !== undefined) return entry.token === DONE ? 'done' : 'busy';
      entries.set(key, { token, expires: now + leaseMs });
      return 'claimed';
    },
    async done(key, token, ttlMs) {
      entries.set(key, { token: DONE, expires: performance.now() + ttlMs });
    },
    async release(key, token) {
      if (entries.get(key)?.token === token) entries.delete(key);
    },
  };
}
