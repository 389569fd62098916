// The package in apps built as a new user builds them: app/ bundled by esbuild, Rollup, Vite,
// webpack, Rspack, Parcel, `bun build` and `deno bundle` with no configuration beyond the entry,
// the output and the target (no plugin or option for the package), then run in headless Chromium
// (browser builds, from a static server on 127.0.0.1) or in Node (node builds). Each app signs a
// delivery, verifies it and refuses a forged copy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import * as vite7 from 'vite';
import * as vite8 from 'vite-8';
import webpack from 'webpack';
import { rspack } from '@rspack/core';
import { Parcel } from '@parcel/core';
import {
  assertVerdicts,
  freePort,
  launchChromium,
  resultInBrowser,
  resultInNode,
  serveStatic,
} from './harness.mjs';
import { runRuntime } from '../runtimes/run.mjs';

const app = join(import.meta.dirname, 'app');
const out = join(import.meta.dirname, 'out');
let browser;

before(async () => {
  await rm(out, { recursive: true, force: true });
  browser = await launchChromium();
});

after(() => browser?.close());

/**
 * The result of the build in out/<name>/, served at the root of its own origin; the page is the
 * build's index.html, or one written to load the bundle `script` (a module unless `classic`).
 */
async function inBrowser(name, script, classic = false) {
  if (script !== undefined) {
    const type = classic ? '' : ' type="module"';
    await writeFile(join(out, name, 'index.html'), `<script${type} src="./${script}"></script>\n`);
  }
  const server = await serveStatic(join(out, name));
  try {
    return await resultInBrowser(browser, `${server.origin}/`);
  } finally {
    await server.close();
  }
}

/**
 * Builds app/<entry> into out/<name>/main.js for `target` (the web by default) with `bundler`,
 * webpack or Rspack (its twin API).
 */
async function webpackBuild(name, entry, { target, bundler = webpack } = {}) {
  const compiler = bundler({
    mode: 'production',
    entry: join(app, entry),
    output: { path: join(out, name) },
    ...(target && { target }),
  });
  const stats = await promisify(compiler.run.bind(compiler))();
  await promisify(compiler.close.bind(compiler))();
  if (stats.hasErrors()) throw new Error(stats.toString('errors-only'));
  return join(out, name, 'main.js');
}

/** `esbuild --bundle app/<entry> --outfile=out/<outfile>` with `options` (platform, format). */
async function esbuildApp(entry, outfile, options = {}) {
  await esbuild.build({
    entryPoints: [join(app, entry)],
    bundle: true,
    outfile: join(out, outfile),
    logLevel: 'silent',
    ...options,
  });
  return join(out, outfile);
}

test('esbuild, browser, esm', async () => {
  await esbuildApp('browser.mjs', 'esbuild-esm/app.js', { format: 'esm' });
  assertVerdicts(await inBrowser('esbuild-esm', 'app.js'));
});

test('esbuild, browser, its default format (iife)', async () => {
  await esbuildApp('browser.mjs', 'esbuild-iife/app.js');
  assertVerdicts(await inBrowser('esbuild-iife', 'app.js', true));
});

test('esbuild, node, cjs', async () => {
  const outfile = await esbuildApp('node.cjs', 'esbuild-node-cjs/app.cjs', { platform: 'node' });
  assertVerdicts(await resultInNode(outfile));
});

test('esbuild, node, esm', async () => {
  const options = { platform: 'node', format: 'esm' };
  assertVerdicts(
    await resultInNode(await esbuildApp('node.mjs', 'esbuild-node-esm/app.mjs', options)),
  );
});

test('Rollup with node-resolve, browser', async () => {
  const bundle = await rollup({
    input: join(app, 'browser.mjs'),
    plugins: [nodeResolve()],
    onLog: () => {},
  });
  await bundle.write({ dir: join(out, 'rollup') });
  await bundle.close();
  assertVerdicts(await inBrowser('rollup', 'browser.js'));
});

// Vite 8 (Rolldown), what `npm create vite` gives, and Vite 7, which Cloudflare's Vite plugin in
// workers.test.mjs still needs; each optimizes the package anew, in a cache of its own in out/.
for (const vite of [vite7, vite8]) {
  const name = `vite-${vite.version.split('.')[0]}`;

  test(`Vite ${vite.version} build`, async () => {
    await vite.build({
      root: app,
      configFile: false,
      logLevel: 'silent',
      build: { outDir: join(out, name), emptyOutDir: true },
    });
    assertVerdicts(await inBrowser(name));
  });

  test(`Vite ${vite.version} dev server`, async () => {
    const dev = await vite.createServer({
      root: app,
      configFile: false,
      logLevel: 'silent',
      cacheDir: join(out, `${name}-cache`),
      server: { host: '127.0.0.1', port: await freePort(), strictPort: true },
    });
    try {
      await dev.listen();
      assertVerdicts(await resultInBrowser(browser, dev.resolvedUrls.local[0]));
    } finally {
      await dev.close();
    }
  });
}

test('webpack 5, browser, import', async () => {
  await webpackBuild('webpack-import', 'browser.mjs');
  assertVerdicts(await inBrowser('webpack-import', 'main.js', true));
});

test('webpack 5, browser, require', async () => {
  await webpackBuild('webpack-require', 'browser-require.cjs');
  assertVerdicts(await inBrowser('webpack-require', 'main.js', true));
});

test('webpack 5, node, require', async () => {
  assertVerdicts(
    await resultInNode(await webpackBuild('webpack-node', 'node.cjs', { target: 'node' })),
  );
});

test('Rspack, browser, import', async () => {
  await webpackBuild('rspack-import', 'browser.mjs', { bundler: rspack });
  assertVerdicts(await inBrowser('rspack-import', 'main.js', true));
});

test('Rspack, browser, require', async () => {
  await webpackBuild('rspack-require', 'browser-require.cjs', { bundler: rspack });
  assertVerdicts(await inBrowser('rspack-require', 'main.js', true));
});

test('Rspack, node, require', async () => {
  assertVerdicts(
    await resultInNode(
      await webpackBuild('rspack-node', 'node.cjs', { target: 'node', bundler: rspack }),
    ),
  );
});

// Parcel reads no `exports` unless told to (its resolver's `packageExports`): it takes the
// package's `browser` field, and a subpath's folder (pkg/samples/package.json). Had it taken
// `main` (node.cjs), it would bundle Node polyfills, or fail where it may not install them.
test('Parcel, browser: the app and the package, nothing else', async () => {
  const parcel = new Parcel({
    entries: join(app, 'index.html'),
    defaultConfig: '@parcel/config-default',
    mode: 'production',
    shouldAutoInstall: false,
    shouldDisableCache: true,
    // It writes its cache even so, by default at the nearest lockfile's folder: the repo's root.
    cacheDir: join(out, '.parcel-cache'),
    logLevel: 'error',
    defaultTargetOptions: { distDir: join(out, 'parcel') },
  });
  const { bundleGraph } = await parcel.run();
  const outside = new Set();
  for (const bundle of bundleGraph.getBundles()) {
    bundle.traverseAssets((asset) => {
      if (
        !asset.filePath.startsWith(app) &&
        !asset.filePath.includes(`${sep}vessel-webhooks${sep}`)
      )
        outside.add(asset.filePath);
    });
  }
  assert.deepEqual([...outside], []);
  assertVerdicts(await inBrowser('parcel'));
});

test('bun build, browser', async () => {
  const args = ['build', join(app, 'browser.mjs'), '--target=browser', '--outfile'];
  await runRuntime('Bun', [...args, join(out, 'bun-browser', 'app.js')]);
  assertVerdicts(await inBrowser('bun-browser', 'app.js'));
});

test('bun build, node, cjs', async () => {
  const outfile = join(out, 'bun-node', 'app.cjs');
  const args = ['build', join(app, 'node.cjs'), '--target=node', '--format=cjs', '--outfile'];
  await runRuntime('Bun', [...args, outfile]);
  assertVerdicts(await resultInNode(outfile));
});

// Deno bundles with esbuild, which it fetches from npm into its cache (10 MB): once per run, into
// out/.deno.
test('deno bundle, browser', async () => {
  const args = ['bundle', '--platform=browser', join(app, 'browser.mjs'), '--output'];
  const denoDir = join(out, '.deno');
  await runRuntime('Deno', [...args, join(out, 'deno-browser', 'app.js')], { denoDir });
  assertVerdicts(await inBrowser('deno-browser', 'app.js'));
});
