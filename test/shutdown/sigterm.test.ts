import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { startFakeTwcc, type FakeTwcc } from '../fakes/twcc.js';
import { readyz, slackTo, type Typed } from '../helpers/slack-client.js';
import { cleanUpBots, spawnBot } from '../startup/bot-process.js';

const SIGNING_SECRET = 'shutdown-secret';
const IN_FLIGHT = 50;

let twcc: FakeTwcc | undefined;
let slack: FakeSlack | undefined;
afterEach(async () => {
  await cleanUpBots();
  await twcc?.close();
  await slack?.stop();
  twcc = slack = undefined;
});

const RESTARTING = 'The bot is restarting; this may or may not have been applied. Check in a minute (e.g. `/apikey list`) before trying again.';
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe.each([
  ['3 s', 3_000],
  ['30 s', 30_000],
])('SIGTERM with %s TWCC answers and 50 /apikey create in flight', (_label, twccDelayMs) => {
  it('stops taking work at once, answers every request, leaves no key unseen, and exits 0 in time', { timeout: 120_000 }, async () => {
    twcc = await startFakeTwcc();
    slack = await startFakeSlack();
    const bot = spawnBot({
      BACKEND: 'twcc',
      TWCC_API_URL: twcc.url,
      TWCC_PROJECT: twcc.project.name,
      SLACK_BOT_TOKEN: 'xoxb-shutdown-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      LOG_LEVEL: 'info',
    });
    const port = (JSON.parse(await bot.line(/"msg":"twcc-chatops ready"/)) as { port: number }).port;
    const to = slackTo(port, SIGNING_SECRET, slack);

    // Alice links her TWCC account through the login modal.
    const alice = twcc.users.alice!;
    const login = await to.types('UALICE', '/tenant login');
    const opened = await slack.waitFor('views.open', () => slack!.callsTo('views.open')[0]);
    expect(await to.submitsLogin('UALICE', opened.args.view as Record<string, unknown>, alice.apiKey)).toBe(200);
    expect(await login.answer()).toContain('You are linked to TWCC user');
    const keysBefore = new Set(alice.keys.map((k) => k.key));

    // TWCC slows down and, until the bot is seen not ready, answers nothing; Alice asks for 50 keys.
    // Each was acknowledged only after the core took it (her locale is known since her login), so all
    // 50 are in flight; once the first has reached TWCC, however long that took, the orchestrator sends SIGTERM.
    twcc.setDelay(twccDelayMs);
    const release = twcc.hold();
    const creates = () => twcc!.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/api_key')).length;
    const typed: Typed[] = await Promise.all(Array.from({ length: IN_FLIGHT }, () => to.types('UALICE', '/apikey create')));
    expect(typed.map((t) => t.status)).toEqual(Array(IN_FLIGHT).fill(200));
    while (creates() === 0 && bot.child.exitCode === null) await sleep(20);
    expect(creates()).toBeGreaterThan(0);
    bot.child.kill('SIGTERM');

    // Not ready from the start of the shutdown, while that work is still in flight: the process cannot
    // be gone yet, as TWCC holds every answer (and the core waits for them its whole grace).
    let probe = await readyz(port);
    while (probe.status === 200) probe = await sleep(20).then(() => readyz(port));
    expect(probe).toEqual({ status: 503, body: expect.stringMatching(/^stopping: /) as string });
    release();

    // Ends with 0: main exits 1 when its limit (under the orchestrator's 10 s) forces the exit.
    expect(await bot.exited).toMatchObject({ code: 0, signal: null });
    expect(bot.stderr()).toMatch(/"msg":"stopped"/);
    expect(bot.stderr()).not.toContain('shutdown did not finish in time');

    // Every request, all of them in flight, is answered: its new key, or word that the restart leaves
    // it unknown (then perhaps its key as well, when TWCC answered before the process was gone).
    const answers = typed.map((t) => slack!.responsesTo(t.responseUrl).map((r) => String(r.body.text)));
    expect(answers.filter((a) => a.length === 0)).toEqual([]);
    const showsKey = (a: string[]) => a.some((t) => /^New API key/.test(t));
    const toldUnknown = (a: string[]) => a.includes(RESTARTING);
    expect(answers.filter((a) => !showsKey(a) && !toldUnknown(a))).toEqual([]);
    const unknownOnly = answers.filter((a) => !showsKey(a) && toldUnknown(a)).length;

    // Once TWCC has carried out what it was sent, count the orphans: keys made that no answer shows,
    // beyond the requests whose users were told the outcome is unknown.
    await twcc.idle();
    const created = alice.keys.filter((k) => !keysBefore.has(k.key));
    const unseen = created.filter((k) => !answers.some((a) => a.some((t) => t.includes(k.key))));
    expect(unseen.length - unknownOnly).toBeLessThanOrEqual(0);
    if (twccDelayMs === 3_000) expect(created.length).toBe(answers.filter(showsKey).length + unseen.length);
  });
});
