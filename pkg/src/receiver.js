// VesselWebhooks: a receiver that verifies a delivery, routes its event to the handlers of its
// name, and, with a store, processes each event once across retries and instances (README,
// "Receiver"). Every runtime: no static node: import; the stores take the user's own client.
import {
  constructEvent,
  getConnectionId,
  sign,
  verify,
  verifyRequest,
  VesselWebhookError,
} from './api.js';
import {
  BODY_CAP,
  checkKeys,
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TOLERANCE_SECONDS,
  DEFAULT_TOKEN_LOOKUP_TIMEOUT_MS,
  endEarly,
  incomingBody,
  isClientGone,
  MAX_TIMEOUT_MS,
  METHOD_NOT_ALLOWED,
  milliseconds,
  notReceived,
  otherMethod,
  ownTokens,
  readBefore,
  refuseMethod,
  requestReadBefore,
  statusOf,
  tokenAnswer,
  withDeadline,
} from './incoming.js';
import { EVENT_NAMES } from './names.js';
import { signers } from './signers.js';

const OPTION_KEYS = new Set([
  'accessToken',
  'getAccessToken',
  'store',
  'toleranceSeconds',
  'maxBodyBytes',
  'strict',
  'leaseSeconds',
  'doneTtlSeconds',
  'storeTimeoutSeconds',
  'tokenLookupTimeoutSeconds',
  'onDelivery',
]);

const CHANGE_NAMES = { CREATE: 'created', UPDATE: 'updated', DELETE: 'deleted' };
const NAME_PATTERN = /^(?:[a-z][A-Za-z0-9]*\.(?:created|updated|deleted)|status\.[A-Z][A-Z0-9_]*)$/;
/** An objectType as Vessel spells one (`Contact`, `EventAttendee`): what a name is made of. */
const OBJECT_TYPE = /^[A-Z][A-Za-z0-9]*$/;
const RECEIVED = '{"received":true}';
/** What befell an event whose handlers succeeded but whose done mark the store did not take. */
const DONE_NOT_MARKED =
  'was processed, but the store did not take its done mark in time, so it was answered with ' +
  'an error and Vessel retries it; the mark is tried on until the lease ends, and a retry ' +
  'after that runs its handlers again';
/** …and whose done mark was still not written when its lease ended. */
const DONE_NEVER_MARKED =
  'was processed, but its done mark was not written before its lease ended: a retry runs its ' +
  'handlers again';
/** …and whose done mark the store took only after its lease ended. */
const DONE_MARKED_LATE =
  'was processed, but its done mark landed after its lease ended: a retry may have run its ' +
  'handlers again beside it';
const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * The name an event's handlers are registered under: `<objectType>.<created|updated|deleted>`
 * with the object type in lower camel case (`eventAttendee.created`), or `status.<STATUS>` as
 * Vessel spells the status (`status.READY`); undefined for a kind without one (only onAny sees
 * it), and for values Vessel does not spell so (`contact`, `Ready`): a handler of `contact.created`
 * gets only what its type says, an objectType of `Contact`.
 */
function eventName(event) {
  const { type, data } = event;
  if (type === 'STATUS_CHANGE') {
    const name = `status.${data.status}`;
    return typeof data.status === 'string' && NAME_PATTERN.test(name) ? name : undefined;
  }
  const change = Object.hasOwn(CHANGE_NAMES, data?.eventType) ? CHANGE_NAMES[data.eventType] : '';
  if (type !== 'OBJECT_CHANGE' || change === '' || !OBJECT_TYPE.test(data.objectType)) {
    return undefined;
  }
  return `${data.objectType.charAt(0).toLowerCase()}${data.objectType.slice(1)}.${change}`;
}

/** The longest lease and done TTL: a year (stores keep their expiry as a date in milliseconds). */
const MAX_STORE_SECONDS = 365 * 24 * 3600;

function checkFunction(value, what) {
  if (typeof value !== 'function') throw new TypeError(`${what}: expected a function`);
}

function storeError(what, message, cause) {
  return new VesselWebhookError('STORE_UNAVAILABLE', `store.${what}: ${message}`, { cause });
}

let claims = 0;
/** A claim token unique to this claim: release and done-by-others compare it. */
function newToken() {
  claims += 1;
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}-${claims}`;
}

/**
 * The store key of an event is `digestOf(token):digestOf(JSON.stringify(eventId))`: the token that
 * verified it (what the signature proves, never a header: a replay keeps its key however
 * x-vessel-connection-id is spelt, and another token's event is another event) and its eventId.
 * - A digest is SHA-256(label ‖ text ‖ "0"), by sign() with the text as the body under the public
 *   label: synchronous everywhere; the token is never first, so it is no signature under it.
 * - The store holds no token, and every key is 129 ASCII characters: the eventId's JSON text keeps
 *   lone surrogates apart (UTF-8 stores would merge them), and no NUL or long key reaches a store.
 */
function digestOf(text) {
  return sign(text, STORE_KEY_LABEL, { timestamp: 0 })['x-vessel-signature'];
}
const STORE_KEY_LABEL = 'vessel-webhooks store key:';

/**
 * The event names `names` (one or an array, copied once: the names checked are the names used,
 * review BF), each one this version knows; else a TypeError.
 */
function eventNames(names) {
  const list = Array.isArray(names) ? Array.from(names) : [names];
  if (list.length === 0) throw new TypeError('names: expected at least one event name');
  for (const name of list) {
    if (!EVENT_NAMES.has(name)) {
      throw new TypeError(
        `names: ${JSON.stringify(name)} is not an event name this version knows; expected ` +
          '<objectType>.<created|updated|deleted> (e.g. contact.created) or status.<STATUS> ' +
          '(e.g. status.READY); onAny gets the kinds this version does not know',
      );
    }
  }
  return list;
}

/** A Vessel webhook receiver (README, "Receiver"). */
export class VesselWebhooks {
  #accessToken;
  #getAccessToken;
  #checks;
  #store;
  #leaseMs;
  #doneTtlMs;
  #storeTimeoutMs;
  #tokenLookupMs;
  #onDelivery;
  // The last token's digest (digestOf), kept for the next event it verifies.
  #keyToken;
  #keyDigest;
  #handlers = new Map();
  #anyHandlers = [];
  #errorHandlers = [];

  constructor(given) {
    const options = checkKeys(given, OPTION_KEYS, 'options');
    const { getAccessToken, store, onDelivery, toleranceSeconds, maxBodyBytes } = options;
    const accessToken = ownTokens(options.accessToken);
    if ((accessToken === undefined) === (getAccessToken === undefined)) {
      throw new TypeError('options: expected either accessToken or getAccessToken');
    }
    if (getAccessToken !== undefined) checkFunction(getAccessToken, 'options.getAccessToken');
    // Without a prototype: `#checks.maxBodyBytes` caps the read, never Object.prototype's
    // (review BF).
    this.#checks = { __proto__: null, toleranceSeconds, maxBodyBytes, strict: options.strict };
    for (const key of Object.keys(this.#checks)) {
      if (this.#checks[key] === undefined) delete this.#checks[key];
    }
    // verify() checks the token(s) and the checks' options now, as every delivery will (a
    // resolver's tokens are checked when it gives them: a stand-in takes their place here).
    verify('{}', {}, getAccessToken === undefined ? accessToken : 'stand-in', this.#checks);
    if (store !== undefined) {
      for (const method of ['claim', 'done', 'release']) {
        checkFunction(store?.[method], `options.store.${method}`);
      }
    }
    if (onDelivery !== undefined) checkFunction(onDelivery, 'options.onDelivery');
    this.#accessToken = accessToken;
    this.#getAccessToken = getAccessToken;
    this.#store = store;
    this.#onDelivery = onDelivery;
    this.#leaseMs = milliseconds(options.leaseSeconds, 60, 'leaseSeconds', MAX_STORE_SECONDS);
    this.#doneTtlMs = milliseconds(
      options.doneTtlSeconds,
      7 * 24 * 3600,
      'doneTtlSeconds',
      MAX_STORE_SECONDS,
    );
    // A captured delivery is accepted again for as long as its timestamp stays in the window: up
    // to twice its half-width after the first (a timestamp ahead of the clock). A done mark that
    // ends sooner let the replay run the handlers again (review BY). (With the window off,
    // Infinity, no done mark is long enough: README, "Receiver".)
    const tolerance = toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    if (
      store !== undefined &&
      Number.isFinite(tolerance) &&
      this.#doneTtlMs < 2 * tolerance * 1000
    ) {
      const note = options.doneTtlSeconds === undefined ? ' (7 days by default)' : '';
      throw new TypeError(
        `options.doneTtlSeconds${note}: expected at least twice toleranceSeconds ` +
          `(${2 * tolerance} s), so that a replay within the window finds the event done`,
      );
    }
    this.#storeTimeoutMs = milliseconds(
      options.storeTimeoutSeconds,
      5,
      'storeTimeoutSeconds',
      MAX_TIMEOUT_MS / 1000,
    );
    this.#tokenLookupMs = milliseconds(
      options.tokenLookupTimeoutSeconds,
      DEFAULT_TOKEN_LOOKUP_TIMEOUT_MS / 1000,
      'tokenLookupTimeoutSeconds',
      MAX_TIMEOUT_MS / 1000,
    );
  }

  /** The cap of a body's read, for the Node adapters (incoming.js BODY_CAP). */
  get [BODY_CAP]() {
    return this.#checks.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  /**
   * Runs `handler(event, { name, connectionId })` for events of `name` (or of any of `names`):
   * `contact.created`, `eventAttendee.deleted`, `status.READY` … Only the names this version
   * knows, as Octokit's `on` does: a misspelt one (`contacts.created`) would never run and its
   * events would still be answered 2xx. onAny gets the kinds this version does not know.
   */
  on(names, handler) {
    const list = eventNames(names);
    checkFunction(handler, 'handler');
    for (const name of list) {
      if (!this.#handlers.has(name)) this.#handlers.set(name, []);
      this.#handlers.get(name).push(handler);
    }
    return this;
  }

  /**
   * Stops `handler` running for events of `name` (or of any of `names`), as Octokit's
   * removeListener: the last time it was registered for each (a function registered twice runs
   * twice, and is removed once). A handler not registered there is no error.
   */
  removeListener(names, handler) {
    for (const name of eventNames(names)) {
      const list = this.#handlers.get(name) ?? [];
      const last = list.lastIndexOf(handler);
      if (last !== -1) list.splice(last, 1);
    }
    return this;
  }

  /** Runs `handler(event, { name, connectionId })` for every event, unknown kinds included. */
  onAny(handler) {
    checkFunction(handler, 'handler');
    this.#anyHandlers.push(handler);
    return this;
  }

  /**
   * Calls `handler(error, event)` for each handler that throws, for a store's failure for a
   * verified event, and when handlers are still running as their lease ends (its own errors are
   * ignored). Until one is registered, #report prints them.
   */
  onError(handler) {
    checkFunction(handler, 'handler');
    this.#errorHandlers.push(handler);
    return this;
  }

  /**
   * Verifies `{ body, headers }` (the raw body, or the parsed JSON object) and runs the event's
   * handlers: resolves with the event once they succeeded (a done duplicate: at once, running
   * nothing), rejects with a VesselWebhookError (`toHttp()`/`toResponse()` is the answer to send).
   * `request` is what getAccessToken receives (default: this argument).
   */
  async verifyAndReceive(delivery) {
    if (delivery === null || typeof delivery !== 'object') {
      throw new TypeError('delivery: expected { body, headers }');
    }
    const { body, headers, request = delivery } = delivery;
    if (this.#getAccessToken === undefined) {
      return this.#deliver(headers, async () => [
        constructEvent(body, headers, this.#accessToken, this.#checks),
        this.#accessToken,
      ]);
    }
    // With a resolver, through verifyRequest (as a body read before): it asks the resolver only
    // once the checks that need no token passed.
    return this.#receiveRequest(headers, () => requestReadBefore(headers, body), request);
  }

  /**
   * The Fetch API handler (Workers, Hono, Next.js route handlers, Deno, Bun): its Response. The
   * first argument after the request with a `waitUntil` method (a Worker's `ctx`, as in
   * `fetch(request, env, ctx)`) is given the store calls still running when the answer is sent
   * (a claim that landed after its 503, to be released; a late done mark): a Worker cancels what
   * it was not given once the answer is sent.
   */
  async fetch(request, ...context) {
    if (otherMethod(request?.method)) {
      const { status, headers, body } = METHOD_NOT_ALLOWED;
      return new Response(body, { status, headers });
    }
    const keep = keeperOf(context);
    try {
      await this.#receiveRequest(request?.headers, () => request, request, keep);
    } catch (error) {
      if (error instanceof VesselWebhookError) return error.toResponse();
      throw error;
    }
    return new Response(RECEIVED, { status: 200, headers: JSON_HEADERS });
  }

  /**
   * Middleware for Express, Connect, NestJS and node:http (`(req, res, next?)`): answers the
   * delivery itself — 200 `{"received":true}`, or the error's status and `{ "error": CODE }`.
   * It reads the body itself, capped at maxBodyBytes and within 10 s (else 408 BODY_TIMEOUT, and
   * the connection is closed), unless a body parser read it before (then it verifies what the
   * parser left, req.rawBody or req.body, as vessel-webhooks/express does: readBefore). Other errors
   * (getAccessToken's own) go to next as the cause of notReceived's error, or without next are
   * answered with statusOf's status (500, or the 4xx/5xx the error carries) and printed.
   */
  middleware() {
    return async (req, res, next) => {
      if (otherMethod(req.method)) {
        refuseMethod(req, res);
        return;
      }
      let answer = { status: 200, headers: JSON_HEADERS, body: RECEIVED };
      // What a parser left (readBefore, as vessel-webhooks/express takes it), else the stream;
      // made within the delivery, so that onDelivery sees a parser's leftovers that fail too.
      const requestOf = () =>
        req.readableDidRead
          ? readBefore(req, 'webhooks.middleware()')
          : {
              headers: req.headers,
              body: incomingBody(req, {
                maxBodyBytes: this.#checks.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
                timeoutMs: DEFAULT_BODY_TIMEOUT_MS,
                refuse: (code, message) => new VesselWebhookError(code, message),
              }),
            };
      try {
        await this.#receiveRequest(req.headers, requestOf, req);
      } catch (error) {
        // What is left of the body is dropped, so the connection can carry the answer, and
        // closed after it when the body is still arriving (over the cap, past the deadline).
        endEarly(req, res);
        if (error instanceof VesselWebhookError) {
          answer = error.toHttp();
        } else if (typeof next === 'function') {
          next(notReceived(error));
          return;
        } else {
          // No next (node:http, Cloud Functions, Vercel): the answer is the final handler's, and
          // so is the log line, as Express's final handler prints an error (review CG: a
          // resolver's failure was a 500 seen by no one); not for a body's read that the client
          // cut short by going away (review CI: any unsigned request cut short printed one).
          if (!isClientGone(error)) print(notReceived(error));
          answer = { status: statusOf(error), headers: {}, body: '' };
        }
      }
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    };
  }

  /**
   * A delivery of `headers` whose request for verifyRequest `requestOf()` makes (headers, and a
   * body stream or a body read before: requestReadBefore), then the handlers; `keep(promise)`
   * (optional) is given store calls that outlive the answer.
   */
  #receiveRequest(headers, requestOf, resolverRequest, keep) {
    return this.#deliver(
      headers,
      async (connectionId) => {
        const request = requestOf();
        // The resolver is asked about the connection verifyRequest checked, and only when it is
        // the one #deliver read, which the handlers get (hand-made headers may give another on
        // each read: then none is looked up). With a resolver, verifyRequest records the token
        // that signed (signers.js): no function is ever taken for a token.
        const tokens =
          this.#getAccessToken === undefined
            ? this.#accessToken
            : (id) => (id === connectionId ? this.#lookUp(id, resolverRequest) : undefined);
        return [await verifyRequest(request, tokens, this.#checks), this.#accessToken];
      },
      keep,
    );
  }

  /**
   * getAccessToken's answer, or TOKEN_LOOKUP_TIMEOUT (503: Vessel retries) when it has not settled
   * within tokenLookupTimeoutSeconds: a hung lookup never holds the request open.
   */
  async #lookUp(connectionId, request) {
    return withDeadline(
      this.#getAccessToken(connectionId, request),
      this.#tokenLookupMs,
      () =>
        new VesselWebhookError(
          'TOKEN_LOOKUP_TIMEOUT',
          `getAccessToken: no answer within ${this.#tokenLookupMs} ms`,
        ),
      tokenAnswer,
    );
  }

  /**
   * One delivery: verify (`authenticate`: the event and the token(s) it was checked with), claim,
   * run, mark; reports it to onDelivery. `keep` as for #call.
   */
  async #deliver(headers, authenticate, keep) {
    // The monotonic clock (review CP: a wall clock set back made `ms` negative).
    const started = performance.now();
    const connectionId = getConnectionId(headers);
    const info = {
      outcome: 'refused',
      code: undefined,
      status: 200,
      connectionId,
      eventId: undefined,
      name: undefined,
      message: undefined,
    };
    try {
      const [event, tokens] = await authenticate(connectionId);
      info.eventId = event.eventId;
      info.name = eventName(event);
      // With several tokens or a resolver, api.js recorded the one that signed; one token signed
      // it itself.
      const signer = signers.get(event) ?? tokens;
      info.outcome = await this.#receive(event, info.name, connectionId, signer, keep);
      return event;
    } catch (error) {
      if (error instanceof VesselWebhookError) {
        info.code = error.code;
        info.status = error.status;
        // The package's own messages hold no token or body text (review CH: a refusal's cause,
        // a resolver that found no token or another token, was told nowhere).
        info.message = error.message;
        if (error.code === 'EVENT_IN_PROGRESS') info.outcome = 'in-progress';
        else if (info.eventId !== undefined) info.outcome = 'failed';
      } else {
        // Review CB: what the Node adapters answer (it was 500 whatever they answered).
        info.outcome = 'failed';
        info.status = statusOf(error);
      }
      throw error;
    } finally {
      info.ms = Math.round(performance.now() - started);
      if (this.#onDelivery !== undefined) runHook(keep, this.#onDelivery, info);
    }
  }

  /**
   * Runs the handlers of a verified event named `name` (eventName; signed by the token `signer`)
   * under the store's claim: its outcome. `keep` as for #call.
   */
  async #receive(event, name, connectionId, signer, keep) {
    const handlers = [
      ...((name !== undefined && this.#handlers.get(name)) || []),
      ...this.#anyHandlers,
    ];
    // Nothing to run: nothing to claim either.
    if (handlers.length === 0) return 'processed';
    if (this.#store === undefined) {
      await this.#run(handlers, event, name, connectionId, keep);
      return 'processed';
    }
    if (signer !== this.#keyToken) {
      this.#keyDigest = digestOf(signer);
      this.#keyToken = signer;
    }
    const key = `${this.#keyDigest}:${digestOf(JSON.stringify(event.eventId))}`;
    const token = newToken();
    // The lease ends no sooner than this (it starts when the store takes the claim).
    const leaseEnd = performance.now() + this.#leaseMs;
    const claim = await this.#call(keep, 'claim', [key, token, this.#leaseMs]).catch((error) =>
      this.#failed(keep, error, event),
    );
    if (claim === 'done') return 'duplicate';
    if (claim === 'busy') {
      throw new VesselWebhookError(
        'EVENT_IN_PROGRESS',
        'eventId: this event is being processed by another delivery; retry later',
      );
    }
    if (claim !== 'claimed') {
      this.#failed(keep, storeError('claim', "expected 'claimed', 'busy' or 'done'"), event);
    }
    // Handlers still running when the lease ends are reported: a retry may now run the event
    // beside them (review CH: a hung handler was told nowhere, and ran again each lease).
    const overrun =
      this.#leaseMs <= MAX_TIMEOUT_MS
        ? setTimeout(() => {
            const seconds = this.#leaseMs / 1000;
            const error = new Error(
              `handlers: still running after leaseSeconds (${seconds} s); a retry may now run ` +
                'this event again beside them',
            );
            this.#report(keep, error, event, 'is still being processed');
          }, this.#leaseMs)
        : undefined;
    overrun?.unref?.();
    try {
      await this.#run(handlers, event, name, connectionId, keep);
    } catch (error) {
      // Released so that the retry runs it; when the store cannot, the lease expires instead.
      await this.#call(keep, 'release', [key, token]).catch(() => {});
      throw error;
    } finally {
      clearTimeout(overrun);
    }
    const finished = performance.now();
    await this.#markDone(keep, key, token, finished + this.#storeTimeoutMs).catch((error) => {
      // The handlers succeeded, so the mark is right to write whenever it lands: it is tried on
      // after the 503 until the lease ends (the retry meets the claim, 409, until then), so that
      // a store back within the lease still keeps the retry from running them again (review CP:
      // an outage of over storeTimeoutSeconds ran every event in flight twice). Reported if it
      // never lands (review CT: nothing told a mark written late from one never written).
      const later = this.#markDone(keep, key, token, leaseEnd, true).catch((last) =>
        this.#report(keep, last, event, DONE_NEVER_MARKED),
      );
      keep?.(later);
      this.#report(keep, error, event, DONE_NOT_MARKED);
      throw error;
    });
    // Handlers done within the lease whose mark landed after it (its tries outlasted it): a retry
    // may have claimed and run the event meanwhile, as beside handlers that outlast it (reported
    // by the overrun timer); reported too (review CT: both deliveries answered 200, unreported).
    if (finished <= leaseEnd && performance.now() > leaseEnd) {
      const seconds = this.#leaseMs / 1000;
      const late = new Error(`store.done: landed after leaseSeconds (${seconds} s)`);
      this.#report(keep, late, event, DONE_MARKED_LATE);
    }
    return 'processed';
  }

  /**
   * The done mark, tried again when a call fails, 50 ms, 100 ms … later (at most a second apart),
   * until `deadline` (performance.now()'s; review CP: a wall clock set back held the answer):
   * each try has what is left of it, at most one store deadline (review BY: node-redis fails a
   * command in flight when its connection drops, and the retry after reconnecting lands; one try
   * left the event to run again after its lease. Review CC: each try had a deadline of its own).
   * `background`: after the answer, where its pauses hold no Node process open (a process that
   * ends meanwhile leaves the mark unwritten, as one killed between the handlers and the mark).
   */
  async #markDone(keep, key, token, deadline, background = false) {
    for (let pause = 50; ; pause = Math.min(2 * pause, 1000)) {
      try {
        const left = Math.ceil(Math.min(deadline - performance.now(), this.#storeTimeoutMs));
        const args = [key, token, this.#doneTtlMs];
        return await this.#call(keep, 'done', args, Math.max(1, left), !background);
      } catch (error) {
        if (deadline - performance.now() <= pause) throw error;
      }
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, pause);
        if (background) timer.unref?.();
      });
    }
  }

  /** Throws a store's `error` for `event`, which onError's hooks see first (review CA). */
  #failed(keep, error, event) {
    this.#report(keep, error, event);
    throw error;
  }

  /**
   * Hands `error` (a handler's, a store's, or handlers past their lease) for `event` to the
   * onError hooks; without any, to console.error with `what` befell the event, as Express's final
   * handler and Octokit's middleware print one (review CF: a failing handler was logged nowhere,
   * and Vessel's retries met 500s no one could read).
   */
  #report(
    keep,
    error,
    event,
    what = 'failed and was answered with an error, so Vessel retries it',
  ) {
    if (this.#errorHandlers.length === 0) {
      // The signed eventId, its first 128 characters (not half a surrogate pair) and an ellipsis
      // after: one a signer made a megabyte long is no log line.
      const { eventId } = event;
      const start = eventId.slice(0, /[\uD800-\uDBFF]/.test(eventId[127]) ? 127 : 128);
      const id = JSON.stringify(start) + (start.length < eventId.length ? '…' : '');
      print(
        `vessel-webhooks: event ${id} (${eventName(event) ?? 'no name'}) ${what}; register ` +
          'webhooks.onError(…) to report such errors yourself',
        error,
      );
    }
    for (const onError of this.#errorHandlers) runHook(keep, onError, error, event);
  }

  /**
   * Runs the handlers concurrently; rejects with HANDLER_FAILED when one of them threw. `keep` as
   * for #call, given the onError calls.
   */
  async #run(handlers, event, name, connectionId, keep) {
    // A context of its own for each handler; the event is shared (README, "Receiver").
    const results = await Promise.allSettled(
      handlers.map(async (handler) => handler(event, { name, connectionId })),
    );
    const errors = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    if (errors.length === 0) return;
    for (const error of errors) this.#report(keep, error, event);
    throw new VesselWebhookError(
      'HANDLER_FAILED',
      `handlers: ${errors.length} of ${handlers.length} failed for this event; answered 500 so that Vessel retries`,
      { cause: errors.length === 1 ? errors[0] : new AggregateError(errors) },
    );
  }

  /**
   * A store call (`what` with `args`) within `timeoutMs`, the store deadline unless given:
   * STORE_UNAVAILABLE when it throws or does not answer. A call
   * past its deadline goes on after the answer: `keep(promise)`, when given, is handed what it
   * still has to do (a Worker's ctx.waitUntil: a Worker cancels what it was not given). Without
   * `hold`, its deadline holds no Node process open (withDeadline).
   */
  #call(keep, what, args, timeoutMs = this.#storeTimeoutMs, hold = true) {
    /** A claim given back (compare-and-delete: only while it holds this claim's token). */
    const giveBack = () => (async () => this.#store.release(args[0], args[1]))().catch(() => {});
    const call = (async () => this.#store[what](...args))().catch((error) => {
      // A claim that failed may have landed all the same (its answer lost with the connection):
      // it is given back, so that the retry need not wait for its lease.
      if (what === 'claim') {
        const given = giveBack(); // before keep?.(…), which evaluates nothing without a keep
        keep?.(given);
      }
      throw storeError(what, `failed (${error?.name ?? 'error'})`, error);
    });
    // The race in withDeadline handles its rejection in time, `late` below one after it.
    return withDeadline(
      call,
      timeoutMs,
      () => {
        // A claim that lands after its delivery was answered 503 is given back at once, so that
        // the retry need not wait for its lease (node-redis and ioredis send queued commands when
        // they reconnect).
        const late = (
          what === 'claim' ? call.then((claim) => claim === 'claimed' && giveBack()) : call
        ).catch(() => {});
        keep?.(late);
        return storeError(what, `no answer within ${timeoutMs} ms`);
      },
      // Only a string is an answer (claim checks which); anything else is none.
      (answer) => (typeof answer === 'string' ? answer : undefined),
      hold,
    );
  }
}

/**
 * console.error(...values), whose own failure (a value util.inspect cannot print: a revoked Proxy,
 * a custom inspect that throws) never changes the answer (review CI: it ended the process).
 */
function print(...values) {
  try {
    console.error(...values);
  } catch {
    // nothing printed: the answer is the same
  }
}

/**
 * Calls an onDelivery or onError hook, whose failure (sync or async) never changes the answer;
 * what it returns is given to `keep` (a Worker's ctx.waitUntil), so that its I/O (a log line sent,
 * an error reported) is not cancelled once the answer is sent (review BO).
 */
function runHook(keep, hook, ...args) {
  let done;
  try {
    done = Promise.resolve(hook(...args)).catch(() => {}); // before keep?.(…), as in #call
  } catch {
    return; // the hook's own failure is ignored, as above
  }
  keep?.(done);
}

/**
 * `keep(promise)` for the first of `context` (what a Worker's fetch gets after the request: env,
 * ctx) with a `waitUntil` method, read once, or undefined. An argument that cannot be read is not
 * a ctx, and whatever waitUntil throws or rejects with is ignored: the answer does not depend on it.
 */
function keeperOf(context) {
  for (const value of context) {
    let waitUntil;
    try {
      waitUntil = value?.waitUntil;
    } catch {
      continue;
    }
    if (typeof waitUntil !== 'function') continue;
    return (promise) => {
      try {
        Promise.resolve(Reflect.apply(waitUntil, value, [promise])).catch(() => {});
      } catch {
        // as above
      }
    };
  }
  return undefined;
}

export { memoryStore } from './stores/memory.js';
export { redisStore } from './stores/redis.js';
export { postgresStore } from './stores/postgres.js';
export { durableObjectStore, VesselEventStore } from './stores/durable-object.js';
