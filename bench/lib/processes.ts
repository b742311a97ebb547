/**
 * Child processes for the benchmarks: servers pinned to their own core, their memory and CPU read
 * from /proc, and a deadline on every wait.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** With two or more cores, servers run on the last one and the load generator on the others. */
export const SERVER_CPU = availableParallelism() >= 2 && hasTaskset() ? availableParallelism() - 1 : undefined;

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Keeps this process (every thread) off the servers' core, so the load generator never competes with them. */
export function pinLoadGenerator(): string {
  if (SERVER_CPU === undefined) return 'not pinned (one core, or no taskset)';
  const others = SERVER_CPU === 1 ? '0' : `0-${SERVER_CPU - 1}`;
  execFileSync('taskset', ['-a', '-p', '-c', others, String(process.pid)], { stdio: 'ignore' });
  return `server on CPU ${SERVER_CPU}, load generator on CPU ${others}`;
}

export interface Spawned {
  child: ChildProcess;
  pid: number;
  /** Ends the process (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts `node …args` (on the server core when `pin`), stdout and stderr to `logFile` unless `pipe`d. */
export function spawnNode(args: string[], opts: { env?: NodeJS.ProcessEnv; pin?: boolean; logFile?: string; pipe?: 'stdout' | 'stderr' }): Spawned {
  const out = opts.logFile ? openSync(opts.logFile, 'a') : 'ignore';
  const cmd = opts.pin && SERVER_CPU !== undefined ? ['taskset', '-c', String(SERVER_CPU), process.execPath, ...args] : [process.execPath, ...args];
  // taskset execs node, so the pid is node's own.
  const child = spawn(cmd[0]!, cmd.slice(1), { env: opts.env ?? process.env, stdio: ['ignore', opts.pipe === 'stdout' ? 'pipe' : out, opts.pipe === 'stderr' ? 'pipe' : out] });
  if (child.pid === undefined) throw new Error(`could not start ${args.join(' ')}`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A loopback port nothing listens on (the tests' helper). */
export { closedPort as freePort } from '../../test/startup/bot-process.js';

/** Polls `url` until it answers 200; rejects at the deadline with what it last saw. */
export async function waitForOk(url: string, timeoutMs = 20_000, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready within ${timeoutMs} ms (${last})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux.

/** Resident memory now and at its peak (MiB), and CPU time used so far (ms), of process `pid`. */
export function procStats(pid: number): { rssMiB: number; peakMiB: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024, cpuMs };
}
