// The Worker bench/workerd.mjs runs in workerd, with and without nodejs_compat. POST a body signed
// with TOKEN: the Worker times, inside workerd, the package against the seed (what Vessel's
// documentation tells receivers to write, with the SHA-256 the Worker has: node:crypto's
// createHash with nodejs_compat, `await crypto.subtle.digest` without), each also in its Request
// flow (a new Request per call: `await request.text()` + the seed, against verifyRequest), and
// the floors (JSON.parse, the digests of the raw bytes). POST the body first, then GET one batch
// of calls of one contender per request: bench/workerd.mjs runs the rounds and times each batch
// both from outside and with workerd's performance.now() inside (see there).
import { constructEvent, verifyRequest } from 'vessel-webhooks';

const TOKEN = 'tok_live_5f2c8d0e9a7b';
const nodeCrypto = globalThis.process?.getBuiltinModule?.('node:crypto');
const encoder = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex = (digest) => Array.from(new Uint8Array(digest), (b) => HEX[b]).join('');

function seedMessage(body, timestamp) {
  const parsed = JSON.parse(body);
  return [parsed, `${TOKEN}${JSON.stringify(parsed)}${timestamp}`];
}

function seedCreateHash(body, timestamp, signature) {
  const [parsed, message] = seedMessage(body, timestamp);
  if (nodeCrypto.createHash('sha256').update(message).digest('hex') !== signature) {
    throw new Error('Unable to validate signature');
  }
  return parsed;
}

async function seedSubtle(body, timestamp, signature) {
  const [parsed, message] = seedMessage(body, timestamp);
  if (hex(await crypto.subtle.digest('SHA-256', encoder.encode(message))) !== signature) {
    throw new Error('Unable to validate signature');
  }
  return parsed;
}

/** The functions timed for one body: [name, fn, async]. */
function contenders(body, headers) {
  const timestamp = headers['x-vessel-timestamp'];
  const signature = headers['x-vessel-signature'];
  const bytes = encoder.encode(body);
  // A delivery as it arrives: bytes (a string body would be UTF-8 encoded by each new Request,
  // work no delivery costs), with its Content-Length (a Request made from a string has none).
  const sized = { ...headers, 'content-length': String(bytes.length) };
  const request = () =>
    new Request('http://localhost/', { method: 'POST', headers: sized, body: bytes });
  const decoder = new TextDecoder();
  const seed = nodeCrypto ? seedCreateHash : seedSubtle;
  const list = [
    ['seed', () => seed(body, timestamp, signature), !nodeCrypto],
    ['constructEvent', () => constructEvent(body, headers, TOKEN), false],
    [
      'seed Request flow',
      async () => {
        const r = request();
        // Both headers from the Request, as any receiver (and verifyRequest) reads them.
        const { headers: h } = r;
        return seed(await r.text(), h.get('x-vessel-timestamp'), h.get('x-vessel-signature'));
      },
      true,
    ],
    ['verifyRequest', () => verifyRequest(request(), TOKEN), true],
    ['constructEvent(bytes)', () => constructEvent(bytes, headers, TOKEN), false],
    // constructEvent as a Worker calls it: in a Request's flow, against the seed's flow above.
    [
      'await request.text() + constructEvent',
      async () => {
        const r = request();
        return constructEvent(await r.text(), r.headers, TOKEN);
      },
      true,
    ],
    // verifyRequest's own work, by difference: the same read and check without it.
    [
      'new Request + arrayBuffer() + constructEvent(bytes)',
      async () => constructEvent(new Uint8Array(await request().arrayBuffer()), headers, TOKEN),
      true,
    ],
    ['floor: new Request + text()', () => request().text(), true],
    ['floor: new Request + arrayBuffer()', () => request().arrayBuffer(), true],
    ['floor: TextDecoder#decode(bytes)', () => decoder.decode(bytes), false],
    ['floor: JSON.parse', () => JSON.parse(body), false],
    ['floor: subtle.digest(bytes)', () => crypto.subtle.digest('SHA-256', bytes), true],
  ];
  if (nodeCrypto) {
    list.push([
      'floor: createHash(bytes)',
      () => nodeCrypto.createHash('sha256').update(bytes).digest(),
      false,
    ]);
  }
  return list;
}

/** µs of `calls` calls of fn (awaited when `isAsync`), by workerd's performance.now(). */
async function batch(fn, isAsync, calls) {
  const start = performance.now();
  if (isAsync) for (let i = 0; i < calls; i++) await fn();
  else for (let i = 0; i < calls; i++) fn();
  return (performance.now() - start) * 1000;
}

/** The contenders for the body last POSTed. */
let list = [];

export default {
  async fetch(request) {
    if (request.method === 'POST') {
      const body = await request.text();
      const headers = {
        'content-type': 'application/json',
        'x-vessel-signature': request.headers.get('x-vessel-signature'),
        'x-vessel-timestamp': request.headers.get('x-vessel-timestamp'),
      };
      list = contenders(body, headers);
      // Every contender must accept the body (a wrong verdict would make its time meaningless),
      // and runs a few times before it is timed.
      for (const [k, [name, fn, isAsync]] of list.entries()) {
        if (k < 4 && (await fn()).eventId === undefined) {
          throw new Error(`${name}: no event`);
        }
        await batch(fn, isAsync, 3);
      }
      return Response.json({ nodejsCompat: nodeCrypto !== undefined, names: list.map(([n]) => n) });
    }
    // GET ?k=K&n=N: one batch of N calls of contender K (none for K = -1).
    const url = new URL(request.url);
    const k = Number(url.searchParams.get('k'));
    const n = Number(url.searchParams.get('n'));
    const us = k < 0 ? 0 : await batch(list[k][1], list[k][2], n);
    return Response.json({ us });
  },
};
