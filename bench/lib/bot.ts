/**
 * The bot as production runs it (`node dist/src/main.js`: compiled, config from the environment,
 * the Slack adapter over HTTP on the embedded registry and a SQLite file) against the fake Slack in
 * a process of its own, plus the bare Bolt and node:http targets it is compared with.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, spawnNode, waitForOk, type Spawned } from './processes.js';
import { SIGNING_SECRET } from './slack-command.js';

export const MAIN_JS = resolve('dist/src/main.js');
export const BENCH_USER = { userId: 'UBENCH1', userName: 'bench' };

export interface FakeSlackCount {
  answered: number;
  distinct: number;
  duplicates: number;
  /** Web API calls since the last count. */
  webApiCalls: number;
  /** Web API calls per method since the fake started, and the text of the last chat.postEphemeral. */
  webApi: Record<string, number>;
  lastEphemeral: string;
  answerMs: number[];
  byTag: Record<string, { answered: number; last: string }>;
}

export interface FakeSlackProcess extends Spawned {
  url: string;
  count(): Promise<FakeSlackCount>;
  /** Reports requests answered in their acks (response_url ids), so that an answer repeated anywhere is caught. */
  answeredInAck(ids: string[]): Promise<void>;
}

export async function startFakeSlackProcess(logFile: string): Promise<FakeSlackProcess> {
  const proc = spawnNode(['--import', 'tsx', resolve('bench/targets/fake-slack.ts')], { pipe: 'stdout', logFile });
  const lines = createInterface({ input: proc.child.stdout! });
  const first = await withDeadline(new Promise<string>((ok) => lines.once('line', ok)), 20_000, 'the fake Slack to start');
  const { url, control } = JSON.parse(first) as { url: string; control: string };
  return {
    ...proc,
    url,
    async count() {
      const res = await fetch(`${control}/count`);
      return (await res.json()) as FakeSlackCount;
    },
    async answeredInAck(ids) {
      const res = await fetch(`${control}/in-ack`, { method: 'POST', body: JSON.stringify(ids) });
      if (res.status !== 204) throw new Error(`the fake Slack's /in-ack answered ${res.status}`);
    },
  };
}

export interface Server extends Spawned {
  name: string;
  url: string;
}

/** The bot from dist/ (build it first: `npm run build`), on a fresh SQLite file. */
export async function startBot(
  fakeUrl: string,
  opts: {
    logFile: string;
    storeDir?: string;
    env?: NodeJS.ProcessEnv;
    nodeArgs?: string[];
    /** Another build's main.js, and a name for it (bench/slack-ab.ts). */
    mainJs?: string;
    name?: string;
  },
): Promise<Server> {
  const mainJs = opts.mainJs ?? MAIN_JS;
  if (!existsSync(mainJs)) throw new Error(`${mainJs} is missing: run npm run build first`);
  const port = await freePort();
  const dir = opts.storeDir ?? mkdtempSync(join(tmpdir(), 'chatops-bench-bot-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: `${fakeUrl}/api/`,
    PORT: String(port),
    BACKEND: 'local',
    STORE_URL: `sqlite://${join(dir, 'bench.sqlite')}`,
    ADMINS: `slack:${BENCH_USER.userId}`,
    LOG_LEVEL: 'info',
    // The benchmarks seed 100 keys as one member: the default limit (10 an hour) would refuse the rest.
    RATE_LIMITS: 'apikey.create=off',
    ...opts.env,
  };
  const proc = spawnNode([...(opts.nodeArgs ?? []), mainJs], { env, pin: true, logFile: opts.logFile });
  const url = `http://127.0.0.1:${port}`;
  await waitForOk(`${url}/healthz`);
  return { ...proc, name: opts.name ?? 'bot', url };
}

const TARGET_SCRIPTS = {
  'bare Bolt': 'bench/targets/bare-bolt.ts',
  'bare node:http': 'bench/targets/bare-http.ts',
  'Chat SDK peer': 'bench/targets/chat-sdk.ts',
} as const;

/** A comparison target (not the bot) in its own pinned process, talking to the fake Slack. */
export async function startBareTarget(name: keyof typeof TARGET_SCRIPTS, fakeUrl: string, logFile: string): Promise<Server> {
  const port = await freePort();
  const script = resolve(TARGET_SCRIPTS[name]);
  const proc = spawnNode(['--import', 'tsx', script], { env: { ...process.env, PORT: String(port), SLACK_API_URL: `${fakeUrl}/api/` }, pin: true, logFile });
  const url = `http://127.0.0.1:${port}`;
  // Bolt's and the peer's /healthz are routes of their own; node:http answers 200 to anything.
  await waitForOk(`${url}/healthz`);
  return { ...proc, name, url };
}

export function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)));
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}
