import { randomBytes } from 'node:crypto';
import { afterEach, expect, test } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack.js';
import { postSignedToSlackEvents } from '../../helpers/slack-client.js';
import { cleanUpBots, spawnBot } from '../../startup/bot-process.js';

let fake: FakeSlack | undefined;
afterEach(async () => {
  await cleanUpBots();
  await fake?.stop();
  fake = undefined;
});

const SIGNING_SECRET = 'process-signing-secret';

test('npm start with the three OAuth variables serves /slack/install and the redirect, and answers the installed workspace with its token', async () => {
  fake = await startFakeSlack();
  const bot = spawnBot({
    SLACK_CLIENT_ID: fake.oauthClient.id,
    SLACK_CLIENT_SECRET: fake.oauthClient.secret,
    SLACK_STATE_SECRET: 'a-state-secret-of-at-least-32-characters!',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMINS: 'slack:UADMINA',
    PORT: '0',
  });
  const ready = await bot.line(/twcc-chatops ready/);
  const port = Number(/"port":(\d+)/.exec(ready)?.[1]);
  // No SLACK_BOT_TOKEN: no auth.test at start; the rotation sweep runs beside the reminder sweep.
  expect(fake.callsTo('auth.test')).toEqual([]);
  await bot.line(/slack-token-rotation sweep: this replica sweeps/);
  const base = `http://127.0.0.1:${port}`;

  const start = await fetch(`${base}/slack/install`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const code = fake.approveInstall({ team: { id: 'TLABA', name: 'Lab A' } });
  const back = await fetch(`${base}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(state)}`, { headers: { cookie } });
  expect(back.status).toBe(200);
  const [token] = fake.tokensOf('TLABA');

  const responseUrl = fake.newResponseUrl();
  const form = new URLSearchParams({
    team_id: 'TLABA', channel_id: 'CGENERAL', user_id: 'UADMINA', user_name: 'admina', command: '/tenant', text: 'whoami',
    api_app_id: 'A0001', is_enterprise_install: 'false', response_url: responseUrl, trigger_id: '1.abc',
  });
  expect((await postSignedToSlackEvents(base, form.toString(), SIGNING_SECRET)).status).toBe(200);
  const answer = await fake.waitFor('the answer', () => fake!.responsesTo(responseUrl)[0]);
  expect(JSON.stringify(answer.body)).toMatch(/admin/i);
  expect(fake.callsTo('users.info').map((c) => c.token)).toEqual([token]);
  expect(bot.stderr()).not.toContain(token!);
});
