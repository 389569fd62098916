// Types of `vessel-webhooks/koa` (CommonJS-format, re-exported for import by koa.d.ts). They need
// Node's types and nothing from Koa: the middleware takes what it uses of Koa's context.
import type { IncomingMessage } from 'node:http';
import type { VesselWebhooks } from './index.cjs';

/** What the middleware uses of Koa's context (Koa's `Context` has all of it). */
export interface VesselKoaContext {
  req: IncomingMessage;
  /**
   * A body parser's results, verified when it read the body before the middleware. (`object &`:
   * a type of optional members alone would refuse Koa's own Request, which has neither.)
   */
  request: object & { rawBody?: string | Uint8Array; body?: unknown };
  status: number;
  set(field: string, value: string): void;
  set(headers: Record<string, string>): void;
  body: unknown;
}

/** Koa middleware, as {@link vesselWebhook} returns it: it answers the delivery itself. */
export type VesselKoaMiddleware = (
  ctx: VesselKoaContext,
  next?: () => Promise<unknown>,
) => Promise<void>;

/**
 * Koa middleware that verifies a Vessel delivery, runs the receiver's handlers and answers it:
 * the receiver's 2xx, or its status with `{ "error": CODE }`. It reads the raw body itself under
 * the receiver's `maxBodyBytes`; after a body parser, it verifies what the parser kept
 * (`ctx.request.rawBody`, else `ctx.request.body` as JSON). A method other than POST (under
 * `app.use`) is 405 `METHOD_NOT_ALLOWED` with `Allow: POST`. A token resolver's own error goes up
 * to Koa (500, or the 4xx/5xx status it carries).
 *
 * @throws TypeError at once when `webhooks` is not a receiver.
 * @example
 * router.post('/webhooks/vessel', vesselWebhook(webhooks));
 */
export declare function vesselWebhook(webhooks: VesselWebhooks): VesselKoaMiddleware;
