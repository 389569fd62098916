// durableObjectStore(namespace) and its Durable Object class, VesselEventStore: the receiver's
// store on Cloudflare Workers. One object per event key, so that each claim is decided by one
// single-threaded object with strongly consistent storage. (Workers KV must not be used: it is
// eventually consistent, so two instances can both read "free" and both run the event, and a
// done mark can take up to a minute to be seen elsewhere.)
import { checkKeys } from '../incoming.js';
import { DONE, NO_OPTIONS } from './memory.js';

/**
 * A store whose claims live in the Durable Object namespace `namespace`, bound to the class
 * VesselEventStore (export it from the Worker's main module).
 */
export function durableObjectStore(namespace, options = {}) {
  if (typeof namespace?.idFromName !== 'function' || typeof namespace?.get !== 'function') {
    throw new TypeError('namespace: expected a Durable Object namespace binding');
  }
  checkKeys(options, NO_OPTIONS, 'options');
  const call = async (operation, key, args) => {
    const stub = namespace.get(namespace.idFromName(key));
    const response = await stub.fetch(`https://vessel-event-store/${operation}`, {
      method: 'POST',
      body: JSON.stringify(args),
    });
    if (!response.ok) throw new Error(`VesselEventStore: HTTP ${response.status}`);
    return (await response.json()).result;
  };
  return {
    claim: (key, token, leaseMs) => call('claim', key, { token, ms: leaseMs }),
    done: async (key, token, ttlMs) => {
      await call('done', key, { token, ms: ttlMs });
    },
    release: async (key, token) => {
      await call('release', key, { token });
    },
  };
}

/**
 * The Durable Object behind durableObjectStore: one event key's claim or done mark. Its storage
 * calls run under the object's input gate, so that a read and the write after it are one step.
 * An alarm deletes the entry when it expires.
 */
export class VesselEventStore {
  constructor(state) {
    this.storage = state.storage;
  }

  async fetch(request) {
    const operation = new URL(request.url).pathname.slice(1);
    const { token, ms } = await request.json();
    const now = Date.now();
    const stored = await this.storage.get('entry');
    const entry = stored !== undefined && stored.expires > now ? stored : undefined;
    let result = null;
    let next;
    if (operation === 'claim') {
      if (entry === undefined) {
        next = { token, expires: now + ms };
        result = 'claimed';
      } else {
        result = entry.token === DONE ? 'done' : 'busy';
      }
    } else if (operation === 'done') {
      next = { token: DONE, expires: now + ms };
    } else if (operation === 'release') {
      if (entry?.token === token) await this.storage.delete('entry');
    } else {
      return new Response(null, { status: 404 });
    }
    if (next !== undefined) {
      await this.storage.put('entry', next);
      await this.storage.setAlarm(next.expires);
    }
    return Response.json({ result });
  }

  async alarm() {
    const entry = await this.storage.get('entry');
    if (entry === undefined || entry.expires <= Date.now()) await this.storage.deleteAll();
    else await this.storage.setAlarm(entry.expires);
  }
}
