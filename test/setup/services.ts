/**
 * vitest globalSetup: the services the tests need, started for this run only. Its own redis-server
 * and PostgreSQL on free loopback ports with their data in a temporary folder (never whatever
 * listens on 6379/5432), and the path of nginx (each scale test starts its own on a free port).
 * Tests read them with `inject('services')` (test/helpers/services.ts); a missing binary is not an
 * error here, only in the tests that need it, which then fail with one line naming what to install.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

/** Where a service is, or why it is not there (one line, naming the package to install). */
export type ServiceAt = { url: string } | { missing: string };

export interface TestServices {
  redis: ServiceAt;
  postgres: ServiceAt;
  /** nginx's binary (`url` is its path), found the way Debian installs it. */
  nginx: ServiceAt;
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: TestServices;
  }
}

/** How long a service may take to answer after its start: generous, a loaded machine starts slowly, and it is no test. */
const START_DEADLINE_MS = 60_000;

/** A port nobody listens on right now (the kernel's pick on 127.0.0.1). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

const firstExisting = (paths: string[]) => paths.find((p) => existsSync(p));

/** Resolves once 127.0.0.1:`port` accepts a connection; rejects if `child` exits first or the deadline passes. */
async function listening(child: ChildProcess, port: number, what: string, output: () => string): Promise<void> {
  const deadline = Date.now() + START_DEADLINE_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited at start (${child.exitCode ?? child.signalCode}): ${output()}`);
    const accepted = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), done(true)));
      socket.once('error', () => done(false));
    });
    if (accepted) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on 127.0.0.1:${port}: ${output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Started {
  at: ServiceAt;
  stop(): Promise<void>;
  /** The server's process and folder, for the watchdog: what to end (and with which signal) if the run is killed. */
  process?: { pid: number; signal: 'INT' | 'TERM'; dir: string };
}

const nothingToStop = async () => undefined;

/** Ends `child` with `signal` (SIGKILL after 10 s) and waits for it. */
async function ended(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = once(child, 'exit');
  child.kill(signal);
  const late = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exit;
  clearTimeout(late);
}

async function startRedis(): Promise<Started> {
  const binary = firstExisting(['/usr/bin/redis-server', '/usr/local/bin/redis-server']);
  if (!binary) return { at: { missing: 'redis-server is not installed: apt-get install redis-server' }, stop: nothingToStop };
  const dir = mkdtempSync(join(tmpdir(), 'chatops-test-redis-'));
  const port = await freePort();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', ''], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c) => (output += String(c)));
  child.stderr!.on('data', (c) => (output += String(c)));
  const stop = async () => {
    await ended(child, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await listening(child, port, 'redis-server', () => output.slice(-2_000));
  } catch (err) {
    await stop();
    return { at: { missing: (err as Error).message.split('\n')[0]! }, stop: nothingToStop };
  }
  return { at: { url: `redis://127.0.0.1:${port}` }, stop, process: { pid: child.pid!, signal: 'TERM', dir } };
}

/** The uid/gid PostgreSQL runs as: itself, unless that is root (initdb and postgres refuse root). */
function postgresOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${name}:`));
    const [, , uid, gid] = line?.split(':') ?? [];
    if (uid && gid) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** Where PostgreSQL's files go: memory (/dev/shm) where there is one, a throwaway cluster's writes never need a disk. */
const pgRoot = (): string => (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());

/** A PostgreSQL server on `data` and a free loopback port, its socket in `socketDir`; stopped by `stop`. */
async function runPostgres(bin: string, data: string, socketDir: string, as: { uid?: number; gid?: number }) {
  const port = await freePort();
  const settings = { listen_addresses: '127.0.0.1', port: String(port), unix_socket_directories: socketDir, fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '200' };
  const child = spawn(join(bin, 'postgres'), ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])], {
    ...as,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (c) => (output += String(c)));
  // SIGINT: PostgreSQL's fast shutdown (clients disconnected, no waiting for them).
  const stop = () => ended(child, 'SIGINT');
  try {
    await listening(child, port, 'postgres', () => output.slice(-2_000));
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, stop, pid: child.pid! };
}

/**
 * A stopped cluster with the `test` database (trust auth, superuser postgres), made once per machine
 * and PostgreSQL version: initdb is most of a start's cost, a copy of its result a small part.
 * Made aside and renamed into place, so that two runs starting at once never see half of one.
 */
async function postgresTemplate(bin: string, version: string, owner: { uid: number; gid: number } | undefined): Promise<string> {
  const as = owner ?? {};
  const template = join(pgRoot(), `twcc-chatops-test-pgdata-${version}-${owner?.uid ?? process.getuid?.() ?? 'any'}`);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  const dir = mkdtempSync(join(pgRoot(), 'twcc-chatops-test-pgdata-making-'));
  try {
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const data = join(dir, 'data');
    const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], { ...as, encoding: 'utf8' });
    if (init.status !== 0) {
      const why = `${init.stderr ?? ''}${init.error?.message ?? ''}`.trim().split('\n').pop();
      throw new Error(`initdb failed (${why}): PostgreSQL's server comes with apt-get install postgresql`);
    }
    const server = await runPostgres(bin, data, dir, as);
    // The database the tests use, as on the machine CI used to borrow.
    const created = spawnSync(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(server.port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', 'CREATE DATABASE test'], {
      encoding: 'utf8',
      timeout: START_DEADLINE_MS,
    });
    await server.stop();
    if (created.status !== 0) throw new Error(`CREATE DATABASE test failed: ${created.stderr}`);
    try {
      renameSync(data, template);
    } catch {
      // Another run made it meanwhile: theirs is as good.
    }
    return template;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startPostgres(): Promise<Started> {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  const version = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!version) return { at: { missing: 'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql' }, stop: nothingToStop };
  const bin = join(root, version, 'bin');
  const owner = postgresOwner();
  const dir = mkdtempSync(join(pgRoot(), 'chatops-test-postgres-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  try {
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const data = join(dir, 'data');
    // This run's own copy (owner and modes kept: PostgreSQL insists on both).
    const copied = spawnSync('cp', ['-a', await postgresTemplate(bin, version, owner), data], { encoding: 'utf8' });
    if (copied.status !== 0) throw new Error(`could not copy the PostgreSQL template: ${copied.stderr}`);
    const server = await runPostgres(bin, data, dir, owner ?? {});
    return {
      at: { url: `postgres://postgres@127.0.0.1:${server.port}/test` },
      stop: async () => {
        await server.stop();
        removeDir();
      },
      process: { pid: server.pid, signal: 'INT', dir },
    };
  } catch (err) {
    removeDir();
    return { at: { missing: (err as Error).message.split('\n')[0]! }, stop: nothingToStop };
  }
}

function findNginx(): ServiceAt {
  const binary = firstExisting(['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx']);
  return binary ? { url: binary } : { missing: 'nginx is not installed: apt-get install nginx (.ci/run does it)' };
}

/**
 * A run killed before its teardown (SIGKILL, a CI timeout) would leave its servers running: a
 * detached shell waits for this process to be gone, then ends them by pid and removes their folders.
 */
function watchdog(started: Started[]): ChildProcess {
  const cleanup = started.flatMap((s) => (s.process ? [`kill -${s.process.signal} ${s.process.pid}; sleep 1; rm -rf '${s.process.dir}'`] : []));
  const child = spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 2; done; ${cleanup.join('; ') || 'true'}`], { detached: true, stdio: 'ignore' });
  child.unref();
  return child;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Together: PostgreSQL is most of the wait (initdb on a machine's first run, a copy after), Redis starts meanwhile.
  const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  const guard = watchdog([redis, postgres]);
  project.provide('services', { redis: redis.at, postgres: postgres.at, nginx: findNginx() });
  return async () => {
    guard.kill();
    await Promise.all([redis.stop(), postgres.stop()]);
  };
}
