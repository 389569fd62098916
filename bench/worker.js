// The Worker bench/workerd.mjs runs in workerd, with and without nodejs_compat. POST a body signed
// with TOKEN: the Worker times, inside workerd, the package against the seed (bench/seed.mjs:
// with the SHA-256 the Worker has, node:crypto's createHash with nodejs_compat, `await
// crypto.subtle.digest` without), each also in its Request
// flow (a new Request per call: `await request.text()` + the seed, against verifyRequest), and
// the floors (JSON.parse, the digests of the raw bytes). POST the body first, then GET one batch
// of calls of one contender per request: bench/workerd.mjs runs the rounds and times each batch
// both from outside and with workerd's performance.now() inside (see there).
import { constructEvent } from 'vessel-webhooks';
import { TOKEN, delivery, nodeCrypto } from './seed.mjs';

/** The functions timed for one body: [name, fn, async]. */
function contenders(body, headers) {
  const { bytes, request, list } = delivery(body, headers);
  const decoder = new TextDecoder();
  list.push(
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
  );
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
