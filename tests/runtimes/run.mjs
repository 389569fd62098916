// Runs a script in Node, Deno or Bun (both installed from npm as dev dependencies) and resolves to
// the JSON it prints: shared by tests/js/runtimes.test.mjs and bench/runtimes.mjs.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const require = createRequire(import.meta.url);

/** The runtimes, each as the command and arguments that run `script`. */
const COMMANDS = {
  Node: (script) => [process.execPath, [script]],
  // Deno may read files and reach 127.0.0.1 only; no lockfile (see runScript for its caches).
  Deno: (script) => [
    process.execPath,
    [
      require.resolve('deno/bin.cjs'),
      'run',
      '--no-lock',
      '--allow-read',
      '--allow-net=127.0.0.1',
      script,
    ],
  ],
  Bun: (script) => [require.resolve('bun/bin/bun.exe'), ['--no-install', script]],
};

/** The names runScript takes: 'Node', 'Deno', 'Bun'. */
export const RUNTIMES = Object.keys(COMMANDS);

/**
 * Runs `script` in `runtime` and resolves to the JSON of what it printed. Deno's caches go to a
 * temporary folder, removed after, and it checks for no update (it would go online).
 */
export async function runScript(runtime, script) {
  const [command, args] = COMMANDS[runtime](script);
  const denoDir = await mkdtemp(join(tmpdir(), 'deno-'));
  try {
    const { stdout } = await promisify(execFile)(command, args, {
      env: { ...process.env, DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1' },
      maxBuffer: 1 << 20,
    });
    return JSON.parse(stdout);
  } finally {
    await rm(denoDir, { recursive: true, force: true });
  }
}
