import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledScript } from '../helpers/built.js';
import { POSTGRES_URL, REDIS_URL, uniquePrefix } from '../helpers/store-urls.js';
import { TestBot } from '../helpers/test-bot.js';
import { startReceiver, type Receiver } from './receiver.js';

type Line = { ready?: true; posting?: string[]; swept?: true; delivered?: number };

interface Replica {
  child: ChildProcess;
  lines: Line[];
  /** The batches it posted, as event ids. */
  posted(): string[][];
  until(probe: (lines: Line[]) => boolean): Promise<void>;
}

const children: ChildProcess[] = [];
let receiver: Receiver | undefined;
let bot: TestBot | undefined;
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await receiver?.close();
  await bot?.stop();
  receiver = bot = undefined;
});

function startReplica(env: Record<string, string>): Replica {
  // node itself, not a wrapper: SIGKILL then reaches the replica.
  const child = spawn(process.execPath, [compiledScript('test/audit-stream/stream-replica.ts')], {
    env: { PATH: process.env.PATH ?? '', TAKEOVER_MS: '2000', ...env },
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
    posted: () => lines.flatMap((l) => (l.posting ? [l.posting] : [])),
    until: (probe) =>
      new Promise((found, failed) => {
        const check = () => {
          if (!probe(lines)) return;
          waiting.delete(check);
          found();
        };
        waiting.add(check);
        child.once('exit', (code, signal) => failed(new Error(`the replica exited (${code ?? signal}) before the line came`)));
        check();
      }),
  };
}

const noRepeats = (batches: string[][]) => new Set(batches.flat()).size === batches.flat().length;

describe.each([
  ['Redis', REDIS_URL],
  ['PostgreSQL', POSTGRES_URL],
])('on %s', (_name, storeUrl) => {
  it('a sender killed while it holds the lease, its batch unanswered: the other replica takes over and every event arrives, none twice within a replica’s life', { timeout: 60_000 }, async () => {
    const prefix = uniquePrefix('streamkill');
    bot = await TestBot.start({ storeUrl, prefix });
    for (const p of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6']) await bot.say('admin', `/tenant link @${p} ${p}`);
    receiver = await startReceiver();
    // The second batch is never answered: its sender is killed while waiting for the answer.
    receiver.answer = (r) => (r.n === 2 ? 'hang' : { status: 200 });
    const env = { STORE_URL: storeUrl, STORE_PREFIX: prefix, RECEIVER_URL: receiver.url };

    const a = startReplica(env);
    await a.until((lines) => lines.some((l) => l.ready));
    const b = startReplica(env);
    await b.until((lines) => lines.some((l) => l.ready));
    await receiver.until(() => receiver!.received.length === 2);
    // Entries keep coming while the sender is stuck, then it dies holding the lease.
    for (const p of ['a7', 'a8']) await bot.say('admin', `/tenant link @${p} ${p}`);
    a.child.kill('SIGKILL');

    const ids = (await bot.store.collection<{ id: string }>('audit').getMany(Array.from({ length: 8 }, (_, i) => `audit#${i + 1}`))).map((e) => e!.id);
    await receiver.until(() => new Set(receiver!.takenEvents().map((e) => e.event_id)).size === 8);
    // Two more sweeps of b's own after the last event: it sends nothing again.
    const seen = b.lines.length;
    await b.until((lines) => lines.slice(seen).filter((l) => l.swept).length >= 2);

    expect(a.posted()).toEqual([ids.slice(0, 2), ids.slice(2, 4)]);
    expect(b.posted()).toEqual([ids.slice(2, 4), ids.slice(4, 6), ids.slice(6, 8)]);
    expect(noRepeats(a.posted())).toBe(true);
    expect(noRepeats(b.posted())).toBe(true);
    // What the receiver took, in order: every event once; the batch a died on came again with the same event ids.
    expect(receiver.takenEvents().map((e) => e.event_id)).toEqual(ids);
    expect(receiver.received.map((r) => r.status)).toEqual([200, undefined, 200, 200, 200]);
  });
});
