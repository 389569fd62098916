// Types of `vessel-webhooks/express` (CommonJS-format, re-exported for import by express.d.ts).
// They need Node's types (@types/node, which @types/express brings) and nothing from Express: the
// middleware takes any IncomingMessage and ServerResponse.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessToken, VesselEvent, VerifyOptions } from './index.cjs';

/** Where the middleware finds the access token: fixed, or looked up per connection. */
export type VesselWebhookTokenOptions<Req extends IncomingMessage = IncomingMessage> =
  | {
      /** The access token of the connection, or several to try. */
      accessToken: AccessToken;
      getAccessToken?: never;
    }
  | {
      accessToken?: never;
      /**
       * The access token(s) of the connection the request's x-vessel-connection-id names (only
       * called when it has one); undefined or null for an unknown connection (answered 401). An
       * error it throws or rejects with goes to `next` as the `cause` of an error of the package's
       * own (Express answers 500, or the 4xx/5xx status the error carries, so Vessel retries later); a promise still pending after
       * `tokenLookupTimeoutMs` is answered 503 `TOKEN_LOOKUP_TIMEOUT`.
       */
      getAccessToken(
        connectionId: string,
        req: Req,
      ): AccessToken | undefined | null | PromiseLike<AccessToken | undefined | null>;
    };

/** The middleware's deadlines, in milliseconds (whole numbers from 1 to 2³¹ − 1). */
export interface VesselWebhookDeadlines {
  /**
   * Time the request body has, from when the middleware starts reading it, to arrive whole
   * (default 10 000). On expiry: 408 `{ "error": "BODY_TIMEOUT" }` and the connection is closed,
   * so a body trickled a byte at a time or a Content-Length longer than what is sent cannot hold
   * a request open. Not used when a body parser read the body before.
   */
  bodyTimeoutMs?: number | undefined;
  /**
   * Time `getAccessToken`'s promise has to settle (default 10 000). On expiry: 503
   * `{ "error": "TOKEN_LOOKUP_TIMEOUT" }` (Vessel retries later); a later rejection is ignored.
   */
  tokenLookupTimeoutMs?: number | undefined;
}

/** Options of {@link vesselWebhook}: the token, the checks of `verify`, and the deadlines. */
export type VesselWebhookOptions<Req extends IncomingMessage = IncomingMessage> =
  VesselWebhookTokenOptions<Req> &
    Pick<VerifyOptions, 'toleranceSeconds' | 'maxBodyBytes' | 'strict'> &
    VesselWebhookDeadlines;

/** A request that passed {@link vesselWebhook}: its authenticated event is `req.vesselEvent`. */
export type VesselRequest<Req extends IncomingMessage = IncomingMessage> = Req & {
  vesselEvent: VesselEvent;
};

/** Express (or Connect-style) middleware, as {@link vesselWebhook} returns it. */
export type VesselWebhookMiddleware<Req extends IncomingMessage = IncomingMessage> = (
  req: Req,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => Promise<void>;

/**
 * Middleware that authenticates Vessel deliveries. It reads the raw body itself, or uses what a
 * body parser left (express.raw, express.text or express.json). On success it sets
 * `req.vesselEvent` and calls `next()`; on failure it answers the error's status (401, 400 or 413;
 * 408 `BODY_TIMEOUT` and 503 `TOKEN_LOOKUP_TIMEOUT` past a deadline)
 * with `{ "error": CODE }`. A
 * method other than POST (when mounted with `app.use`) is answered 405
 * `{ "error": "METHOD_NOT_ALLOWED" }` with `Allow: POST`. `Req` is the request type
 * `getAccessToken` receives (e.g. `express.Request`).
 *
 * @throws TypeError at once for wrong options (neither or both of accessToken and getAccessToken,
 * an empty token, a deadline that is not a whole number of ms from 1 to 2³¹ − 1, an unknown
 * option).
 * @example
 * app.post('/webhooks/vessel', vesselWebhook({ getAccessToken: (id) => tokens.get(id) }), (req, res) => {
 *   const event = req.vesselEvent!; // set by vesselWebhook
 *   if (event.type === 'OBJECT_CHANGE' && event.data.objectType === 'Contact') {
 *     if (event.data.eventType !== 'DELETE') console.log(event.data.record.email);
 *   }
 *   res.sendStatus(204);
 * });
 */
export declare function vesselWebhook<Req extends IncomingMessage = IncomingMessage>(
  options: VesselWebhookOptions<Req>,
): VesselWebhookMiddleware<Req>;

declare global {
  // Express's Request extends this interface (declaration merging), so with @types/express
  // `req.vesselEvent` is typed in every handler; without Express's types it merges with nothing.
  namespace Express {
    interface Request {
      /**
       * The authenticated Vessel event, set by `vesselWebhook` from `vessel-webhooks/express`;
       * undefined on routes it does not guard.
       */
      vesselEvent?: VesselEvent;
    }
  }
}
