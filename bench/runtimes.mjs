// Node, Deno, Bun and Chromium, run by `npm run bench`: bench/runtime.mjs in each (Deno and Bun
// from npm, as the test command runs them; Chromium headless, the script bundled by esbuild for
// the browser as a user's bundler would), the package against the seed in the same process.
// Prints the µs and the ratios (seed ÷ package: higher is faster). Also runs alone: `node
// bench/runtimes.mjs` in target/js-app (after scripts/install-app.sh).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { launchChromium, resultInBrowser, serveStatic } from '../tests/bundlers/harness.mjs';
import { RUNTIMES, runScript } from '../tests/runtimes/run.mjs';

const script = fileURLToPath(new URL('./runtime.mjs', import.meta.url));

/** The package's calls, each against the seed's call it replaces. */
const PAIRS = [
  ['constructEvent', 'seed'],
  ['constructEvent(bytes)', 'seed'],
  ['verify(string)', 'seed'],
  ['verifyRequest', 'seed Request flow'],
];

/** runtime.mjs in headless Chromium, bundled for the browser into `dir`. */
async function inChromium(dir) {
  await build({
    entryPoints: [script],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile: join(dir, 'runtime.js'),
    logLevel: 'warning',
  });
  await writeFile(join(dir, 'index.html'), '<script type="module" src="runtime.js"></script>');
  const site = await serveStatic(dir);
  const browser = await launchChromium();
  try {
    return await resultInBrowser(browser, `${site.origin}/`, 600_000);
  } finally {
    await browser.close();
    await site.close();
  }
}

/** Runs runtime.mjs in each runtime; resolves to { [runtime]: { [size]: { [name]: µs } } }. */
export async function measureRuntimes() {
  const site = await mkdtemp(join(tmpdir(), 'bench-browser-'));
  try {
    const results = {};
    for (const runtime of RUNTIMES) results[runtime] = await runScript(runtime, script);
    results['Chromium (the seed with crypto.subtle.digest)'] = await inChromium(site);
    for (const [runtime, sizes] of Object.entries(results)) {
      console.log(
        `${runtime}: seed ÷ package (µs per call, best of 11 turns); constructEvent of a string`,
      );
      const rows = {};
      for (const [package_, seed] of PAIRS) {
        rows[`${package_} vs ${seed}`] = Object.fromEntries(
          Object.entries(sizes).map(([size, us]) => [
            size,
            `${(us[seed] / us[package_]).toFixed(2)} (${us[package_].toFixed(1)} vs ${us[seed].toFixed(1)})`,
          ]),
        );
      }
      console.table(rows);
    }
    return results;
  } finally {
    await rm(site, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await measureRuntimes();
