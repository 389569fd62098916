// redisStore(client): the receiver's store in Redis, with the user's node-redis (v4+) or ioredis
// client. A claim is `SET key token NX PX lease`; done is `SET key done PX ttl`; release deletes
// the key only while it still holds this claim's token (one Lua script, so atomically).
import { checkKeys } from '../incoming.js';
import { DONE } from './memory.js';

const OPTION_KEYS = new Set(['prefix']);

const RELEASE =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/** One Redis command as an array of strings, through whichever client this is. */
function commander(client) {
  // ioredis: call(name, ...args); node-redis v4/v5: sendCommand([name, ...args]).
  if (typeof client?.call === 'function') return (args) => client.call(...args);
  if (typeof client?.sendCommand === 'function') return (args) => client.sendCommand(args);
  throw new TypeError('client: expected a node-redis (v4 or later) or ioredis client');
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
      if ((await command(['SET', k, token, 'PX', String(leaseMs), 'NX'])) !== null) {
        return 'claimed';
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
