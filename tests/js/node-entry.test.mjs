// The Node entry's fast paths (issue 5): token ‖ body ‖ timestamp hashed with node:crypto (the
// CPU's SHA instructions) instead of the wasm's software SHA-256, with the wasm's as fallback if
// that throws; a string body copied into wasm memory as UTF-16 and encoded there, instead of
// TextEncoder#encodeInto, and a checked byte body read back for JSON.parse as Latin-1 when all
// ASCII or copied there with its few non-ASCII characters escaped, else decoded there to UTF-16,
// instead of TextDecoder. The vectors check the digests through node:crypto here (Deno and Bun
// load the Node entry too) and through the wasm's own SHA-256 in workerd; the last tests below
// compare the two at every length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { constructEvent, sign, verify } from 'vessel-webhooks';

// Node ≥ 20.12 has crypto.hash, which the entry uses; older ones use createHash.
const skip = typeof crypto.hash !== 'function';

/**
 * Runs `script` in a fresh Node with crypto.hash wrapped by `wrapper`, after `prelude` (code run
 * before the package loads); returns what it prints.
 */
function run(wrapper, prelude = '') {
  const script = `
    ${prelude}
    // The longest text V8's own UTF-8 conversions see: the body must not pass through them.
    let converted = 0;
    for (const [type, method] of [[TextEncoder, 'encodeInto'], [TextDecoder, 'decode']]) {
      const convert = type.prototype[method];
      type.prototype[method] = function (input, ...rest) {
        converted = Math.max(converted, typeof input === 'string' ? input.length : (input?.byteLength ?? 0));
        return convert.call(this, input, ...rest);
      };
    }
    const { constructEvent, sign, verify } = require('vessel-webhooks');
    // Wrapped once the entry started: it takes node:crypto only when its digest of "abc" is
    // SHA-256's (review BU), and calls it through the module at each call.
    const crypto = require('node:crypto');
    const original = crypto.hash;
    let calls = 0;
    crypto.hash = (...args) => { calls++; return (${wrapper})(original, args); };
    const note = 'x'.repeat(200);
    const body = '{"eventId":"e1","type":"STATUS_CHANGE","data":{"status":"READY","note":"' + note + '"}}';
    const headers = sign(body, 'tok_a');
    const results = {
      signed: verify(body, headers, 'tok_a'),
      forged: verify(body, headers, 'tok_b'),
      object: verify(JSON.parse(body), headers, ['tok_b', 'tok_a']),
      eventId: (() => {
        try {
          return constructEvent(Buffer.from(body), headers, 'tok_a').eventId;
        } catch (error) {
          return error.code;
        }
      })(),
    };
    console.log(JSON.stringify({ ...results, calls, bodyNotConverted: converted < 100 }));
  `;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

// The string and byte bodies crossed as UTF-16, not through TextEncoder or TextDecoder (those
// still carry the short strings of wasm-bindgen's glue, such as the hex signature).
const expected = {
  signed: true,
  forged: false,
  object: true,
  eventId: 'e1',
  bodyNotConverted: true,
};

test('in Node, every digest comes from node:crypto', { skip }, () => {
  // sign 1, verify 1 + 1, the object body with two tokens 2 (every token is hashed), constructEvent 1.
  assert.deepEqual(run('(hash, args) => hash(...args)'), { ...expected, calls: 6 });
  // Node before 20.16 has no process.getBuiltinModule: node:crypto is then require's.
  const older = 'delete process.getBuiltinModule;';
  assert.deepEqual(run('(hash, args) => hash(...args)', older), { ...expected, calls: 6 });
  // And each is the one compared, not hashed again by the wasm (review DL: a digest dropped gave
  // the same verdicts): after sign's (the first call), digests of other bytes fail every check.
  const other = '(hash, [a, message, e]) => hash(a, calls === 1 ? message : "other bytes", e)';
  assert.deepEqual(run(other), {
    signed: false,
    forged: false,
    object: false,
    eventId: 'SIGNATURE_MISMATCH',
    bodyNotConverted: true,
    calls: 6,
  });
});

test('a node:crypto whose digest of "abc" is not SHA-256’s is not used from the start', () => {
  // Review BU: whatever a node:crypto module gave was used (a polyfill's digest of zeros made a
  // signature of zeros pass). Broken before the entry starts, it is never called after; nor is
  // the module when only one of hash() and createHash() is (review DL: one that hashed was enough).
  // A body spaced out is checked by its canonical form, over 512 bytes: hashed by createHash.
  const script = (broken) => `
    const crypto = require('node:crypto');
    let calls = 0;
    const zeros = () => { calls++; return '\\0'.repeat(32); };
    if (${broken.includes('hash')}) crypto.hash = zeros;
    if (${broken.includes('createHash')}) {
      crypto.createHash = () => ({ update() { return this; }, digest: zeros });
    }
    const { sign, verify } = require('vessel-webhooks');
    const event = { eventId: 'e1', type: 'STATUS_CHANGE', data: { status: 'READY', note: 'x'.repeat(600) } };
    const body = JSON.stringify(event);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const zero = { 'x-vessel-signature': '0'.repeat(64), 'x-vessel-timestamp': timestamp };
    const started = calls;
    console.log(JSON.stringify({
      zeros: verify(body, zero, 'tok_a'),
      spaced: verify(JSON.stringify(event, null, 1), zero, 'tok_a'),
      signed: verify(body, sign(body, 'tok_a'), 'tok_a'),
      calls: calls - started,
    }));
  `;
  for (const broken of [['hash', 'createHash'], ['hash'], ['createHash']]) {
    const child = spawnSync(process.execPath, ['-e', script(broken)], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    const verdicts = { zeros: false, spaced: false, signed: true, calls: 0 };
    assert.deepEqual(JSON.parse(child.stdout), verdicts, `${broken}`);
  }
});

test('when node:crypto throws, the wasm SHA-256 gives the same answers', { skip }, () => {
  assert.deepEqual(run('() => { throw new Error("no SHA-256 here"); }'), { ...expected, calls: 6 });
});

test(
  'a digest that is not 32 latin1 characters is not used: the wasm SHA-256 answers',
  { skip },
  () => {
    // The entry asks for latin1 (a character a byte). A character above 0xff, or hex's 64
    // characters, would write a wrong digest if taken as bytes.
    for (const wrong of ['() => "\\u0100".repeat(32)', '(hash, [a, m]) => hash(a, m, "hex")']) {
      assert.deepEqual(run(wrong), { ...expected, calls: 6 }, wrong);
    }
  },
);

test('a body signed over its canonical form is hashed there by node:crypto, else by the wasm', () => {
  // A body re-serialised on the way (spaces, `\u` escapes): its canonical form is what the
  // signature covers, hashed in three parts by createHash; when createHash throws, or gives
  // anything but 32 latin1 characters, by the wasm's SHA-256, with the same verdicts.
  const script = (wrapper) => `
    const { sign, verify } = require('vessel-webhooks');
    const crypto = require('node:crypto');
    const original = crypto.createHash;
    let parts = 0;
    crypto.createHash = (...args) => {
      const hash = original(...args);
      const update = hash.update.bind(hash);
      hash.update = (part) => { parts++; return update(part); };
      return (${wrapper})(hash);
    };
    const event = { eventId: 'e1', type: 'STATUS_CHANGE', data: { status: 'READY', note: 'é'.repeat(300) } };
    const canonical = JSON.stringify(event);
    const body = JSON.stringify(event, null, 2).replace('é', '\\u00e9').replace('"READY"', '"\\u0052EADY"');
    const headers = sign(canonical, 'tok_a');
    console.log(JSON.stringify({
      signed: verify(body, headers, 'tok_a'),
      bytes: verify(Buffer.from(body), headers, ['tok_b', 'tok_a']),
      forged: verify(body.replace('READY', 'ERROR'), headers, 'tok_a'),
      wrongToken: verify(body, headers, 'tok_b'),
      parts,
    }));
  `;
  const run = (wrapper) => {
    const child = spawnSync(process.execPath, ['-e', script(wrapper)], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    return JSON.parse(child.stdout);
  };
  const verdicts = { signed: true, bytes: true, forged: false, wrongToken: false };
  // Three parts for each token a non-canonical body is checked against: 1 + 2 + 1 + 1.
  assert.deepEqual(run('(hash) => hash'), { ...verdicts, parts: 15 });
  // Its digest is the one compared: one of other bytes fails every check.
  const other =
    '(hash) => { const { update } = hash; hash.update = () => update("x"); return hash; }';
  assert.deepEqual(run(other), {
    signed: false,
    bytes: false,
    forged: false,
    wrongToken: false,
    parts: 15,
  });
  for (const wrong of [
    '() => { throw new Error("no SHA-256 here"); }',
    '(hash) => Object.assign(hash, { digest: () => "\\u0100".repeat(32) })',
    '(hash) => Object.assign(hash, { digest: () => "00".repeat(32) })',
  ]) {
    // The parts counted differ (a throw comes before any); the verdicts do not.
    assert.deepEqual({ ...run(wrong), parts: 0 }, { ...verdicts, parts: 0 }, wrong);
  }
});

/**
 * A string of `length` random UTF-16 code units, `ascii` of them ASCII (0.6: the other kinds are
 * frequent; 0.97: long ASCII runs, which the wasm converts in blocks of 8 and 16, broken at
 * every offset), the rest two- and three-byte characters, astral ones and lone surrogates; or,
 * with `short`, all below U+0800 (one or two bytes of UTF-8: Latin or Cyrillic text, which the
 * wasm converts in blocks of 8 units in any mix).
 */
function randomString(random, length, ascii = 0.6, short = false) {
  let s = '';
  for (let i = 0; i < length; i++) {
    const r = random();
    const other = short ? 0 : (r - ascii) / (1 - ascii);
    if (r < ascii) s += String.fromCharCode(0x20 + Math.floor(random() * 0x5f));
    else if (other < 0.375) s += String.fromCharCode(Math.floor(random() * 0x800));
    else if (other < 0.625) s += String.fromCharCode(0x800 + Math.floor(random() * 0xf800));
    else if (other < 0.875) s += String.fromCodePoint(0x10000 + Math.floor(random() * 0x100000));
    else s += String.fromCharCode(0xd800 + Math.floor(random() * 0x800)); // a lone surrogate
  }
  return s;
}

test('a string body is signed and verified as its TextEncoder bytes', () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const encoder = new TextEncoder();
  for (let n = 0; n < 7500; n++) {
    // Lengths around the 8- and 16-unit steps of the ASCII fast paths, and some long ones.
    const length = n % 2500 < 2000 ? n % 67 : 1 + Math.floor(random() * 5000);
    const body = randomString(random, length, [0.6, 0.97, 0.5][Math.floor(n / 2500)], n >= 5000);
    const bytes = encoder.encode(body);
    const headers = sign(bytes, 'tok', { timestamp: 1700000000 });
    assert.deepEqual(sign(body, 'tok', { timestamp: 1700000000 }), headers, JSON.stringify(body));
    // Not JSON, so verify is false either way: it must not throw, and must read the same bytes.
    assert.equal(verify(body, headers, 'tok', { now: 1700000000000 }), false);
  }
  // A JSON event: with non-ASCII text, an astral character and a raw lone surrogate, which
  // TextEncoder (and createHash) encode as U+FFFD.
  const body = `{"eventId":"é😀${String.fromCharCode(0xd800)}","type":"STATUS_CHANGE","data":{"status":"READY"}}`;
  const headers = sign(encoder.encode(body), 'tok', { timestamp: 1700000000 });
  assert.equal(verify(body, headers, 'tok', { now: 1700000000000 }), true);
  assert.equal(verify(body.replace('é', 'e'), headers, 'tok', { now: 1700000000000 }), false);
});

test(
  'the wasm SHA-256 equals node:crypto at every length around its block boundaries',
  { skip },
  () => {
    // crypto.hash throws in the child, so every digest there comes from the wasm's SHA-256; the
    // expected ones from createHash.
    const script = `
    const crypto = require('node:crypto');
    crypto.hash = () => { throw new Error('no SHA-256 here'); };
    const { sign } = require('vessel-webhooks');
    const lengths = [...Array(300).keys(), 4095, 4096, 65537, 1 << 20];
    const wrong = lengths.filter((n) => {
      const body = crypto.randomBytes(n);
      const expected = crypto.createHash('sha256').update('tok').update(body).update('1').digest('hex');
      return sign(body, 'tok', { timestamp: 1 })['x-vessel-signature'] !== expected;
    });
    console.log(JSON.stringify(wrong));
  `;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), []);
  },
);

test('a string body over 1 MiB code units (its UTF-8 room counted first) is signed as its bytes', () => {
  let seed = 5;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const encoder = new TextEncoder();
  const ascii = 'x'.repeat((1 << 20) + 7);
  // Every kind of character, in long ASCII runs and not, and one non-ASCII character at each
  // place of a block of 8 code units that the count reads at once, and in the units after them.
  const bodies = [
    randomString(random, (1 << 20) + 33, 0.97),
    randomString(random, 1_100_001, 0.6),
    randomString(random, 1_100_003, 0.5, true),
  ];
  for (const at of [0, 1, 7, 8, 15, 16, 1 << 19, ascii.length - 1]) {
    for (const c of ['é', 'ࠀ', '😀', String.fromCharCode(0xdc00)]) {
      bodies.push(ascii.slice(0, at) + c + ascii.slice(at + 1));
    }
  }
  // A last block of eight code units of one and two bytes, whose UTF-8 (9 bytes) is less than
  // the 16 bytes of room a block of them takes: the room counted exactly, it is left to the
  // units one at a time (a block that converted nothing taken as progress never ended).
  bodies.push(`${ascii.slice(0, 1 << 20)}abcdefgé`);
  for (const body of bodies) {
    const headers = sign(encoder.encode(body), 'tok', { timestamp: 1700000000 });
    assert.deepEqual(sign(body, 'tok', { timestamp: 1700000000 }), headers);
  }
});

test('a byte body is decoded for JSON.parse as TextDecoder decodes it', () => {
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const encoder = new TextEncoder();
  for (let n = 0; n < 6000; n++) {
    // Well-formed text (a byte body is UTF-8): lone surrogates become U+FFFD.
    const ascii = [0.6, 0.97, 0.5][Math.floor(n / 2000)];
    const text = randomString(random, n % 67, ascii, n >= 4000).toWellFormed();
    const body = JSON.stringify({
      eventId: `e${text}`,
      type: 'STATUS_CHANGE',
      data: { status: text },
    });
    const bytes = encoder.encode(body);
    const headers = sign(bytes, 'tok', { timestamp: 1700000000 });
    const event = constructEvent(bytes, headers, 'tok', { now: 1700000000000 });
    assert.deepEqual(event, JSON.parse(new TextDecoder().decode(bytes)), body);
  }
});

test('a byte body is read back with latin1Slice when ASCII or escaped to it, else with ucs2Slice', () => {
  // Buffer's readers are wrapped before the package takes them; each counts the calls that read
  // a whole body (the package's glue reads nothing that long). In Node a body with a few
  // non-ASCII characters, one of them above U+00FF, is read as the wasm's ASCII copy with them as
  // \uXXXX escapes, while that copy is at most an eighth longer than the body (each '’', 3 bytes,
  // takes 6): one byte of body less than that limit needs, or Latin-1 text alone (which Node
  // makes a one-byte string itself), is read as UTF-16.
  const json = (status) =>
    JSON.stringify({ eventId: 'e1', type: 'STATUS_CHANGE', data: { status } });
  // Ten '’' add 30 bytes, the limit of a body of 240 to 247 bytes.
  const padding = 240 - Buffer.byteLength(json('’'.repeat(10)));
  const script = `
    const reads = {};
    for (const name of ['latin1Slice', 'ucs2Slice']) {
      const read = Buffer.prototype[name];
      Buffer.prototype[name] = function (start, end) {
        if (end - start >= 100) reads[name] = (reads[name] ?? 0) + 1;
        return read.call(this, start, end);
      };
    }
    const { constructEvent, sign } = require('vessel-webhooks');
    const json = ${json};
    const read = (status) => {
      const body = Buffer.from(json(status));
      const headers = sign(body, 'tok');
      const before = { ...reads };
      const event = constructEvent(body, headers, 'tok');
      return { status: event.data.status, latin1: (reads.latin1Slice ?? 0) - (before.latin1Slice ?? 0), ucs2: (reads.ucs2Slice ?? 0) - (before.ucs2Slice ?? 0) };
    };
    const padding = ${padding};
    console.log(JSON.stringify([
      read('a'.repeat(200)),
      read('a'.repeat(199) + 'é😀€'),
      read('a'.repeat(padding) + '’'.repeat(10)),
      read('a'.repeat(padding - 1) + '’'.repeat(10)),
      read('a'.repeat(199) + 'éü'),
    ]));
  `;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(JSON.parse(child.stdout), [
    { status: 'a'.repeat(200), latin1: 1, ucs2: 0 },
    { status: `${'a'.repeat(199)}é😀€`, latin1: 1, ucs2: 0 },
    { status: `${'a'.repeat(padding)}${'’'.repeat(10)}`, latin1: 1, ucs2: 0 },
    { status: `${'a'.repeat(padding - 1)}${'’'.repeat(10)}`, latin1: 0, ucs2: 1 },
    { status: `${'a'.repeat(199)}éü`, latin1: 0, ucs2: 1 },
  ]);
});

test('a byte body with one non-ASCII character at any offset is decoded exactly', () => {
  // An all-ASCII body is read back as Latin-1, one byte per character; one UTF-8 sequence
  // anywhere (16-byte steps and the tail after them) must send it through the wasm's ASCII copy
  // with that character escaped (above U+00FF) or its UTF-16 copy.
  const encoder = new TextEncoder();
  // The first and last character of each UTF-8 length and of Latin-1, and some that JavaScript
  // treats apart (the line separator, the BOM).
  const chars = ['\u007f', '\u0080', 'é', '\u00ff', '\u0100', '\u07ff', '\u0800', '€', '\u2028'];
  chars.push('\ufeff', '\uffff', '\u{10000}', '😀', '\u{10ffff}');
  for (const char of chars) {
    for (let length = 0; length < 40; length++) {
      for (let at = 0; at <= length; at++) {
        const status = 'a'.repeat(at) + char + 'b'.repeat(length - at);
        const body = `{"eventId":"e1","type":"STATUS_CHANGE","data":{"status":"${status}"}}`;
        const bytes = encoder.encode(body);
        const headers = sign(bytes, 'tok', { timestamp: 1700000000 });
        const event = constructEvent(bytes, headers, 'tok', { now: 1700000000000 });
        assert.equal(event.data.status, status, JSON.stringify(status));
      }
    }
  }
});
