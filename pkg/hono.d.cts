// Types of `vessel-webhooks/hono` (CommonJS-format, re-exported for import by hono.d.ts). Nothing
// from Hono: the middleware takes what it uses of Hono's context, so it fits every Hono version.
import type { VesselWebhooks } from './index.cjs';

/** What the middleware uses of Hono's context (Hono's `Context` has all of it). */
export interface VesselHonoContext {
  req: { raw: Request; arrayBuffer(): Promise<ArrayBuffer> };
}

/** Hono middleware, as {@link vesselWebhook} returns it: it answers the delivery itself. */
export type VesselHonoMiddleware = (
  c: VesselHonoContext,
  next?: () => Promise<void>,
) => Promise<Response>;

/**
 * Hono middleware (Node, Workers, Deno, Bun) that verifies a Vessel delivery, runs the
 * receiver's handlers and answers it with the receiver's Response: its 2xx, or its status with
 * `{ "error": CODE }`. The request's body is read by the receiver under its `maxBodyBytes`; after
 * a middleware that read it (`c.req.json()` …), Hono's cached copy is verified.
 *
 * @throws TypeError at once when `webhooks` is not a receiver.
 * @example
 * app.post('/webhooks/vessel', vesselWebhook(webhooks));
 */
export declare function vesselWebhook(webhooks: VesselWebhooks): VesselHonoMiddleware;
