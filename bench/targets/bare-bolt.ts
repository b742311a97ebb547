/**
 * Benchmark target: a bare @slack/bolt app over HTTP that only acknowledges slash commands
 * (signature checked, body parsed, ack sent). Listens on PORT; /healthz answers 200. Like the
 * bot, it checks its token with auth.test once at start, against SLACK_API_URL (the fake Slack).
 */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { SIGNING_SECRET } from '../lib/slack-command.js';

const receiver = new HTTPReceiver({
  signingSecret: SIGNING_SECRET,
  endpoints: '/slack/events',
  processBeforeResponse: false,
  customRoutes: [{ path: '/healthz', method: ['GET'], handler: (_req, res) => res.writeHead(200).end('ok\n') }],
});
const app = new App({
  token: 'xoxb-bench',
  receiver,
  logLevel: LogLevel.WARN,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  deferInitialization: true,
});
await app.init();
app.command(/.*/, async ({ ack }) => {
  await ack();
});
await app.start(Number(process.env.PORT));
