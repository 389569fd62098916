// Run by bench/runtimes.mjs in Node, Deno, Bun and Chromium (`npm run bench`): the package against
// the seed (bench/seed.mjs: node:crypto's createHash in Node, Deno and Bun; in a browser `await
// crypto.subtle.digest`, as in a Worker without nodejs_compat) on the bench's event and the same
// all ASCII, at 2 KB, 64 KB and 1 MB, and verifyRequest against the seed's Request flow (`await
// request.text()` + the seed). The result, { [size]: { [name]: µs } }, the best batch of the
// rounds with every contender timed in turns, is printed as one JSON line (in a browser: left in
// globalThis.vesselResult).
import { sign, verify } from 'vessel-webhooks';
import { event } from './events.mjs';
import { TOKEN, delivery } from './seed.mjs';

/** The functions timed for one body: [name, fn, async]. */
function contenders(body) {
  const headers = sign(body, TOKEN);
  const { list } = delivery(body, headers);
  list.push(['verify(string)', () => verify(body, headers, TOKEN), false]);
  return list;
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
    // Every contender must accept the body (a wrong verdict would make its time meaningless).
    for (const [name, fn] of list) {
      const result = await fn();
      if (name === 'verify(string)' ? result !== true : result?.eventId === undefined) {
        throw new Error(`${name}: not accepted`);
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
