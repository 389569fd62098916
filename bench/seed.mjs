// The seed, what Vessel's documentation tells receivers to write (JSON.parse → JSON.stringify →
// SHA-256 → !==), with the SHA-256 the runtime has: node:crypto's createHash where there is one
// (Node, Deno, Bun, workerd with nodejs_compat), else `await crypto.subtle.digest` (browsers,
// workerd without the flag); and the calls every runtime's bench times against it. Shared by
// bench/worker.js (workerd) and bench/runtime.mjs (Node, Deno, Bun, Chromium).
import { constructEvent, verifyRequest } from 'vessel-webhooks';

/** The access token the benches' bodies are signed with. */
export const TOKEN = 'tok_live_5f2c8d0e9a7b';
/** node:crypto, found at run time (a browser bundle and a flagless Worker have none). */
export const nodeCrypto = globalThis.process?.getBuiltinModule?.('node:crypto');
const encoder = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex = (digest) => Array.from(new Uint8Array(digest), (b) => HEX[b]).join('');

function seedMessage(body, timestamp) {
  const parsed = JSON.parse(body);
  return [parsed, `${TOKEN}${JSON.stringify(parsed)}${timestamp}`];
}

const mismatch = () => new Error('Unable to validate signature');

/** The seed: the parsed event, or a throw (a rejection without node:crypto: it awaits). */
export const seed = nodeCrypto
  ? (body, timestamp, signature) => {
      const [parsed, message] = seedMessage(body, timestamp);
      if (nodeCrypto.createHash('sha256').update(message).digest('hex') !== signature) {
        throw mismatch();
      }
      return parsed;
    }
  : async (body, timestamp, signature) => {
      const [parsed, message] = seedMessage(body, timestamp);
      if (hex(await crypto.subtle.digest('SHA-256', encoder.encode(message))) !== signature) {
        throw mismatch();
      }
      return parsed;
    };

/**
 * A delivery of `body`, signed with `headers`, as the benches time it: its `bytes`, a `request()`
 * that makes a new Request of it as one arrives (bytes, with its Content-Length: a Request made
 * from a string has none, and would UTF-8 encode it at each construction, work no delivery
 * costs; a browser drops it, a forbidden header, so there verifyRequest reads the stream), and
 * `list`, the calls every bench times, as [name, fn, async], each giving the event: the seed and
 * constructEvent, the seed's Request flow (`await request.text()` + the seed, both headers read
 * from the Request as any receiver reads them) and verifyRequest, and constructEvent of the bytes.
 */
export function delivery(body, headers) {
  const timestamp = headers['x-vessel-timestamp'];
  const signature = headers['x-vessel-signature'];
  const bytes = encoder.encode(body);
  const sized = { ...headers, 'content-length': String(bytes.length) };
  const request = () =>
    new Request('http://localhost/', { method: 'POST', headers: sized, body: bytes });
  const list = [
    ['seed', () => seed(body, timestamp, signature), !nodeCrypto],
    ['constructEvent', () => constructEvent(body, headers, TOKEN), false],
    [
      'seed Request flow',
      async () => {
        const r = request();
        const { headers: h } = r;
        return seed(await r.text(), h.get('x-vessel-timestamp'), h.get('x-vessel-signature'));
      },
      true,
    ],
    ['verifyRequest', () => verifyRequest(request(), TOKEN), true],
    ['constructEvent(bytes)', () => constructEvent(bytes, headers, TOKEN), false],
  ];
  return { bytes, request, list };
}
