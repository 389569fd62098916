// The package in server builds other than wrangler's own (tests/js/workerd.test.mjs has that):
// worker-app/ built by Cloudflare's Vite plugin (`vite build` + `vite preview`, and `vite dev`),
// each with and without nodejs_compat; nitro-app/ built by Nitro (Nuxt's server engine) with its
// cloudflare-module preset, served by workerd through miniflare with and without nodejs_compat,
// and with its node-server and node-cluster presets, run by Node; worker-app/ bundled by esbuild
// itself, as Cloudflare's custom builds do, in workerd. Each answers GET / with app/check.js's verdicts, and
// a POSTed delivery: the signed one accepted, a forged one refused. And vitest-app/, a Worker's
// tests in workerd (vitest-pool-workers), with and without nodejs_compat.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import * as vite from 'vite';
import { Miniflare } from 'miniflare';
import { build, copyPublicAssets, createNitro, prepare } from 'nitropack';
import { sign } from 'vessel-webhooks';
import { sample } from 'vessel-webhooks/samples';
import { EXPECTED, TOKEN } from './app/check.js';
import { freePort, startProcess } from './harness.mjs';

const out = join(import.meta.dirname, 'out');
const workerApp = join(import.meta.dirname, 'worker-app');
const nitroApp = join(import.meta.dirname, 'nitro-app');
const MODES = { 'without flags': [], nodejs_compat: ['nodejs_compat'] };
const body = JSON.stringify(sample('status.READY'));
const compatibilityDate = '2026-04-01';

// Wrangler's logs and registry (Cloudflare's Vite plugin runs it) go to a temporary folder, not
// to ~/.config/.wrangler: set before the plugin is imported, as wrangler reads it then.
process.env.XDG_CONFIG_HOME = await mkdtemp(join(tmpdir(), 'vessel-wrangler-'));
after(() => rm(process.env.XDG_CONFIG_HOME, { recursive: true, force: true }));
const { cloudflare } = await import('@cloudflare/vite-plugin');

/** GET / and a signed and a forged delivery POSTed to /, through `fetchAt(path, init)`. */
async function assertAnswers(fetchAt) {
  assert.deepEqual(await (await fetchAt('/')).json(), EXPECTED);
  const headers = sign(body, TOKEN);
  const post = async (payload) => {
    const response = await fetchAt('/', { method: 'POST', headers, body: payload });
    return { status: response.status, json: await response.json() };
  };
  assert.deepEqual(await post(body), { status: 200, json: { received: true } });
  assert.deepEqual(await post(body.replace('READY', 'NEW_CONNECTION')), {
    status: 401,
    json: { error: 'SIGNATURE_MISMATCH' },
  });
}

const at = (origin) => (path, init) => fetch(new URL(path, origin), init);

/** assertAnswers of the Worker `scriptPath` (its `.wasm` files compiled modules) in workerd. */
async function assertAnswersInWorkerd(scriptPath, modulesRoot, flags) {
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate,
    compatibilityFlags: flags,
  });
  try {
    await assertAnswers((path, init) => mf.dispatchFetch(new URL(path, 'http://localhost'), init));
  } finally {
    await mf.dispose();
  }
}

/** worker-app/ with Cloudflare's Vite plugin and the compatibility flags `flags`. */
const viteConfig = async (flags, outDir) => ({
  root: workerApp,
  configFile: false,
  logLevel: 'error',
  plugins: [cloudflare({ config: { compatibility_flags: flags }, inspectorPort: false })],
  build: { outDir, emptyOutDir: true },
  server: { host: '127.0.0.1', port: await freePort(), strictPort: true },
  preview: { host: '127.0.0.1', port: await freePort(), strictPort: true },
});

for (const [mode, flags] of Object.entries(MODES)) {
  test(`Cloudflare's Vite plugin, vite build + vite preview, ${mode}`, async () => {
    const config = await viteConfig(flags, join(out, `vite-worker-${flags.length}`));
    // What `vite build` runs: every environment, the Worker's too (vite.build() builds the client).
    await (await vite.createBuilder(config)).buildApp();
    const preview = await vite.preview(config);
    try {
      await assertAnswers(at(preview.resolvedUrls.local[0]));
    } finally {
      await preview.close();
    }
  });

  test(`Cloudflare's Vite plugin, vite dev, ${mode}`, async () => {
    const dev = await vite.createServer(await viteConfig(flags, undefined));
    try {
      await dev.listen();
      await assertAnswers(at(dev.resolvedUrls.local[0]));
    } finally {
      await dev.close();
    }
  });
}

/**
 * nitro-app/ built by Nitro with `preset` into out/<name>/ (its server in server/), POST / handled
 * by nitro-app/node.post.js on Node's own server (node-server, node-cluster), else by
 * fetch.post.js.
 */
async function nitroBuild(preset, name) {
  const dir = join(out, name);
  const post = preset.startsWith('node-') ? 'node.post.js' : 'fetch.post.js';
  const nitro = await createNitro({
    rootDir: nitroApp,
    buildDir: join(out, `${name}-build`),
    output: { dir },
    preset,
    handlers: [{ route: '/', method: 'post', handler: join(nitroApp, post) }],
    logLevel: 0,
  });
  await prepare(nitro);
  await copyPublicAssets(nitro);
  await build(nitro);
  await nitro.close();
  return join(dir, 'server');
}

test('Nitro, cloudflare-module preset, in workerd with and without nodejs_compat', async () => {
  const server = await nitroBuild('cloudflare-module', 'nitro-cloudflare');
  for (const flags of Object.values(MODES)) {
    await assertAnswersInWorkerd(join(server, 'index.mjs'), server, flags);
  }
});

// Every preset that does not run on Node adds the `workerd` condition (review BT: without the
// wasm switch, deno-deploy, netlify-edge and vercel-edge builds stopped); Deno Deploy's, in Deno.
test('Nitro, deno-deploy preset, in Deno', async () => {
  const server = await nitroBuild('deno-deploy', 'nitro-deno');
  const port = await freePort();
  const serve = join(server, 'serve-local.mjs');
  await writeFile(
    serve,
    `const serve = Deno.serve;
Deno.serve = (handler) =>
  serve({ hostname: '127.0.0.1', port: ${port}, onListen: () => console.log('Listening') }, handler);
await import('./index.ts');
`,
  );
  const deno = createRequire(import.meta.url).resolve('deno/bin.cjs');
  const args = [deno, 'run', '--no-lock', '--allow-read', '--allow-env', '--allow-net=127.0.0.1'];
  const running = await startProcess(process.execPath, [...args, serve], {
    env: { DENO_DIR: join(out, '.deno'), DENO_NO_UPDATE_CHECK: '1' },
    ready: /Listening/,
  });
  try {
    await assertAnswers(at(`http://127.0.0.1:${port}`));
  } finally {
    await running.stop();
  }
});

/**
 * The status of an unsigned POST to / of `bytes` spaces sent chunked (no Content-Length), 64 KiB a
 * write, or the client's error code when the server closed before answering.
 */
function postChunked(port, bytes) {
  return new Promise((resolve) => {
    const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', agent: false });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', (error) => resolve(error.code));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!request.write(chunk)) return request.once('drain', pump);
      }
      request.end();
    };
    pump();
  });
}

// On Node's own server the route hands the receiver Node's request (README: Nuxt and Nitro):
// h3 1's Fetch API body of it cannot be cancelled, and a body over the cap, whose read the
// receiver cancels, made h3 throw from its data listener once per request (review CN; CR:
// node-cluster's workers too).
for (const preset of ['node-server', 'node-cluster']) {
  test(`Nitro, ${preset} preset, in Node`, async () => {
    const server = await nitroBuild(preset, `nitro-${preset}`);
    const port = await freePort();
    const running = await startProcess(process.execPath, [join(server, 'index.mjs')], {
      env: { PORT: String(port), HOST: '127.0.0.1', NITRO_CLUSTER_WORKERS: '1' },
      ready: /Listening on/,
    });
    try {
      await assertAnswers(at(`http://127.0.0.1:${port}`));
      assert.equal(await postChunked(port, 5 * 1024 * 1024), 413);
      await assertAnswers(at(`http://127.0.0.1:${port}`));
      assert.doesNotMatch(running.output(), /uncaught|Error/i);
    } finally {
      await running.stop();
    }
  });
}

// Cloudflare's custom builds: esbuild bundles the Worker itself, the `.wasm` kept a file of its own
// (its `copy` loader), and wrangler uploads the result as it is (`no_bundle`).
test("esbuild, a Worker built by hand (wrangler's no_bundle), in workerd", async () => {
  const outdir = join(out, 'esbuild-worker');
  await esbuild.build({
    entryPoints: [join(workerApp, 'worker.js')],
    bundle: true,
    format: 'esm',
    conditions: ['workerd', 'worker', 'browser'],
    loader: { '.wasm': 'copy' },
    outdir,
    logLevel: 'silent',
  });
  for (const flags of Object.values(MODES)) {
    await assertAnswersInWorkerd(join(outdir, 'worker.js'), outdir, flags);
  }
});

// A Worker's tests as Cloudflare's templates run them (vitest-app/): Vitest in workerd.
const vitest = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
);
for (const [mode, flags] of Object.entries(MODES)) {
  test(`vitest-pool-workers, ${mode}`, async () => {
    await promisify(execFile)(
      process.execPath,
      [vitest, 'run', '--config', join(import.meta.dirname, 'vitest-app', 'vitest.config.js')],
      { env: { ...process.env, VESSEL_FLAGS: flags.join(',') }, timeout: 180_000 },
    );
  });
}
