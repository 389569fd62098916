// Runs a script in Node, Deno or Bun (both installed from npm as dev dependencies) and resolves to
// the JSON it prints: shared by tests/js/runtimes.test.mjs and bench/runtimes.mjs; and Deno's and
// Bun's other commands (their bundlers, for tests/bundlers).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** How each runtime is started: its executable and the arguments before a command's own. */
const LAUNCH = {
  Node: [process.execPath, []],
  Deno: [process.execPath, [require.resolve('deno/bin.cjs')]],
  Bun: [require.resolve('bun/bin/bun.exe'), []],
};

/**
 * What runs a script: Deno may read files and reach 127.0.0.1 only, with no lockfile; Bun
 * installs nothing.
 */
const RUN = {
  Node: [],
  Deno: ['run', '--no-lock', '--allow-read', '--allow-net=127.0.0.1'],
  Bun: ['--no-install'],
};

/** The names runScript takes: 'Node', 'Deno', 'Bun'. */
export const RUNTIMES = Object.keys(LAUNCH);

/**
 * Runs `runtime` with `args` (after its launch arguments: `['bundle', …]` for Deno) and resolves
 * to what it printed; rejects if it fails, prints over 1 MiB or runs longer than `timeout` ms. It
 * runs in a process group of its own (Deno's npm launcher starts the binary as a child), which is
 * killed once it ends, on a timeout, and when this process exits. Deno's caches go to `denoDir`,
 * else to a temporary folder, removed after, and it checks for no update (it would go online).
 */
export async function runRuntime(runtime, args, { denoDir, timeout = 300_000 } = {}) {
  const [command, launch] = LAUNCH[runtime];
  const cache = denoDir ?? (await mkdtemp(join(tmpdir(), 'deno-')));
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(command, [...launch, ...args], {
        env: { ...process.env, DENO_DIR: cache, DENO_NO_UPDATE_CHECK: '1' },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const killGroup = () => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // ESRCH: the group has ended.
        }
      };
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (data) => {
        stdout += data;
        if (stdout.length > 1 << 20) killGroup();
      });
      child.stderr.on('data', (data) => (stderr += data));
      const timer = setTimeout(killGroup, timeout);
      process.once('exit', killGroup);
      child.once('error', reject);
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        process.off('exit', killGroup);
        killGroup();
        if (code === 0) resolve(stdout);
        else
          reject(new Error(`${runtime} ${args.join(' ')}: ${signal ?? `exit ${code}`}\n${stderr}`));
      });
    });
  } finally {
    if (denoDir === undefined) await rm(cache, { recursive: true, force: true });
  }
}

/** Runs `script` in `runtime` and resolves to the JSON of what it printed. */
export async function runScript(runtime, script) {
  return JSON.parse(await runRuntime(runtime, [...RUN[runtime], script]));
}
