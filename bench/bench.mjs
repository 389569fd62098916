// `npm run bench`: the packed package against the seed's own code and against the fastest
// SHA-256 a user could paste instead, on realistic 2 KB, 64 KB and 1 MB events, in one run; then
// the cost of rejecting hostile 4 MiB bodies beside V8 (bench/adversarial.mjs), workerd
// (bench/workerd.mjs), and Deno, Bun and Chromium beside Node (bench/runtimes.mjs).
// Results are ratios to the seed reference (higher is faster); record them in BENCHMARKS.md.
import { createHash, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { createSHA256 } from 'hash-wasm';
import { constructEvent, parse, sign, verify } from 'vessel-webhooks';
import { event } from './events.mjs';
import { measureAdversarial } from './adversarial.mjs';
import { measureChunks } from './chunks.mjs';
import { measureRuntimes } from './runtimes.mjs';
import { TOKEN, seed } from './seed.mjs';
import { measureCompile, measureWorkerd } from './workerd.mjs';

/** The seed (bench/seed.mjs), for a body and its headers. */
const seedOf = (body, headers) =>
  seed(body, headers['x-vessel-timestamp'], headers['x-vessel-signature']);

const hashWasm = await createSHA256();

/**
 * The package's own SHA-256 inside the wasm, as Workers and browsers run it. In Node the package
 * hashes with node:crypto, so this loads a second instance of the installed .wasm through its
 * wasm-bindgen glue, without that: `sign` there is the wasm's SHA-256 plus a hex encoding.
 */
async function wasmSha256() {
  const dist = join(
    dirname(createRequire(import.meta.url).resolve('vessel-webhooks/package.json')),
    'dist',
  );
  const glue = await import(`${pathToFileURL(join(dist, 'vessel_webhooks.js'))}?wasm-sha256`);
  glue.initSync({ module: readFileSync(join(dist, 'vessel_webhooks_bg.wasm')) });
  return (bytes) => {
    const address = glue.input(bytes.length);
    new Uint8Array(glue.instance_memory().buffer, address, bytes.length).set(bytes);
    return glue.sign(bytes.length, TOKEN, '1');
  };
}
const sha256InWasm = await wasmSha256();

/**
 * Best time per call (µs) of each function, timed in turns (`rounds` × ~`ms` each) so that drift
 * of the machine's speed hits all alike; the best is the steadiest estimate of a CPU-bound loop.
 */
function interleaved(fns, { ms = 40, rounds = 15 } = {}) {
  const best = fns.map(() => Infinity);
  for (let round = 0; round < rounds; round++) {
    for (const [k, fn] of fns.entries()) {
      const start = performance.now();
      let calls = 0;
      let now;
      do {
        fn();
        calls++;
      } while ((now = performance.now()) - start < ms);
      best[k] = Math.min(best[k], ((now - start) / calls) * 1000);
    }
  }
  return best;
}
const rows = [];
for (const [label, size] of [
  ['2 KB', 2 * 1024],
  ['64 KB', 64 * 1024],
  ['1 MB', 1024 * 1024],
]) {
  const body = event(size);
  const bytes = Buffer.from(body);
  const headers = sign(body, TOKEN);
  const bench = new Bench({ time: size > 100_000 ? 2000 : 1000, warmup: true });
  bench
    .add('seed reference: parse + stringify + createHash + !==', () => seedOf(body, headers))
    .add('constructEvent(string)', () => constructEvent(body, headers, TOKEN))
    .add('constructEvent(Buffer)', () => constructEvent(bytes, headers, TOKEN))
    .add('verify(string)', () => verify(body, headers, TOKEN))
    .add('verify(Buffer)', () => verify(bytes, headers, TOKEN))
    .add('parse(string), no authentication', () => parse(body))
    .add('sign(Buffer): node:crypto SHA-256 through the package', () =>
      sign(bytes, TOKEN, { timestamp: 1 }),
    )
    .add('SHA-256 inside the wasm (Workers, browsers)', () => sha256InWasm(bytes))
    .add('hash-wasm SHA-256', () => hashWasm.init().update(bytes).digest('hex'))
    .add('WebCrypto digest (async)', () => webcrypto.subtle.digest('SHA-256', bytes))
    .add('createHash over the raw body (native)', () =>
      createHash('sha256').update(bytes).digest('hex'),
    );
  await bench.run();
  const mean = (name) => bench.tasks.find((t) => t.name === name).result.latency.mean * 1000;
  const seedUs = mean(bench.tasks[0].name);
  for (const task of bench.tasks) {
    const us = task.result.latency.mean * 1000;
    rows.push({
      size: label,
      what: task.name,
      'µs/call': us.toFixed(1),
      'vs seed': (seedUs / us).toFixed(2),
    });
  }
  // The same ratios measured in turns (tinybench's means above run each task once, in order, and
  // drift with the machine): the targets' calls against the seed, and the SHA-256 target, a
  // ratio of two throughputs.
  // The same, on the all-ASCII event (a one-byte string in V8: bench/events.mjs), in the same turns.
  const ascii = event(size, { ascii: true });
  const asciiHeaders = sign(ascii, TOKEN);
  // And on an event of Japanese notes (3-byte UTF-8 characters), its bytes as a middleware reads
  // them too.
  const japanese = event(size, { japanese: true });
  const japaneseBytes = Buffer.from(japanese);
  const japaneseHeaders = sign(japanese, TOKEN);
  const [
    seedBest,
    constructBest,
    verifyBest,
    ours,
    theirs,
    asciiSeed,
    asciiConstruct,
    asciiVerify,
    japaneseSeed,
    japaneseConstruct,
    japaneseBytesConstruct,
  ] = interleaved([
    () => seedOf(body, headers),
    () => constructEvent(body, headers, TOKEN),
    () => verify(body, headers, TOKEN),
    () => sha256InWasm(bytes),
    () => hashWasm.init().update(bytes).digest('hex'),
    () => seedOf(ascii, asciiHeaders),
    () => constructEvent(ascii, asciiHeaders, TOKEN),
    () => verify(ascii, asciiHeaders, TOKEN),
    () => seedOf(japanese, japaneseHeaders),
    () => constructEvent(japanese, japaneseHeaders, TOKEN),
    () => constructEvent(japaneseBytes, japaneseHeaders, TOKEN),
  ]);
  for (const [what, us, seedUs] of [
    ['constructEvent(string), best of 15 turns with the seed', constructBest, seedBest],
    ['verify(string), best of 15 turns with the seed', verifyBest, seedBest],
    ['all-ASCII event: constructEvent(string), in the same turns', asciiConstruct, asciiSeed],
    ['all-ASCII event: verify(string), in the same turns', asciiVerify, asciiSeed],
    ['Japanese event: constructEvent(string), in the same turns', japaneseConstruct, japaneseSeed],
    [
      'Japanese event: constructEvent(Buffer), in the same turns',
      japaneseBytesConstruct,
      japaneseSeed,
    ],
  ]) {
    rows.push({
      size: label,
      what,
      'µs/call': `${us.toFixed(1)} vs ${seedUs.toFixed(1)}`,
      'vs seed': (seedUs / us).toFixed(2),
    });
  }
  rows.push({
    size: label,
    what: 'SHA-256 in wasm vs hash-wasm (throughput ratio, best of 15 turns)',
    'µs/call': `${ours.toFixed(1)} vs ${theirs.toFixed(1)}`,
    'vs seed': (theirs / ours).toFixed(2),
  });
}
console.table(rows);
// Issue 14: rejecting hostile 4 MiB bodies (wrong signature, current timestamp) beside V8's own
// JSON.stringify(JSON.parse(body)); bounds: ratio ≤ 2, memory growth ≤ 16× the body.
console.log('adversarial 4 MiB bodies, rejected by verify(string):');
console.table(measureAdversarial());
// A body sent a byte per HTTP chunk to each Node adapter: server CPU beside node:http's own.
console.log('200 000 bytes, a byte per HTTP chunk, unsigned: server CPU per byte:');
console.table(await measureChunks());
await measureWorkerd(event);
await measureRuntimes();
const { compileMs, bytes } = measureCompile();
console.log(`cold start: compiling the ${bytes}-byte .wasm: ${compileMs.toFixed(2)} ms`);
console.log(`node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
