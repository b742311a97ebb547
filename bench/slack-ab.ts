/**
 * Two or more builds of the bot side by side against a bare Bolt app, in steady state: every target
 * is loaded in turn with distinct signed slash commands for 1.5 s slices, BENCH_AB_ROUNDS times, and
 * the first two rounds (the JIT warming up) are not counted. For a change's before and after:
 *   git worktree add /tmp/before <rev> && (cd /tmp/before && npm ci && npm run build)
 *   npm run build && BENCH_AB='before=/tmp/before/dist/src/main.js,after=dist/src/main.js' npx tsx bench/slack-ab.ts
 * Knobs: BENCH_AB_LINE ('/tenant whoami'; '/apikey list' seeds 100 keys first), BENCH_AB_CONNECTIONS
 * (50), BENCH_AB_ROUNDS (6). Prints req/s, CPU per request (the server process's, from /proc) and
 * p99, each against Bolt's; asserts nothing (it stops if a bot loses or repeats answers).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BENCH_USER, startBareTarget, startBot, startFakeSlackProcess, type Server } from './lib/bot.js';
import { load } from './lib/load.js';
import { pinLoadGenerator, procStats } from './lib/processes.js';
import { fmt, percentile, printTable } from './lib/stats.js';

const builds = (process.env.BENCH_AB ?? `this=${resolve('dist/src/main.js')}`).split(',').map((pair) => {
  const [name, mainJs] = pair.split('=');
  if (!name || !mainJs) throw new Error(`BENCH_AB: "${pair}" is not name=path/to/main.js`);
  return { name, mainJs: resolve(mainJs) };
});
const LINE = process.env.BENCH_AB_LINE ?? '/tenant whoami';
const CONNECTIONS = Number(process.env.BENCH_AB_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 6);
const WARM_ROUNDS = 2;
const SLICE_S = 1.5;

console.log(`Slack A/B: ${pinLoadGenerator()}; ${LINE} at ${CONNECTIONS} connections, ${ROUNDS - WARM_ROUNDS} counted rounds of ${SLICE_S} s after ${WARM_ROUNDS} warm-up rounds`);
const dir = mkdtempSync(join(tmpdir(), 'chatops-bench-ab-'));
const fake = await startFakeSlackProcess(join(dir, 'fake-slack.log'));
const servers: Server[] = [await startBareTarget('bare Bolt', fake.url, join(dir, 'bolt.log'))];
try {
  for (const b of builds) servers.push(await startBot(fake.url, { logFile: join(dir, `${b.name}.log`), mainJs: b.mainJs, name: b.name }));
  const bots = servers.slice(1);
  if (LINE.startsWith('/apikey list')) {
    for (const bot of bots) {
      const seeded = await load(bot.url, { ...BENCH_USER, line: '/apikey create' }, fake.url, { connections: 4, amount: 100 });
      await fake.answeredInAck(seeded.inAck.ids);
    }
  }
  const totals = new Map(servers.map((s) => [s.name, { requests: 0, cpuMs: 0, latencies: [] as number[] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of servers) {
      const cpu0 = procStats(s.pid).cpuMs;
      const slice = await load(s.url, { ...BENCH_USER, line: LINE }, fake.url, { connections: CONNECTIONS, durationS: SLICE_S });
      const cpuMs = procStats(s.pid).cpuMs - cpu0;
      // A bot's request counts once it is answered; every one of them is, in its ack (checked by the fake).
      if (s !== servers[0]) await fake.answeredInAck(slice.inAck.ids);
      if (round < WARM_ROUNDS) continue;
      const t = totals.get(s.name)!;
      t.requests += slice.acked;
      t.cpuMs += cpuMs;
      t.latencies.push(...slice.latencies);
    }
  }
  for (const t of totals.values()) t.latencies.sort((a, b) => a - b);
  const bolt = totals.get('bare Bolt')!;
  const boltP99 = percentile(bolt.latencies, 99);
  printTable(
    `${LINE}, ${CONNECTIONS} connections, steady state`,
    ['target', 'requests', 'CPU ms/req', 'p99 ms', 'req vs Bolt', 'p99 vs Bolt'],
    [...totals].map(([name, t]) => [name, t.requests, t.cpuMs / t.requests, percentile(t.latencies, 99), `${fmt(t.requests / bolt.requests)}×`, `${fmt(percentile(t.latencies, 99) / boltP99)}×`]),
  );
} finally {
  for (const s of servers) await s.stop();
  await fake.stop();
}
