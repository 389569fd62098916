// The package's public API, shared by every entry point (node.cjs, node.mjs, workerd.js,
// browser.js). The entry that imports this module instantiates the wasm before any call.
import * as wasm from '../dist/vessel_webhooks.js';
import { hooks, SMALL_MESSAGE_BYTES } from './hooks.js';
import {
  byteCollector,
  checkKeys,
  DEFAULT_TOLERANCE_SECONDS,
  HEADER_VALUE,
  lengthOf,
  READ_BEFORE,
  readTokens,
} from './incoming.js';
import { signers } from './signers.js';
import {
  generation,
  KEYS_ESCAPED,
  memoryBytes,
  precomputed,
  ready,
  readChecked,
  runningCallerCode,
  stale,
} from './instance.js';
import { readJson } from './read-json.js';

// The codes given outside the core's checks: the receiver's (receiver.js) and the Node body
// read's and token lookup's deadlines (incoming.js). The core's statuses come from the wasm.
const STATUS = {
  __proto__: null,
  HANDLER_FAILED: 500,
  EVENT_IN_PROGRESS: 409,
  STORE_UNAVAILABLE: 503,
  BODY_TIMEOUT: 408,
  TOKEN_LOOKUP_TIMEOUT: 503,
};

/** Why a webhook request was refused: `code` is stable, `status` is the HTTP answer. */
export class VesselWebhookError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = 'VesselWebhookError';
    this.code = code;
    this.status =
      STATUS[code] ??
      (typeof code === 'string' ? intoWasm(() => (ready(), wasm.status(code))) : undefined);
    // A code of no status would answer 200 (toResponse): Vessel would take it as processed.
    if (this.status === undefined) {
      throw new TypeError('code: not a VesselWebhookError code (README, "Checks and codes")');
    }
  }

  /** The answer to send, for any framework: this status and `{ "error": code }` as JSON text. */
  toHttp() {
    return {
      status: this.status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: this.code }),
    };
  }

  /** toHttp() as a Fetch API Response; never the body or a secret. */
  toResponse() {
    const { status, headers, body } = this.toHttp();
    return new Response(body, { status, headers });
  }
}

const OPTION_KEYS = new Set(['toleranceSeconds', 'now', 'maxBodyBytes', 'strict']);
const SIGN_OPTION_KEYS = new Set(['timestamp', 'connectionId']);
const encoder = new TextEncoder();
/**
 * A checked body as text where no Buffer reads it (decodeChecked): ASCII (as it lies, or the
 * wasm's escaped copy), or the wasm's UTF-16.
 */
const utf8Decoder = new TextDecoder();
const utf16Decoder = new TextDecoder('utf-16le', { ignoreBOM: true });

/**
 * `call()`, a call into the wasm outside the checks' own try blocks: an error makes the instance
 * stale, as there (instance.js). Not replaced first: within a public call (failure() after a
 * failed check), a new instance would not hold what the old one did (review BF).
 */
function intoWasm(call) {
  try {
    return call();
  } catch (error) {
    throw stale(error);
  }
}

let defaultMaxBodyBytes;
let maxBodyBytesLimit;
/** The checked options; the defaults when there are none (the common call, kept cheap). */
function readOptions(options) {
  if (defaultMaxBodyBytes === undefined) {
    ready();
    [defaultMaxBodyBytes, maxBodyBytesLimit] = intoWasm(() => [
      wasm.default_max_body_bytes(),
      wasm.max_body_bytes_limit(),
    ]);
  }
  if (options === undefined) {
    return {
      toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
      nowMs: Date.now(),
      liveClock: true,
      maxBodyBytes: defaultMaxBodyBytes,
      strict: false,
    };
  }
  const {
    toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
    now,
    maxBodyBytes,
    strict = false,
  } = checkKeys(options, OPTION_KEYS, 'options');
  if (typeof toleranceSeconds !== 'number' || !(toleranceSeconds >= 0)) {
    throw new TypeError('options.toleranceSeconds: expected a number ≥ 0 (Infinity disables)');
  }
  const nowMs = now === undefined ? Date.now() : now instanceof Date ? now.getTime() : now;
  // A time a Date can hold (at most 8.64e15 ms), from the epoch on.
  if (typeof nowMs !== 'number' || !(nowMs >= 0 && nowMs <= 8.64e15)) {
    throw new TypeError('options.now: expected a valid Date or milliseconds since the epoch');
  }
  // At most 64 MiB: checking a body may take 16 times its size in wasm memory (SECURITY.md).
  const limit = maxBodyBytesLimit;
  if (
    maxBodyBytes !== undefined &&
    !(Number.isSafeInteger(maxBodyBytes) && maxBodyBytes >= 0 && maxBodyBytes <= limit)
  ) {
    throw new TypeError(`options.maxBodyBytes: expected a whole number of bytes, at most ${limit}`);
  }
  if (typeof strict !== 'boolean') throw new TypeError('options.strict: expected a boolean');
  return {
    toleranceSeconds,
    nowMs,
    liveClock: now === undefined,
    maxBodyBytes: maxBodyBytes ?? defaultMaxBodyBytes,
    strict,
  };
}

/**
 * Reads the clock again for checks that run after an await (verifyRequest's body, resolver and
 * digests), unless options.now gave one: a request opened within the replay window whose body
 * or token lookup is held back is checked against the time it is checked at (review BM: a body
 * trickled for hours was checked against the time of the call).
 */
function checkNow(o) {
  if (o.liveClock) o.nowMs = Date.now();
}

const tag = (value) => Object.prototype.toString.call(value);

/** The built-in getters of `proto`'s `names`, which read an object's own internal slots. */
const getters = (proto, ...names) =>
  names.map((name) => Object.getOwnPropertyDescriptor(proto, name).get);
const TYPED_ARRAY = getters(
  Object.getPrototypeOf(Uint8Array.prototype),
  'buffer',
  'byteOffset',
  'byteLength',
);
const DATA_VIEW = getters(DataView.prototype, 'buffer', 'byteOffset', 'byteLength');
const BUFFERS = [ArrayBuffer, globalThis.SharedArrayBuffer]
  .filter((type) => typeof type === 'function')
  .map((type) => getters(type.prototype, 'byteLength'));

/** What `slots` (built-in getters) read of `value`, or undefined when it has not their slots. */
function slotsOf(slots, value) {
  try {
    return slots.map((get) => get.call(value));
  } catch {
    return undefined;
  }
}

/** What Object.prototype.toString calls an ArrayBuffer or a SharedArrayBuffer, of any realm. */
const BUFFER_TAG = /^\[object (?:Shared)?ArrayBuffer\]$/;

/**
 * A binary body as a Uint8Array over the same bytes, or undefined for other bodies. Its buffer
 * and range are read through the built-in getters, which read the object's own internal slots
 * and work across realms (Buffer, jsdom, vm contexts), unlike instanceof: a subclass's or an
 * object's own getters, or a Symbol.toStringTag, could point them at other bytes than the ones
 * the caller then reads (review BB).
 */
function bytesOf(body) {
  let range;
  if (ArrayBuffer.isView(body)) {
    range = slotsOf(TYPED_ARRAY, body) ?? slotsOf(DATA_VIEW, body);
  } else if (
    // The tag first: each getter that refuses a value throws, ~5 µs in V8, and most values that
    // reach here are parsed bodies (review BF).
    !BUFFER_TAG.test(tag(body)) ||
    !BUFFERS.some((slots) => slotsOf(slots, body))
  ) {
    return undefined;
  }
  try {
    return range === undefined ? new Uint8Array(body) : new Uint8Array(...range);
  } catch {
    // V8's "Cannot perform Construct on a detached ArrayBuffer".
    throw new TypeError(
      'body: its ArrayBuffer was transferred (detached): it has no bytes to read',
    );
  }
}

/** What a request's arrayBuffer() gave, as bytes: a TypeError for anything but binary data. */
function bufferOf(data) {
  const bytes = bytesOf(data);
  if (bytes === undefined) throw new TypeError('request: arrayBuffer() gave no ArrayBuffer');
  return bytes;
}

/**
 * Where the last byte body written by JS starts in wasm memory: where verifyRequest's
 * precomputed digests (of bytes only) say its message is.
 */
let inputAddress = 0;
/** A view of `length` bytes of the wasm input buffer, where the next raw body is written. */
function inputView(length) {
  inputAddress = wasm.input(length);
  return memoryBytes().subarray(inputAddress, inputAddress + length);
}

/** A string body whose text JSON.parse may read as is: no lone surrogate (hashed as U+FFFD). */
const wellFormed =
  typeof String.prototype.isWellFormed === 'function'
    ? (text) => text.isWellFormed()
    : (text) => !/\p{Cs}/u.test(text);

/**
 * Writes the body into the wasm input buffer; returns `{ length, text }`: its length in bytes,
 * and the caller's string, which JSON.parse may read as is when it has no lone surrogate (else
 * the event is decoded from the
 * wasm's copy, which is what was checked: bytes, which another thread may change in a
 * SharedArrayBuffer; a parsed object's JSON.stringify text; a string with lone surrogates, which
 * became U+FFFD). A raw body is written straight into wasm memory (TextEncoder's encodeInto for a
 * string, one copy for bytes); one longer than `maxBodyBytes` is not copied, only its length is
 * returned (a string longer than the cap in UTF-16 units is longer in bytes too), and wasm
 * refuses it. A parsed object's JSON.stringify text is written by wasm; length -1 when that
 * fails a check already (too deep, or too long: the error is kept for failure()).
 */
function readBody(body, maxBodyBytes = Infinity) {
  ready();
  if (typeof body === 'string') {
    const text = body;
    if (body.length > maxBodyBytes) return { length: body.length, text };
    if (hooks.writeString !== undefined) return { length: hooks.writeString(body), text };
    return { length: encoder.encodeInto(body, inputView(body.length * 3)).written, text };
  }
  const bytes = bytesOf(body);
  if (bytes !== undefined) {
    const length = bytes.length;
    if (length <= maxBodyBytes) inputView(length).set(bytes);
    return { length, text: undefined };
  }
  if (body !== null && typeof body === 'object') {
    // No JSON parser makes one: its JSON.stringify would be "{}", checked as if it were the body.
    if (typeof body.getReader === 'function' || typeof body.arrayBuffer === 'function') {
      throw new TypeError('body: a stream, Blob, Request or Response; read its bytes first');
    }
    // A parser's object or array, of any realm; not one whose JSON.stringify is not what a client
    // sends of it (a String object, a Map, URLSearchParams, FormData: review BQ, sign() signed
    // "{}" for them).
    const proto = Object.getPrototypeOf(body);
    if (!Array.isArray(body) && proto !== null && Object.getPrototypeOf(proto) !== null) {
      throw new TypeError(
        `body: an object of a class (${tag(body)}) is no parsed JSON; expected a plain object or array, or the raw body`,
      );
    }
    const length = runningCallerCode(() => wasm.write_parsed(body, maxBodyBytes));
    return { length, text: undefined };
  }
  throw new TypeError(
    'body: expected the raw body (string, Uint8Array, ArrayBuffer, Buffer) or the parsed JSON object',
  );
}

/**
 * A header by its lower-case name from fetch Headers, a Map or a plain object (own enumerable
 * properties only: an inherited one is absent). Names match in any case. A repeated header (two
 * keys in different cases, an array of several values) is joined as fetch's Headers joins one,
 * `a, b`, which no check accepts: x-vessel-signature is then MALFORMED_SIGNATURE and
 * x-vessel-timestamp INVALID_TIMESTAMP, whatever the container.
 */
function readHeader(headers, name) {
  // No headers object is a request without the headers (MISSING_HEADER), not a TypeError: the
  // contract keeps TypeError for the token, the body and the options.
  if (headers === null || typeof headers !== 'object') return undefined;
  let value;
  // A Map from any realm (a vm context, jsdom) by its tag: instanceof would take
  // another realm's for a Headers, whose get() matches one exact name.
  const isMap = tag(headers) === '[object Map]';
  if (typeof headers.get === 'function' && !isMap) {
    value = headers.get(name);
  } else {
    // Every key that matches: two are a repeated header, not one to pick. The first is kept
    // apart, and an array is made only for a second: an array per read cost ~30 ns a call, more
    // than the closure that takes each match.
    let count = 0;
    let found;
    const take = (v) => {
      if (count++ === 0) value = v;
      else (found ??= [value]).push(v);
    };
    if (isMap) {
      for (const [key, v] of headers) if (isHeader(key, name)) take(v);
    } else {
      const keys = Object.keys(headers);
      for (let i = 0; i < keys.length; i++) if (isHeader(keys[i], name)) take(headers[keys[i]]);
    }
    if (count === 0) return undefined;
    if (count > 1 || Array.isArray(value)) {
      const all = (found ?? [value]).flat();
      value =
        all.length === 1 ? all[0] : all.map((v) => (typeof v === 'string' ? v : '')).join(', ');
    }
  }
  return typeof value === 'string' ? trimPadding(value) : undefined;
}

/**
 * `value` without HTTP's padding (OWS: spaces and tabs) at either end. Not String#trim, which
 * also takes NBSP, U+2028, U+FEFF…; not a regex, whose `[ \t]+$` is quadratic on inner runs. A
 * value with no padding is returned as it is: in workerd a closure per call and a whole-string
 * slice cost a 2 KB constructEvent 6 % (measured A/B in one Worker).
 */
function trimPadding(value) {
  let start = 0;
  let end = value.length;
  while (start < end && isPadding(value.charCodeAt(start))) start += 1;
  while (end > start && isPadding(value.charCodeAt(end - 1))) end -= 1;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

const isPadding = (code) => code === 0x20 || code === 0x09;

/** Whether a headers container's `key` is the header `name` (lower case) in any case. */
const isHeader = (key, name) =>
  typeof key === 'string' &&
  key.length === name.length &&
  (key === name || key.toLowerCase() === name);

/**
 * The error of the check that failed in wasm, as a VesselWebhookError. For a `body` that was a
 * parsed object (no string, bytes or buffer), a signature that matched nothing says so: the
 * message names what a parser or the app may have changed (review CH), never the body's text.
 */
function failure(body) {
  const error = intoWasm(() => wasm.take_error());
  const parsed =
    error.name === 'SIGNATURE_MISMATCH' &&
    typeof body === 'object' &&
    body !== null &&
    !ArrayBuffer.isView(body) &&
    !BUFFER_TAG.test(tag(body));
  const hint = parsed
    ? '; the body is a parsed object, checked as its JSON.stringify (did a parser or your code change it? pass the raw body)'
    : '';
  return new VesselWebhookError(error.name, error.message + hint);
}

/**
 * The access token wasm holds for calls with one (set_token), and the instance that holds it:
 * copied in only when it changes, or the instance does.
 */
let lastToken;
let lastGeneration;

/**
 * Every argument of a check but the body, read into plain values (the caller's getters, Proxy
 * traps and toJSON run here, before any body is written into wasm memory: one that calls this
 * library again cannot change what the outer call checks): the options readOptions read, the
 * tokens readTokens read, and the signature headers.
 */
function readCall(headers, tokens, o) {
  return {
    o,
    tokens,
    signature: readHeader(headers, 'x-vessel-signature'),
    timestamp: readHeader(headers, 'x-vessel-timestamp'),
  };
}

/**
 * Writes the body and runs checks 1–7 (and 8 when `event`): the body as readBody gives it when
 * they pass, else undefined (the failure is kept for failure()). With several tokens, the one
 * that signed it is left in `call.signer`.
 */
function check(body, call, event, digests) {
  const { o, tokens } = call;
  const read = readBody(body, o.maxBodyBytes);
  if (read.length < 0) return undefined;
  if (digests !== undefined) digests.bodyAddress = inputAddress;
  const single = typeof tokens === 'string';
  if (single && (tokens !== lastToken || generation !== lastGeneration)) {
    wasm.set_token(tokens);
    lastToken = tokens;
    lastGeneration = generation;
  }
  const signer = wasm.authenticate(
    read.length,
    call.signature,
    call.timestamp,
    single ? undefined : tokens,
    o.toleranceSeconds,
    o.nowMs,
    o.maxBodyBytes,
    o.strict,
    event,
  );
  if (signer === undefined) return undefined;
  // Which of several tokens signed the body: its index in our own copy of them.
  if (!single) call.signer = tokens[signer];
  return read;
}

/**
 * What JSON.parse gives for the checked body (see readBody): the authenticated text's, read by
 * readJson when a key is written with an escape (V8's JSON.parse may misread it: read-json.js).
 * Decoding it calls the wasm, so a trap there makes the instance stale too.
 */
function toEvent({ length, text }) {
  try {
    const keys = wasm.checked_keys();
    const read = keys & KEYS_ESCAPED ? readJson : JSON.parse;
    // Checked here, not before: verify never pays for it (a one-byte string costs nothing).
    if (text !== undefined && (hooks.writtenWellFormed?.() ?? wellFormed(text))) {
      return read(text);
    }
    // The checked bytes are still in wasm memory, where Node's fast path decodes them.
    return read((hooks.decodeChecked ?? decodeChecked)(length, keys));
  } catch (error) {
    throw stale(error);
  }
}

/**
 * The checked body (valid UTF-8, still in the input buffer, its keys holding `keys`) as a string
 * (readChecked): its ASCII read by TextDecoder, whose UTF-8 decoding reads ASCII at memory speed
 * (workerd 1.20260426: 3 – 8 µs for 64 KB), and its UTF-16 copy by TextDecoder('utf-16le'), a
 * copy: in workerd the wasm's UTF-16 copy and that read took about 80 µs for 64 KB, where
 * TextDecoder's UTF-8 decoding took 125 µs (1 MB: 0.6 against 1.0 ms).
 */
function decodeChecked(length, keys) {
  return readChecked(length, keys, readUtf8, readUtf16);
}

const readUtf8 = (start, end) => utf8Decoder.decode(memoryBytes().subarray(start, end));
const readUtf16 = (start, end) => utf16Decoder.decode(memoryBytes().subarray(start, end));

/** constructEvent's checks and event, with arguments already read (readCall). */
function checkedEvent(body, call, digests) {
  let read;
  try {
    read = check(body, call, true, digests);
  } catch (error) {
    throw stale(error);
  }
  if (read === undefined) throw failure(body);
  const event = toEvent(read);
  if (call.signer !== undefined) signers.set(event, call.signer);
  return event;
}

/**
 * Whether `body` is an authentic Vessel delivery: signed by `accessToken` (or one of them),
 * fresh, and one strict JSON object. Throws only TypeError, for wrong arguments.
 */
export function verify(body, headers, accessToken, options) {
  const o = readOptions(options);
  const call = readCall(headers, readTokens(accessToken), o);
  try {
    return check(body, call, false) !== undefined;
  } catch (error) {
    throw stale(error);
  }
}

/** verify + parse: the event of an authentic delivery, or a VesselWebhookError. */
export function constructEvent(body, headers, accessToken, options) {
  const o = readOptions(options);
  return checkedEvent(body, readCall(headers, readTokens(accessToken), o));
}

/** The event in `body`, without authenticating it (BODY_TOO_LARGE, INVALID_JSON, INVALID_EVENT). */
export function parse(body, options) {
  const o = readOptions(options);
  let read;
  try {
    read = readBody(body, o.maxBodyBytes);
    if (read.length < 0 || !wasm.parse(read.length, o.maxBodyBytes, o.strict)) read = undefined;
  } catch (error) {
    throw stale(error);
  }
  if (read === undefined) throw failure();
  return toEvent(read);
}

/** The headers Vessel would send with `body`: for tests and local tooling. */
export function sign(body, accessToken, options = {}) {
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new TypeError('accessToken: expected a non-empty string');
  }
  const { timestamp = Math.floor(Date.now() / 1000), connectionId } = checkKeys(
    options,
    SIGN_OPTION_KEYS,
    'options',
  );
  const ts =
    typeof timestamp === 'number' && Number.isSafeInteger(timestamp) && timestamp >= 0
      ? String(timestamp)
      : timestamp;
  if (typeof ts !== 'string' || !/^[0-9]{1,16}$/.test(ts)) {
    throw new TypeError(
      'options.timestamp: expected unix time as a whole number or 1 to 16 digits',
    );
  }
  // A header value as sent, unchanged by fetch or Node (review BQ: CR/LF, characters above U+00FF
  // and surrounding spaces were returned, for fetch to refuse or trim).
  if (
    connectionId !== undefined &&
    (typeof connectionId !== 'string' || !HEADER_VALUE.test(connectionId))
  ) {
    throw new TypeError(
      'options.connectionId: expected a header value of visible characters (no spaces or line breaks)',
    );
  }
  let signature;
  try {
    const { length } = readBody(body);
    signature = length < 0 ? undefined : wasm.sign(length, accessToken, ts);
  } catch (error) {
    throw stale(error);
  }
  // sign() throws TypeError only: a parsed object it cannot write (too deep for JSON.stringify)
  // is a wrong argument here (review BQ: it was a VesselWebhookError).
  if (signature === undefined) throw new TypeError(failure().message);
  const headers = { 'x-vessel-timestamp': ts, 'x-vessel-signature': signature };
  if (connectionId !== undefined) headers['x-vessel-connection-id'] = connectionId;
  return headers;
}

/** The x-vessel-connection-id header, or undefined when absent or empty. */
export function getConnectionId(headers) {
  return readHeader(headers, 'x-vessel-connection-id') || undefined;
}

function tooLarge(what, maxBodyBytes) {
  return new VesselWebhookError(
    'BODY_TOO_LARGE',
    `${what}: more than the limit of ${maxBodyBytes} bytes`,
  );
}

/**
 * The length in bytes the checks count of a body already read (a parsed object's JSON text),
 * written into wasm to count it: what fails a check already (too long, too deep for
 * JSON.stringify) is thrown with its code, as the full check would.
 */
function writtenLength(body, o) {
  let read;
  try {
    read = readBody(body, o.maxBodyBytes);
  } catch (error) {
    throw stale(error);
  }
  if (read.length < 0) throw failure();
  return read.length;
}

/**
 * Whether a Fetch API body of `declared` length (its Content-Length, at most the cap) is read with
 * one arrayBuffer(): when it has one and no Transfer-Encoding, so that the HTTP layer that made
 * the Request delimits the body by it (the length read is checked again), unless
 * hooks.readBodyStream (Node). Otherwise readChunks reads the stream and cancels it as soon as it
 * crosses the limit, so an oversized body is never held whole. With both headers the body is
 * chunked (RFC 9112 §6.3), and workerd hands both on: arrayBuffer() would read all of it.
 * A Request made in JavaScript with a stream body and a Content-Length that does not bound it (a
 * decoded body under the encoded one's header) is read whole too (review BU): no runtime says
 * cheaply whether it delimits a Request's body, and every bounded read of a 2 KB body costs about
 * twice this one in workerd (BENCHMARKS.md, session 32). README and SECURITY.md tell apps not to.
 */
function readsWhole(request, headers, declared) {
  return (
    declared !== undefined &&
    !hooks.readBodyStream &&
    readHeader(headers, 'transfer-encoding') === undefined &&
    typeof request.arrayBuffer === 'function'
  );
}

/** `bytes` when at most `maxBodyBytes` long, else BODY_TOO_LARGE. */
function capped(bytes, maxBodyBytes) {
  if (bytes.length > maxBodyBytes) throw tooLarge('body', maxBodyBytes);
  return bytes;
}

/**
 * Bytes a read waits for where the runtime can (workerd's readAtLeast, on a byte stream): a Worker
 * otherwise gets one read per HTTP chunk, and a body sent in 1-byte chunks cost ~10 µs of CPU a
 * byte before it was authenticated (two awaits each). Elsewhere (Node, Deno, Bun, browsers) a read
 * is what the runtime gives (Node too gives an HTTP chunk a read, at a few µs: about what its own
 * HTTP parsing of the chunk costs).
 */
const READ_AT_LEAST_BYTES = 64 * 1024;
const canReadAtLeast =
  typeof globalThis.ReadableStreamBYOBReader?.prototype.readAtLeast === 'function';

/**
 * A reader of `stream` whose read() gives `{ done, value }`: with readAtLeast, at least
 * READ_AT_LEAST_BYTES a read (into one buffer, reused: the caller copies each value before the
 * next read; the last bytes may come with done); else the stream's own reader.
 */
function bodyReader(stream) {
  if (canReadAtLeast) {
    let reader;
    try {
      reader = stream.getReader({ mode: 'byob' });
    } catch {
      // not a byte stream (a hand-made body): its own reader
    }
    // A stream-like whose getReader() ignores the mode: let go of its reader, take the default.
    if (reader !== undefined && typeof reader.readAtLeast !== 'function') {
      reader.releaseLock?.();
      reader = undefined;
    }
    if (reader !== undefined) {
      let view = new Uint8Array(READ_AT_LEAST_BYTES);
      return {
        async read() {
          const read = await reader.readAtLeast(view.length, view);
          if (read.value !== undefined) view = new Uint8Array(read.value.buffer);
          return read;
        },
        cancel: () => reader.cancel(),
      };
    }
  }
  return stream.getReader();
}

/**
 * A body's bytes, its stream read into one buffer (byteCollector, sized by `declared`, the
 * Content-Length within the cap, if any) and cancelled once they cross the cap.
 */
async function readChunks(request, maxBodyBytes, declared) {
  if (request.body === null) return new Uint8Array(0);
  if (typeof request.body?.getReader !== 'function') {
    throw new TypeError(
      'request.body: expected a stream (a Fetch API Request); for a body already read, use constructEvent',
    );
  }
  const reader = bodyReader(request.body);
  const collected = byteCollector(declared ?? maxBodyBytes);
  for (;;) {
    const { done, value } = await reader.read();
    if (done && value === undefined) break;
    // Any binary chunk counts as its bytes, read once (set() would copy a DataView as nothing, a
    // Uint16Array's elements cut to one byte each); anything else (a hand-made body of strings,
    // a view of a detached buffer) has no length to cap.
    let chunk;
    try {
      chunk = bytesOf(value);
    } catch {
      // a view whose bytes cannot be read: as anything else
    }
    if (chunk === undefined) {
      await reader.cancel();
      throw new TypeError('request.body: expected a stream of binary chunks (Uint8Array)');
    }
    if (collected.length + chunk.length > maxBodyBytes) {
      await reader.cancel();
      throw tooLarge('body', maxBodyBytes);
    }
    collected.push(chunk);
    if (done) break;
  }
  // The chunks in one body of its own (subtleDigests copies it again before any await).
  return collected.bytes();
}

/**
 * For runtimes without a synchronous native SHA-256 (browsers, workerd without nodejs_compat,
 * Next.js's edge runtime; Deno has node:crypto's): SHA-256(token ‖ body ‖ timestamp) for each
 * token with crypto.subtle.digest, for the wasm to compare in the call that follows (instance.js
 * hands each one over only for the message it is of). A promise of them, or undefined (the wasm
 * hashes): with a sync native SHA-256, without WebCrypto, for a body under SMALL_MESSAGE_BYTES, or
 * when the headers cannot pass (the wasm then refuses with its code).
 */
function subtleDigests(body, call) {
  if (hooks.sha256 !== undefined || body.length < SMALL_MESSAGE_BYTES) return undefined;
  const subtle = globalThis.crypto?.subtle;
  const { signature, timestamp } = call;
  if (
    subtle === undefined ||
    body.length > call.o.maxBodyBytes ||
    !/^[0-9a-fA-F]{64}$/.test(signature ?? '') ||
    !/^[0-9]{1,16}$/.test(timestamp ?? '')
  ) {
    return undefined;
  }
  const tokens = (typeof call.tokens === 'string' ? [call.tokens] : call.tokens).map((token) =>
    encoder.encode(token),
  );
  const stamp = encoder.encode(timestamp);
  // One copy of the body, read once, for every message and for the check (see below).
  const own = body.slice();
  const messages = tokens.map((token) => {
    const message = new Uint8Array(token.length + own.length + stamp.length);
    message.set(token);
    message.set(own, token.length);
    message.set(stamp, token.length + own.length);
    return message;
  });
  const digests = messages.map(async (m) => new Uint8Array(await subtle.digest('SHA-256', m)));
  return Promise.all(digests).then((all) => ({
    tokens,
    timestamp: stamp,
    // The bytes the digests are of, in a copy of our own: the caller's buffer may change while
    // they are awaited (a hand-made request's arrayBuffer() or stream may keep and rewrite it).
    body: own,
    digests: all,
    next: 0,
  }));
}

/**
 * Checks 1–5 of a body of `length` bytes and a call's headers (readCall), which need no token
 * (size, headers, replay window): throws the first that fails, as the full check would.
 */
function checkUnsigned(length, { o, signature, timestamp }) {
  let passed;
  try {
    ready();
    passed = wasm.check_headers(
      length,
      signature,
      timestamp,
      o.toleranceSeconds,
      o.nowMs,
      o.maxBodyBytes,
    );
  } catch (error) {
    throw stale(error);
  }
  if (!passed) throw failure();
}

/**
 * An x-vessel-connection-id a resolver is asked about: 1 to 512 visible ASCII characters, not `.`
 * or `..` (Vessel's are ~70 ASCII characters). Workers KV's get() throws for a key over 512 bytes
 * or of `.` or `..` (a 500 for any unsigned request that sent one); ASCII is the same bytes
 * whether a runtime decodes a header as Latin-1 (Node) or UTF-8 (workerd).
 */
const CONNECTION_ID = /^(?!\.\.?$)[\x21-\x7e]{1,512}$/;

/**
 * The access token(s) that `resolver` gives for a request's x-vessel-connection-id. No token (no
 * header, one that is not a CONNECTION_ID, or the resolver gave undefined or null) is
 * SIGNATURE_MISMATCH, as for a wrong token; the resolver is not called without the header.
 */
async function resolveTokens(resolver, request, headers) {
  const connectionId = getConnectionId(headers);
  const unknown = (why) =>
    new VesselWebhookError('SIGNATURE_MISMATCH', `x-vessel-connection-id: ${why}`);
  if (connectionId === undefined) throw unknown('absent, so no access token was looked up');
  if (!CONNECTION_ID.test(connectionId)) {
    throw unknown(
      'not 1 to 512 visible ASCII characters (nor . or ..), so no access token was looked up',
    );
  }
  const tokens = await resolver(connectionId, request);
  if (tokens === undefined || tokens === null) {
    throw unknown('no access token was found for this connection');
  }
  // Copied before it leaves this async function: returning an object read as no thenable would
  // read its `then` again.
  return readTokens(tokens, "the token resolver's answer (or undefined or null: no token)");
}

/**
 * constructEvent for a Fetch API Request (Workers, Deno, Bun, Next.js route handlers), or any
 * object with its `headers` and its `body` stream (read once, as bytes), or one whose body a parser
 * already read (requestReadBefore, which the middlewares pass), taken as constructEvent takes it. Checks it with
 * the access token(s) or with those that `resolver(connectionId, request)` gives. Rejects with
 * VesselWebhookError (`error.toResponse()` is the answer to send), or TypeError for wrong
 * arguments; a resolver's own error passes as is.
 */
export async function verifyRequest(request, accessTokenOrResolver, options) {
  if (
    request === null ||
    typeof request !== 'object' ||
    !('headers' in request && 'body' in request)
  ) {
    throw new TypeError('request: expected a Fetch API Request');
  }
  if (request.bodyUsed) throw new TypeError('request: the body was already read');
  // Wrong arguments fail before the body is consumed, and each is read once, here. Without
  // options.now, the clock is read again after each await, when the checks run (checkNow).
  const given =
    typeof accessTokenOrResolver === 'function' ? undefined : readTokens(accessTokenOrResolver);
  const o = readOptions(options);
  const { maxBodyBytes } = o;
  // A body a parser read before (requestReadBefore: the middlewares after a parser, the
  // receiver's verifyAndReceive) is checked as constructEvent checks a body.
  const read = request[READ_BEFORE] === true;
  // Read once: in workerd each read of a Request's headers is a call into the runtime.
  const { headers } = request;
  let body = read ? request.body : undefined;
  if (!read) {
    // A Content-Length over the cap is refused before anything is read. (No promise around
    // arrayBuffer(): in a Worker each costs a small request's time.)
    const declared = lengthOf(readHeader(headers, 'content-length'));
    if (declared > maxBodyBytes) throw tooLarge('content-length', maxBodyBytes);
    body = readsWhole(request, headers, declared)
      ? capped(bufferOf(await request.arrayBuffer()), maxBodyBytes)
      : await readChunks(request, maxBodyBytes, declared);
    checkNow(o);
  }
  const call = readCall(headers, given, o);
  // Awaits only what is asynchronous: in a Worker, each turn costs a small request's time. A
  // resolver is asked only once the checks that need no token passed (a lookup costs I/O).
  if (given === undefined) {
    checkUnsigned(read ? writtenLength(body, o) : body.length, call);
    call.tokens = await resolveTokens(accessTokenOrResolver, request, headers);
    // Its one token is recorded as the signer too: the caller knows none (signers.js).
    if (typeof call.tokens === 'string') call.signer = call.tokens;
    checkNow(o);
  }
  const pending = read ? undefined : subtleDigests(body, call);
  try {
    if (pending === undefined) return checkedEvent(body, call);
    const digests = await pending;
    checkNow(o);
    // The body, written now, is where the digests' messages say (checked again in instance.js).
    precomputed.current = digests;
    try {
      return checkedEvent(digests.body, call, digests);
    } finally {
      precomputed.current = undefined;
    }
  } catch (error) {
    throw read ? error : encodingError(error, headers);
  }
}

/**
 * A SIGNATURE_MISMATCH of bytes read as received that say they are compressed says so in its
 * message. Vessel signs its JSON uncompressed and sends it so; a proxy that compressed it made it
 * unverifiable. The code stays SIGNATURE_MISMATCH (401): issue 3 fixed verifyRequest's codes,
 * and a 415 of its own (session 18) was withdrawn for that (review CY). The header is read only
 * then: a body a platform decoded but whose header it kept still verifies; one a parser decoded
 * (read before) is refused as any other.
 */
function encodingError(error, headers) {
  const encoding = error?.code === 'SIGNATURE_MISMATCH' && readHeader(headers, 'content-encoding');
  if (!encoding || encoding.toLowerCase() === 'identity') return error;
  return new VesselWebhookError(
    'SIGNATURE_MISMATCH',
    `${error.message}; the request has a content-encoding, the body is verified as received, ` +
      'and Vessel signs it uncompressed (decode it first, into bytes or a Request without its ' +
      'Content-Length, or do not compress this route)',
  );
}
