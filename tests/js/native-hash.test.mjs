// The Node entry hashes token ‖ body ‖ timestamp with node:crypto (the CPU's SHA instructions)
// instead of the wasm's software SHA-256 (issue 5), and falls back to the wasm's if that throws.
// The vectors check the digests on both paths: Node here, the wasm's in workerd, Deno and Bun.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';

// Node ≥ 20.12 has crypto.hash, which the entry uses; older ones use createHash.
const skip = typeof crypto.hash !== 'function';

/** Runs `script` in a fresh Node with crypto.hash wrapped by `wrapper`; returns what it prints. */
function run(wrapper) {
  const script = `
    const crypto = require('node:crypto');
    const original = crypto.hash;
    let calls = 0;
    crypto.hash = (...args) => { calls++; return (${wrapper})(original, args); };
    const { constructEvent, sign, verify } = require('vessel-webhooks');
    const body = '{"eventId":"e1","type":"STATUS_CHANGE","data":{"status":"READY"}}';
    const headers = sign(body, 'tok_a');
    const results = {
      signed: verify(body, headers, 'tok_a'),
      forged: verify(body, headers, 'tok_b'),
      object: verify(JSON.parse(body), headers, ['tok_b', 'tok_a']),
      eventId: constructEvent(Buffer.from(body), headers, 'tok_a').eventId,
    };
    console.log(JSON.stringify({ ...results, calls }));
  `;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

const expected = { signed: true, forged: false, object: true, eventId: 'e1' };

test('in Node, every digest comes from node:crypto', { skip }, () => {
  // sign 1, verify 1 + 1, the object body with two tokens 2 (every token is hashed), constructEvent 1.
  assert.deepEqual(run('(hash, args) => hash(...args)'), { ...expected, calls: 6 });
});

test('when node:crypto throws, the wasm SHA-256 gives the same answers', { skip }, () => {
  assert.deepEqual(run('() => { throw new Error("no SHA-256 here"); }'), { ...expected, calls: 6 });
});
