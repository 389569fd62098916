// Private database servers for the many-instances test and bench/receiver.mjs: each in a
// temporary directory on a free loopback port, stopped and removed by `remove()`. Private, not
// the shared ones of scripts/services.sh (whose install step provides the binaries): the test
// restarts its store, which would cut off the store tests that node --test runs alongside. As
// root, PostgreSQL's tools run as the `postgres` user (initdb refuses root).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, chownSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

/** PG_BIN, else Debian's PostgreSQL 15, else the newest installed (as scripts/services.sh). */
function pgBin() {
  if (process.env.PG_BIN !== undefined) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)) : [];
  const version = versions.includes('15') ? '15' : versions.sort((a, b) => b - a)[0];
  return join(root, version ?? '15', 'bin');
}
const PG_BIN = pgBin();

/** A free TCP port on 127.0.0.1. */
async function freePort() {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  return port;
}

/** Resolves once `port` accepts connections. */
async function listening(port) {
  for (;;) {
    const socket = net.connect(port, '127.0.0.1');
    const [event] = await Promise.race([once(socket, 'connect'), once(socket, 'error')]).then(
      () => ['connect'],
      () => ['error'],
    );
    socket.destroy();
    if (event === 'connect') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A private PostgreSQL server in a temporary directory (as `postgres` when run as root). */
export async function startPostgres() {
  if (!existsSync(join(PG_BIN, 'initdb'))) {
    throw new Error(`PostgreSQL is expected in ${PG_BIN} (set PG_BIN)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'vessel-many-'));
  const asRoot = process.getuid?.() === 0;
  const run = (tool, args) =>
    execFileSync(
      asRoot ? 'runuser' : join(PG_BIN, tool),
      asRoot ? ['-u', 'postgres', '--', join(PG_BIN, tool), ...args] : args,
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']));
    chownSync(dir, uid, uid);
  }
  const port = await freePort();
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () =>
    run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', 'start']);
  const stop = () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  return {
    port,
    start,
    stop,
    remove() {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A private redis-server: `port`, `stop()`, `start()` (again, on the same port, with what it had:
 * an append-only file fsynced at every write, as a store that must survive a restart needs; with
 * `durable: false` no persistence, for the bench), `remove()`.
 */
export async function startRedis({ durable = true } = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'vessel-redis-'));
  let server;
  const start = async () => {
    server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''].concat([
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
      ]),
      { stdio: 'ignore' },
    );
    await Promise.race([
      listening(port),
      once(server, 'error').then(([error]) => Promise.reject(error)),
    ]);
  };
  const stop = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    server.kill();
    await once(server, 'exit');
  };
  await start();
  return {
    port,
    start,
    stop,
    async remove() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
