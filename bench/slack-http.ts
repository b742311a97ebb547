/**
 * Issues 12 and 19: the Slack path over HTTP, in one run, in interleaved 1-second slices, every
 * request a distinct signed slash command with its own trigger_id, against
 *   - a bare node:http server that reads the body and answers 200 (the bare floor),
 *   - a bare Bolt app that only acknowledges (the framework floor),
 *   - the Chat SDK peer (bench/targets/chat-sdk.ts): the same whoami and list on Vercel's Chat SDK,
 *     answering with chat.postEphemeral after an empty ack, as a team would write it.
 * The bot is `node dist/src/main.js` on the embedded registry and a SQLite file, with the fake Slack
 * in its own process counting one answer per request. A benchmark: it prints numbers and asserts
 * nothing (it stops with an error if the bot or the peer loses, repeats or garbles answers).
 *   npm run build && npx tsx bench/slack-http.ts      (BENCH_ROUNDS=4 slices per target;
 *   BENCH_SLACK_ACK_ANSWER_MS=0: the bot answers every command through response_url)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BENCH_USER, startBareTarget, startBot, startFakeSlackProcess, type FakeSlackProcess, type Server } from './lib/bot.js';
import { load } from './lib/load.js';
import { pinLoadGenerator, procStats } from './lib/processes.js';
import { report } from './lib/results.js';
import { fmt, percentile, printTable, ratio } from './lib/stats.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const SLICE_S = 1;
const CONNECTIONS = [50, 1];
const KEYS = 100;
const COMMANDS = { whoami: '/tenant whoami', list: '/apikey list' } as const;
type CommandName = keyof typeof COMMANDS;

interface Totals {
  acked: number;
  failed: number;
  wallMs: number;
  cpuMs: number;
  latencies: number[];
  answerMs: number[];
}
const totals = new Map<string, Totals>();
const totalsFor = (key: string): Totals => {
  let t = totals.get(key);
  if (!t) totals.set(key, (t = { acked: 0, failed: 0, wallMs: 0, cpuMs: 0, latencies: [], answerMs: [] }));
  return t;
};

/** Waits until the fake Slack has `expected` answers tagged `tag`; returns them with the wait (ms). */
async function answersFor(fake: FakeSlackProcess, tag: string, expected: number, timeoutMs = 60_000) {
  const start = performance.now();
  const answerMs: number[] = [];
  for (;;) {
    const c = await fake.count();
    answerMs.push(...c.answerMs);
    const mine = c.byTag[tag] ?? { answered: 0, last: '' };
    if (mine.answered >= expected) return { ...c, ...mine, answerMs, waitedMs: performance.now() - start };
    if (performance.now() - start > timeoutMs) throw new Error(`the bot answered ${mine.answered} of ${expected} requests within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits until the fake Slack has `expected` chat.postEphemeral calls past `base` (the peer's answers); returns the wait (ms) and the last text. */
async function ephemeralsFor(fake: FakeSlackProcess, base: number, expected: number, timeoutMs = 60_000) {
  const start = performance.now();
  for (;;) {
    const c = await fake.count();
    const answered = (c.webApi['chat.postEphemeral'] ?? 0) - base;
    if (answered >= expected) return { waitedMs: performance.now() - start, last: c.lastEphemeral };
    if (performance.now() - start > timeoutMs) throw new Error(`the Chat SDK peer answered ${answered} of ${expected} requests within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const PEER = 'Chat SDK peer';
let acknowledgedByBot = 0;
let answeredInAckByBot = 0;
let slices = 0;

/**
 * One slice: load for SLICE_S seconds; for the bot and the peer, until every acknowledged request of
 * the slice is answered too (requests cut off at the slice's end may be answered later; they are not
 * counted). The peer's answers carry no request id, so its slice ends once as many answers as acks
 * have arrived since the slice began; the few cut-off requests it still answers can end that wait
 * early by at most one request per connection, which the next slices of other targets absorb.
 */
async function slice(server: Server, fake: FakeSlackProcess, command: CommandName, connections: number, key: string): Promise<void> {
  const isBot = server.name === 'bot';
  const isPeer = server.name === PEER;
  const tag = `s${++slices}`;
  const cpu0 = procStats(server.pid).cpuMs;
  // Drops answer times from before this slice; the peer's answers are counted from here.
  const before = isBot || isPeer ? await fake.count() : undefined;
  const expect = command === 'whoami' ? 'Role: admin' : `${KEYS} API keys`;
  const line = COMMANDS[command];
  const s = await load(server.url, { ...BENCH_USER, line }, fake.url, { connections, durationS: SLICE_S, tag, ...(isBot ? { expect } : {}) });
  const t = totalsFor(key);
  t.acked += s.acked;
  t.failed += s.failed;
  t.latencies.push(...s.latencies);
  t.wallMs += s.wallMs;
  if (isBot) {
    acknowledgedByBot += s.acked;
    answeredInAckByBot += s.inAck.ids.length;
    if (s.inAck.wrong > 0) throw new Error(`${s.inAck.wrong} of the bot's answers in the ack to ${COMMANDS[command]} lack "${expect}", e.g. ${s.inAck.wrongSample}`);
    await fake.answeredInAck(s.inAck.ids);
    t.answerMs.push(...s.inAck.answerMs);
    // The rest were acknowledged empty: their answers come to their response_urls.
    const answered = await answersFor(fake, tag, s.acked - s.inAck.ids.length);
    t.wallMs += answered.waitedMs;
    t.answerMs.push(...answered.answerMs);
    if (answered.answered > 0 && !answered.last.includes(expect)) throw new Error(`the bot's last answer at a response_url to ${COMMANDS[command]} lacks "${expect}": ${answered.last.slice(0, 200)}`);
  }
  if (isPeer) {
    const answered = await ephemeralsFor(fake, before!.webApi['chat.postEphemeral'] ?? 0, s.acked);
    t.wallMs += answered.waitedMs;
    if (!answered.last.includes(expect)) throw new Error(`the peer's last answer to ${COMMANDS[command]} lacks "${expect}": ${answered.last.slice(0, 200)}`);
  }
  t.cpuMs += procStats(server.pid).cpuMs - cpu0;
}

const started = performance.now();
console.log(`Slack over HTTP: ${pinLoadGenerator()}; ${ROUNDS} interleaved ${SLICE_S}-s slices per target and connection count`);
const logs = mkdtempSync(join(tmpdir(), 'chatops-bench-logs-'));
const fake = await startFakeSlackProcess(join(logs, 'fake-slack.log'));
const servers: Server[] = [];
try {
  const http = await startBareTarget('bare node:http', fake.url, join(logs, 'bare-http.log'));
  servers.push(http);
  const bolt = await startBareTarget('bare Bolt', fake.url, join(logs, 'bare-bolt.log'));
  servers.push(bolt);
  const peer = await startBareTarget(PEER, fake.url, join(logs, 'chat-sdk-peer.log'));
  servers.push(peer);
  // BENCH_SLACK_ACK_ANSWER_MS=0: every answer through response_url, as a command slower than the budget is answered.
  const ackAnswerMs = process.env.BENCH_SLACK_ACK_ANSWER_MS;
  const bot = await startBot(fake.url, { logFile: join(logs, 'bot.log'), ...(ackAnswerMs !== undefined ? { env: { SLACK_ACK_ANSWER_MS: ackAnswerMs } } : {}) });
  servers.push(bot);

  // 100 keys in the store for /apikey list, created through the bot as a user would.
  const seeded = await load(bot.url, { ...BENCH_USER, line: '/apikey create' }, fake.url, { connections: 4, amount: KEYS, tag: 'seed', expect: 'New API key' });
  if (seeded.acked !== KEYS) throw new Error(`${seeded.failed} of ${KEYS} /apikey create failed`);
  if (seeded.inAck.wrong > 0) throw new Error(`${seeded.inAck.wrong} of ${KEYS} /apikey create made no key: ${seeded.inAck.wrongSample}`);
  await fake.answeredInAck(seeded.inAck.ids);
  await answersFor(fake, 'seed', KEYS - seeded.inAck.ids.length);

  for (const connections of CONNECTIONS) {
    // Warm-up slices (JIT, connection pools), not counted.
    for (const s of [http, bolt]) await slice(s, fake, 'whoami', connections, 'warm-up');
    for (const c of ['whoami', 'list'] as const) for (const s of [peer, bot]) await slice(s, fake, c, connections, 'warm-up');
    for (let round = 0; round < ROUNDS; round++) {
      await slice(http, fake, 'whoami', connections, `http|${connections}`);
      await slice(bolt, fake, 'whoami', connections, `bolt|${connections}`);
      for (const c of ['whoami', 'list'] as const) {
        await slice(peer, fake, c, connections, `peer ${c}|${connections}`);
        await slice(bot, fake, c, connections, `${c}|${connections}`);
      }
    }
  }
  const final = await fake.count();
  if (final.duplicates > 0) throw new Error(`the fake Slack got ${final.duplicates} repeated answers`);

  const row = (label: string, key: string) => {
    const t = totalsFor(key);
    const lat = t.latencies.sort((a, b) => a - b);
    const ans = t.answerMs.sort((a, b) => a - b);
    return {
      label,
      rps: t.acked / (t.wallMs / 1000),
      p50: percentile(lat, 50),
      p99: percentile(lat, 99),
      a50: ans.length ? percentile(ans, 50) : NaN,
      a99: ans.length ? percentile(ans, 99) : NaN,
      cpu: t.cpuMs / t.acked,
      failed: t.failed,
    };
  };
  for (const command of ['whoami', 'list'] as const) {
    for (const connections of CONNECTIONS) {
      const rows = [
        row('bare node:http', `http|${connections}`),
        row('bare Bolt', `bolt|${connections}`),
        row(`Chat SDK peer ${COMMANDS[command]}`, `peer ${command}|${connections}`),
        row(`bot ${COMMANDS[command]}`, `${command}|${connections}`),
      ];
      const [h, b, p, me] = rows as [ReturnType<typeof row>, ReturnType<typeof row>, ReturnType<typeof row>, ReturnType<typeof row>];
      printTable(
        `Slack ${COMMANDS[command]}${command === 'list' ? ` (${KEYS} keys)` : ''}, ${connections} connection${connections > 1 ? 's' : ''}`,
        ['target', 'req/s', 'ack p50 ms', 'ack p99 ms', 'answer p50 ms', 'answer p99 ms', 'CPU ms/req', 'errors'],
        rows.map((r) => [r.label, r.rps, r.p50, r.p99, r.a50, r.a99, r.cpu, String(r.failed)]),
      );
      console.log(
        `bot/bolt: req/s ${ratio(me.rps, b.rps)}, p99 ${ratio(me.p99, b.p99)}, CPU ${ratio(me.cpu, b.cpu)}   ` +
          `bot/peer: req/s ${ratio(me.rps, p.rps)}, CPU ${ratio(me.cpu, p.cpu)}   peer/bolt: req/s ${ratio(p.rps, b.rps)}   bot/http: req/s ${ratio(me.rps, h.rps)}`,
      );
      const at = `slack.${command}.${connections}`;
      report(`${at}.bot/bolt`, me.rps / b.rps);
      report(`${at}.p99 bot/bolt`, me.p99 / b.p99);
      report(`${at}.bot/peer`, me.rps / p.rps);
      report(`${at}.peer/bolt`, p.rps / b.rps);
      report(`${at}.bot cpu ms`, me.cpu);
      report(`${at}.bolt cpu ms`, b.cpu);
      report(`${at}.peer cpu ms`, p.cpu);
    }
  }
  // After the load run, the same run's processes: each has served its own share of the slices.
  const rss = { bot: procStats(bot.pid).rssMiB, bolt: procStats(bolt.pid).rssMiB, peer: procStats(peer.pid).rssMiB, http: procStats(http.pid).rssMiB };
  report('slack.rss.bot/bolt', rss.bot / rss.bolt);
  report('slack.rss.bot MiB', rss.bot);
  report('slack.rss.bolt MiB', rss.bolt);
  report('slack.rss.peer MiB', rss.peer);
  console.log(
    `\nbot and peer req/s count a request once it is answered (the bot: in its ack or at its response_url; the peer: its chat.postEphemeral). ` +
      `The bot acknowledged ${acknowledgedByBot} in the slices, ${answeredInAckByBot} of them answered in the ack; ${final.answered} response_url or in-ack answers in all, ` +
      `${final.duplicates} repeated; the peer made ${final.webApi['chat.postEphemeral'] ?? 0} chat.postEphemeral and ${final.webApi['users.info'] ?? 0} users.info calls.\n` +
      `RSS after the load run: bot ${fmt(rss.bot)} MiB, bare Bolt ${fmt(rss.bolt)} MiB (bot/bolt ${ratio(rss.bot, rss.bolt)}), Chat SDK peer ${fmt(rss.peer)} MiB, node:http ${fmt(rss.http)} MiB; ` +
      `${fmt((performance.now() - started) / 1000)} s in all; logs in ${logs}`,
  );
} finally {
  for (const s of servers) await s.stop();
  await fake.stop();
}
