// What the bundler and Next.js tests share: a static file server and headless Chromium for
// browser builds, Node for node builds, and servers started on 127.0.0.1 and stopped again.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../chromium.mjs';
import { EXPECTED } from './app/check.js';

const MIME = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
};

/** Serves the files under `root` on 127.0.0.1 (a free port); resolves to its origin and close(). */
export async function serveStatic(root) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    const body = file.startsWith(root + sep) ? await readFile(file).catch(() => null) : null;
    if (body === null) return response.writeHead(404).end();
    const type = MIME[extname(file)] ?? 'application/octet-stream';
    response.writeHead(200, { 'content-type': type }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Headless Chromium (Debian's), as the www tests run it. */
export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
}

/**
 * Opens `url` in a new page and resolves to the `vesselResult` the app sets; rejects with the
 * page's errors (an uncaught exception, a failed load) when it sets none within `timeout` ms.
 */
export async function resultInBrowser(browser, url, timeout = 20_000) {
  const page = await browser.newPage();
  const problems = [];
  let failed;
  // An uncaught exception (the package failing to load, say) ends the wait at once.
  const thrown = new Promise((_, reject) => (failed = reject));
  page.on('pageerror', (error) => {
    problems.push(error.message);
    failed(error);
  });
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('requestfailed', (r) => problems.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`${r.url()}: ${r.status()}`));
  try {
    await page.goto(url);
    const done = page.waitForFunction(() => 'vesselResult' in globalThis, null, { timeout });
    await Promise.race([done, thrown]);
    return await page.evaluate(() => globalThis.vesselResult);
  } catch (error) {
    throw new Error(`${url}: ${problems.join('; ') || error.message}`);
  } finally {
    await page.close();
  }
}

/** Runs a Node app and resolves to the JSON it prints. */
export async function resultInNode(file) {
  const { stdout } = await promisify(execFile)(process.execPath, [file]);
  return JSON.parse(stdout);
}

/** The verdicts: the signed delivery accepted, the forged one refused. */
export function assertVerdicts(result) {
  assert.deepEqual(result, EXPECTED);
}

/** A free TCP port on 127.0.0.1. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts a command in its own process group and resolves once `ready` (a RegExp) matches its
 * output; `stop()` ends the group. Rejects with the output when it exits first or after `timeout`.
 */
export function startProcess(command, args, { cwd, env, ready, timeout = 180_000 }) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', resolve);
      process.kill(-child.pid, 'SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${command} ${args.join(' ')}: not ready after ${timeout} ms\n${output}`));
    }, timeout);
    const read = (chunk) => {
      output += chunk;
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ stop, output: () => output });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(' ')} exited (${code})\n${output}`));
    });
  });
}
