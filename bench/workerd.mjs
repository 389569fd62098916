// What a Worker pays, run by `npm run bench`: constructEvent per 2 KB event inside workerd
// (miniflare), and compiling the .wasm at cold start. workerd's clock stands still while a request
// computes, so the time per event is measured from outside: a request running N events minus one
// running none, over many requests.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sign } from 'vessel-webhooks';
import { startWorker } from '../tests/js/workerd-harness.mjs';

export async function measureWorkerd(body) {
  const headers = { ...sign(body, 'tok_bench'), 'content-type': 'application/json' };
  const worker = await startWorker('bench/worker.js');
  try {
    const post = async (n) => {
      const started = process.hrtime.bigint();
      const response = await worker.mf.dispatchFetch(`http://localhost/?n=${n}`, {
        method: 'POST',
        headers,
        body,
      });
      const { eventId } = await response.json();
      if (n > 0 && !eventId) throw new Error('the bench worker did not verify the event');
      return Number(process.hrtime.bigint() - started) / 1000;
    };
    const N = 2000;
    for (let i = 0; i < 5; i++) await post(N); // warm-up
    let empty = 0;
    let full = 0;
    const rounds = 10;
    for (let i = 0; i < rounds; i++) {
      empty += await post(0);
      full += await post(N);
    }
    return { perEventUs: (full - empty) / rounds / N };
  } finally {
    await worker.dispose();
  }
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
