// Types of the main entry, `vessel-webhooks` (every condition: Node require and import, Workers,
// browsers). CommonJS-format declarations, so that require resolves them under every TypeScript
// module setting; index.d.ts re-exports them for import. The record models are generated from
// Vessel's schemas into models.d.cts.
import type { ConnectionStatus, ObjectType, ObjectTypeRecords } from './models.cjs';

export * from './models.cjs';

/** `data.eventType` of an OBJECT_CHANGE event. */
export type ChangeType = 'CREATE' | 'UPDATE' | 'DELETE';

/**
 * The `record` of a DELETE event, whatever the object type: only its ids, as Vessel's webhook page
 * describes it (the runtime checks `id` alone, as for every record).
 */
export interface DeletedRecord {
  /** Unique Vessel id of the deleted record. */
  id: string;
  /** Id of the deleted record in the connected CRM. */
  nativeId: string;
  /** The Vessel connection the record belonged to. */
  connectionId: string;
}

/**
 * `data` of an OBJECT_CHANGE event: one member per object type and change type, so checking
 * `objectType` and `eventType` narrows `record` — to the object type's model for CREATE and
 * UPDATE, to {@link DeletedRecord} for DELETE (checking `eventType === 'DELETE'` alone is enough).
 * The parameters pick members: `ObjectChange<'Contact' | 'Lead', 'DELETE'>`.
 */
export type ObjectChange<T extends ObjectType = ObjectType, C extends ChangeType = ChangeType> = {
  [O in T]: {
    [E in C]: {
      /** Which kind of CRM record changed. */
      objectType: O;
      /** Whether the record was created, updated or deleted. */
      eventType: E;
      /** The whole record for CREATE and UPDATE; its ids only for DELETE. */
      record: E extends 'DELETE' ? DeletedRecord : ObjectTypeRecords[O];
    };
  }[C];
}[T];

/**
 * A CRM record was created, updated or deleted. The parameters narrow it, e.g. a handler of new
 * contacts takes `ObjectChangeEvent<'Contact', 'CREATE'>`.
 */
export interface ObjectChangeEvent<
  T extends ObjectType = ObjectType,
  C extends ChangeType = ChangeType,
> {
  /** Unique per event and the same on every retry: use it to de-duplicate. */
  eventId: string;
  type: 'OBJECT_CHANGE';
  data: ObjectChange<T, C>;
}

/** The connection's status changed: it was linked, finished its first sync, or is ready. */
export interface StatusChangeEvent<S extends ConnectionStatus = ConnectionStatus> {
  /** Unique per event and the same on every retry: use it to de-duplicate. */
  eventId: string;
  type: 'STATUS_CHANGE';
  data: {
    /** The connection's new status. */
    status: S;
  };
}

/**
 * A Vessel webhook event of a kind this version of the package knows, narrowing on `type`, then
 * on `data.objectType` and `data.eventType`.
 *
 * **Unknown kinds.** By default (`strict: false`) the runtime also accepts an event whose `type`,
 * `objectType`, `eventType` or `status` it does not know, so that a handler can still answer 2xx
 * to a kind Vessel adds later (Vessel retries until it gets one). Such an event is not part of
 * this union: a member typed `type: string` would absorb every `=== 'OBJECT_CHANGE'` check and
 * spoil the narrowing of the known kinds, and TypeScript cannot express "any string but these".
 * So an unknown kind reaches the `default` branch of a `switch` on `type` (or on `objectType`,
 * `eventType`, `status`), where TypeScript types it `never`: answer 2xx there and do not throw.
 * Read it there as {@link UnknownVesselEvent} (`event as UnknownVesselEvent`) to log it. With
 * `strict: true` the runtime rejects unknown kinds (INVALID_EVENT), and this union is exact about
 * kinds. A record's fields other than `id` are Vessel's documented shape, not checked at run time.
 *
 * @example
 * switch (event.type) {
 *   case 'OBJECT_CHANGE':
 *     if (event.data.eventType === 'DELETE') await remove(event.data.record.id);
 *     else if (event.data.objectType === 'Contact') await upsert(event.data.record.email);
 *     break;
 *   case 'STATUS_CHANGE':
 *     console.log(event.data.status); // 'NEW_CONNECTION' | 'INITIAL_SYNCED' | 'READY'
 *     break;
 *   default:
 *     console.log('unknown event', (event as UnknownVesselEvent).type);
 * }
 */
export type VesselEvent = ObjectChangeEvent | StatusChangeEvent;

/**
 * The shape every event the runtime accepts has, known or not: what an event of a kind this
 * version does not know (see {@link VesselEvent}) can be read as.
 */
export interface UnknownVesselEvent {
  /** Unique per event and the same on every retry: use it to de-duplicate. */
  eventId: string;
  type: string;
  data: Record<string, unknown>;
}

/**
 * The stable code of a {@link VesselWebhookError}: which check failed, in check order.
 * - `BODY_TOO_LARGE` (413): the raw body is longer than `maxBodyBytes`.
 * - `MISSING_HEADER` (401): x-vessel-signature or x-vessel-timestamp is absent or empty.
 * - `INVALID_TIMESTAMP` (401): the timestamp is not 1–16 digits.
 * - `MALFORMED_SIGNATURE` (401): the signature is not 64 hex digits.
 * - `TIMESTAMP_OUT_OF_TOLERANCE` (401): the timestamp is further from now than `toleranceSeconds`.
 * - `SIGNATURE_MISMATCH` (401): no access token signed the body (or none was found for the
 *   connection).
 * - `INVALID_JSON` (400): the body is not one strict JSON document with an object at the top.
 * - `INVALID_EVENT` (400): the JSON is not a Vessel event.
 * - `HANDLER_FAILED` (500): a VesselWebhooks handler threw; the claim was released, and Vessel's
 *   retry runs the event's handlers again.
 * - `EVENT_IN_PROGRESS` (409): another delivery of the event holds its claim; retry later.
 * - `STORE_UNAVAILABLE` (503): the receiver's store failed or did not answer in time.
 * - `BODY_TIMEOUT` (408): `vesselWebhook` or `webhooks.middleware()` did not receive the whole
 *   body in time.
 * - `TOKEN_LOOKUP_TIMEOUT` (503): `getAccessToken` (of `vesselWebhook` or `VesselWebhooks`) did
 *   not settle in time.
 */
export type VesselWebhookErrorCode =
  | 'BODY_TOO_LARGE'
  | 'MISSING_HEADER'
  | 'INVALID_TIMESTAMP'
  | 'MALFORMED_SIGNATURE'
  | 'TIMESTAMP_OUT_OF_TOLERANCE'
  | 'SIGNATURE_MISMATCH'
  | 'INVALID_JSON'
  | 'INVALID_EVENT'
  | 'HANDLER_FAILED'
  | 'EVENT_IN_PROGRESS'
  | 'STORE_UNAVAILABLE'
  | 'BODY_TIMEOUT'
  | 'TOKEN_LOOKUP_TIMEOUT';

/**
 * Why a webhook request was refused: `code` is stable, `status` is the HTTP answer to give.
 * Messages name what failed and never contain the body or an access token.
 *
 * @example
 * try {
 *   event = constructEvent(body, request.headers, token);
 * } catch (error) {
 *   if (error instanceof VesselWebhookError) return error.toResponse();
 *   throw error;
 * }
 */
export declare class VesselWebhookError extends Error {
  /** @throws TypeError for a code that is not a {@link VesselWebhookErrorCode} (it has no status). */
  constructor(code: VesselWebhookErrorCode, message: string, options?: { cause?: unknown });
  name: 'VesselWebhookError';
  /** Which check failed. */
  code: VesselWebhookErrorCode;
  /**
   * The HTTP status to answer with: 413 for BODY_TOO_LARGE, 400 for INVALID_*, 500
   * HANDLER_FAILED, 409 EVENT_IN_PROGRESS, 408 BODY_TIMEOUT, 503 STORE_UNAVAILABLE and
   * TOKEN_LOOKUP_TIMEOUT, else 401.
   */
  status: 400 | 401 | 408 | 409 | 413 | 500 | 503;
  /** The answer to send, for frameworks without Fetch responses: `{ "error": code }` as JSON. */
  toHttp(): { status: number; headers: Record<string, string>; body: string };
  /** The answer to send: a JSON Response `{ "error": code }` with this status. */
  toResponse(): Response;
}

/**
 * A delivery's body: the raw bytes as received (a string, Uint8Array, Node Buffer, ArrayBuffer or
 * another ArrayBufferView), or the object a JSON body parser already made of them. Raw bytes are
 * best: an object is checked as `JSON.stringify` prints it, which matches what Vessel signs. A
 * stream, Blob, Request or Response is a TypeError: read its bytes first.
 */
export type WebhookBody = string | Uint8Array | ArrayBuffer | ArrayBufferView | object;

/**
 * Request headers: fetch `Headers` (or anything with a `get(name)`), a `Map`, or a plain object
 * such as Node's `req.headers`. Names are case-insensitive; an array of one string counts as it.
 */
export type WebhookHeaders =
  | { get(name: string): string | null | undefined }
  | ReadonlyMap<string, string | readonly string[] | undefined>
  | { readonly [name: string]: string | readonly string[] | undefined };

/** The access token of the connection, or several to try (rotation, several tenants). */
export type AccessToken = string | readonly string[];

/** Options of verify, parse, constructEvent and verifyRequest. */
export interface VerifyOptions {
  /**
   * How far (in seconds) the x-vessel-timestamp may be from now, either way. Default 300;
   * `Infinity` disables the check.
   */
  toleranceSeconds?: number | undefined;
  /**
   * The current time, for tests: a valid Date or milliseconds since the epoch (0 to 8.64e15, a
   * Date's range; else a TypeError). Default `Date.now()`.
   */
  now?: Date | number | undefined;
  /** The largest body accepted, in bytes (BODY_TOO_LARGE beyond): default 4 MiB, at most 64 MiB. */
  maxBodyBytes?: number | undefined;
  /**
   * Reject events whose `type`, `objectType`, `eventType` or `status` this version does not know
   * (INVALID_EVENT) instead of accepting them. Default false; see {@link VesselEvent}.
   */
  strict?: boolean | undefined;
}

/** Options of {@link sign}. */
export interface SignOptions {
  /** Unix time of the signature: seconds (a number or its digits). Default now. */
  timestamp?: number | string | undefined;
  /** Adds the x-vessel-connection-id header. */
  connectionId?: string | undefined;
}

/** The headers Vessel sends with a delivery, as {@link sign} makes them. */
export type SignedHeaders = {
  'x-vessel-timestamp': string;
  'x-vessel-signature': string;
  'x-vessel-connection-id'?: string;
};

/**
 * Gives the access token(s) of a connection, by its x-vessel-connection-id; undefined or null when
 * the connection is unknown. Called only once the checks that need no token passed (size,
 * headers, replay window), and only for an id of 1 to 512 visible ASCII characters other than `.`
 * and `..` (anything else is SIGNATURE_MISMATCH, unasked).
 */
export type AccessTokenResolver = (
  connectionId: string,
  request: Request,
) => AccessToken | undefined | null | PromiseLike<AccessToken | undefined | null>;

/**
 * Whether `body` is an authentic Vessel delivery: signed with `accessToken` (or one of them),
 * with a timestamp within `toleranceSeconds` of now, and one strict JSON object. False for any
 * problem with the request; use {@link constructEvent} to learn which.
 *
 * @throws TypeError for wrong arguments only (a missing or empty token, a body or an option of the
 * wrong type).
 * @example
 * if (!verify(req.body, req.headers, accessToken)) return res.sendStatus(401);
 */
export declare function verify(
  body: WebhookBody,
  headers: WebhookHeaders,
  accessToken: AccessToken,
  options?: VerifyOptions,
): boolean;

/**
 * The event in `body`, checked to be a Vessel event but not authenticated: for bodies already
 * verified, or tests. Returns what `JSON.parse` gives (for an object passed, a copy: what
 * `JSON.parse` gives of its `JSON.stringify`).
 *
 * @throws VesselWebhookError BODY_TOO_LARGE, INVALID_JSON or INVALID_EVENT; TypeError for wrong
 * arguments.
 * @example
 * const event = parse('{"eventId":"e1","type":"STATUS_CHANGE","data":{"status":"READY"}}');
 */
export declare function parse(body: WebhookBody, options?: VerifyOptions): VesselEvent;

/**
 * Authenticates a delivery and returns its event: {@link verify} and {@link parse} in one call.
 *
 * @throws VesselWebhookError with the code of the first check that failed (its `status` is the
 * HTTP answer); TypeError for wrong arguments.
 * @example
 * const token = await env.TOKENS.get(getConnectionId(request.headers) ?? '');
 * if (!token) return new Response('unknown connection', { status: 401 });
 * const event = constructEvent(await request.text(), request.headers, token);
 */
export declare function constructEvent(
  body: WebhookBody,
  headers: WebhookHeaders,
  accessToken: AccessToken,
  options?: VerifyOptions,
): VesselEvent;

/**
 * {@link constructEvent} for a Fetch API `Request` (Workers, Deno, Bun, Next.js route handlers):
 * reads the body once, as bytes (a Content-Length above `maxBodyBytes` is refused unread), and
 * checks it with the access token(s) given, or with those the resolver gives for the request's
 * x-vessel-connection-id. No header, or a resolver giving undefined or null, is
 * SIGNATURE_MISMATCH.
 *
 * @throws (rejects with) VesselWebhookError — `error.toResponse()` is the answer to send;
 * TypeError for wrong arguments or a body already read; a resolver's own error as is.
 * @example
 * export default {
 *   async fetch(request: Request, env: Env): Promise<Response> {
 *     try {
 *       const event = await verifyRequest(request, (id) => env.TOKENS.get(id));
 *       return new Response(null, { status: 204 });
 *     } catch (error) {
 *       if (error instanceof VesselWebhookError) return error.toResponse();
 *       throw error;
 *     }
 *   },
 * };
 */
export declare function verifyRequest(
  request: Request,
  accessTokenOrResolver: AccessToken | AccessTokenResolver,
  options?: VerifyOptions,
): Promise<VesselEvent>;

/**
 * The headers Vessel would send with `body` (an object body is signed as `JSON.stringify` prints
 * it): for tests and local tooling. With `connectionId`, x-vessel-connection-id is among them.
 *
 * @throws TypeError for a missing or empty token or wrong options.
 * @example
 * const body = JSON.stringify(event);
 * const res = await fetch(url, { method: 'POST', body, headers: sign(body, accessToken) });
 */
export declare function sign(
  body: WebhookBody,
  accessToken: string,
  options: SignOptions & { connectionId: string },
): SignedHeaders & { 'x-vessel-connection-id': string };
/** The headers Vessel would send with `body`, without x-vessel-connection-id (see above). */
export declare function sign(
  body: WebhookBody,
  accessToken: string,
  options?: SignOptions,
): SignedHeaders;

/**
 * The x-vessel-connection-id header: which connection (and so which access token) a delivery is
 * for. Undefined when absent or empty.
 *
 * @example
 * const token = await tokens.get(getConnectionId(req.headers));
 */
export declare function getConnectionId(headers: WebhookHeaders): string | undefined;

/** `<objectType>.created|updated|deleted` for each change type. */
type ChangeName = { CREATE: 'created'; UPDATE: 'updated'; DELETE: 'deleted' };

/**
 * The name VesselWebhooks routes an event by: `<objectType>.<created|updated|deleted>` with the
 * object type in lower camel case (`eventAttendee.created`), or `status.<STATUS>` (`status.READY`).
 */
export type VesselEventName =
  | {
      [O in ObjectType]: { [C in ChangeType]: `${Uncapitalize<O>}.${ChangeName[C]}` }[ChangeType];
    }[ObjectType]
  | `status.${ConnectionStatus}`;

/** The event of a name: `VesselEventOf<'contact.created'>` is `ObjectChangeEvent<'Contact', 'CREATE'>`. */
export type VesselEventOf<N extends VesselEventName> = N extends `status.${infer S}`
  ? StatusChangeEvent<Extract<S, ConnectionStatus>>
  : {
      [O in ObjectType]: {
        [C in ChangeType]: N extends `${Uncapitalize<O>}.${ChangeName[C]}`
          ? ObjectChangeEvent<O, C>
          : never;
      }[ChangeType];
    }[ObjectType];

/**
 * What a handler receives beside the event. `N` is what its `name` can be: for an `on(name)`
 * handler, that name (or one of the names); by default, what onAny can see.
 */
export interface VesselHandlerContext<
  N extends string | undefined = VesselEventName | (string & {}) | undefined,
> {
  /**
   * The event's name. onAny also sees names this version does not know (`invoice.created`,
   * `status.PAUSED`: an object type or status Vessel adds later), and undefined for an event
   * with no name (an unknown `type` or `eventType`).
   */
  name: N;
  /**
   * The delivery's x-vessel-connection-id: with getAccessToken, the connection whose token
   * verified; with accessToken, only what the request says (not signed).
   */
  connectionId: string | undefined;
}

/**
 * Where VesselWebhooks keeps, per event key (a digest of the access token that verified the
 * event, and a digest of its eventId), a claim or a done mark.
 * Each method returns a promise (an `async` method); the receiver gives each call a deadline
 * (storeTimeoutSeconds).
 */
export interface VesselStore {
  /**
   * Atomically: when the key holds nothing (or what it holds has expired), store `token` for
   * `leaseMs` and answer 'claimed'; when it holds the done mark, 'done'; else (a live claim) 'busy'.
   */
  claim(key: string, token: string, leaseMs: number): Promise<'claimed' | 'busy' | 'done'>;
  /** Replace whatever the key holds with the done mark, for `ttlMs`. */
  done(key: string, token: string, ttlMs: number): Promise<void>;
  /** Atomically: delete the key only while it still holds `token` (compare-and-delete). */
  release(key: string, token: string): Promise<void>;
}

/** What onDelivery receives: once per delivery; never a token or body text. */
export interface VesselDeliveryInfo {
  outcome: 'processed' | 'duplicate' | 'in-progress' | 'refused' | 'failed';
  /** The error code of a delivery not answered 2xx. */
  code: VesselWebhookErrorCode | undefined;
  /**
   * With a code, its error's message, which says why (`x-vessel-connection-id: no access token
   * was found for this connection`, `x-vessel-signature: the access token did not sign this body
   * and timestamp; …`): the package's own, never a token or body text (a VesselWebhookError your
   * getAccessToken throws passes with its own message).
   */
  message: string | undefined;
  /**
   * The HTTP status the delivery is answered with. For an error that is not ours (a resolver's):
   * the 4xx or 5xx `status` or `statusCode` it carries, else 500, as the Node adapters answer it
   * (`fetch` and `verifyAndReceive` throw it: a Worker or Hono answers it 500).
   */
  status: number;
  connectionId: string | undefined;
  /** The verified event's id (undefined when refused): the event's own text, as it signed it. */
  eventId: string | undefined;
  /**
   * The verified event's name, as its handlers get it (`contact.created`; one this version does
   * not know, `invoice.created`; undefined when refused or for an event with no name).
   */
  name: VesselEventName | (string & {}) | undefined;
  /** Milliseconds from the delivery's start to its answer. */
  ms: number;
}

/** Options of VesselWebhooks. */
export type VesselWebhooksOptions = Omit<VerifyOptions, 'now'> & {
  /** A store shared by the instances (without one, handlers run on every delivery). */
  store?: VesselStore | undefined;
  /** How long a claim lasts; must exceed the slowest handler (default 60, at most a year). */
  leaseSeconds?: number | undefined;
  /**
   * How long a processed event is remembered, to cover Vessel's retries (default 7 days, at most
   * a year). With a store, at least twice `toleranceSeconds` (a TypeError otherwise): a replay
   * within the window must find the event done.
   */
  doneTtlSeconds?: number | undefined;
  /**
   * The deadline of each store call, then 503 STORE_UNAVAILABLE (default 5, at most 2 147 483.647:
   * what setTimeout honours).
   */
  storeTimeoutSeconds?: number | undefined;
  /**
   * The deadline of getAccessToken, then 503 TOKEN_LOOKUP_TIMEOUT (default 10, at most
   * 2 147 483.647).
   */
  tokenLookupTimeoutSeconds?: number | undefined;
  /**
   * Called once per delivery, for logs and metrics; what it returns is not awaited (a promise is
   * given to a Worker's `ctx.waitUntil`).
   */
  onDelivery?: ((info: VesselDeliveryInfo) => unknown) | undefined;
} & (
    | { accessToken: AccessToken; getAccessToken?: never }
    | {
        accessToken?: never;
        /** The token(s) of a connection; undefined or null for an unknown one (401). */
        getAccessToken: (
          connectionId: string,
          request: any,
        ) => AccessToken | undefined | null | PromiseLike<AccessToken | undefined | null>;
      }
  );

/**
 * A Vessel webhook receiver: verifies deliveries, routes events by name to their handlers, and
 * with a store processes each event once across retries and instances (README, "Receiver").
 *
 * @example
 * const webhooks = new VesselWebhooks({ accessToken, store: memoryStore() });
 * webhooks.on('contact.created', async (event) => {
 *   event.data.record.firstName; // a Contact
 * });
 */
export declare class VesselWebhooks {
  constructor(options: VesselWebhooksOptions);
  /** Runs `handler` for events of `name` (or any of the names), typed by the name. */
  on<N extends VesselEventName>(
    name: N | readonly N[],
    handler: (event: VesselEventOf<N>, context: VesselHandlerContext<N>) => unknown,
  ): this;
  /**
   * Stops `handler` running for events of `name` (or any of the names): the last time it was
   * registered for each, as Octokit's removeListener.
   */
  removeListener<N extends VesselEventName>(
    name: N | readonly N[],
    handler: (event: never, context: never) => unknown,
  ): this;
  /**
   * Runs `handler` for every event, kinds this version does not know included: the event is a
   * {@link VesselEvent} or an {@link UnknownVesselEvent}. A handler may declare it `VesselEvent`
   * to narrow on `type` as with {@link parse}; an unknown kind then reaches the `default` branch.
   */
  onAny(
    handler: (event: VesselEvent | UnknownVesselEvent, context: VesselHandlerContext) => unknown,
  ): this;
  onAny(handler: (event: VesselEvent, context: VesselHandlerContext) => unknown): this;
  /**
   * Called with each handler's error and its event (onAny's included, so of any kind; declare it
   * `VesselEvent` to narrow, as for onAny), and with a store's failure for a verified event: the
   * `STORE_UNAVAILABLE` VesselWebhookError, the store's own error as its `cause`, and with an
   * Error when handlers are still running as their lease ends. Until one is registered, such
   * errors are printed with console.error.
   */
  onError(handler: (error: unknown, event: VesselEvent | UnknownVesselEvent) => unknown): this;
  onError(handler: (error: unknown, event: VesselEvent) => unknown): this;
  /** Verifies, then runs the handlers: the event, or a VesselWebhookError. */
  verifyAndReceive(delivery: {
    body: WebhookBody;
    headers: WebhookHeaders;
    /** What getAccessToken receives (default: this object). */
    request?: unknown;
  }): Promise<VesselEvent>;
  /**
   * The Fetch API handler: 200 `{"received":true}` or the error's status and `{ "error": CODE }`;
   * a method other than POST is 405 `{"error":"METHOD_NOT_ALLOWED"}` with `Allow: POST`.
   * In a Worker pass its arguments on, `fetch(request, env, ctx)`: the first one after the request
   * with a `waitUntil` method is given the store calls that outlive the answer.
   */
  fetch(request: Request, ...context: unknown[]): Promise<Response>;
  /**
   * Middleware for Express, Connect, NestJS and node:http; answers the delivery itself (a method
   * other than POST: 405 `METHOD_NOT_ALLOWED` with `Allow: POST`).
   */
  middleware(): (req: any, res: any, next?: (error?: unknown) => void) => Promise<void>;
}

/** A store in this process's memory (one instance; lost when it exits). */
export declare function memoryStore(): VesselStore;
/** A store in Redis through your node-redis (v4+, not its legacy interface) or ioredis client. */
export declare function redisStore(
  client: unknown,
  options?: { prefix?: string | undefined },
): VesselStore;
/**
 * A store in PostgreSQL through your `pg` Pool; creates its table when missing, and gives its
 * set-up up after `setupTimeoutSeconds` (default 10; the next call tries again).
 */
export declare function postgresStore(
  pool: unknown,
  options?: { table?: string | undefined; setupTimeoutSeconds?: number | undefined },
): VesselStore;
/** A store in Durable Objects (Cloudflare Workers) bound to the class VesselEventStore. */
export declare function durableObjectStore(namespace: unknown): VesselStore;
/** The Durable Object class behind durableObjectStore: export it from your Worker. */
export declare class VesselEventStore {
  constructor(state: unknown, env?: unknown);
  fetch(request: Request): Promise<Response>;
  alarm(): Promise<void>;
}
