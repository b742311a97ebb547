import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { readyz, slackTo } from '../helpers/slack-client.js';
import { cleanUpBots, closedPort, spawnBot } from '../startup/bot-process.js';

const SIGNING_SECRET = 'redis-outage-secret';

/** A Redis of the test's own on a spare port, its data in `dir` (written only when the test says SAVE). */
class OwnRedis {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await closedPort(), mkdtempSync(join(tmpdir(), 'chatops-redis-')));
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private cli(...args: string[]): string {
    return spawnSync('redis-cli', ['-p', String(this.port), ...args], { encoding: 'utf8' }).stdout.trim();
  }

  /** Starts redis-server (loading the last SAVE, if any) and waits until it answers PING. */
  async restart(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], { stdio: 'ignore' });
    // Up to about 20 s: a busy machine starts it slowly, and that is not what is tested.
    for (let i = 0; i < 400 && this.cli('ping') !== 'PONG'; i++) await new Promise((r) => setTimeout(r, 50));
    if (this.cli('ping') !== 'PONG') throw new Error(`redis-server on ${this.port} did not start`);
  }

  /** Writes the data to disk, so that a restart finds it again. */
  save(): void {
    expect(this.cli('save')).toBe('OK');
  }

  /** SIGKILL, as a crash or an OOM kill ends it: no goodbye to its clients. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
  }

  async remove(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

let redis: OwnRedis | undefined;
let fake: FakeSlack | undefined;
afterEach(async () => {
  await cleanUpBots();
  await redis?.remove();
  await fake?.stop();
  redis = undefined;
  fake = undefined;
});

/** Asks /readyz until it answers `status` (Redis reconnects with a back-off of up to 2 s), for up to about 25 s of a busy machine. */
async function readyzUntil(port: number, status: number): Promise<{ status: number; body: string }> {
  for (let i = 0; ; i++) {
    const r = await readyz(port);
    if (r.status === status || i >= 250) return r;
    await new Promise((done) => setTimeout(done, 100));
  }
}

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.includes('"level":50'));

test('Redis killed mid-run: commands are answered at once in words, logged once, /readyz 503; nothing typed meanwhile runs when it returns', async () => {
  redis = await OwnRedis.start();
  fake = await startFakeSlack();
  const bot = spawnBot({
    STORE_URL: redis.url,
    SLACK_BOT_TOKEN: 'xoxb-outage-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: '0',
    ADMINS: 'slack:UADMIN',
    LOG_LEVEL: 'info',
  });
  const port = (JSON.parse(await bot.line(/"msg":"twcc-chatops ready"/)) as { port: number }).port;
  const slack = slackTo(port, SIGNING_SECRET, fake);

  // Before: Alice is linked and has one key.
  await (await slack.types('UADMIN', '/tenant link <@UALICE|alice> alice')).answer();
  const before = await (await slack.types('UALICE', '/apikey create')).answer();
  const keyBefore = /`(k-[0-9a-f]+)`/.exec(before)?.[1];
  expect(keyBefore).toBeDefined();
  expect((await readyz(port)).status).toBe(200);
  redis.save();
  await redis.kill();

  // During: Alice asks for a key; the answer comes within Slack's 3 s, and says nothing was done.
  const during = await slack.types('UALICE', '/apikey create');
  expect(during.status).toBe(200);
  expect(await during.answer(3_000)).toMatch(/^The bot's storage is unavailable; nothing was changed\. Try again in a minute\. \(ref [0-9a-f]{8}\)$/);
  const list = await slack.types('UALICE', '/apikey list');
  expect(await list.answer(3_000)).toMatch(/^The bot's storage is unavailable; nothing was changed\./);
  const notReady = await readyz(port);
  expect(notReady.status).toBe(503);
  expect(notReady.body).toMatch(/^store: /m);
  // One error line for the whole outage, with the reason.
  expect(errorLines(bot.stderr())).toHaveLength(1);
  expect(errorLines(bot.stderr())[0]).toMatch(/"msg":"store unavailable: every command is refused until it answers again"/);
  expect(errorLines(bot.stderr())[0]).toMatch(/"reason":"[^"]+"/);

  // After: ready again, the recovery logged, and Alice still has only the key she made before.
  await redis.restart();
  expect(await readyzUntil(port, 200)).toEqual({ status: 200, body: 'ready\n' });
  await bot.line(/"msg":"store available again"/);
  const after = await (await slack.types('UALICE', '/apikey list')).answerWhole();
  expect(after).toContain(keyBefore);
  expect(new Set(after.match(/k-[0-9a-f]+/g))).toEqual(new Set([keyBefore]));
  expect(errorLines(bot.stderr())).toHaveLength(1);
});
