// The receiver's semantics with redisStore on a real Redis (REDIS_URL, scripts/services.sh),
// through both official clients: node-redis and ioredis.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'redis';
import Redis from 'ioredis';
import { redisStore, sign } from 'vessel-webhooks';
import { storeSuite, eventBody, newEventId } from './receiver/suite.mjs';
import { TOKEN } from './receiver/app.mjs';
import { appWith, service, startProxy } from './receiver/services.mjs';

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
      const fetch = appWith(redisStore(client), { storeTimeoutSeconds: 0.5 });
      const deliver = async (eventId) => {
        const body = eventBody(eventId);
        const headers = sign(body, TOKEN, { connectionId: 'conn_down' });
        const response = await fetch('/hook', { method: 'POST', headers, body });
        return { status: response.status, json: await response.json() };
      };
      const id = newEventId('down');
      await proxy.cut();
      // The client queues the commands while disconnected: the store's deadline answers.
      assert.deepEqual(await deliver(id), { status: 503, json: { error: 'STORE_UNAVAILABLE' } });
      const runs = await (await fetch(`/runs?eventId=${id}`)).json();
      assert.deepEqual(runs, { started: 0, succeeded: 0 });
      await proxy.restore();
      // Vessel's retries: refused (503, or 409 while a late claim is given back) until one runs.
      let answer;
      for (let tries = 0; tries < 100; tries += 1) {
        answer = await deliver(id);
        if (answer.status !== 503 && answer.status !== 409) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.deepEqual(answer, { status: 200, json: { received: true } });
      const finished = await (await fetch(`/runs?eventId=${id}`)).json();
      assert.deepEqual(finished, { started: 1, succeeded: 1 });
    });
  });
}
