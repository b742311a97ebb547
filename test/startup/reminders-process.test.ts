import { afterEach, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { slackTo } from '../helpers/slack-client.js';
import { cleanUpBots, spawnBot } from './bot-process.js';

const SIGNING_SECRET = 'reminders-secret';

let slack: FakeSlack | undefined;
afterEach(async () => {
  await cleanUpBots();
  await slack?.stop();
  slack = undefined;
});

it('the bot process sweeps every REMINDER_INTERVAL, DMs a due key’s owner on Slack, and gives up its lease at SIGTERM', { timeout: 60_000 }, async () => {
  slack = await startFakeSlack();
  // A new key expires in 90 days: with a 90-day threshold the next sweep reminds of it.
  const bot = spawnBot({
    SLACK_BOT_TOKEN: 'xoxb-reminders-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    ADMINS: 'slack:UADMIN',
    PORT: '0',
    LOG_LEVEL: 'info',
    REMINDER_DAYS: '90',
    REMINDER_INTERVAL: '5s',
  });
  const port = (JSON.parse(await bot.line(/"msg":"twcc-chatops ready"/)) as { port: number }).port;
  await bot.line(/"msg":"reminder sweep: this replica sweeps"/);
  const to = slackTo(port, SIGNING_SECRET, slack);
  expect(await (await to.types('UADMIN', '/tenant link <@UALICE|alice> alice')).answer()).toContain('Linked @alice');
  const created = await (await to.types('UALICE', '/apikey create')).answer();
  const id = /`(k-[0-9a-f]{6})`/.exec(created)![1]!;

  const opened = await slack.waitFor('conversations.open for alice', () => slack!.callsTo('conversations.open')[0], 15_000);
  expect(opened.args.users).toBe('UALICE');
  const dm = await slack.waitFor('the reminder DM', () => slack!.callsTo('chat.postMessage')[0]);
  expect(JSON.stringify(dm.args.blocks)).toContain(`Your API key \`${id}\` expires`);
  expect(JSON.stringify(dm.args.blocks)).toContain('Extend 90 days');

  // Counted for /metrics once the sweep has finished.
  await bot.line(/"sent":1.*"msg":"reminder sweep done"/);
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  expect(metrics).toContain('chatops_reminders_total{outcome="sent"} 1');

  bot.child.kill('SIGTERM');
  const exit = await bot.exited;
  expect(exit.code).toBe(0);
  expect(bot.stderr()).toMatch(/"held":false,"msg":"reminder sweep: lease released or lost"/);
  // One reminder, however many sweeps ran in between.
  expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
});
