import { afterEach, expect, test } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { cleanUpBots, spawnBot } from './bot-process.js';
import { postSignedToSlackEvents } from '../helpers/slack-client.js';

const SIGNING_SECRET = 'malformed-payload-secret';

let fake: FakeSlack | undefined;
afterEach(async () => {
  await cleanUpBots();
  await fake?.stop();
  fake = undefined;
});

/** POSTs a form body to /slack/events, signed as Slack signs it. */
const postSigned = (port: number, body: string, signal?: AbortSignal): Promise<Response> =>
  postSignedToSlackEvents(`http://127.0.0.1:${port}`, body, SIGNING_SECRET, signal ? { signal } : {});

test('a signed payload=null does not end the process: the next command is still answered', async () => {
  fake = await startFakeSlack();
  const bot = spawnBot({ SLACK_BOT_TOKEN: 'xoxb-payload-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, PORT: '0', LOG_LEVEL: 'info' });
  const ready = await bot.line(/"msg":"twcc-chatops ready"/);
  const port = (JSON.parse(ready) as { port: number }).port;

  // Bolt throws on it; how it is answered (400, or not at all) is the adapter's business, not asserted here.
  await postSigned(port, 'payload=null', AbortSignal.timeout(2_000)).catch(() => undefined);

  const responseUrl = fake.newResponseUrl();
  const command = new URLSearchParams({
    team_id: 'T0001',
    channel_id: 'CGENERAL',
    user_id: 'UANNA',
    user_name: 'anna',
    command: '/tenant',
    text: 'whoami',
    api_app_id: 'A0001',
    response_url: responseUrl,
    trigger_id: 'trigger-after-null',
  });
  const ack = await postSigned(port, command.toString());
  expect(ack.status).toBe(200);
  // A quick answer rides in the ack; Slack shows it as a response_url post.
  fake.acknowledged(responseUrl, { status: ack.status, contentType: ack.headers.get('content-type'), body: await ack.text() });
  const answer = await fake.waitFor('the answer to /tenant whoami', () => fake!.responsesTo(responseUrl)[0]);
  // The core answered Anna (the wording is the core's and may change).
  expect(answer.body.text).toContain('slack:UANNA');
  expect(bot.child.exitCode).toBeNull();
});
