/**
 * Issue 12, target 4: how long the bot takes to start, compiled (`node dist/src/main.js`, what
 * `npm start` runs) and from the TypeScript sources through tsx (what `npm start` ran before), on
 * the embedded registry and a fresh SQLite file: to its "twcc-chatops ready" log line and /healthz
 * 200 with Slack over HTTP (the fake Slack answering auth.test), and to the shell's greeting. A
 * benchmark: it prints numbers and asserts nothing.
 *   npm run build && npx tsx bench/start.ts      (BENCH_START_RUNS=3)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MAIN_JS, startFakeSlackProcess, withDeadline } from './lib/bot.js';
import { freePort, spawnNode, waitForOk } from './lib/processes.js';
import { SIGNING_SECRET } from './lib/slack-command.js';
import { report } from './lib/results.js';
import { median, printTable } from './lib/stats.js';

const RUNS = Number(process.env.BENCH_START_RUNS ?? 3);
const HOW = {
  'node dist/src/main.js': [MAIN_JS],
  'node --import tsx src/main.ts': ['--import', 'tsx', resolve('src/main.ts')],
} as const;

/** One start: ms from spawn to the first output containing `readyText` (logs are on stderr, the shell on stdout), and to /healthz 200 (Slack only). */
async function startOnce(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  readyText: string,
  opts: { stream: 'stdout' | 'stderr'; port?: number },
): Promise<{ ready: number; healthz: number }> {
  const { port } = opts;
  const t0 = performance.now();
  const proc = spawnNode([...args], { env, pipe: opts.stream });
  try {
    let out = '';
    const ready = withDeadline(
      new Promise<number>((ok) =>
        proc.child[opts.stream]!.on('data', (d: Buffer) => {
          out += d.toString('utf8');
          if (out.includes(readyText)) ok(performance.now() - t0);
        }),
      ),
      20_000,
      `"${readyText}" from ${args.join(' ')}`,
    );
    const healthz = port === undefined ? Promise.resolve(NaN) : waitForOk(`http://127.0.0.1:${port}/healthz`, 20_000, 5).then(() => performance.now() - t0);
    const [r, h] = await Promise.all([ready, healthz]);
    return { ready: r, healthz: h };
  } finally {
    await proc.stop();
  }
}

const fake = await startFakeSlackProcess(join(mkdtempSync(join(tmpdir(), 'chatops-bench-start-')), 'fake-slack.log'));
const rows: (string | number)[][] = [];
try {
  for (const [label, args] of Object.entries(HOW)) {
    const slack: { ready: number; healthz: number }[] = [];
    const shell: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'chatops-bench-start-'));
      const base = { PATH: process.env.PATH, HOME: process.env.HOME, BACKEND: 'local', STORE_URL: `sqlite://${join(dir, 'store.sqlite')}` };
      const port = await freePort();
      const slackEnv = { ...base, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${fake.url}/api/`, PORT: String(port), LOG_LEVEL: 'info' };
      slack.push(await startOnce(args, slackEnv, 'twcc-chatops ready', { stream: 'stderr', port }));
      // The shell greets with its help line once the core is up.
      shell.push((await startOnce(args, base, '/help', { stream: 'stdout' })).ready);
      rmSync(dir, { recursive: true, force: true });
    }
    rows.push([label, median(slack.map((s) => s.ready)), median(slack.map((s) => s.healthz)), median(shell)]);
    if (args === HOW['node dist/src/main.js']) report('start.ready ms', median(slack.map((s) => s.ready)));
  }
} finally {
  await fake.stop();
}
printTable(`Start (median of ${RUNS}, ms from spawn)`, ['how', 'Slack: "ready" log', 'Slack: /healthz 200', 'shell: greeting'], rows);
