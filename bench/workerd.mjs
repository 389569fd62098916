// What a Worker pays, run by `npm run bench`: bench/worker.js inside workerd (miniflare), with and
// without nodejs_compat, runs the package against the seed and the seed's Request flow at 2 KB,
// 64 KB and 1 MB in interleaved rounds of batches; and compiling the .wasm at cold start.
// workerd's performance.now() advances while a request computes, in whole milliseconds, but on
// this loaded machine it also stood still for whole batches (a 25 ms batch read 0 ms), so each
// batch is timed from here too, and the ratios use that; the Worker's own reading is printed
// beside it. Also runs alone: `node bench/workerd.mjs` in
// target/js-app (after scripts/install-app.sh).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sign } from 'vessel-webhooks';
import { startWorker } from '../tests/js/workerd-harness.mjs';
import { TOKEN } from './seed.mjs';

// Each size twice: the bench event, and the same all-ASCII (bench/events.mjs), which V8 keeps as a
// one-byte string and the seed handles faster.
const SIZES = [
  ['2 KB', 2 * 1024],
  ['64 KB', 64 * 1024],
  ['1 MB', 1024 * 1024],
].flatMap(([label, size]) => [
  [label, size, {}],
  [`${label} ASCII`, size, { ascii: true }],
]);
const MODES = { nodejs_compat: ['nodejs_compat'], 'no flags': [] };

/**
 * The targets, as [mode, sizes, package call, seed call, minimum ratio seed/package]:
 * constructEvent against the seed, verifyRequest against the seed's Request flow (both read a
 * Request made for the call). Without flags the seed hashes with `await crypto.subtle.digest`.
 */
const ALL = SIZES.map(([label]) => label);
const TARGETS = [
  ['nodejs_compat', ALL, 'constructEvent', 'seed', 1.25],
  ['nodejs_compat', ALL, 'verifyRequest', 'seed Request flow', 1.25],
  ['no flags', ALL, 'verifyRequest', 'seed Request flow', 1.25],
  ['no flags', ['2 KB', '2 KB ASCII'], 'constructEvent', 'seed', 1],
];

/**
 * Times bench/worker.js in both modes on `event(size, options)` bodies, in interleaved rounds: in each
 * round every contender runs one batch of about `ms` milliseconds, one batch per request. Each
 * batch is timed twice: from here (the request's wall time less the quickest empty request's)
 * and inside the Worker with performance.now(). The figures are the best of the rounds (a batch
 * can only be slowed down by other work on the machine, as in bench/bench.mjs). Resolves to
 * { [mode]: { [size]: { wall, clock, median: { [name]: µs per call } } } } and prints the table,
 * the ratios (wall; and of the medians of the rounds) and the targets.
 */
export async function measureWorkerd(event, { rounds = 11, ms = 40 } = {}) {
  const results = {};
  for (const [mode, flags] of Object.entries(MODES)) {
    const worker = await startWorker('bench/worker.js', { flags });
    const call = async (init, query = '') => {
      const started = process.hrtime.bigint();
      const response = await worker.mf.dispatchFetch(`http://localhost/${query}`, init);
      if (!response.ok) throw new Error(`${mode}: ${await response.text()}`);
      const json = await response.json();
      return { ...json, wallUs: Number(process.hrtime.bigint() - started) / 1000 };
    };
    try {
      results[mode] = {};
      for (const [label, size, options] of SIZES) {
        const body = event(size, options);
        const { nodejsCompat, names } = await call({
          method: 'POST',
          headers: sign(body, TOKEN),
          body,
        });
        if (nodejsCompat !== flags.includes('nodejs_compat')) throw new Error(`${mode}: flags`);
        let empty = Infinity;
        const batch = async (k, n) => {
          const { us, wallUs } = await call(undefined, `?k=${k}&n=${n}`);
          empty = Math.min(empty, (await call(undefined, '?k=-1&n=0')).wallUs);
          return { us, wallUs };
        };
        // Calls per batch: doubled until the quicker of two batches takes half of `ms`.
        const calls = [];
        for (const k of names.keys()) {
          let n = 1;
          let wall;
          const quicker = async () =>
            Math.min((await batch(k, n)).wallUs, (await batch(k, n)).wallUs) - empty;
          while ((wall = await quicker()) < ms * 500) n *= 2;
          calls.push(Math.max(1, Math.round((n * ms * 1000) / wall)));
        }
        const wall = names.map(() => Infinity);
        const clock = names.map(() => Infinity);
        const walls = names.map(() => []);
        for (let round = 0; round < rounds; round++) {
          for (const k of names.keys()) {
            const { us, wallUs } = await batch(k, calls[k]);
            walls[k].push(wallUs);
            clock[k] = Math.min(clock[k], us / calls[k]);
          }
        }
        for (const k of names.keys()) wall[k] = (Math.min(...walls[k]) - empty) / calls[k];
        // The median too: a best of the rounds alone can hide how much a cell moves.
        const median = names.map(
          (_, k) => (walls[k].toSorted((a, b) => a - b)[rounds >> 1] - empty) / calls[k],
        );
        const byName = (values) => Object.fromEntries(names.map((name, k) => [name, values[k]]));
        results[mode][label] = { wall: byName(wall), clock: byName(clock), median: byName(median) };
      }
    } finally {
      await worker.dispose();
    }
  }
  report(results);
  return results;
}

function report(results) {
  for (const [mode, bySize] of Object.entries(results)) {
    const names = Object.keys(bySize[SIZES[0][0]].wall);
    console.log(
      `workerd (miniflare), ${mode}: µs per call, best of the rounds, timed from outside ` +
        "(in brackets: by the Worker's performance.now())",
    );
    const cell = ({ wall, clock }, name) => `${wall[name].toFixed(1)} (${clock[name].toFixed(1)})`;
    console.table(
      Object.fromEntries(
        names.map((name) => [
          name,
          Object.fromEntries(SIZES.map(([label]) => [label, cell(bySize[label], name)])),
        ]),
      ),
    );
  }
  console.log(
    'workerd targets (ratio = seed µs / package µs, timed from outside; higher is faster):',
  );
  const rows = [];
  for (const [mode, sizes, ours, theirs, minimum] of TARGETS) {
    for (const size of sizes) {
      const { wall, clock, median } = results[mode][size];
      const ratio = wall[theirs] / wall[ours];
      rows.push({
        mode,
        size,
        'package vs seed': `${ours} vs ${theirs}`,
        ratio: ratio.toFixed(2),
        'of the medians': (median[theirs] / median[ours]).toFixed(2),
        'by performance.now()': (clock[theirs] / clock[ours]).toFixed(2),
        target: `≥ ${minimum}`,
        met: ratio >= minimum ? 'yes' : 'NO',
      });
    }
  }
  console.table(rows);
}

/**
 * Compiling the module, as a Worker isolate does at cold start (V8, like workerd): the first
 * compile in a fresh process each time (V8 caches a module it compiled before), median of 7.
 */
export function measureCompile() {
  const require = createRequire(import.meta.url);
  const path = require
    .resolve('vessel-webhooks/package.json')
    .replace('package.json', 'dist/vessel_webhooks_bg.wasm');
  const script = `const b = require('fs').readFileSync(${JSON.stringify(path)});
    const t = process.hrtime.bigint(); new WebAssembly.Module(b);
    console.log(Number(process.hrtime.bigint() - t) / 1e6);`;
  const times = Array.from({ length: 7 }, () =>
    Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })),
  ).sort((a, b) => a - b);
  return { compileMs: times[3], bytes: readFileSync(path).length };
}

if (import.meta.main ?? process.argv[1] === new URL(import.meta.url).pathname) {
  const { event } = await import('./events.mjs');
  await measureWorkerd(event);
}
