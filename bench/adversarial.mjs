// Issue 14, item 3: what rejecting an unsigned body costs, for hostile shapes of 4 MiB. Each
// shape is checked by `verify` with a current timestamp and a wrong signature, so it takes the
// canonical path, timed in turns beside V8's `JSON.stringify(JSON.parse(body))` on the same body
// (the bound: at most 2× that), and in a fresh Node the growth of the wasm memory one rejected
// body leaves behind (the bound: at most 16× the body).
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { constructEvent, verify } from 'vessel-webhooks';

const SIZE = 4 * 1024 * 1024;

/** `open` + items from `item(i)` joined by commas + `close`, up to `SIZE` bytes. */
function fill(open, item, close) {
  const parts = [];
  let length = open.length + close.length;
  for (let i = 0; ; i++) {
    const next = item(i);
    if (length + next.length + 1 > SIZE) break;
    parts.push(next);
    length += next.length + 1;
  }
  return open + parts.join(',') + close;
}

const deep = '['.repeat(255) + ']'.repeat(255);

/** One object of `keys`, each with the value 0 (under `SIZE` for the keys below). */
const objectOf = (keys) => `{${keys.map((key) => `"${key}":0`).join(',')}}`;

/**
 * `count` keys (`prefix` + 3-character blocks) whose FNV-1a hashes, the canonical form's
 * duplicate table's (src/json.rs), share their low `bits`: every key in one slot of the table an
 * object of `count` members gets, unless the core stops probing (SECURITY.md, finding 10). The
 * low 32 bits of FNV-1a's state depend only on the low 32 bits before each step.
 */
function collidingKeys(count, bits, prefix = '') {
  const step = (h, c) => Math.imul((h ^ c) >>> 0, 0x1b3) >>> 0;
  const mask = 2 ** bits - 1;
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let state = [...prefix].reduce((h, c) => step(h, c.charCodeAt(0)), 0x84222325);
  let keys = [prefix];
  while (keys.length < count) {
    // Four blocks that take the state to the same low bits: each key goes on with each of them.
    const found = new Map();
    let blocks;
    search: for (const a of alphabet) {
      for (const b of alphabet) {
        for (const c of alphabet) {
          const h = [a, b, c].reduce((h, x) => step(h, x.charCodeAt(0)), state);
          const same = found.get(h & mask) ?? { h, blocks: [] };
          found.set(h & mask, same);
          same.blocks.push(a + b + c);
          if (same.blocks.length === 4) {
            ({ h: state, blocks } = same);
            break search;
          }
        }
      }
    }
    keys = keys.flatMap((key) => blocks.map((block) => key + block));
  }
  return keys.slice(0, count);
}
/** Pseudo-random digits, the same on every run. */
let seed = 12345;
const digits = (n) =>
  Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) % 10).join(
    '',
  );
/** 1 + 2⁻⁵³ (a rounding halfway point) to 19 digits, then `n` more. */
const halfway = (n) => `1.000000000000000111${digits(n)}`;
const repeated = halfway(781);

/** The hostile shapes: name → 4 MiB body. */
export const shapes = {
  '[1e300,…]': () => fill('[', () => '1e300', ']'),
  '[0.1,…]': () => fill('[', () => '0.1', ']'),
  '[1e20,…] (printed 21 digits)': () => fill('[', () => '1e20', ']'),
  '[40-digit mantissas e-300,…]': () =>
    fill('[', () => '1234567890123456789012345678901234567890e-300', ']'),
  '[17-digit decimals,…]': () => fill('[', (i) => `0.${String(12345678901234567 + i * 7919)}`, ']'),
  // Their first 19 digits straddle a rounding halfway point: the big integers decide (review AE).
  '[800-digit halfway numbers, distinct,…]': () => fill('[', () => halfway(781), ']'),
  // V8 reads the same number text again much faster than distinct ones.
  '[800-digit halfway numbers, one repeated,…]': () => fill('[', () => repeated, ']'),
  // The same under one repeated key: each member replaces the one before (review AX).
  '{"a":800-digit halfway number,"a":…} one repeated': () =>
    fill('{', () => `"a":${repeated}`, '}'),
  '[25-digit halfway numbers,…]': () => fill('[', () => halfway(6), ']'),
  // The same at either end of the exponent range, distinct: the halfway point's big integers
  // are ~1 100 bits (review AN).
  '[25-digit halfway numbers near 2^1024, distinct,…]': () =>
    fill('[', (i) => `1.797693134862315807${String(1e6 + (i % 1e6)).slice(1)}e308`, ']'),
  '[25-digit halfway numbers near 2^-1075, distinct,…]': () =>
    fill('[', (i) => `2.470328229206232720${String(1e6 + (i % 1e6)).slice(1)}e-324`, ']'),
  // And where V8 reads them fastest in the normal range, at half its time elsewhere (review AZ).
  '[25-digit halfway numbers near 1.2345e-180, distinct,…]': () =>
    fill('[', (i) => `1.234500000000000021${String(1e6 + (i % 1e6)).slice(1)}e-180`, ']'),
  // Zeros end the first 19 digits: the 19 bracket the value closely all the same (review AH).
  '[1.0000000000000000001e-300,…] leading digit varying': () =>
    fill('[', (i) => `${1 + (i % 9)}.0000000000000000001e-300`, ']'),
  // Digits past the 800 an f64 needs only say whether any is non-zero (review AF).
  '[12 000-digit halfway numbers, distinct,…]': () => fill('[', () => halfway(11_981), ']'),
  '[[1],[2],…]': () => fill('[', (i) => `[${i % 10}]`, ']'),
  '[[[…255 deep…]],…]': () => fill('[', () => deep, ']'),
  '{"k0":0,"k1":1,…} one object': () => fill('{', (i) => `"k${i}":0`, '}'),
  '{"n":0,…,"0":0} index keys last': () => fill('{', (i) => `"${1e6 - i}":0`, '}'),
  '{"a":0,"a":0,…} duplicates': () => fill('{', () => '"a":0', '}'),
  // V8 parses index keys as elements, fast (finding 15).
  '{"0":0,"0":0,…} duplicate index keys': () => fill('{', () => '"0":0', '}'),
  // One object to reorder after them: its canonical form was copied whole once more (finding 13).
  '["y…",1e20,…,{"1":0,"0":0}]': () =>
    fill(`["${'y'.repeat(SIZE / 100)}",`, () => '1e20', ',{"1":0,"0":0}]'),
  // 120 000 members: a table of 2¹⁸ slots; 4 096 members of 1 KiB keys: 2¹³ slots.
  '{colliding keys} one object': () => objectOf(collidingKeys(120_000, 18)),
  '{colliding 1 KiB keys, one prefix}': () => objectOf(collidingKeys(4_000, 13, 'p'.repeat(1000))),
  '[{"a":1},…]': () => fill('[', () => '{"a":1}', ']'),
  // Each of 255 nested objects is rewritten (an index key after the rest), around one string.
  '{"x":{"x":…"y…",…"0":0},"0":0} 255 deep': () =>
    '{"x":'.repeat(255) + JSON.stringify('y'.repeat(SIZE - 4096)) + ',"0":0}'.repeat(255),
  // One string of a non-ASCII character, escaped and raw (session 18's review: 4.6× and 3.9×).
  'one string of \\u00e9': () => `["${'\\u00e9'.repeat((SIZE - 4) / 6)}"]`,
  'one string of 4-byte UTF-8 (😀)': () => `["${'😀'.repeat((SIZE - 4) / 4)}"]`,
  // Short runs of non-ASCII text between escapes, in one string (review AN).
  'one string of "éé\\n"': () => `["${'éé\\n'.repeat((SIZE - 4) / 6)}"]`,
  'strings of escapes': () =>
    fill('[', () => '"\\n\\t\\"\\\\\\/\\u0041\\u00e9\\ud83d\\ude00\\ud800\\u0000"', ']'),
};

/** Best time per call (ms) of each function, timed in turns. */
function turns(fns, rounds = 5) {
  const best = fns.map(() => Infinity);
  for (let round = 0; round < rounds; round++) {
    for (const [k, fn] of fns.entries()) {
      const start = performance.now();
      fn();
      best[k] = Math.min(best[k], performance.now() - start);
    }
  }
  return best;
}

/** The wasm memory growth (bytes) of one rejected `name` body, in a fresh Node. */
function memoryGrowth(name) {
  const script = `
    let memory;
    WebAssembly.Instance = new Proxy(WebAssembly.Instance, {
      construct(target, args, newTarget) {
        const instance = Reflect.construct(target, args, newTarget);
        memory ??= instance.exports.memory;
        return instance;
      },
    });
    const { verify } = await import('vessel-webhooks');
    const { shapes } = await import(${JSON.stringify(import.meta.url)});
    const body = shapes[${JSON.stringify(name)}]();
    const headers = {
      'x-vessel-signature': 'ab'.repeat(32),
      'x-vessel-timestamp': String(Math.floor(Date.now() / 1000)),
    };
    const before = memory.buffer.byteLength;
    if (verify(body, headers, 'tok')) throw new Error('verified');
    console.log(memory.buffer.byteLength - before);
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: new URL('..', import.meta.url),
  });
  if (child.status !== 0) throw new Error(child.stderr);
  return Number(child.stdout);
}

/** One row per shape: ms to reject, ms of V8's stringify(parse), their ratio, memory growth. */
export function measureAdversarial() {
  // A current timestamp at each call: one past the replay window would be refused before the
  // canonical path, in no time.
  const headers = () => ({
    'x-vessel-signature': 'ab'.repeat(32),
    'x-vessel-timestamp': String(Math.floor(Date.now() / 1000)),
  });
  const rows = [];
  for (const [name, make] of Object.entries(shapes)) {
    const body = make();
    // Refused for its signature (what is timed), not for a limit.
    assert.throws(() => constructEvent(body, headers(), 'tok'), { code: 'SIGNATURE_MISMATCH' });
    const [ours, v8] = turns([
      () => {
        if (verify(body, headers(), 'tok')) throw new Error('verified');
      },
      () => JSON.stringify(JSON.parse(body)),
    ]);
    const growth = memoryGrowth(name);
    rows.push({
      shape: name,
      'verify rejects (ms)': ours.toFixed(1),
      'V8 stringify(parse) (ms)': v8.toFixed(1),
      ratio: (ours / v8).toFixed(2),
      '≤ 2×': ours / v8 <= 2 ? 'yes' : 'NO',
      'wasm memory growth (× body)': (growth / body.length).toFixed(2),
      '≤ 16×': growth / body.length <= 16 ? 'yes' : 'NO',
    });
  }
  return rows;
}
