// The README's Hono-on-Workers recipe as a Worker for tests/js/adapters-workerd.test.mjs, with
// memoryStore() in place of the Durable Object (one isolate serves the test) and a route that
// lists the events the handler ran.
import { Hono } from 'hono';
import { VesselWebhooks, memoryStore } from 'vessel-webhooks';
import { vesselWebhook } from 'vessel-webhooks/hono';

const ran = [];
let webhooks;
function receiver(env) {
  webhooks ??= new VesselWebhooks({
    getAccessToken: (connectionId) => env.VESSEL_TOKENS.get(connectionId),
    store: memoryStore(),
  }).on('status.READY', async (event) => {
    ran.push(event.eventId);
  });
  return webhooks;
}

const app = new Hono();
app.post('/webhooks/vessel', (c) => vesselWebhook(receiver(c.env))(c));
app.get('/ran', (c) => c.json(ran));
export default app;
