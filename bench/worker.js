// The Worker bench/workerd.mjs runs in workerd, with and without nodejs_compat. POST a body signed
// with TOKEN: the Worker times, inside workerd, the package against the seed (what Vessel's
// documentation tells receivers to write, with the SHA-256 the Worker has: node:crypto's
// createHash with nodejs_compat, `await crypto.subtle.digest` without), each also in its Request
// flow (a new Request per call: `await request.text()` + the seed, against verifyRequest), and
// the floors (JSON.parse, the digests of the raw bytes). Interleaved rounds: in each round every
// function runs one batch of calls timed with performance.now() (workerd's clock advances while
// a request computes, in this version); the answer is each one's median µs per call.
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
  const request = () => new Request('http://localhost/', { method: 'POST', headers, body });
  const seed = nodeCrypto ? seedCreateHash : seedSubtle;
  const list = [
    ['seed', () => seed(body, timestamp, signature), !nodeCrypto],
    ['constructEvent', () => constructEvent(body, headers, TOKEN), false],
    [
      'seed Request flow',
      async () => {
        const r = request();
        return seed(await r.text(), r.headers.get('x-vessel-timestamp'), signature);
      },
      true,
    ],
    ['verifyRequest', () => verifyRequest(request(), TOKEN), true],
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

/** µs of `calls` calls of fn (awaited when `isAsync`), by performance.now(). */
async function batch(fn, isAsync, calls) {
  const start = performance.now();
  if (isAsync) for (let i = 0; i < calls; i++) await fn();
  else for (let i = 0; i < calls; i++) fn();
  return (performance.now() - start) * 1000;
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const batchMs = Number(url.searchParams.get('ms') ?? 25);
    const rounds = Number(url.searchParams.get('rounds') ?? 15);
    const body = await request.text();
    const headers = {
      'content-type': 'application/json',
      'x-vessel-signature': request.headers.get('x-vessel-signature'),
      'x-vessel-timestamp': request.headers.get('x-vessel-timestamp'),
    };
    const list = contenders(body, headers);
    // Every contender must accept the body (a wrong verdict would make its time meaningless).
    for (const [name, fn] of list.slice(0, 4)) {
      if ((await fn()).eventId === undefined) throw new Error(`${name}: no event`);
    }
    // Warm-up, then the batch size: as many calls as take about batchMs (workerd's clock moves
    // in whole milliseconds: a batch of 25 ms is read to within 4 %).
    const calls = [];
    for (const [, fn, isAsync] of list) {
      await batch(fn, isAsync, 3);
      let n = 1;
      let us;
      while ((us = await batch(fn, isAsync, n)) < batchMs * 500) n *= 2;
      calls.push(Math.max(1, Math.round((n * batchMs * 1000) / us)));
    }
    const times = list.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const [k, [, fn, isAsync]] of list.entries()) {
        times[k].push((await batch(fn, isAsync, calls[k])) / calls[k]);
      }
    }
    const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
    return Response.json({
      nodejsCompat: nodeCrypto !== undefined,
      us: Object.fromEntries(list.map(([name], k) => [name, median(times[k])])),
    });
  },
};
