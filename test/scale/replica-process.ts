import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * One replica as deploy/ runs it: `node --import tsx src/main.ts` (the Dockerfile's CMD, the systemd
 * unit's ExecStart), in a folder of its own. Not the `tsx` command: that is a second process that
 * relays SIGTERM and, if the bot has not confirmed within 30 ms (a loaded machine), kills it with
 * SIGKILL and exits 143, so a graceful stop would be a coin toss.
 */
export interface ReplicaProcess {
  readonly child: ChildProcess;
  stderr(): string;
  /** How it ended, once its output is complete too ('close', not 'exit'). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The first stderr line matching `pattern`; rejects with the whole stderr if it ends first. */
  line(pattern: RegExp): Promise<string>;
  cleanUp(): Promise<void>;
}

export function spawnReplica(env: Record<string, string>): ReplicaProcess {
  const dir = mkdtempSync(join(tmpdir(), 'chatops-replica-'));
  // Only what the test gives, plus PATH: no .env and no variable of the test runner leaks in.
  // `--import tsx` as deploy/ writes it, resolved from the project (the replica's own folder has no node_modules).
  const tsx = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', tsx, resolve('src/main.ts')], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const changed: (() => void)[] = [];
  child.stderr!.on('data', (chunk) => {
    stderr += String(chunk);
    for (const f of [...changed]) f();
  });
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('close', (code, signal) => {
      ended = true;
      done({ code, signal });
      for (const f of [...changed]) f();
    });
  });
  return {
    child,
    stderr: () => stderr,
    exited,
    line(pattern) {
      return new Promise((found, failed) => {
        const check = () => {
          const line = stderr.split('\n').find((l) => pattern.test(l));
          if (line !== undefined) found(line);
          else if (ended) failed(new Error(`the replica exited before logging ${pattern}:\n${stderr}`));
          else return;
          changed.splice(changed.indexOf(check), 1);
        };
        changed.push(check);
        check();
      });
    },
    async cleanUp() {
      if (!ended) {
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
