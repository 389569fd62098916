// The receiver's semantics with redisStore on a real Redis (REDIS_URL, scripts/services.sh),
// through both official clients: node-redis and ioredis.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'redis';
import Redis from 'ioredis';
import { redisStore, sign } from 'vessel-webhooks';
import { TOKEN } from './receiver/app.mjs';
import { eventBody, newEventId, storeContract, storeSuite } from './receiver/suite.mjs';
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

    storeContract(async (t) => {
      const { client, close } = await connect(redis.url);
      t.after(close);
      return redisStore(client);
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

describe("node-redis's legacy interface", { skip: redis.skip }, () => {
  it('is refused at each claim: 503 STORE_UNAVAILABLE, and nothing runs', async () => {
    // Review BL: client.legacy()'s sendCommand returns undefined (it answers by callback), which
    // was read as a claim: the same event ran at each delivery, concurrent or not.
    const { client, close } = await clients['node-redis'](redis.url);
    after(close);
    const fetch = appWith(redisStore(client.legacy()));
    const eventId = newEventId('legacy');
    const body = eventBody(eventId);
    const deliver = async () => {
      const response = await fetch('/hook', { method: 'POST', headers: sign(body, TOKEN), body });
      return { status: response.status, json: await response.json() };
    };
    const refused = { status: 503, json: { error: 'STORE_UNAVAILABLE' } };
    assert.deepEqual(await Promise.all([deliver(), deliver()]), [refused, refused]);
    assert.deepEqual(await deliver(), refused);
    assert.deepEqual(await (await fetch(`/runs?eventId=${eventId}`)).json(), {
      started: 0,
      succeeded: 0,
    });
  });
});
