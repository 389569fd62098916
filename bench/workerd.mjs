// What a Worker pays, run by `npm run bench`: bench/worker.js inside workerd (miniflare), with and
// without nodejs_compat, times the package against the seed and the seed's Request flow at 2 KB,
// 64 KB and 1 MB (interleaved rounds, batches timed with performance.now() inside the Worker);
// and compiling the .wasm at cold start. Also runs alone: `node bench/workerd.mjs` in
// target/js-app (after scripts/install-app.sh).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sign } from 'vessel-webhooks';
import { startWorker } from '../tests/js/workerd-harness.mjs';

const TOKEN = 'tok_live_5f2c8d0e9a7b'; // bench/worker.js
export const SIZES = [
  ['2 KB', 2 * 1024],
  ['64 KB', 64 * 1024],
  ['1 MB', 1024 * 1024],
];
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
  ['no flags', ['2 KB'], 'constructEvent', 'seed', 1],
];

/**
 * Times bench/worker.js in both modes on `event(size)` bodies; resolves to
 * { [mode]: { [size]: { [name]: µs per call } } } and prints the table, the ratios and the
 * targets.
 */
export async function measureWorkerd(event, { rounds = 15, ms = 25 } = {}) {
  const results = {};
  for (const [mode, flags] of Object.entries(MODES)) {
    const worker = await startWorker('bench/worker.js', { flags });
    try {
      results[mode] = {};
      for (const [label, size] of SIZES) {
        const body = event(size);
        const response = await worker.mf.dispatchFetch(
          `http://localhost/?rounds=${rounds}&ms=${ms}`,
          { method: 'POST', headers: sign(body, TOKEN), body },
        );
        if (!response.ok) throw new Error(`${mode}, ${label}: ${await response.text()}`);
        const { nodejsCompat, us } = await response.json();
        if (nodejsCompat !== flags.includes('nodejs_compat')) throw new Error(`${mode}: flags`);
        results[mode][label] = us;
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
    const names = Object.keys(bySize['2 KB']);
    console.log(`workerd (miniflare), ${mode}: µs per call, median of the rounds`);
    console.table(
      Object.fromEntries(
        names.map((name) => [
          name,
          Object.fromEntries(SIZES.map(([label]) => [label, bySize[label][name].toFixed(1)])),
        ]),
      ),
    );
  }
  console.log('workerd targets (ratio = seed µs / package µs, higher is faster):');
  const rows = [];
  for (const [mode, sizes, ours, theirs, minimum] of TARGETS) {
    for (const size of sizes) {
      const ratio = results[mode][size][theirs] / results[mode][size][ours];
      rows.push({
        mode,
        size,
        'package vs seed': `${ours} vs ${theirs}`,
        ratio: ratio.toFixed(2),
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
