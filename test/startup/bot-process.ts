import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { built } from '../helpers/built.js';

/** The bot as an operator runs it (`npm start`: `node dist/src/main.js`) in its own folder, no stdin, stderr kept. */
export interface BotProcess {
  readonly child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** The exit code (or signal) once it exits and its output is complete ('close', not 'exit'), and how long after the spawn. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
  /** Resolves with the first stderr line that matches, or rejects when the process exits first. */
  line(pattern: RegExp): Promise<string>;
  /** Kills it if it still runs and removes its folder. */
  cleanUp(): Promise<void>;
}

const running = new Set<BotProcess>();

/** RATE_LIMITS with every limit off. */
export const NO_RATE_LIMITS = 'apikey.create=off,apikey.extend=off,apikey.delete=off,quota.request=off,quota.set=off';

/** Another user than the test runner's (root ignores file permissions; a non-root process does not). */
export interface RunAs {
  uid: number;
  gid: number;
}

export function spawnBot(env: Record<string, string>, runAs?: RunAs): BotProcess {
  const dir = mkdtempSync(join(tmpdir(), 'chatops-startup-'));
  if (runAs) chmodSync(dir, 0o755);
  const startedAt = Date.now();
  // Only what the test gives, plus PATH: no .env and no variable from the test runner leaks in.
  // Compiled, as npm start runs it: no compiling on a loaded machine, and a signal reaches the bot itself.
  const child = spawn(process.execPath, [built('src/main.js')], {
    cwd: dir,
    // RATE_LIMITS lifted: these tests run many commands per member; test/core/rate-limit.test.ts tests the limits.
    env: { PATH: process.env.PATH ?? '', STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`, RATE_LIMITS: NO_RATE_LIMITS, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(runAs ?? {}),
  });
  let stderr = '';
  const waiting: (() => void)[] = [];
  child.stderr!.on('data', (chunk) => {
    stderr += String(chunk);
    for (const w of [...waiting]) w();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>((done) => {
    child.once('close', (code, signal) => {
      done({ code, signal, afterMs: Date.now() - startedAt });
      for (const w of [...waiting]) w();
    });
  });
  const bot: BotProcess = {
    child,
    stderr: () => stderr,
    exited,
    line(pattern) {
      return new Promise((found, failed) => {
        const check = () => {
          const line = stderr.split('\n').find((l) => pattern.test(l));
          if (line !== undefined) found(line);
          else if (child.exitCode !== null || child.signalCode !== null) failed(new Error(`the bot exited before logging ${pattern}:\n${stderr}`));
          else return;
          waiting.splice(waiting.indexOf(check), 1);
        };
        waiting.push(check);
        check();
      });
    },
    async cleanUp() {
      running.delete(bot);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(bot);
  return bot;
}

/** Every bot spawned so far and not yet cleaned up; for afterEach. */
export async function cleanUpBots(): Promise<void> {
  await Promise.all([...running].map((b) => b.cleanUp()));
}

/** A loopback port nothing listens on: bound, read, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** A loopback server that accepts connections and never says a word, as a hung host does. */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => void sockets.add(socket));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** The generous bound of the brief: a failed start must end well before an operator gives up. */
export const START_DEADLINE_MS = 15_000;
