import { createHmac, randomBytes } from 'node:crypto';
import type { FakeSlack } from '../fakes/slack.js';

/** What Slack got back for a slash command (the ack), and where the bot answers it. */
export interface Typed {
  status: number;
  responseUrl: string;
  /** The text of the first answer at the response_url, waiting at most `withinMs` for it. */
  answer(withinMs?: number): Promise<string>;
  /** The whole first answer (text and blocks, as JSON), for what only the blocks show (tables). */
  answerWhole(withinMs?: number): Promise<string>;
}

/** Slack's request signature (`X-Slack-Signature`) of `body` sent at `timestamp` (seconds), with the app's signing secret. */
export const signSlack = (body: string, timestamp: number, secret: string): string =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;

/** POSTs `body` to `/slack/events` at `baseUrl`, signed now with `secret` as Slack signs it. */
export function postSignedToSlackEvents(
  baseUrl: string,
  body: string,
  secret: string,
  opts: { contentType?: string; signal?: AbortSignal } = {},
): Promise<Response> {
  const timestamp = Math.floor(Date.now() / 1000);
  return fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlack(body, timestamp, secret),
    },
    body,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/**
 * Slack as a bot process meets it: slash commands as signed form POSTs to `/slack/events` on `port`,
 * answers read off the fake Slack's response_urls (an answer in the ack is recorded there too).
 */
export function slackTo(port: number, signingSecret: string, fake: FakeSlack) {
  /** POSTs a signed form; a slash command's ack is handed to the fake, which shows an answer in it as Slack would. */
  async function post(body: string, responseUrl?: string): Promise<number> {
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signSlack(body, timestamp, signingSecret);
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature },
      body,
    });
    const ack = await res.text();
    if (responseUrl) fake.acknowledged(responseUrl, { status: res.status, contentType: res.headers.get('content-type'), body: ack });
    return res.status;
  }
  return {
    /** `userId` fills the `/tenant login` modal the bot opened (as the fake recorded views.open) and submits it. */
    async submitsLogin(userId: string, view: Record<string, unknown>, apiKey: string): Promise<number> {
      const payload = {
        type: 'view_submission',
        team: { id: 'T0001' },
        user: { id: userId, username: userId.toLowerCase(), team_id: 'T0001' },
        trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
        view: { ...view, state: { values: { 'api-key': { 'api-key': { type: 'plain_text_input', value: apiKey } } } } },
      };
      return post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    },
    /** `userId` types `/command text` in #general. */
    async types(userId: string, line: string): Promise<Typed> {
      const [command = '', ...rest] = line.trim().split(/\s+/);
      const responseUrl = fake.newResponseUrl();
      const form = new URLSearchParams({
        team_id: 'T0001',
        channel_id: 'CGENERAL',
        user_id: userId,
        user_name: userId.toLowerCase(),
        command,
        text: rest.join(' '),
        api_app_id: 'A0001',
        response_url: responseUrl,
        trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
      });
      const status = await post(form.toString(), responseUrl);
      const first = (withinMs: number) => fake.waitFor(`an answer to ${line}`, () => fake.responsesTo(responseUrl)[0], withinMs);
      return {
        status,
        responseUrl,
        answer: async (withinMs = 10_000) => String((await first(withinMs)).body.text),
        answerWhole: async (withinMs = 10_000) => JSON.stringify((await first(withinMs)).body),
      };
    },
  };
}

/**
 * GET /readyz on `port`: its status and the reasons it gives. Asked once more when the connection
 * breaks: a pooled keep-alive socket may be closed by the server just as it is reused.
 */
export async function readyz(port: number): Promise<{ status: number; body: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      return { status: res.status, body: await res.text() };
    } catch (err) {
      if (attempt >= 2) throw err;
    }
  }
}
