/**
 * Issue 12, target 3: resident memory of the bot (`node dist/src/main.js`, the Slack adapter over
 * HTTP) against a bare Bolt app, at start, after 10,000 and after 50,000 distinct signed slash
 * commands (`/tenant whoami` and `/apikey list` in turns, 50 connections), and at its peak. The
 * bot's figures are taken once the fake Slack has every answer. A benchmark: it prints numbers and
 * asserts nothing.
 *   npm run build && npx tsx bench/memory.ts      (BENCH_MEMORY_COMMANDS=10000,50000)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BENCH_USER, startBareTarget, startBot, startFakeSlackProcess, type FakeSlackProcess, type Server } from './lib/bot.js';
import { load } from './lib/load.js';
import { pinLoadGenerator, procStats } from './lib/processes.js';
import { report } from './lib/results.js';
import { fmt, printTable, ratio } from './lib/stats.js';

const STEPS = (process.env.BENCH_MEMORY_COMMANDS ?? '10000,50000').split(',').map(Number);
const CHUNK = 5_000;
const CAP_S = Number(process.env.BENCH_MEMORY_SECONDS ?? 50);
const COMMANDS = ['/tenant whoami', '/apikey list'].map((line) => ({ ...BENCH_USER, line }));

async function answered(fake: FakeSlackProcess, expected: number, timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const c = await fake.count();
    if (c.answered >= expected) return;
    if (performance.now() > deadline) throw new Error(`the bot answered ${c.answered} of ${expected} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * RSS at start and after each step, then the peak. Commands go in chunks; for the bot, a chunk ends
 * when every answer is in. Past `capS` seconds no new chunk starts, and the steps not reached stay empty.
 */
async function measure(server: Server, fake: FakeSlackProcess | undefined, capS: number) {
  const rss: (number | string)[] = [procStats(server.pid).rssMiB];
  const start = performance.now();
  let sent = 0;
  let acked = 0;
  const failures: Record<string, number> = {};
  for (const step of STEPS) {
    while (sent < step && (performance.now() - start) / 1000 < capS) {
      const amount = Math.min(CHUNK, step - sent);
      const s = await load(server.url, COMMANDS, fake?.url ?? 'http://127.0.0.1:9', { connections: 50, amount });
      sent += amount;
      acked += s.acked;
      for (const [what, n] of Object.entries(s.failures)) failures[what] = (failures[what] ?? 0) + n;
      if (fake) {
        await fake.answeredInAck(s.inAck.ids);
        await answered(fake, acked);
      }
    }
    rss.push(sent >= step ? procStats(server.pid).rssMiB : '-');
  }
  const seconds = (performance.now() - start) / 1000;
  return { rss, sent, failures, peak: procStats(server.pid).peakMiB, seconds };
}

console.log(`Memory: ${pinLoadGenerator()}`);
const logs = mkdtempSync(join(tmpdir(), 'chatops-bench-memory-'));
const fake = await startFakeSlackProcess(join(logs, 'fake-slack.log'));
try {
  const bolt = await startBareTarget('bare Bolt', fake.url, join(logs, 'bare-bolt.log'));
  const b = await measure(bolt, undefined, CAP_S).finally(() => bolt.stop());
  const bot = await startBot(fake.url, { logFile: join(logs, 'bot.log') });
  // The same 100 keys as the throughput bench, so /apikey list answers 100 rows.
  const seeded = await load(bot.url, { ...BENCH_USER, line: '/apikey create' }, fake.url, { connections: 4, amount: 100 });
  await fake.answeredInAck(seeded.inAck.ids);
  await answered(fake, seeded.acked);
  const base = await fake.count();
  const m = await measure(bot, {
    ...fake,
    // Counts from here on only.
    count: async () => {
      const c = await fake.count();
      return { ...c, answered: c.answered - base.answered };
    },
  }, CAP_S).finally(() => bot.stop());

  const n = (x: number) => x.toLocaleString('en');
  const header = ['target', 'RSS at start MiB', ...STEPS.map((s) => `after ${n(s)} MiB`), 'peak MiB', 'commands', 'seconds'];
  printTable(`RSS under distinct slash commands (50 connections, at most ${CAP_S} s per target)`, header, [
    ['bare Bolt', ...b.rss, b.peak, n(b.sent), b.seconds],
    ['bot', ...m.rss, m.peak, n(m.sent), m.seconds],
  ]);
  const at = (r: (number | string)[], i: number) => (typeof r[i] === 'number' ? (r[i] as number) : NaN);
  report('memory.first step.bot/bolt', at(m.rss, 1) / at(b.rss, 1));
  report('memory.growth MiB', at(m.rss, STEPS.length) - at(m.rss, 1));
  console.log(`bot/bolt after ${n(STEPS[0]!)}: ${ratio(at(m.rss, 1), at(b.rss, 1))}; bot growth ${n(STEPS[0]!)} → ${n(STEPS.at(-1)!)}: ${fmt(at(m.rss, STEPS.length) - at(m.rss, 1))} MiB`);
  for (const [who, r] of [['bare Bolt', b], ['bot', m]] as const) {
    if (Object.keys(r.failures).length) console.log(`${who}: requests that failed: ${JSON.stringify(r.failures)}`);
  }
  if (m.sent < STEPS.at(-1)!) console.log(`the bot got through ${n(m.sent)} commands in ${CAP_S} s; BENCH_MEMORY_SECONDS=600 lets it finish`);
} finally {
  await fake.stop();
}
