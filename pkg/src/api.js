// The package's public API, shared by every entry point (node.cjs, node.mjs, workerd.js,
// browser.js). The entry that imports this module instantiates the wasm before any call.
import * as wasm from '../dist/vessel_webhooks.js';
import { hooks } from './hooks.js';

// The receiver's codes (receiver.js); the others' statuses come from the wasm.
const RECEIVER_STATUS = { HANDLER_FAILED: 500, EVENT_IN_PROGRESS: 409, STORE_UNAVAILABLE: 503 };

/** Why a webhook request was refused: `code` is stable, `status` is the HTTP answer. */
export class VesselWebhookError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = 'VesselWebhookError';
    this.code = code;
    this.status = RECEIVER_STATUS[code] ?? wasm.status(code);
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
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

function checkKeys(options, known, what) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${what}: expected an object`);
  }
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new TypeError(`${what}.${key}: unknown option`);
  }
}

let defaultMaxBodyBytes;
/** The checked options; the defaults when there are none (the common call, kept cheap). */
function readOptions(options) {
  defaultMaxBodyBytes ??= wasm.default_max_body_bytes();
  if (options === undefined) {
    return {
      toleranceSeconds: 300,
      nowMs: Date.now(),
      maxBodyBytes: defaultMaxBodyBytes,
      strict: false,
    };
  }
  checkKeys(options, OPTION_KEYS, 'options');
  const { toleranceSeconds = 300, now = Date.now(), maxBodyBytes, strict = false } = options;
  if (typeof toleranceSeconds !== 'number' || !(toleranceSeconds >= 0)) {
    throw new TypeError('options.toleranceSeconds: expected a number ≥ 0 (Infinity disables)');
  }
  const nowMs = now instanceof Date ? now.getTime() : now;
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs) || nowMs < 0) {
    throw new TypeError('options.now: expected a valid Date or milliseconds since the epoch');
  }
  if (maxBodyBytes !== undefined && !(Number.isSafeInteger(maxBodyBytes) && maxBodyBytes >= 0)) {
    throw new TypeError('options.maxBodyBytes: expected a whole number of bytes');
  }
  if (typeof strict !== 'boolean') throw new TypeError('options.strict: expected a boolean');
  return {
    toleranceSeconds,
    nowMs,
    maxBodyBytes: maxBodyBytes ?? defaultMaxBodyBytes,
    strict,
  };
}

/** The access token(s) as wasm takes them: a non-empty string or an array of them. */
function readTokens(accessToken) {
  if (typeof accessToken === 'string' && accessToken !== '') return accessToken;
  if (
    !Array.isArray(accessToken) ||
    accessToken.length === 0 ||
    !accessToken.every((t) => typeof t === 'string' && t !== '')
  ) {
    throw new TypeError(
      'accessToken: expected a non-empty string or a non-empty array of non-empty strings',
    );
  }
  return accessToken;
}

const tag = (value) => Object.prototype.toString.call(value);

/** A binary body as a Uint8Array over the same bytes, or undefined for other bodies. */
function bytesOf(body) {
  // isView and the tag work across realms (Buffer, jsdom, vm contexts), unlike instanceof.
  if (ArrayBuffer.isView(body))
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (tag(body) === '[object ArrayBuffer]' || tag(body) === '[object SharedArrayBuffer]') {
    return new Uint8Array(body);
  }
  return undefined;
}

let memoryBytes;
/** A view of `length` bytes of the wasm input buffer, where the next raw body is written. */
function inputView(length) {
  const address = wasm.input(length);
  // A grown memory detaches the old buffer (its views become empty): take the new one.
  if (memoryBytes === undefined || memoryBytes.byteLength === 0) {
    memoryBytes = new Uint8Array(wasm.instance_memory().buffer);
  }
  return memoryBytes.subarray(address, address + length);
}

/**
 * Writes the body into the wasm input buffer and returns its length in bytes. A raw body is
 * written straight into wasm memory (TextEncoder's encodeInto for a string, one copy for bytes);
 * one longer than `maxBodyBytes` is not copied, only its length is returned (a string longer
 * than the cap in UTF-16 units is longer in bytes too), and wasm refuses it. A parsed object's
 * JSON.stringify text is written by wasm; -1 when that fails a check already (too deep, or too
 * long: the error is kept for failure()).
 */
function readBody(body, maxBodyBytes = Infinity) {
  if (typeof body === 'string') {
    if (body.length > maxBodyBytes) return body.length;
    if (hooks.writeString !== undefined) return hooks.writeString(body);
    return encoder.encodeInto(body, inputView(body.length * 3)).written;
  }
  const bytes = bytesOf(body);
  if (bytes !== undefined) {
    if (bytes.length <= maxBodyBytes) inputView(bytes.length).set(bytes);
    return bytes.length;
  }
  if (body !== null && typeof body === 'object') return wasm.write_parsed(body, maxBodyBytes);
  throw new TypeError(
    'body: expected the raw body (string, Uint8Array, ArrayBuffer, Buffer) or the parsed JSON object',
  );
}

/** A header by its lower-case name from fetch Headers, a Map or a plain object. */
function readHeader(headers, name) {
  // No headers object is a request without the headers (MISSING_HEADER), not a TypeError: the
  // contract keeps TypeError for the token, the body and the options.
  if (headers === null || typeof headers !== 'object') return undefined;
  let value;
  if (headers instanceof Map) {
    for (const [key, v] of headers) {
      if (typeof key === 'string' && key.toLowerCase() === name) {
        value = v;
        break;
      }
    }
  } else if (typeof headers.get === 'function') {
    value = headers.get(name);
  } else {
    value = headers[name];
    if (value === undefined) {
      const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
      if (key !== undefined) value = headers[key];
    }
  }
  // Several values (a repeated header) join as fetch joins them, and then fail the format checks.
  if (Array.isArray(value))
    value = value.every((v) => typeof v === 'string') ? value.join(', ') : undefined;
  return typeof value === 'string' ? value.trim() : undefined;
}

/** The error of the check that failed in wasm, as a VesselWebhookError. */
function failure() {
  const error = wasm.take_error();
  return new VesselWebhookError(error.name, error.message);
}

/** The access token wasm holds for calls with one (set_token): copied in only when it changes. */
let lastToken;

/** Whether checks 1–7 (and 8 when `event`) pass; the failure is kept for failure(). */
function authenticate(body, headers, accessToken, options, event) {
  const o = readOptions(options);
  const tokens = readTokens(accessToken);
  const signature = readHeader(headers, 'x-vessel-signature');
  const timestamp = readHeader(headers, 'x-vessel-timestamp');
  // Last before the call: reading headers may run the caller's code, which may call us.
  const length = readBody(body, o.maxBodyBytes);
  if (length < 0) return false;
  const single = typeof tokens === 'string';
  if (single && tokens !== lastToken) {
    wasm.set_token(tokens);
    lastToken = tokens;
  }
  return wasm.authenticate(
    length,
    signature,
    timestamp,
    single ? undefined : tokens,
    o.toleranceSeconds,
    o.nowMs,
    o.maxBodyBytes,
    o.strict,
    event,
  );
}

/** What JSON.parse gives for a checked body (or the object the caller passed). */
function toEvent(body) {
  if (typeof body === 'string') return JSON.parse(body);
  const bytes = bytesOf(body);
  if (bytes === undefined) return body;
  // The checked bytes are still in wasm memory, where Node's fast path decodes them.
  const text =
    hooks.decodeChecked !== undefined ? hooks.decodeChecked(bytes.length) : decoder.decode(bytes);
  return JSON.parse(text);
}

/**
 * Whether `body` is an authentic Vessel delivery: signed by `accessToken` (or one of them),
 * fresh, and one strict JSON object. Throws only TypeError, for wrong arguments.
 */
export function verify(body, headers, accessToken, options) {
  return authenticate(body, headers, accessToken, options, false);
}

/** verify + parse: the event of an authentic delivery, or a VesselWebhookError. */
export function constructEvent(body, headers, accessToken, options) {
  if (!authenticate(body, headers, accessToken, options, true)) throw failure();
  return toEvent(body);
}

/** The event in `body`, without authenticating it (BODY_TOO_LARGE, INVALID_JSON, INVALID_EVENT). */
export function parse(body, options) {
  const o = readOptions(options);
  const length = readBody(body, o.maxBodyBytes);
  if (length < 0 || !wasm.parse(length, o.maxBodyBytes, o.strict)) throw failure();
  return toEvent(body);
}

/** The headers Vessel would send with `body`: for tests and local tooling. */
export function sign(body, accessToken, options = {}) {
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new TypeError('accessToken: expected a non-empty string');
  }
  checkKeys(options, SIGN_OPTION_KEYS, 'options');
  const { timestamp = Math.floor(Date.now() / 1000), connectionId } = options;
  const ts =
    typeof timestamp === 'number' && Number.isSafeInteger(timestamp) && timestamp >= 0
      ? String(timestamp)
      : timestamp;
  if (typeof ts !== 'string' || !/^[0-9]{1,16}$/.test(ts)) {
    throw new TypeError(
      'options.timestamp: expected unix time as a whole number or 1 to 16 digits',
    );
  }
  if (connectionId !== undefined && (typeof connectionId !== 'string' || connectionId === '')) {
    throw new TypeError('options.connectionId: expected a non-empty string');
  }
  const length = readBody(body);
  if (length < 0) throw failure();
  const signature = wasm.sign(length, accessToken, ts);
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
 * The bytes of a Fetch API body, at most `maxBodyBytes` of them: a larger Content-Length is
 * refused before reading, and a stream is cancelled as soon as it crosses the limit (a chunked
 * body has no Content-Length), so an oversized body is never held whole.
 */
async function readRequestBody(request, maxBodyBytes) {
  if (Number(readHeader(request.headers, 'content-length')) > maxBodyBytes) {
    throw tooLarge('content-length', maxBodyBytes);
  }
  const chunks = [];
  let length = 0;
  if (request.body !== null) {
    const reader = request.body.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      length += read.value.byteLength;
      if (length > maxBodyBytes) {
        await reader.cancel();
        throw tooLarge('body', maxBodyBytes);
      }
      chunks.push(read.value);
    }
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * The access token(s) for a request: `accessTokenOrResolver` itself, or what the resolver gives
 * for its x-vessel-connection-id. No token (no header, or the resolver gave undefined or null)
 * is SIGNATURE_MISMATCH, as for a wrong token; the resolver is not called without the header.
 */
async function resolveTokens(accessTokenOrResolver, request) {
  if (typeof accessTokenOrResolver !== 'function') return accessTokenOrResolver;
  const connectionId = getConnectionId(request.headers);
  const tokens =
    connectionId === undefined ? undefined : await accessTokenOrResolver(connectionId, request);
  if (tokens === undefined || tokens === null) {
    throw new VesselWebhookError(
      'SIGNATURE_MISMATCH',
      connectionId === undefined
        ? 'x-vessel-connection-id: absent, so no access token was looked up'
        : 'x-vessel-connection-id: no access token was found for this connection',
    );
  }
  return tokens;
}

/**
 * constructEvent for a Fetch API Request (Workers, Deno, Bun, Next.js route handlers), or any
 * object with its `headers` and `body` stream (the Express middleware passes one): reads the body
 * once, as bytes, and checks it with the access token(s) or with those that
 * `resolver(connectionId, request)` gives. Rejects with VesselWebhookError (`error.toResponse()`
 * is the answer to send), or TypeError for wrong arguments; a resolver's own error passes as is.
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
  // Wrong arguments fail before the body is consumed.
  if (typeof accessTokenOrResolver !== 'function') readTokens(accessTokenOrResolver);
  const { maxBodyBytes } = readOptions(options);
  const body = await readRequestBody(request, maxBodyBytes);
  const tokens = await resolveTokens(accessTokenOrResolver, request);
  return constructEvent(body, request.headers, tokens, options);
}
