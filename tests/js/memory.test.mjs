// Issue 14, item 1: once wasm memory passes 2 GiB, Node 20's Buffer#latin1Write into it writes
// nothing and returns 0. The native SHA-256 callback must report how many digest bytes it wrote,
// and the wasm must use a native digest only when all 32 were: an all-zero signature must never
// verify, and sign() must give the true digest. The instance's memory is reached without public
// API: a child Node wraps WebAssembly's constructors before it loads the package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** Runs `body` (a script) in a fresh Node where `memories` holds every wasm memory created. */
function run(body) {
  const script = `
    const memories = [];
    const keep = (instance) => {
      if (instance.exports.memory instanceof WebAssembly.Memory) memories.push(instance.exports.memory);
      return instance;
    };
    WebAssembly.Instance = new Proxy(WebAssembly.Instance, {
      construct: (target, args, newTarget) => keep(Reflect.construct(target, args, newTarget)),
    });
    const instantiate = WebAssembly.instantiate;
    WebAssembly.instantiate = async (...args) => {
      const result = await instantiate(...args);
      keep(result instanceof WebAssembly.Instance ? result : result.instance);
      return result;
    };
    (async () => { ${body} })().catch((e) => { console.error(e); process.exit(1); });
  `;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

const TWO_GIB = 2 ** 31;

test('past 2 GiB of wasm memory, an all-zero signature is refused and sign() is true', () => {
  const result = run(
    `
    const { sign, verify, constructEvent } = require('vessel-webhooks');
    const body = '{"eventId":"e1","type":"STATUS_CHANGE","data":{"status":"READY"}}';
    sign(body, 'tok'); // the instance exists and has its buffers
    const memory = memories.at(-1);
    const pages = Math.ceil((TWO_GIB + (1 << 20) - memory.buffer.byteLength) / 65536);
    memory.grow(pages);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const zeros = { 'x-vessel-signature': '0'.repeat(64), 'x-vessel-timestamp': timestamp };
    let code;
    try { constructEvent(body, zeros, 'tok'); } catch (e) { code = e.code; }
    const headers = sign(body, 'tok', { timestamp });
    console.log(JSON.stringify({
      bytes: memory.buffer.byteLength,
      timestamp,
      validString: verify(body, headers, 'tok'),
      zerosString: verify(body, zeros, 'tok'),
      zerosBuffer: verify(Buffer.from(body), zeros, 'tok'),
      zerosObject: verify(JSON.parse(body), zeros, 'tok'),
      code,
      signature: headers['x-vessel-signature'],
      validBuffer: verify(Buffer.from(body), headers, 'tok'),
      validObject: verify(JSON.parse(body), headers, 'tok'),
      eventId: constructEvent(Buffer.from(body), headers, 'tok').eventId,
    }));
  `.replace('TWO_GIB', TWO_GIB),
  );
  const body = '{"eventId":"e1","type":"STATUS_CHANGE","data":{"status":"READY"}}';
  assert.ok(result.bytes > TWO_GIB, `memory grew to ${result.bytes} bytes`);
  assert.equal(result.zerosString, false);
  assert.equal(result.zerosBuffer, false);
  assert.equal(result.zerosObject, false);
  assert.equal(result.code, 'SIGNATURE_MISMATCH');
  assert.notEqual(result.signature, '0'.repeat(64));
  const digest = crypto.createHash('sha256').update(`tok${body}${result.timestamp}`).digest('hex');
  assert.equal(result.signature, digest);
  assert.equal(result.validBuffer, true);
  assert.equal(result.validObject, true);
  assert.equal(result.eventId, 'e1');
});

// The Rust side of the same rule: a callback that reports fewer than 32 bytes (a short digest,
// none, a throw) is not used; the wasm's own SHA-256 answers, so the zero signature stays refused.
for (const [name, wrapper] of [
  ['an empty digest', '() => ""'],
  ['a 31-byte digest', '(hash, args) => hash(...args).slice(1)'],
  ['a throw', '() => { throw new Error("no SHA-256 here"); }'],
]) {
  test(`a native SHA-256 giving ${name} is not used`, () => {
    const result = run(`
      const crypto = require('node:crypto');
      const original = crypto.hash ?? ((a, d, e) => crypto.createHash(a).update(d).digest(e));
      let calls = 0;
      crypto.hash = (...args) => { calls++; return (${wrapper})(original, args); };
      crypto.createHash = () => { throw new Error('not this one'); };
      const { sign, verify } = require('vessel-webhooks');
      const body = '{"eventId":"e1","type":"STATUS_CHANGE","data":{"status":"READY"}}';
      const timestamp = String(Math.floor(Date.now() / 1000));
      const zeros = { 'x-vessel-signature': '0'.repeat(64), 'x-vessel-timestamp': timestamp };
      const headers = sign(body, 'tok', { timestamp });
      console.log(JSON.stringify({
        calls: calls > 0,
        timestamp,
        signature: headers['x-vessel-signature'],
        zeros: verify(Buffer.from(body), zeros, 'tok'),
        valid: verify(Buffer.from(body), headers, 'tok'),
      }));
    `);
    const body = '{"eventId":"e1","type":"STATUS_CHANGE","data":{"status":"READY"}}';
    const digest = crypto
      .createHash('sha256')
      .update(`tok${body}${result.timestamp}`)
      .digest('hex');
    assert.deepEqual(result, {
      ...result,
      calls: true,
      signature: digest,
      zeros: false,
      valid: true,
    });
  });
}

// Items 2 and 3: one rejected 4 MiB body (unsigned, current timestamp: the canonical path) leaves
// wasm memory at most 16 times its size larger, whatever its shape; a maxBodyBytes above 64 MiB,
// which could cost more than the 1 GiB budget of one request, is refused.
const SHAPES = {
  numbers: "fill('[', () => '1e20', ']')",
  'nested arrays': "fill('[', (i) => '[' + (i % 10) + ']', ']')",
  deep: "fill('[', () => '['.repeat(255) + ']'.repeat(255), ']')",
  'many keys': "fill('{', (i) => '\"' + (1e6 - i) + '\":0', '}')",
  duplicates: "fill('{', () => '\"a\":0', '}')",
  escapes: `fill('[', () => '"\\\\n\\\\u0041\\\\ud83d\\\\ude00\\\\ud800"', ']')`,
  // Found by an outside review (SECURITY.md, finding 13): 18.2 times before the fix.
  'a string, numbers and one reordered object': `fill('["' + 'y'.repeat(41943) + '",', () => '1e20', ',{"1":0,"0":0}]')`,
};

for (const [name, make] of Object.entries(SHAPES)) {
  test(`one rejected 4 MiB body (${name}) grows wasm memory by at most 16 times its size`, () => {
    // A fresh instance per shape: memory another shape grew first would hide this one's.
    const times = run(`
      const { verify } = require('vessel-webhooks');
      const fill = (open, item, close) => {
        const parts = [];
        let length = open.length + close.length;
        for (let i = 0; length + item(i).length + 1 <= 4 * 1024 * 1024; i++) {
          parts.push(item(i));
          length += item(i).length + 1;
        }
        return open + parts.join(',') + close;
      };
      const headers = {
        'x-vessel-signature': 'ab'.repeat(32),
        'x-vessel-timestamp': String(Math.floor(Date.now() / 1000)),
      };
      verify('{}', headers, 'tok');
      const memory = memories.at(-1);
      const body = ${make};
      JSON.parse(body); // a valid document
      const before = memory.buffer.byteLength;
      if (verify(body, headers, 'tok')) throw new Error('verified');
      console.log((memory.buffer.byteLength - before) / body.length);
    `);
    assert.ok(times <= 16, `${times.toFixed(1)} × the body`);
  });
}

// signers.js records which of several tokens verified an event (for the receiver's store key):
// weakly, or every event verified during a token rotation would be held for the process's life.
test('an event verified with several tokens is not held once the caller drops it', () => {
  const script = `
    const { constructEvent, sign } = require('vessel-webhooks');
    const body = JSON.stringify({ eventId: 'evt_gc', type: 'STATUS_CHANGE', data: { status: 'READY' } });
    const held = new WeakRef(constructEvent(body, sign(body, 'tok_new'), ['tok_old', 'tok_new']));
    setImmediate(() => {
      gc();
      console.log(held.deref() === undefined ? 'released' : 'held');
    });
  `;
  const child = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), 'released');
});

// Finding 18: a body sent a byte per chunk was held as one object per chunk (~100 bytes of heap
// each) until its end, whichever reader read it; now as its bytes in one buffer.
test('a body sent a byte per chunk is held as its bytes, not as an object per chunk', () => {
  const script = fileURLToPath(new URL('./chunks-held.cjs', import.meta.url));
  const child = spawnSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const held = JSON.parse(child.stdout);
  assert.deepEqual(
    {
      ...held,
      stream: held.stream <= 16,
      Request: held.Request <= 16,
      middleware: held.middleware <= 16,
    },
    {
      stream: true,
      'stream event': 'evt_c',
      Request: true,
      'Request event': 'evt_c',
      middleware: true,
      'middleware status': 200,
    },
    child.stdout,
  );
});

test('maxBodyBytes is at most 64 MiB', async () => {
  const { verify, constructEvent } = await import('vessel-webhooks');
  const body = '{"eventId":"e1","type":"STATUS_CHANGE","data":{"status":"READY"}}';
  const headers = { 'x-vessel-signature': '0'.repeat(64), 'x-vessel-timestamp': '1' };
  const limit = 64 * 1024 * 1024;
  assert.throws(() => verify(body, headers, 'tok', { maxBodyBytes: limit + 1 }), TypeError);
  assert.throws(
    () => constructEvent(body, headers, 'tok', { maxBodyBytes: Number.MAX_SAFE_INTEGER }),
    /options\.maxBodyBytes: expected a whole number of bytes, at most 67108864/,
  );
  assert.equal(verify(body, headers, 'tok', { maxBodyBytes: limit }), false);
});
