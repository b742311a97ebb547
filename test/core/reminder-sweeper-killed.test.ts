import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';
import { TestBot } from '../helpers/test-bot.js';
import { redisUrl } from '../helpers/services.js';
import { compiledScript } from '../helpers/built.js';

/** A reminder sweeper process killed (SIGKILL) in the middle of a sweep, and the one that takes over (issue 14). */
const REDIS = redisUrl();
const DAY = 24 * 60 * 60 * 1000;
const START = Date.parse('2026-12-01T09:00:00Z');
const PEOPLE = ['alice', 'bob', 'carol', 'dave'];

type Line = Record<string, string | boolean | number>;

interface Sweeper {
  child: ChildProcess;
  /** Every JSON line it wrote so far. */
  lines: Line[];
  /** Resolves once a line satisfies `probe`; rejects if the process exits first. */
  until(probe: (line: Line, index: number) => boolean): Promise<void>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function startSweeper(env: Record<string, string>): Sweeper {
  // node itself, not a wrapper: SIGKILL then reaches the sweeper.
  const child = spawn(process.execPath, [compiledScript('test/helpers/reminder-sweeper-process.ts')], {
    env: { PATH: process.env.PATH ?? '', STORE_URL: REDIS, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines: Line[] = [];
  const waiting = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(JSON.parse(line) as Line);
    for (const w of [...waiting]) w();
  });
  return {
    child,
    lines,
    until: (probe) =>
      new Promise((found, failed) => {
        const check = () => {
          if (lines.some((l, i) => probe(l, i))) {
            waiting.delete(check);
            found();
          }
        };
        waiting.add(check);
        child.once('exit', (code, signal) => failed(new Error(`the sweeper exited (${code ?? signal}) before the line came`)));
        check();
      }),
  };
}

it('a sweeper killed mid-sweep leaves the rest to the next, which sends every reminder the first had not', { timeout: 60_000 }, async () => {
  const prefix = `remkill${randomBytes(4).toString('hex')}_`;
  // Everyone gets a key on START; 76 days later each key is 14 days from expiry.
  const setup = await TestBot.start({ storeUrl: REDIS, prefix, now: () => START });
  for (const p of PEOPLE) {
    await setup.say('admin', `/tenant link @${p} ${p}`);
    await setup.say(p, '/apikey create');
  }
  await setup.stop();
  const env = { STORE_PREFIX: prefix, NOW: String(START + 76 * DAY), TAKEOVER_MS: '2000' };

  const first = startSweeper({ ...env, HANG_ON: '2' });
  await first.until((l) => l.hanging !== undefined);
  first.child.kill('SIGKILL');
  expect(first.lines.filter((l) => l.dm)).toEqual([{ dm: 'alice' }]);
  expect(first.lines.find((l) => l.hanging)).toEqual({ hanging: 'bob' });

  // The next one waits for the dead one's lease to expire, then sends what was left: bob's too.
  const second = startSweeper(env);
  await second.until((l) => l.dm === 'dave');
  // Two more whole sweeps of its own after the one that reached dave: they send nothing again.
  const daveAt = second.lines.findIndex((l) => l.dm === 'dave');
  await second.until((l, i) => i > daveAt && l.swept === true && second.lines.slice(daveAt + 1, i).filter((s) => s.swept === true).length >= 2);
  const laterSweeps = second.lines.slice(daveAt + 1).filter((l) => l.swept !== undefined);
  expect(laterSweeps.slice(1)).toEqual(laterSweeps.slice(1).map(() => ({ swept: true, sent: 0 })));
  const delivered = [...first.lines, ...second.lines].filter((l) => l.dm).map((l) => l.dm);
  expect(delivered.sort()).toEqual(PEOPLE);
});
