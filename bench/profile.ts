/**
 * Where the bot spends its CPU under Slack load: `node --cpu-prof dist/src/main.js` serving distinct
 * signed `/tenant whoami` and `/apikey list` (100 keys) at 50 connections, then its self time per
 * function and per module (npm package, bot file, Node internals) as shares of busy time. The
 * .cpuprofile stays on disk for Chrome DevTools or speedscope.
 *   npm run build && npx tsx bench/profile.ts      (BENCH_PROFILE_SECONDS=10 per command,
 *   BENCH_PROFILE_COMMANDS='/tenant whoami,/apikey list')
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BENCH_USER, startBot, startFakeSlackProcess } from './lib/bot.js';
import { summarize } from './lib/cpu-profile.js';
import { load } from './lib/load.js';
import { pinLoadGenerator } from './lib/processes.js';
import { fmt, printTable } from './lib/stats.js';

const SECONDS = Number(process.env.BENCH_PROFILE_SECONDS ?? 10);
/** Which commands, in turn, comma-separated. */
const LINES = (process.env.BENCH_PROFILE_COMMANDS ?? '/tenant whoami,/apikey list').split(',');
const TOP = 25;

console.log(`Profile: ${pinLoadGenerator()}`);
const dir = mkdtempSync(join(tmpdir(), 'chatops-bench-profile-'));
const fake = await startFakeSlackProcess(join(dir, 'fake-slack.log'));
let sent = 0;
try {
  const bot = await startBot(fake.url, { logFile: join(dir, 'bot.log'), nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
  try {
    const seeded = await load(bot.url, { ...BENCH_USER, line: '/apikey create' }, fake.url, { connections: 4, amount: 100 });
    sent += seeded.acked;
    await fake.answeredInAck(seeded.inAck.ids);
    for (const line of LINES) {
      const s = await load(bot.url, { ...BENCH_USER, line }, fake.url, { connections: 50, durationS: SECONDS });
      sent += s.acked;
      await fake.answeredInAck(s.inAck.ids);
    }
    // Every answer in (in the ack or at the response_url) before the profile ends.
    for (let c = await fake.count(); c.answered < sent; c = await fake.count()) await new Promise((r) => setTimeout(r, 20));
  } finally {
    // SIGTERM: the bot shuts down and exits, and V8 writes the profile.
    await bot.stop();
  }
} finally {
  await fake.stop();
}

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no .cpuprofile in ${dir}`);
const { busyMs, idleMs, byFunction, byModule } = summarize(join(dir, file), resolve('.'));
console.log(`${sent} commands; busy ${fmt(busyMs / 1000)} s, idle ${fmt(idleMs / 1000)} s; profile: ${join(dir, file)}`);
printTable(`Self time by module (top ${TOP})`, ['module', 'ms', '% of busy'], byModule.slice(0, TOP).map((m) => [m.name, m.ms, m.share * 100]));
printTable(`Self time by function (top ${TOP})`, ['function', 'ms', '% of busy'], byFunction.slice(0, TOP).map((m) => [m.name, m.ms, m.share * 100]));
