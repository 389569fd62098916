// tests/runtimes/check.mjs in Deno and Bun (both installed from npm as dev dependencies) and in
// Node: each imports the installed package, and all must print the same verdicts and receiver
// answers (its middleware and vessel-webhooks/express under each runtime's node:http too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const require = createRequire(import.meta.url);
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

async function run(command, args, env = {}) {
  const { stdout } = await promisify(execFile)(command, args, {
    env: { ...process.env, ...env },
  });
  assert.deepEqual(JSON.parse(stdout), expected);
}

test('Node', () => run(process.execPath, [script]));

test('Deno', async (t) => {
  // Deno's caches go to a temporary folder; no lockfile, no update check (it would go online).
  const denoDir = await mkdtemp(join(tmpdir(), 'deno-'));
  t.after(() => rm(denoDir, { recursive: true, force: true }));
  const deno = require.resolve('deno/bin.cjs');
  const args = [deno, 'run', '--no-lock', '--allow-read', '--allow-net=127.0.0.1', script];
  await run(process.execPath, args, { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1' });
});

test('Bun', () => run(require.resolve('bun/bin/bun.exe'), ['--no-install', script]));
