// vessel-webhooks/hono: Hono middleware (Node, Workers, Deno, Bun) that answers Vessel deliveries
// with a VesselWebhooks receiver. Hono itself is the user's: nothing here imports it.
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
    const request = raw.bodyUsed ? new Request(raw, { body: await c.req.arrayBuffer() }) : raw;
    return webhooks.fetch(request, executionContext(c));
  };
}

/** The Worker's ExecutionContext, or undefined where there is none (Hono's getter throws). */
function executionContext(c) {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}
