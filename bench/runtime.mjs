// Run by bench/runtimes.mjs in Node, Deno, Bun and Chromium (`npm run bench`): the package against
// the seed (JSON.parse + JSON.stringify + node:crypto's createHash where the runtime has it, which
// Node, Deno and Bun do; in a browser `await crypto.subtle.digest`, as bench/worker.js does without
// nodejs_compat) on the bench's event and the same all ASCII, at 2 KB, 64 KB and 1 MB, and
// verifyRequest against the seed's Request flow (`await request.text()` + the seed). The result,
// { [size]: { [name]: µs } }, the best batch of the rounds with every contender timed in turns,
// is printed as one JSON line (in a browser: left in globalThis.vesselResult).
import { constructEvent, sign, verify, verifyRequest } from 'vessel-webhooks';
import { event } from './events.mjs';

const TOKEN = 'tok_live_5f2c8d0e9a7b';
const nodeCrypto = globalThis.process?.getBuiltinModule?.('node:crypto');
const encoder = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex = (digest) => Array.from(new Uint8Array(digest), (b) => HEX[b]).join('');
const mismatch = () => new Error('Unable to validate signature');

function seedMessage(body, timestamp) {
  const parsed = JSON.parse(body);
  return [parsed, `${TOKEN}${JSON.stringify(parsed)}${timestamp}`];
}

const seed = nodeCrypto
  ? (body, timestamp, signature) => {
      const [parsed, message] = seedMessage(body, timestamp);
      if (nodeCrypto.createHash('sha256').update(message).digest('hex') !== signature) {
        throw mismatch();
      }
      return parsed;
    }
  : async (body, timestamp, signature) => {
      const [parsed, message] = seedMessage(body, timestamp);
      const digest = await crypto.subtle.digest('SHA-256', encoder.encode(message));
      if (hex(digest) !== signature) throw mismatch();
      return parsed;
    };

/** The functions timed for one body: [name, fn, async]. */
function contenders(body) {
  const headers = sign(body, TOKEN);
  const timestamp = headers['x-vessel-timestamp'];
  const signature = headers['x-vessel-signature'];
  const bytes = encoder.encode(body);
  // A delivery as it arrives: bytes, with its Content-Length.
  const sized = { ...headers, 'content-length': String(bytes.length) };
  const request = () =>
    new Request('http://localhost/', { method: 'POST', headers: sized, body: bytes });
  return [
    ['seed', () => seed(body, timestamp, signature), !nodeCrypto],
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
if (typeof document === 'undefined') console.log(JSON.stringify(results));
else globalThis.vesselResult = results;
