import { afterEach, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { slackTo } from '../helpers/slack-client.js';
import { cleanUpBots, spawnBot } from './bot-process.js';

const SIGNING_SECRET = 'approvals-secret';

let slack: FakeSlack | undefined;
afterEach(async () => {
  await cleanUpBots();
  await slack?.stop();
  slack = undefined;
});

it(
  'the bot process reminds under a waiting card (thread_ts), then expires it: the card is edited in place, the requester told, /metrics counts both',
  { timeout: 90_000 },
  async () => {
    slack = await startFakeSlack();
    const bot = spawnBot({
      SLACK_BOT_TOKEN: 'xoxb-approvals-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      ADMINS: 'slack:UADMIN,slack:UCAROL',
      APPROVALS_CHANNEL: 'CAPPROVALS',
      PORT: '0',
      LOG_LEVEL: 'info',
      APPROVAL_TTL: '12s',
      APPROVAL_REMIND_AFTER: '5s',
    });
    const port = (JSON.parse(await bot.line(/"msg":"twcc-chatops ready"/)) as { port: number }).port;
    await bot.line(/"msg":"approval sweep: this replica sweeps"/);
    const to = slackTo(port, SIGNING_SECRET, slack);
    expect(await (await to.types('UADMIN', '/tenant link <@UALICE|alice> alice')).answer()).toContain('Linked @alice');
    // APPROVAL_REASON is required by default.
    expect(await (await to.types('UALICE', '/quota request vcs gpu=4')).answer()).toContain('Say why you need it');
    expect(await (await to.types('UALICE', '/quota request vcs gpu=4 training the new model')).answer()).toContain('Asked the tenant admins');
    const card = slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'CAPPROVALS')!;
    const cardTs = [...slack.messages.values()].find((m) => m.channel === 'CAPPROVALS')!.ts;
    expect(JSON.stringify(card.args.blocks)).toContain('gpu 1 → 4');

    const reminder = await slack.waitFor('the reminder under the card', () => slack!.callsTo('chat.postMessage').find((c) => c.args.thread_ts !== undefined), 30_000);
    expect(reminder.args).toMatchObject({ channel: 'CAPPROVALS', thread_ts: cardTs });
    expect(JSON.stringify(reminder.args.blocks)).toContain('Still waiting for a decision');

    const update = await slack.waitFor('the card edited to expired', () => slack!.callsTo('chat.update')[0], 30_000);
    expect(update.args).toMatchObject({ channel: 'CAPPROVALS', ts: cardTs });
    expect(JSON.stringify(update.args.blocks)).toContain('Expired before anyone decided; nothing was changed.');
    expect(JSON.stringify(update.args.blocks)).not.toContain('Approve');
    const dm = await slack.waitFor('the requester told', () =>
      slack!.callsTo('chat.postMessage').find((c) => c.args.channel !== 'CAPPROVALS' && JSON.stringify(c.args.blocks).includes('Expired before anyone decided')),
    );
    expect(JSON.stringify(dm.args.blocks)).toContain('Your VCS quota request');

    await bot.line(/"expired":1.*"msg":"approval sweep done"/);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('chatops_approval_events_total{event="reminded"}');
    expect(metrics).toContain('chatops_approval_events_total{event="expired"} 1');
    bot.child.kill('SIGTERM');
    expect((await bot.exited).code).toBe(0);
  },
);
