// vessel-webhooks/koa: Koa middleware that answers Vessel deliveries with a VesselWebhooks
// receiver. Koa itself is the user's: nothing here imports it.
import { checkFetchApi, fetchRequestOf, partsOf, readBeforeRequestOf } from './node-request.js';
import { checkReceiver } from './receiver-arg.js';
import { answeredEarly, METHOD_NOT_ALLOWED, notReceived, otherMethod } from './incoming.js';

/**
 * Middleware that verifies the delivery, runs its handlers and answers it: the receiver's status
 * and `{ "error": CODE }` on a refusal. It reads the raw body itself (Koa reads none), under the
 * receiver's `maxBodyBytes`; after a body parser, it verifies what the parser kept. Errors that
 * are not a delivery's answer (a token resolver's own) go up to Koa (500: Vessel retries), with a
 * message of the package's own and the error as its cause.
 */
export function vesselWebhook(webhooks) {
  checkReceiver(webhooks, 'webhooks');
  checkFetchApi('vessel-webhooks/koa');
  return async function vesselWebhookMiddleware(ctx) {
    // The request the receiver gets is a POST: another method (under app.use) is answered here.
    const { status, headers, body } = otherMethod(ctx.req.method)
      ? METHOD_NOT_ALLOWED
      : await partsOf(await receive(webhooks, ctx));
    ctx.status = status;
    ctx.set(headers);
    // Sent before the body ended (over the cap, another method): the connection closes after it.
    if (answeredEarly(ctx.req)) ctx.set('connection', 'close');
    ctx.body = body;
  };
}

/**
 * The receiver's answer; an error that is none goes up to Koa as notReceived's, with the cause's
 * stack after its own: Koa's default handler logs `stack` alone, and never sends a 500's (review
 * BW: the cause was logged nowhere).
 */
async function receive(webhooks, ctx) {
  try {
    return await webhooks.fetch(requestOf(ctx, webhooks));
  } catch (cause) {
    const error = notReceived(cause);
    let told;
    try {
      told = cause instanceof Error ? cause.stack : String(cause);
    } catch {
      told = typeof cause;
    }
    error.stack += `\n[cause]: ${told}`;
    throw error;
  }
}

/**
 * After a body parser: its raw text (koa-bodyparser's rawBody), else the parsed value
 * (@koa/bodyparser, koa-body), checked as its JSON.stringify as Vessel signs; else the stream,
 * read under the receiver `webhooks`'s cap.
 */
function requestOf(ctx, webhooks) {
  const { req } = ctx;
  return req.readableDidRead
    ? readBeforeRequestOf(req, ctx.request.rawBody ?? ctx.request.body)
    : fetchRequestOf(req, webhooks);
}
