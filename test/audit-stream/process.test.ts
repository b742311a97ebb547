import { afterEach, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { readyz, slackTo } from '../helpers/slack-client.js';
import { cleanUpBots, spawnBot } from '../startup/bot-process.js';
import { startReceiver, verifySignature, type Receiver } from './receiver.js';

const SIGNING_SECRET = 'audit-stream-signing';
const WEBHOOK_SECRET = 'process-webhook-secret-7d3e91';

let slack: FakeSlack | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await cleanUpBots();
  await slack?.stop();
  await receiver?.close();
  slack = receiver = undefined;
});

const metric = (text: string, name: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line === undefined ? undefined : Number(line.slice(name.length).trim());
};

it('the bot process streams its audit log: a SIEM outage shows in /metrics and the log, not in /readyz; afterwards every event arrives', { timeout: 60_000 }, async () => {
  slack = await startFakeSlack();
  receiver = await startReceiver();
  let down = true;
  receiver.answer = () => (down ? { status: 503 } : { status: 200 });
  const bot = spawnBot({
    SLACK_BOT_TOKEN: 'xoxb-audit-stream-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    ADMINS: 'slack:UADMIN',
    PORT: '0',
    LOG_LEVEL: 'info',
    AUDIT_WEBHOOK_URL: receiver.url,
    AUDIT_WEBHOOK_SECRET: WEBHOOK_SECRET,
  });
  const port = (JSON.parse(await bot.line(/"msg":"twcc-chatops ready"/)) as { port: number }).port;
  await bot.line(/"msg":"audit-stream sweep: this replica sweeps"/);
  const to = slackTo(port, SIGNING_SECRET, slack);
  expect(await (await to.types('UADMIN', '/tenant link <@UALICE|alice> alice')).answer()).toContain('Linked @alice');
  const created = await (await to.types('UALICE', '/apikey create')).answer();
  const secret = /`(twcc_[A-Za-z0-9_-]+)`/.exec(created)![1]!;

  // The receiver is down: the sender says so in the log, /metrics counts it, and the bot stays ready.
  await bot.line(/"status":503.*"msg":"audit stream: the receiver did not take a batch; it is sent again"/);
  const during = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  expect(metric(during, 'chatops_audit_stream_backlog{format="jsonl"}')).toBe(2);
  expect(metric(during, 'chatops_audit_stream_failures_total{reason="server_error"}')).toBeGreaterThanOrEqual(1);
  expect((await readyz(port)).status).toBe(200);

  down = false;
  await receiver.until(() => receiver!.takenEvents().length >= 2);
  expect(receiver.takenEvents().map((e) => e.action)).toEqual(['member.link', 'apikey.create']);
  expect(receiver.takenEvents()[0]).toMatchObject({ actor: { chat: 'slack:UADMIN', platform: 'slack' }, target: 'slack:UALICE', project: 'local' });
  for (const r of receiver.received) expect(verifySignature(WEBHOOK_SECRET, r.headers, r.body)).toBe(true);
  await bot.line(/"msg":"audit stream: the receiver takes batches again"/);
  const after = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  expect(metric(after, 'chatops_audit_stream_backlog{format="jsonl"}')).toBe(0);
  expect(metric(after, 'chatops_audit_stream_delivered_total{format="jsonl"}')).toBe(2);

  // Neither the key's secret nor the webhook's is in any byte streamed or logged.
  const streamed = receiver.received.map((r) => r.body).join('');
  for (const s of [secret, secret.slice(5), WEBHOOK_SECRET]) expect(streamed).not.toContain(s);
  expect(bot.stderr()).not.toContain(WEBHOOK_SECRET);

  bot.child.kill('SIGTERM');
  expect((await bot.exited).code).toBe(0);
  expect(bot.stderr()).toMatch(/"held":false,"msg":"audit-stream sweep: lease released or lost"/);
});
