// Runs a Worker as Cloudflare does: bundled by `wrangler deploy --dry-run` (its esbuild picks the
// package's "workerd" export and keeps the .wasm a module of its own), then served by workerd
// through miniflare. Shared by tests/js/workerd.test.mjs and bench/workerd.mjs.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';

const compatibilityDate = '2026-04-01';

/**
 * Bundles `main` with wrangler into a temporary folder and starts it in workerd, with a KV
 * namespace per entry of `kv` ({ BINDING: { key: value } }), a Durable Object namespace per
 * entry of `durableObjects` ({ BINDING: 'ClassName' }, classes exported by `main`) and the
 * compatibility flags `flags` (e.g. ['nodejs_compat']). Returns the bundle's folder, the
 * Miniflare instance, and `dispose()`.
 */
export async function startWorker(main, { kv = {}, flags = [], durableObjects = {} } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'vessel-worker-'));
  try {
    const config = {
      name: 'vessel-webhooks-worker',
      main: resolve(main),
      compatibility_date: compatibilityDate,
      compatibility_flags: flags,
      kv_namespaces: Object.keys(kv).map((binding, i) => ({
        binding,
        id: String(i).padStart(32, '0'),
      })),
      durable_objects: {
        bindings: Object.entries(durableObjects).map(([name, class_name]) => ({
          name,
          class_name,
        })),
      },
      migrations: [{ tag: 'v1', new_sqlite_classes: Object.values(durableObjects) }],
    };
    await writeFile(join(dir, 'wrangler.json'), JSON.stringify(config));
    const wrangler = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');
    const args = ['deploy', '--dry-run', '--outdir', join(dir, 'out'), '--config', 'wrangler.json'];
    // HOME and XDG_CONFIG_HOME keep wrangler's state in the temporary folder.
    const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir, WRANGLER_SEND_METRICS: 'false' };
    await promisify(execFile)(process.execPath, [wrangler, ...args], { cwd: dir, env });

    const mf = new Miniflare({
      modules: true,
      // wrangler names the bundle after `main`, with .js.
      scriptPath: join(dir, 'out', basename(main).replace(/\.[cm]?js$/, '.js')),
      modulesRoot: join(dir, 'out'),
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
      compatibilityDate,
      compatibilityFlags: flags,
      kvNamespaces: Object.keys(kv),
      durableObjects,
    });
    for (const [binding, entries] of Object.entries(kv)) {
      const namespace = await mf.getKVNamespace(binding);
      for (const [key, value] of Object.entries(entries)) await namespace.put(key, value);
    }
    const outDir = join(dir, 'out');
    const dispose = async () => {
      try {
        await mf.dispose();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    };
    return { mf, outDir, dispose };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
