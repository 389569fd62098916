// The differential test: 100 000 random events written in random non-canonical ways. For each,
// verify must accept the body signed the seed's way, over V8's JSON.stringify(JSON.parse(text))
// (so the Rust canonical form equals V8's), and constructEvent must return what JSON.parse
// returns, keys in the same order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { constructEvent, parse, verify, VesselWebhookError } from 'vessel-webhooks';
import { random, writer } from './random-json.mjs';

const COUNT = 100_000;
const TOKEN = 'tok_differential';
const TS = '1700000000';
const options = { now: 1700000000000 };
/** The headers of a delivery whose signed text is `message` (a string, or its UTF-8 bytes). */
const signed = (message) => ({
  'x-vessel-signature': createHash('sha256').update(TOKEN).update(message).update(TS).digest('hex'),
  'x-vessel-timestamp': TS,
});

test(`${COUNT} random documents: V8's canonical form verifies, constructEvent is JSON.parse`, () => {
  const features = new Map();
  const doc = writer(random(6), (feature) =>
    features.set(feature, (features.get(feature) ?? 0) + 1),
  );
  const differences = [];
  let rewritten = 0;
  for (let i = 0; i < COUNT; i++) {
    const text = doc();
    const expected = JSON.parse(text);
    const canonical = JSON.stringify(expected);
    if (canonical !== text) rewritten++;
    const headers = signed(canonical);
    const body = i % 2 ? Buffer.from(text) : text;
    if (!verify(body, headers, TOKEN, options)) differences.push(['verify', text]);
    let event;
    try {
      event = constructEvent(body, headers, TOKEN, options);
    } catch (error) {
      differences.push([`constructEvent threw ${error.code}`, text]);
      continue;
    }
    // isDeepStrictEqual compares values (-0 too) and prototypes; JSON.stringify the key order.
    if (!isDeepStrictEqual(event, expected) || JSON.stringify(event) !== canonical) {
      differences.push(['constructEvent', text]);
    }
  }
  for (const [what, text] of differences.slice(0, 5)) console.error(what, JSON.stringify(text));
  assert.equal(differences.length, 0, `${differences.length} differences`);

  // The documents exercise every way of writing JSON that the contract names.
  assert.ok(rewritten > COUNT * 0.99, `only ${rewritten} documents are not already canonical`);
  for (const feature of [
    'whitespace',
    '\\u escape',
    '\\/',
    'lone surrogate',
    'integer-like key',
    'duplicate key',
    '__proto__',
    '1.0',
    '1E+2',
    '-0',
    '1e400',
    '5e-324',
    '12345678901234567890',
    'random digits',
    'halfway between two doubles',
  ]) {
    assert.ok(features.get(feature) > COUNT / 10, `${feature}: ${features.get(feature)} times`);
  }
});

// After four non-ASCII characters in a row, the rest of a string is checked as UTF-8 16 bytes per
// step in the wasm (src/utf8.rs), and a string body is encoded to UTF-8 and a byte body decoded
// for JSON.parse in blocks of characters of one length (src/wasm.rs). Random text, each body
// mostly of one length of characters (a script's) or of all, each range's ends among them, and in
// half of them, now and then, a byte sequence that is not UTF-8, at random places in runs of
// random length. The check accepts exactly what TextDecoder({ fatal: true }) decodes; what it
// decodes parses to that text, from the bytes and from the string, and verifies as those bytes.
// In a quarter, now and then, a raw lone surrogate instead, which only a string holds: the
// promise for it is its UTF-8 text's (U+FFFD), signed as sign() and node:crypto hash the string.
// Each end of both halves, in runs of every script, at every offset of a block of 8 code units
// (review DE's mutant R05: a lone low surrogate among 7 characters of three bytes was encoded as
// ED B0 80, and the body refused; the text here was made of code points only).
const UTF8_COUNT = 50_000;
const EDGES = [0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x10ffff];
const RANGES = [
  [0x80, 0x7ff],
  [0x800, 0xd7ff],
  [0xe000, 0xffff],
  [0x10000, 0x10ffff],
];
/** The ranges of one body's characters: ASCII (but `"` and `\\`), and of 2, 3 and 4 bytes. */
const SCRIPTS = {
  ASCII: [0x23, 0x5b],
  'two-byte': RANGES[0],
  'three-byte': RANGES[1],
  'four-byte': RANGES[3],
};
const LONE_SURROGATES = [0xd800, 0xdbff, 0xdc00, 0xdfff];
const NOT_UTF8 = [
  [0x80],
  [0xbf],
  [0xc0, 0x80],
  [0xc1, 0xbf],
  [0xc2],
  [0xe0, 0x80, 0x80],
  [0xe0, 0x9f, 0xbf],
  [0xe6, 0x97],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xf0, 0x8f, 0xbf, 0xbf],
  [0xf0, 0x90, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf5, 0x80, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xff],
];

test(`${UTF8_COUNT} strings of random text, some not UTF-8, some with lone surrogates: checked and read as TextDecoder reads them`, () => {
  const rand = random(21);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const character = (script) => {
    const kind = rand();
    if (kind < 0.05) return String.fromCodePoint(pick(EDGES));
    if (kind < 0.15) return pick('az -:0');
    const [low, high] = script ?? pick(RANGES);
    return String.fromCodePoint(low + Math.floor(rand() * (high - low + 1)));
  };
  const loneSurrogate = () =>
    rand() < 0.5 ? pick(LONE_SURROGATES) : 0xd800 + Math.floor(rand() * 0x800);
  const fatal = new TextDecoder('utf-8', { fatal: true });
  const head = '{"eventId":"evt_2","type":"STATUS_CHANGE","data":{"status":"READY"},"x":"';
  const differences = [];
  let invalid = 0;
  // Lone surrogates written: by script, half, and code unit offset in the text mod 8.
  const lone = new Map();
  for (let i = 0; i < UTF8_COUNT; i++) {
    const name = rand() < 0.5 ? undefined : pick(Object.keys(SCRIPTS));
    const script = SCRIPTS[name];
    // Text, or bytes that are not UTF-8.
    const pieces = [head];
    const length = 1 + Math.floor(rand() * 48);
    const bad = rand() < 0.5;
    const surrogates = !bad && rand() < 0.5;
    let units = 0; // code units of text in the string so far
    let afterLone = false;
    for (let k = 0; k < length; k++) {
      // Never right after another: a high and a low one would be a pair.
      afterLone = surrogates && !afterLone && rand() < 2 / length;
      let piece;
      if (afterLone) {
        const unit = loneSurrogate();
        const where = `${name ?? 'all'}, ${unit < 0xdc00 ? 'high' : 'low'}, at ${units % 8}`;
        lone.set(where, (lone.get(where) ?? 0) + 1);
        piece = String.fromCharCode(unit);
      } else if (bad && rand() < 1 / length) piece = Buffer.from(pick(NOT_UTF8));
      else piece = character(script);
      pieces.push(piece);
      units += piece.length;
    }
    // Text after the string too, for half of them: a run's last block is then read in place,
    // its lanes after the run set aside.
    pieces.push(i % 2 ? '"}' : '","y":"Zoë — 日本語 ✓"}');
    // A string of text only; its bytes are its UTF-8 (a lone surrogate's U+FFFD).
    const string = pieces.every((piece) => typeof piece === 'string') ? pieces.join('') : undefined;
    const body =
      string === undefined ? Buffer.concat(pieces.map((p) => Buffer.from(p))) : Buffer.from(string);
    let text;
    try {
      text = fatal.decode(body);
    } catch {
      invalid++;
    }
    const read = (form) => {
      try {
        return parse(form);
      } catch (error) {
        if (!(error instanceof VesselWebhookError)) throw error;
        return error.code;
      }
    };
    const event = read(body);
    if (text === undefined) {
      if (event !== 'INVALID_JSON') differences.push([`${event}, not INVALID_JSON`, body]);
      continue;
    }
    const expected = JSON.parse(text);
    const headers = signed(body);
    const form = string ?? text;
    if (!isDeepStrictEqual(event, expected)) differences.push(['parse(bytes)', body]);
    if (!isDeepStrictEqual(read(form), expected)) differences.push(['parse(string)', body]);
    if (!verify(form, headers, TOKEN, options)) differences.push(['verify(string)', body]);
  }
  for (const [what, body] of differences.slice(0, 5)) console.error(what, body.toString('hex'));
  assert.equal(differences.length, 0, `${differences.length} differences`);
  // Both verdicts, often.
  assert.ok(invalid > UTF8_COUNT / 5 && invalid < UTF8_COUNT / 2, `${invalid} not UTF-8`);
  // Lone surrogates of both halves at every offset of runs of every script.
  for (const name of [...Object.keys(SCRIPTS), 'all']) {
    for (const half of ['high', 'low']) {
      for (let offset = 0; offset < 8; offset++) {
        const where = `${name}, ${half}, at ${offset}`;
        assert.ok(lone.get(where) > 50, `lone surrogates: ${where}: ${lone.get(where)} times`);
      }
    }
  }
});

test('every character of two and of three bytes, and 4 096 of four, in order: encoded, checked and decoded exactly', () => {
  const text = (low, high) =>
    Array.from({ length: high - low + 1 }, (_, k) => String.fromCodePoint(low + k)).join('');
  // Each range once as it is and once after one more character, so that each character falls in
  // two places of a block; and all three in one run, whose blocks change length twice.
  const ranges = [
    text(0x80, 0x7ff),
    text(0x800, 0xd7ff) + text(0xe000, 0xffff),
    text(0x10000, 0x107ff) + text(0x10f800, 0x10ffff),
  ];
  for (const x of [...ranges, ranges.join('')]) {
    for (const string of [x, `é${x}`]) {
      const body = JSON.stringify({
        eventId: 'evt_2',
        type: 'STATUS_CHANGE',
        data: { status: 'READY' },
        x: string,
      });
      const bytes = Buffer.from(body);
      const headers = signed(bytes);
      assert.ok(verify(body, headers, TOKEN, options), 'verify(string)');
      assert.equal(
        constructEvent(bytes, headers, TOKEN, options).x,
        string,
        'constructEvent(Buffer)',
      );
    }
  }
});
