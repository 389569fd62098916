// The receiver's semantics with redisStore on a real Redis (REDIS_URL, scripts/services.sh),
// through both official clients: node-redis and ioredis.
import { describe, it, after } from 'node:test';
import { createClient } from 'redis';
import Redis from 'ioredis';
import { redisStore } from 'vessel-webhooks';
import { storeSuite } from './receiver/suite.mjs';
import { appWith, outage, service, startProxy } from './receiver/services.mjs';

const redis = service('REDIS_URL');
const clients = {
  'node-redis': async (url) => {
    const client = createClient({ url });
    client.on('error', () => {}); // reconnects on its own; errors reach the store's callers
    await client.connect();
    return { client, close: () => client.destroy() };
  },
  ioredis: async (url) => {
    const client = new Redis(url, { lazyConnect: true });
    client.on('error', () => {});
    await client.connect();
    return { client, close: () => client.disconnect() };
  },
};

for (const [name, connect] of Object.entries(clients)) {
  describe(name, { skip: redis.skip }, () => {
    storeSuite(async () => {
      const { client, close } = await connect(redis.url);
      return { fetch: appWith(redisStore(client)), stop: close };
    });

    it('answers 503 STORE_UNAVAILABLE, never 2xx, while Redis is unreachable; then recovers', async () => {
      const proxy = await startProxy(Number(new URL(redis.url).port));
      const { client, close } = await connect(`redis://127.0.0.1:${proxy.port}`);
      after(async () => {
        await close();
        await proxy.close();
      });
      // The client queues commands while disconnected: the store's deadline answers.
      await outage(appWith(redisStore(client), { storeTimeoutSeconds: 0.5 }), proxy);
    });
  });
}
