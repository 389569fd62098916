// vessel-webhooks/hono: Hono middleware (Node, Workers, Deno, Bun) that answers Vessel deliveries
// with a VesselWebhooks receiver. Hono itself is the user's: nothing here imports it.
import { streamOf } from './node-request.js';
import { checkReceiver } from './receiver-arg.js';

/**
 * Middleware that verifies the delivery, runs its handlers and answers it with the receiver's
 * Response (`{ "error": CODE }` and the status on a refusal). The raw Request goes to the
 * receiver as is, so its own `maxBodyBytes` is the only cap; if a middleware before read the body
 * (c.req.json() …), Hono's cached copy is verified instead. In a Worker the receiver gets the
 * request's ExecutionContext, for store calls that outlive the answer (ctx.waitUntil).
 */
export function vesselWebhook(webhooks) {
  checkReceiver(webhooks, 'webhooks');
  return async function vesselWebhookMiddleware(c) {
    const { raw } = c.req;
    const request = raw.bodyUsed
      ? new Request(raw, { body: await c.req.arrayBuffer() })
      : (nodeRequestOf(raw, c.env?.incoming) ?? raw);
    return webhooks.fetch(request, executionContext(c));
  };
}

/**
 * On @hono/node-server (`c.env.incoming`, the Node request, its body unread and not being read: a
 * Request made from it before reads it), a POST's Request whose body is read from it as the
 * Fastify and Koa adapters read theirs (node-request.js): a body sent a byte per HTTP chunk then
 * costs a 'data' event a byte, where the web stream that @hono/node-server makes cost a read per
 * chunk (twice Hono's own read of such a body); and one whose last byte has not arrived 10 s
 * after the first read closes the connection. Else undefined.
 */
function nodeRequestOf(raw, incoming) {
  if (
    raw.method !== 'POST' ||
    typeof incoming?.pipe !== 'function' ||
    incoming.readableDidRead !== false ||
    incoming.listenerCount('data') !== 0
  ) {
    return undefined;
  }
  return new Request(raw.url, {
    method: 'POST',
    headers: raw.headers,
    body: streamOf(incoming),
    duplex: 'half',
  });
}

/** The Worker's ExecutionContext, or undefined where there is none (Hono's getter throws). */
function executionContext(c) {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}
