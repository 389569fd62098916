// Run by bench/runtimes.mjs in Node, Deno and Bun (`npm run bench`): the package against the seed
// (JSON.parse + JSON.stringify + node:crypto's createHash, which all three have) on the bench's
// event and the same all ASCII, at 2 KB, 64 KB and 1 MB, and verifyRequest against the seed's
// Request flow (`await request.text()` + the seed). Prints { [size]: { [name]: µs } } as one JSON
// line: the best batch of the rounds, every contender timed in turns.
import { createHash } from 'node:crypto';
import { constructEvent, sign, verify, verifyRequest } from 'vessel-webhooks';
import { event } from './events.mjs';

const TOKEN = 'tok_live_5f2c8d0e9a7b';

function seed(body, timestamp, signature) {
  const parsed = JSON.parse(body);
  const message = `${TOKEN}${JSON.stringify(parsed)}${timestamp}`;
  if (createHash('sha256').update(message).digest('hex') !== signature) {
    throw new Error('Unable to validate signature');
  }
  return parsed;
}

/** The functions timed for one body: [name, fn, async]. */
function contenders(body) {
  const headers = sign(body, TOKEN);
  const timestamp = headers['x-vessel-timestamp'];
  const signature = headers['x-vessel-signature'];
  const bytes = new TextEncoder().encode(body);
  // A delivery as it arrives: bytes, with its Content-Length.
  const sized = { ...headers, 'content-length': String(bytes.length) };
  const request = () =>
    new Request('http://localhost/', { method: 'POST', headers: sized, body: bytes });
  return [
    ['seed', () => seed(body, timestamp, signature), false],
    ['constructEvent(string)', () => constructEvent(body, headers, TOKEN), false],
    ['constructEvent(bytes)', () => constructEvent(bytes, headers, TOKEN), false],
    ['verify(string)', () => verify(body, headers, TOKEN), false],
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
  ];
}

/** µs per call of fn in a batch of about `ms` milliseconds. */
async function batch(fn, isAsync, ms) {
  const start = performance.now();
  let calls = 0;
  let now;
  do {
    if (isAsync) await fn();
    else fn();
    calls++;
  } while ((now = performance.now()) - start < ms);
  return ((now - start) / calls) * 1000;
}

const results = {};
for (const [label, size] of [
  ['2 KB', 2 * 1024],
  ['64 KB', 64 * 1024],
  ['1 MB', 1024 * 1024],
]) {
  for (const ascii of [false, true]) {
    const list = contenders(event(size, { ascii }));
    for (const [name, fn] of list) {
      if ((await fn())?.eventId === undefined && name !== 'verify(string)') {
        throw new Error(`${name}: no event`);
      }
    }
    const best = list.map(() => Infinity);
    for (let round = 0; round < 11; round++) {
      for (const [k, [, fn, isAsync]] of list.entries()) {
        best[k] = Math.min(best[k], await batch(fn, isAsync, 30));
      }
    }
    results[ascii ? `${label} ASCII` : label] = Object.fromEntries(
      list.map(([name], k) => [name, best[k]]),
    );
  }
}
console.log(JSON.stringify(results));
