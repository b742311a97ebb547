import { randomBytes } from 'node:crypto';
import type { FakeSlack } from '../fakes/slack.js';
import { SIGNING_SECRET } from './replicas.js';
import { signSlack } from '../helpers/slack-client.js';

type Json = Record<string, unknown>;

/** A message the bot showed: its blocks (for its buttons) and where it sits. */
export interface Shown {
  text: string;
  blocks: Json[];
  channel: string;
  ts: string;
  ephemeral: boolean;
}

/** What came back at the HTTP level for one request. */
export interface Ack {
  status: number;
  /** The replicas nginx tried, the one that answered last (X-Replica: `127.0.0.1:port[, …]`); undefined without nginx. */
  replica: string | undefined;
  responseUrl: string;
  triggerId: string;
}

const readable = (body: Json): string => {
  const blocks = (body.blocks as Json[] | undefined) ?? [];
  const parts = blocks.flatMap((b) => {
    const text = (b.text as { text?: string } | undefined)?.text;
    const buttons = b.type === 'actions' ? (b.elements as { text: { text: string } }[]).map((e) => `[${e.text.text}]`) : [];
    return [...(text ? [text] : []), ...buttons];
  });
  return parts.length > 0 ? parts.join('\n') : String(body.text ?? '');
};

/**
 * Slack as seen from outside: signed slash commands and clicks POSTed to a URL (nginx, or one
 * replica), each with its own trigger_id and response_url; answers are read off the fake Web API.
 * Counts what it sent and what came back.
 */
export class SlackTraffic {
  sent = 0;
  acknowledged = 0;
  /** Requests not answered 200 (nginx's 502/504, a refused connection), with why. */
  readonly failures: string[] = [];

  /** `origin`: where response_urls point (the bot posts only to its SLACK_API_URL's origin). */
  constructor(
    readonly fake: FakeSlack,
    private readonly origin: string,
  ) {}

  /** A fresh response_url on `origin`; the fake records it by its id. */
  newResponseUrl(): string {
    return this.fake.newResponseUrl().replace(this.fake.url, this.origin);
  }

  newTriggerId(): string {
    return `trig.${randomBytes(6).toString('hex')}`;
  }

  /** POSTs a signed form; a slash command's ack is handed to the fake, which shows an answer in it as Slack would. */
  async post(url: string, form: Record<string, string>): Promise<{ status: number; replica: string | undefined }> {
    const body = new URLSearchParams(form).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signSlack(body, timestamp, SIGNING_SECRET);
    this.sent += 1;
    try {
      const res = await fetch(`${url}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature },
        body,
        // Slack's own patience: an ack later than 3 s counts as failed.
        signal: AbortSignal.timeout(3_000),
      });
      const ack = await res.text();
      if (form.command && form.response_url) this.fake.acknowledged(form.response_url, { status: res.status, contentType: res.headers.get('content-type'), body: ack });
      if (res.status === 200) this.acknowledged += 1;
      else this.failures.push(`${res.status} for ${form.command ?? 'a click'}`);
      return { status: res.status, replica: res.headers.get('x-replica') ?? undefined };
    } catch (err) {
      this.failures.push(`${err instanceof Error ? err.message : String(err)} for ${form.command ?? 'a click'}`);
      return { status: 0, replica: undefined };
    }
  }

  /** `user` types `/command text` in #general. */
  async command(url: string, user: { id: string; name: string }, line: string, opts: { triggerId?: string; responseUrl?: string } = {}): Promise<Ack> {
    const m = /^(\/\S+)\s*(.*)$/s.exec(line)!;
    const responseUrl = opts.responseUrl ?? this.newResponseUrl();
    const triggerId = opts.triggerId ?? this.newTriggerId();
    const { status, replica } = await this.post(url, {
      team_id: 'T0001',
      channel_id: 'CGENERAL',
      user_id: user.id,
      user_name: user.name,
      command: m[1]!,
      text: m[2] ?? '',
      api_app_id: 'A0001',
      response_url: responseUrl,
      trigger_id: triggerId,
    });
    return { status, replica, responseUrl, triggerId };
  }

  /** `user` clicks the button labelled `label` on `on`. */
  async click(url: string, user: { id: string; name: string }, on: Shown, label: string, opts: { triggerId?: string } = {}): Promise<Ack> {
    const button = on.blocks
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements as Json[])
      .find((e) => (e.text as { text: string }).text === label);
    if (!button) throw new Error(`no [${label}] on: ${on.text}`);
    const responseUrl = this.newResponseUrl();
    const triggerId = opts.triggerId ?? this.newTriggerId();
    const payload = {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: 'T0001' },
      api_app_id: 'A0001',
      container: { type: 'message', message_ts: on.ts, channel_id: on.channel, is_ephemeral: on.ephemeral },
      trigger_id: triggerId,
      team: { id: 'T0001', domain: 'test' },
      channel: { id: on.channel, name: on.channel },
      message: on.ephemeral ? undefined : { type: 'message', ts: on.ts, text: '', blocks: on.blocks },
      response_url: responseUrl,
      actions: [{ type: 'button', action_id: button.action_id, block_id: 'b1', text: button.text, value: button.value, action_ts: `${Date.now() / 1000}` }],
    };
    const { status, replica } = await this.post(url, { payload: JSON.stringify(payload) });
    return { status, replica, responseUrl, triggerId };
  }

  /** Every answer posted to a response_url so far. */
  answersAt(responseUrl: string): Shown[] {
    return this.fake.responsesTo(responseUrl).map((r) => ({
      text: readable(r.body),
      blocks: (r.body.blocks as Json[] | undefined) ?? [],
      channel: 'CGENERAL',
      ts: `${Date.now() / 1000}`,
      ephemeral: r.body.response_type !== 'in_channel',
    }));
  }

  /** The first answer at a response_url, waited for (10 s). */
  answer(ack: Ack, what: string): Promise<Shown> {
    return this.fake.waitFor(what, () => this.answersAt(ack.responseUrl)[0]);
  }

  /** The message in `channel` whose text matches, as it stands now (chat.update applied). */
  async message(channel: string, pattern: RegExp, what: string): Promise<Shown> {
    const inChannel = () => [...this.fake.messages.values()].filter((m) => m.channel === channel);
    const found = await this.fake.waitFor(what, () => inChannel().find((m) => pattern.test(readable(m as unknown as Json))));
    return { text: readable(found as unknown as Json), blocks: found.blocks as Json[], channel: found.channel, ts: found.ts, ephemeral: false };
  }
}
