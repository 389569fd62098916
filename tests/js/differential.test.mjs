// The differential test: 100 000 random events written in random non-canonical ways. For each,
// verify must accept the body signed the seed's way, over V8's JSON.stringify(JSON.parse(text))
// (so the Rust canonical form equals V8's), and constructEvent must return what JSON.parse
// returns, keys in the same order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { constructEvent, verify } from 'vessel-webhooks';
import { random, writer } from './random-json.mjs';

const COUNT = 100_000;
const TOKEN = 'tok_differential';
const TS = '1700000000';
const options = { now: 1700000000000 };

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
    const headers = {
      'x-vessel-signature': createHash('sha256')
        .update(TOKEN)
        .update(canonical)
        .update(TS)
        .digest('hex'),
      'x-vessel-timestamp': TS,
    };
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
