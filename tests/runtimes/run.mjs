// Runs a script in Node, Deno or Bun (both installed from npm as dev dependencies) and resolves to
// the JSON it prints: shared by tests/js/runtimes.test.mjs and bench/runtimes.mjs; and Deno's and
// Bun's other commands (their bundlers, for tests/bundlers).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

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
 * to what it printed; rejects if it fails or runs longer than `timeout` ms (it is then killed,
 * with what it started: Deno's npm launcher starts the binary as a child). Deno's caches go to
 * `denoDir`, else to a temporary folder, removed after, and it checks for no update (it would go
 * online).
 */
export async function runRuntime(runtime, args, { denoDir, timeout = 300_000 } = {}) {
  const [command, launch] = LAUNCH[runtime];
  const cache = denoDir ?? (await mkdtemp(join(tmpdir(), 'deno-')));
  const running = promisify(execFile)(command, [...launch, ...args], {
    env: { ...process.env, DENO_DIR: cache, DENO_NO_UPDATE_CHECK: '1' },
    maxBuffer: 1 << 20,
    detached: true,
  });
  const timer = setTimeout(() => process.kill(-running.child.pid, 'SIGKILL'), timeout);
  try {
    return (await running).stdout;
  } finally {
    clearTimeout(timer);
    if (denoDir === undefined) await rm(cache, { recursive: true, force: true });
  }
}

/** Runs `script` in `runtime` and resolves to the JSON of what it printed. */
export async function runScript(runtime, script) {
  return JSON.parse(await runRuntime(runtime, [...RUN[runtime], script]));
}
