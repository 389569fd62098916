// Delivery as Vessel's docs imply it, for `serve` and `trigger` alike: POST the event as JSON with
// x-vessel-timestamp, x-vessel-signature and x-vessel-connection-id, and retry until a 2xx.
import { setTimeout as sleep } from 'node:timers/promises';
import { sign } from 'vessel-webhooks';
import { MAX_TIMEOUT_MS } from '../src/incoming.js';
import { printable } from './terminal.js';

/**
 * Short enough to watch locally: 1 attempt + 3 retries, 0.5 s, 1 s and 2 s apart, each given 5 s
 * to answer. Vessel's own numbers are not published.
 */
export const DEFAULTS = { retries: 3, backoffMs: 500, timeoutMs: 5000 };

/**
 * Whether `url` is an absolute http: or https: URL without a user name or password, one that
 * deliver() can POST to (fetch refuses credentials in a URL, and they would be printed).
 */
export function isHttpUrl(url) {
  try {
    const { protocol, username, password } = new URL(url);
    return /^https?:$/.test(protocol) && username === '' && password === '';
  } catch {
    return false;
  }
}

/**
 * How much of a refusing receiver's answer body is kept and shown: its first 1 KiB, enough for a
 * `{ "error": CODE }` and the start of an error page.
 */
export const MAX_ANSWER_BYTES = 1024;

const decoder = new TextDecoder();

/**
 * Reads the response body to its end (the attempt's timeout covers the whole answer) and keeps
 * the first `keep` bytes of it: the text, `…` marking a cut, or undefined for an empty body.
 * The rest is read and dropped, so a large answer costs no memory.
 */
async function readAnswer(response, keep) {
  if (response.body === null) return undefined;
  const kept = new Uint8Array(keep);
  let length = 0;
  let cut = false;
  for await (const chunk of response.body) {
    const room = keep - length;
    if (chunk.byteLength > room) cut = true;
    kept.set(chunk.subarray(0, room), length);
    length += Math.min(room, chunk.byteLength);
  }
  if (length === 0) return undefined;
  return decoder.decode(kept.subarray(0, length)) + (cut ? '…' : '');
}

/**
 * The wait after failed attempt `attempt` (1, 2, …): `backoffMs`, doubling each time, up to
 * MAX_TIMEOUT_MS, the longest a timer honours (2³¹ is past it whatever the backoff, and keeps
 * 0 × 2ⁿ a number).
 */
const backoff = (attempt, backoffMs) =>
  Math.min(backoffMs * 2 ** Math.min(attempt - 1, 31), MAX_TIMEOUT_MS);

/** What went wrong when there was no HTTP answer: a timeout, or the network error's code. */
function failure(error, timeoutMs) {
  if (error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  return error.cause?.code ?? error.cause?.message ?? error.message;
}

/**
 * POSTs `event` to `url` until the receiver answers 2xx, at most `retries` + 1 times. The body
 * is the same bytes every time (so the eventId is too); each attempt is signed anew with a fresh
 * timestamp, as a real sender does, so a late retry is not refused as a replay. Anything but a
 * 2xx is a failure: an error status, a redirect (not followed), no answer (including the whole
 * body) within `timeoutMs`, or a network error. `onAttempt(record)` is called after each attempt
 * with `{ eventId, attempt, status | error, answer?, latencyMs, outcome, retryInMs? }`, where
 * `answer` is the start of a non-2xx answer's body (MAX_ANSWER_BYTES, as text) and `outcome` is
 * 'delivered', 'retrying' or 'failed' (the last attempt, not a 2xx). Resolves to whether the
 * event was delivered.
 */
export async function deliver(
  { url, event, accessToken, connectionId, retries, backoffMs, timeoutMs },
  onAttempt,
) {
  const body = JSON.stringify(event);
  for (let attempt = 1; ; attempt++) {
    const headers = {
      'content-type': 'application/json',
      ...sign(body, accessToken, { connectionId }),
    };
    const record = { eventId: event.eventId, attempt };
    const started = performance.now();
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal,
        redirect: 'manual',
      });
      const ok = response.status >= 200 && response.status < 300;
      const answer = await readAnswer(response, ok ? 0 : MAX_ANSWER_BYTES);
      record.status = response.status;
      if (answer !== undefined) record.answer = answer;
    } catch (error) {
      record.error = failure(error, timeoutMs);
    }
    record.latencyMs = Math.round(performance.now() - started);
    const delivered = record.status >= 200 && record.status < 300;
    if (delivered || attempt > retries) {
      record.outcome = delivered ? 'delivered' : 'failed';
      onAttempt(record);
      return delivered;
    }
    record.outcome = 'retrying';
    record.retryInMs = backoff(attempt, backoffMs);
    onAttempt(record);
    await sleep(record.retryInMs);
  }
}

/**
 * The lines for an attempt record, as both commands print them: the attempt, and for a refusal
 * with a body, the receiver's answer (e.g. `{"error":"SIGNATURE_MISMATCH"}`) on a second line.
 * Control characters are escaped (terminal.js).
 */
export function describeAttempt({
  eventId,
  attempt,
  status,
  error,
  answer,
  latencyMs,
  outcome,
  retryInMs,
}) {
  const result = status === undefined ? error : `HTTP ${status}`;
  const next =
    outcome === 'retrying'
      ? `retrying in ${retryInMs} ms`
      : outcome === 'failed'
        ? `failed, giving up after ${attempt} attempt${attempt === 1 ? '' : 's'}`
        : 'delivered';
  const line = `${eventId} attempt ${attempt}: ${result} in ${latencyMs} ms, ${next}`;
  return answer === undefined
    ? printable(line)
    : `${printable(line)}\n  answer: ${printable(answer)}`;
}
