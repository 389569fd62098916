// tests/runtimes/check.mjs in Deno and Bun (both installed from npm as dev dependencies) and in
// Node: each imports the installed package, and all must print the same verdicts and receiver
// answers (its middleware and vessel-webhooks/express under each runtime's node:http too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { RUNTIMES, runScript } from '../runtimes/run.mjs';
import { vectors } from './vectors.mjs';

const script = 'tests/runtimes/check.mjs';
const event = { eventId: 'evt_r1', type: 'STATUS_CHANGE', data: { status: 'READY' } };
const mismatch = {
  code: 'SIGNATURE_MISMATCH',
  status: 401,
  body: { error: 'SIGNATURE_MISMATCH' },
};
// tests/runtimes/check.mjs's string bodies, signed at 1 700 000 000: their UTF-8 as TextEncoder
// writes it, a lone surrogate as U+FFFD (which Node's createHash writes for a string too).
const texts = ['José — 日本 🎉', 'a\ud800b'].map((note, i) => ({
  signature: createHash('sha256')
    .update(
      `tok_runtime_4be1{"eventId":"evt_t${i}","type":"STATUS_CHANGE","data":{"status":"READY","note":"${note}"}}1700000000`,
    )
    .digest('hex'),
  verified: true,
  event: {
    eventId: `evt_t${i}`,
    type: 'STATUS_CHANGE',
    data: { status: 'READY', note: note.replace('\ud800', '\ufffd') },
  },
}));
const expected = {
  keys: vectors('keys.json').map((c) => [c.event, c.event]),
  texts,
  verify: [true, false],
  constructEvent: { value: event },
  constructEventForged: mismatch,
  verifyRequest: { value: event },
  verifyRequestForged: mismatch,
  verifyRequestUnknown: mismatch,
  receiver: {
    answers: [
      [500, { error: 'HANDLER_FAILED' }],
      [200, { received: true }],
      [200, { received: true }],
      [401, { error: 'SIGNATURE_MISMATCH' }],
    ],
    ran: ['evt_r1', 'evt_r1'],
  },
  served: {
    answers: [
      ['/receiver', 200, { received: true }],
      ['/receiver', 200, { received: true }],
      ['/receiver', 401, { error: 'SIGNATURE_MISMATCH' }],
      ['/express', 200, { verified: 'evt_r1' }],
      ['/express', 401, { error: 'SIGNATURE_MISMATCH' }],
    ],
    ran: ['evt_r1'],
  },
};

for (const runtime of RUNTIMES) {
  test(runtime, async () => assert.deepEqual(await runScript(runtime, script), expected));
}
