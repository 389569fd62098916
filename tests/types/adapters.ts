// The framework adapters' types with Fastify's and Hono's own: each adapter fits where its
// framework takes a plugin or a middleware, with no cast.
import Fastify from 'fastify';
import { Hono } from 'hono';
import { VesselWebhooks, memoryStore } from 'vessel-webhooks';
import vesselWebhooks, { type VesselWebhooksPluginOptions } from 'vessel-webhooks/fastify';
import { vesselWebhook as koaWebhook } from 'vessel-webhooks/koa';
import { vesselWebhook as honoWebhook } from 'vessel-webhooks/hono';

const webhooks = new VesselWebhooks({ accessToken: 'tok', store: memoryStore() });

const fastify = Fastify();
await fastify.register(vesselWebhooks, { webhooks, prefix: '/webhooks/vessel' });
// @ts-expect-error the plugin needs the receiver
await fastify.register(vesselWebhooks, { prefix: '/hook' });
// @ts-expect-error a receiver, not a string
await fastify.register(vesselWebhooks, { webhooks: 'not a receiver' });
const options: VesselWebhooksPluginOptions = { webhooks };
void options;

// Koa's own types (@types/koa) are left out: with this repository's content-disposition they do
// not compile without skipLibCheck.

const hono = new Hono();
hono.post('/webhooks/vessel', honoWebhook(webhooks));
// In a Worker, the receiver made from the bindings on the first request.
hono.post('/lazy', (c) => honoWebhook(webhooks)(c));

// @ts-expect-error a receiver, not its options
koaWebhook({ accessToken: 'tok' });

// Review CD: a context as Koa's own (its Request has neither rawBody nor body; @types/koa itself
// does not compile here, above), called from Koa code rather than handed to app.use.
declare const koaContext: {
  req: import('node:http').IncomingMessage;
  request: { method: string; url: string; header: Record<string, string | string[] | undefined> };
  status: number;
  set(field: string, value: string | string[]): void;
  set(field: Record<string, string | string[]>): void;
  body: unknown;
};
await koaWebhook(webhooks)(koaContext, async () => {});
