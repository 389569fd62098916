// Soak: a million mixed valid and invalid calls (verify, constructEvent, parse on the vectors'
// bodies) in one process. Every answer stays right, the wasm memory does not grow after warm-up,
// RSS and ArrayBuffer memory stay flat, and the last tenth of the calls is not slower than the
// first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyBytes, options, outcome, vectors } from './vectors.mjs';

const CALLS = 1_000_000;
const MiB = 1024 * 1024;

// The package exposes no view of its wasm memory: keep the instance it creates while loading.
const instances = [];
const { Instance } = WebAssembly;
WebAssembly.Instance = new Proxy(Instance, {
  construct(target, args, newTarget) {
    const instance = Reflect.construct(target, args, newTarget);
    instances.push(instance);
    return instance;
  },
});
const api = await import('vessel-webhooks');
WebAssembly.Instance = Instance;

/** Every vector as a call and its expected answer, with the body as a string and as bytes. */
const calls = [];
for (const c of vectors('signatures.json')) {
  for (const body of c.body === undefined ? [bodyBytes(c)] : [c.body, bodyBytes(c)]) {
    const o = options(c);
    calls.push([() => api.verify(body, c.headers, c.accessToken, o), c.expect.verify]);
    calls.push([
      () => outcome(() => api.constructEvent(body, c.headers, c.accessToken, o)),
      c.expect.constructEvent,
    ]);
  }
}
for (const c of vectors('events.json')) {
  for (const body of [c.body, Buffer.from(c.body)]) {
    calls.push([() => outcome(() => api.parse(body, c.options)), c.expect]);
  }
}

test(`soak: ${CALLS} mixed calls, memory flat, no slowdown`, (t) => {
  assert.equal(instances.length, 1, 'one wasm instance for the package');
  const memory = instances[0].exports.memory;
  const tenths = [];
  let wrong = 0;
  let start = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const [call, expected] = calls[i % calls.length];
    if (call() !== expected) wrong++;
    if ((i + 1) % (CALLS / 10) === 0) {
      const now = performance.now();
      const { rss, arrayBuffers } = process.memoryUsage();
      tenths.push({ ms: now - start, wasm: memory.buffer.byteLength, rss, arrayBuffers });
      start = now;
    }
  }
  const mib = (n) => `${(n / MiB).toFixed(1)} MiB`;
  for (const [i, s] of tenths.entries()) {
    t.diagnostic(
      `tenth ${i + 1}: ${s.ms.toFixed(0)} ms, wasm ${mib(s.wasm)}, rss ${mib(s.rss)}, arrayBuffers ${mib(s.arrayBuffers)}`,
    );
  }
  assert.equal(wrong, 0, `${wrong} wrong answers`);
  const [warm, last] = [tenths[0], tenths.at(-1)];
  assert.equal(last.wasm, warm.wasm, 'the wasm memory grew after warm-up');
  assert.ok(last.rss < warm.rss + 64 * MiB, `RSS grew from ${mib(warm.rss)} to ${mib(last.rss)}`);
  assert.ok(
    last.arrayBuffers < warm.arrayBuffers + 16 * MiB,
    `ArrayBuffer memory grew from ${mib(warm.arrayBuffers)} to ${mib(last.arrayBuffers)}`,
  );
  // A generous ratio, not a speed requirement: a leak that slows every call shows in all of the
  // last tenths, a busy machine in one or two.
  const fastestLate = Math.min(...tenths.slice(-3).map((s) => s.ms));
  assert.ok(
    fastestLate < 2 * warm.ms,
    `the last tenths took at least ${fastestLate} ms each, the first ${warm.ms} ms`,
  );
});
