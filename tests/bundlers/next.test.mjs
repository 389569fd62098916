// next-app/, a Next.js App Router app with no next.config, whose route handlers verify a
// delivery with the package: /api/node in the Node.js runtime, /api/edge in the edge runtime.
// Built with `next build` (Turbopack, Next 16's default) and served by `next start`, then served
// by `next dev`; each on 127.0.0.1 with a free port, stopped after. Each step's time is printed
// as a diagnostic (README: "Bundlers and frameworks in the tests").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sign } from 'vessel-webhooks';
import { freePort, startProcess } from './harness.mjs';
import { TOKEN } from './next-app/lib/receive.js';

const dir = join(import.meta.dirname, 'next-app');
const next = createRequire(import.meta.url).resolve('next/dist/bin/next');
const env = { NEXT_TELEMETRY_DISABLED: '1' };
const READY = /Ready in|started server on/;

const body = JSON.stringify({
  eventId: 'evt_next',
  type: 'STATUS_CHANGE',
  data: { status: 'READY' },
});
const headers = sign(body, TOKEN);

async function post(origin, route, payload) {
  const response = await fetch(`${origin}/api/${route}`, {
    method: 'POST',
    headers,
    body: payload,
  });
  const text = await response.text();
  try {
    return { status: response.status, json: JSON.parse(text) };
  } catch {
    return { status: response.status, text: text.slice(0, 300) };
  }
}

/**
 * Both route handlers accept the signed delivery and refuse a forged copy; the edge one reads the
 * body through its stream, not arrayBuffer().
 */
async function assertVerdicts(origin) {
  assert.deepEqual(await post(origin, 'edge-reads', body), {
    status: 200,
    json: { status: 200, arrayBufferCalls: 0 },
  });
  for (const route of ['node', 'edge']) {
    assert.deepEqual(await post(origin, route, body), {
      status: 200,
      json: { received: true },
    });
    assert.deepEqual(await post(origin, route, body.replace('READY', 'NEW_CONNECTION')), {
      status: 401,
      json: { error: 'SIGNATURE_MISMATCH' },
    });
  }
}

/** Runs `next <command>` on a free port until the verdicts are checked, then stops it. */
async function serve(t, command) {
  const port = await freePort();
  const started = performance.now();
  const server = await startProcess(
    process.execPath,
    [next, command, '--port', String(port), '--hostname', '127.0.0.1', dir],
    { env, ready: READY },
  );
  try {
    await assertVerdicts(`http://127.0.0.1:${port}`);
    t.diagnostic(`next ${command} + first requests: ${Math.round(performance.now() - started)} ms`);
  } catch (error) {
    error.message += `\n${server.output()}`;
    throw error;
  } finally {
    await server.stop();
  }
}

async function build(t) {
  await rm(join(dir, '.next'), { recursive: true, force: true });
  const started = performance.now();
  await promisify(execFile)(process.execPath, [next, 'build', dir], {
    env: { ...process.env, ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
  t.diagnostic(`next build (Turbopack): ${Math.round(performance.now() - started)} ms`);
}

test('next build (Turbopack) + next start: node and edge route handlers', async (t) => {
  await build(t);
  await serve(t, 'start');
});

test('next dev (Turbopack): node and edge route handlers', async (t) => {
  await serve(t, 'dev');
});
