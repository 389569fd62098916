// redisStore(client): the receiver's store in Redis, with the user's node-redis (v4+) or ioredis
// client. A claim is `SET key token NX PX lease`; done is `SET key done PX ttl`; release deletes
// the key only while it still holds this claim's token (one Lua script, so atomically).
import { checkKeys } from '../incoming.js';
import { DONE } from './memory.js';

const OPTION_KEYS = new Set(['prefix']);

const RELEASE =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/**
 * One Redis command as an array of strings, through whichever client this is: a promise of its
 * reply. A command that gives no promise (node-redis's legacy interface, `client.legacy()` or v4's
 * `legacyMode`, which answers by callback) is a TypeError, not an answer: read as one, every claim
 * would be `claimed`, and every retry would run the handlers again.
 */
function commander(client) {
  // ioredis: call(name, ...args); node-redis v4/v5: sendCommand([name, ...args]).
  let send;
  if (typeof client?.call === 'function') send = (args) => client.call(...args);
  else if (typeof client?.sendCommand === 'function') send = (args) => client.sendCommand(args);
  else throw new TypeError('client: expected a node-redis (v4 or later) or ioredis client');
  return async (args) => {
    const reply = send(args);
    if (typeof reply?.then !== 'function') {
      throw new TypeError(
        'client: a command gave no promise; pass the node-redis client itself, not its legacy ' +
          'interface (client.legacy(), legacyMode)',
      );
    }
    return reply;
  };
}

/**
 * A store in Redis, shared by every instance that uses the same server and `prefix` (default
 * `vessel-webhooks:`). Takes a connected client; commands that the client cannot send in time
 * (node-redis queues them while disconnected) are answered STORE_UNAVAILABLE by the receiver.
 */
export function redisStore(client, options = {}) {
  const command = commander(client);
  const { prefix = 'vessel-webhooks:' } = checkKeys(options, OPTION_KEYS, 'options');
  if (typeof prefix !== 'string') throw new TypeError('options.prefix: expected a string');
  return {
    async claim(key, token, leaseMs) {
      const k = prefix + key;
      // OK: claimed; nil: taken. Anything else is no answer (never a claim).
      const set = await command(['SET', k, token, 'PX', String(leaseMs), 'NX']);
      if (set !== null) {
        if (String(set) === 'OK') return 'claimed';
        throw new Error('redisStore: SET … NX answered neither OK nor nil');
      }
      // Taken: by a done event, or by a claim (or released since: busy, and Vessel retries). A
      // claim holding this token is this one: its SET landed before, and the client sent it again
      // after its answer was lost with the connection (ioredis resends unanswered commands).
      const held = String(await command(['GET', k]));
      return held === token ? 'claimed' : held === DONE ? 'done' : 'busy';
    },
    async done(key, token, ttlMs) {
      await command(['SET', prefix + key, DONE, 'PX', String(ttlMs)]);
    },
    async release(key, token) {
      await command(['EVAL', RELEASE, '1', prefix + key, token]);
    },
  };
}
