import { afterEach, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { slackTo } from '../helpers/slack-client.js';
import { cleanUpBots, spawnBot } from './bot-process.js';

const SIGNING_SECRET = 'grants-secret';

let slack: FakeSlack | undefined;
afterEach(async () => {
  await cleanUpBots();
  await slack?.stop();
  slack = undefined;
});

it('the bot process: a break-glass change nobody reviews within BREAK_GLASS_REVIEW is reverted by the grant sweep, and /metrics counts it', { timeout: 60_000 }, async () => {
  slack = await startFakeSlack();
  const bot = spawnBot({
    SLACK_BOT_TOKEN: 'xoxb-grants-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    ADMINS: 'slack:UADMIN',
    PORT: '0',
    LOG_LEVEL: 'info',
    REMINDER_DAYS: 'off',
    REMINDER_INTERVAL: '5s',
    BREAK_GLASS: 'alice',
    BREAK_GLASS_REVIEW: '5s',
  });
  const port = (JSON.parse(await bot.line(/"msg":"twcc-chatops ready"/)) as { port: number }).port;
  await bot.line(/"msg":"grant sweep: this replica sweeps"/);
  const to = slackTo(port, SIGNING_SECRET, slack);
  expect(await (await to.types('UADMIN', '/tenant link <@UALICE|alice> alice')).answer()).toContain('Linked @alice');
  const told = await (await to.types('UALICE', '/quota request vcs gpu=8 now prod inference down')).answer();
  expect(told).toMatch(/^Applied now \(break-glass\)\./);
  const card = await slack.waitFor('the break-glass card', () => slack!.callsTo('chat.postMessage').find((c) => JSON.stringify(c.args.blocks).includes('BREAK-GLASS')));
  expect(JSON.stringify(card.args.blocks)).toContain('already applied');

  // Nobody approves: once the review time is up, a sweep reverts it and says so in the channel.
  await bot.line(/"reverted":1.*"msg":"grant sweep done"/);
  const said = await slack.waitFor('the revert notice', () => slack!.callsTo('chat.postMessage').find((c) => JSON.stringify(c.args).includes('break-glass not approved')));
  expect(JSON.stringify(said.args)).toContain('restored gpu 1');
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  expect(metrics).toContain('chatops_grant_reverts_total{outcome="reverted"} 1');
});
