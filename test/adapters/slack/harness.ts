import { measureInvocations } from '../../../src/metrics.js';
import type { Middleware } from '../../../src/core/middleware.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startSlack, type SlackHandle } from '../../../adapters/slack/index.js';
import { LocalRegistry } from '../../../src/backends/local/registry.js';
import type { Backend } from '../../../src/backends/port.js';
import { loadConfig } from '../../../src/config.js';
import { Core } from '../../../src/core/core.js';
import type { ApprovalSettings } from '../../../src/features/approvals/settings.js';
import { allFeatures } from '../../../src/features/index.js';
import { REDACTED_PATHS } from '../../../src/log.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack.js';
import { signSlack } from '../../helpers/slack-client.js';

export const TEAM = 'T0001';
export const SIGNING_SECRET = 'test-signing-secret';
export const APPROVALS = 'CAPPROVALS';
export const GENERAL = 'CGENERAL';

type Json = Record<string, unknown>;

/** A Slack message as a person sees it: its blocks, and where it sits (for clicking its buttons). */
export interface Seen {
  blocks: Json[];
  /** The text a reader sees: sections, fields, and buttons as `[Label]`. */
  readable: string;
  /** Only the person it was sent to can see it. */
  ephemeral: boolean;
  /** The answer replaced the message it came from (response_url `replace_original`). */
  replacedOriginal: boolean;
  channel: string;
  ts: string;
  /** Where an answer to a click on it goes. */
  responseUrl?: string;
}

/** The HTTP answer Slack got for a request (the ack), and where the bot answers later. */
export interface Sent {
  status: number;
  body: string;
  responseUrl: string;
  /** The first answer posted to this request's response_url. */
  answer(): Promise<Seen>;
  /** All answers posted to it so far. */
  answers(): Seen[];
}

export interface WorldOptions {
  admins?: string[];
  backend?: (store: Store) => Backend;
  /** APPROVALS_CHANNEL; null: unset (approvals go to the request's channel). */
  approvalsChannel?: string | null;
  /** Socket Mode (SLACK_APP_TOKEN set): requests arrive as envelopes over the fake's WebSocket. */
  socketMode?: boolean;
  /** Extra core middleware, innermost (it runs under the core's secret rule, as a handler would). */
  middleware?: Middleware[];
  /** REMINDER_DAYS, parsed; the core's default otherwise. */
  reminderDays?: number[];
  /** SLACK_ACK_ANSWER_MS; default config.ts's (1 s). 0: every answer through response_url. */
  ackAnswerMs?: number;
  /** The core's clock (grant timers, approval expiry, reminders); the real one otherwise. */
  now?: () => number;
  /** BREAK_GLASS and BREAK_GLASS_REVIEW, parsed; none otherwise. */
  breakGlass?: { members: string[]; reviewMs: number };
  /** APPROVAL_* settings, parsed (and ESCALATION_CHANNEL); the features' defaults otherwise. */
  approvals?: ApprovalSettings;
  escalationChannel?: string;
}

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Block Kit → the text a reader sees. */
export function readable(blocks: Json[]): string {
  const lines: string[] = [];
  for (const b of blocks) {
    if (b.type === 'section') {
      const text = b.text as { text: string } | undefined;
      if (text) lines.push(unescape(text.text));
      const fields = b.fields as { text: string }[] | undefined;
      if (fields) lines.push(fields.map((f) => unescape(f.text).replace(/\*/g, '').replace('\n', ': ')).join('\n'));
    } else if (b.type === 'actions') {
      lines.push((b.elements as { text: { text: string } }[]).map((e) => `[${e.text.text}]`).join(' '));
    } else {
      lines.push(`<${String(b.type)}>`);
    }
  }
  return lines.join('\n');
}

export const buttonsOf = (seen: Seen): Json[] => seen.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements as Json[]);

export interface SendOptions {
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  secret?: string;
  headers?: Record<string, string>;
}

/**
 * One Slack workspace around the real Slack adapter: the fake Web API, a Core on a temp SQLite file
 * and the embedded registry, and the app on an ephemeral port. People type commands, click the
 * buttons the bot rendered, and submit modals, with requests signed as Slack signs them.
 */
export class World {
  private counter = 0;

  private constructor(
    /** Every line the bot logged, at trace level. */
    readonly logLines: string[],
    readonly fake: FakeSlack,
    readonly store: Store,
    readonly backend: Backend,
    readonly core: Core,
    readonly slack: SlackHandle,
    private readonly dir: string,
    readonly socketMode: boolean,
  ) {}

  static async start(opts: WorldOptions = {}): Promise<World> {
    const dir = mkdtempSync(join(tmpdir(), 'chatops-slack-'));
    const store = await openStore(`sqlite://${join(dir, 'store.sqlite')}`);
    const backend = opts.backend ? opts.backend(store) : new LocalRegistry(store);
    const lines: string[] = [];
    // Trace level, to show that even the most verbose log holds no secret.
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = pino({ level: 'trace', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    const core = new Core({
      features: allFeatures({
        ...(opts.reminderDays ? { reminderDays: opts.reminderDays } : {}),
        ...(opts.breakGlass ? { breakGlass: opts.breakGlass } : {}),
        ...(opts.approvals ? { approvals: opts.approvals } : {}),
      }),
      ...(opts.now ? { now: opts.now } : {}),
      store,
      backend,
      admins: opts.admins ?? ['slack:UADMIN1', 'slack:UADMIN2'],
      logger,
      middleware: [measureInvocations, ...(opts.middleware ?? [])],
    });
    const fake = await startFakeSlack();
    const approvals = opts.approvalsChannel === undefined ? APPROVALS : (opts.approvalsChannel ?? undefined);
    const slack = await startSlack({
      core,
      logger,
      webApiRetries: 0,
      config: {
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_APP_TOKEN: opts.socketMode ? 'xapp-test-token' : undefined,
        SLACK_API_URL: fake.apiUrl,
        PORT: 0,
        APPROVALS_CHANNEL: approvals,
        SLACK_ACK_ANSWER_MS: opts.ackAnswerMs ?? loadConfig({}).SLACK_ACK_ANSWER_MS,
        ...(opts.escalationChannel ? { ESCALATION_CHANNEL: opts.escalationChannel } : {}),
      },
    });
    return new World(lines, fake, store, backend, core, slack, dir, opts.socketMode ?? false);
  }

  get url(): string {
    return `http://127.0.0.1:${this.slack.port}`;
  }

  person(userId: string, name: string): Person {
    return new Person(this, userId, name);
  }

  nextTriggerId(): string {
    return `${++this.counter}.${randomBytes(4).toString('hex')}`;
  }

  /**
   * Delivers a request as Slack does: over HTTP, a signed form POSTed to /slack/events with exactly
   * Slack's content type; in Socket Mode, an envelope whose ack stands in for the HTTP answer.
   */
  async send(form: Record<string, string>, opts: SendOptions = {}): Promise<{ status: number; body: string }> {
    const { status, body } = await this.sendTyped(form, opts);
    return { status, body };
  }

  /** As `send`, with the answer's content type (null in Socket Mode). */
  async sendTyped(form: Record<string, string>, opts: SendOptions = {}): Promise<{ status: number; body: string; contentType: string | null }> {
    if (this.socketMode) {
      const envelope = form.payload ? this.fake.sendEnvelope('interactive', JSON.parse(form.payload) as Json) : this.fake.sendEnvelope('slash_commands', form);
      const ack = await envelope;
      return { status: 200, body: JSON.stringify(ack.payload ?? {}), contentType: null };
    }
    const body = new URLSearchParams(form).toString();
    const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const res = await fetch(`${this.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signSlack(body, timestamp, opts.secret ?? SIGNING_SECRET),
        ...opts.headers,
      },
      body,
    });
    return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') };
  }

  sent(ack: { status: number; body: string }, responseUrl: string): Sent {
    const toSeen = (b: Json): Seen => this.seenFromResponse(b, responseUrl);
    return {
      ...ack,
      responseUrl,
      answer: async () => toSeen((await this.fake.waitFor(`an answer at ${responseUrl}`, () => this.fake.responsesTo(responseUrl)[0])).body),
      answers: () => this.fake.responsesTo(responseUrl).map((r) => toSeen(r.body)),
    };
  }

  private seenFromResponse(body: Json, responseUrl: string): Seen {
    const blocks = (body.blocks as Json[] | undefined) ?? [];
    return {
      blocks,
      readable: blocks.length > 0 ? readable(blocks) : unescape(String(body.text ?? '')),
      ephemeral: body.response_type !== 'in_channel',
      replacedOriginal: body.replace_original === true,
      channel: GENERAL,
      ts: `${Date.now() / 1000}`,
      responseUrl,
    };
  }

  /** The message the bot posted with chat.postMessage to `channel`, as it stands now (chat.update applied). */
  async postedIn(channel: string, index = 0): Promise<Seen> {
    const posted = await this.fake.waitFor(`message ${index + 1} in ${channel}`, () => this.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel)[index]);
    const ts = [...this.fake.messages.values()].filter((m) => m.channel === channel)[index]?.ts;
    const current = this.fake.messages.get(`${channel}/${ts}`);
    if (!current) throw new Error(`no stored message for ${String(posted.args.channel)}`);
    const blocks = current.blocks as Json[];
    return { blocks, readable: readable(blocks), ephemeral: false, replacedOriginal: false, channel, ts: current.ts };
  }

  /** A direct message from the bot to `userId` (conversations.open, then chat.postMessage). */
  dmTo(userId: string, index = 0): Promise<Seen> {
    return this.postedIn(`D${userId.replace(/^U/, '')}`, index);
  }

  /** Resolves with the first log line containing `text` (polled: logs have no event to wait on; 20 s by default, for a busy machine). */
  async logged(text: string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.logLines.find((l) => l.includes(text));
      if (line) return line;
      if (Date.now() > deadline) throw new Error(`no log line with ${JSON.stringify(text)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Every byte the bot sent anywhere a secret must not go: Web API calls (channels, DMs, updates) and logs. */
  publicRecord(): string {
    return JSON.stringify(this.fake.calls) + this.logLines.join('');
  }

  async close(): Promise<void> {
    await this.slack.stop();
    await this.fake.stop();
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class Person {
  constructor(
    private readonly world: World,
    readonly userId: string,
    readonly name: string,
  ) {}

  /** `<@U123|name>`, as Slack escapes a mention with should_escape. */
  get mention(): string {
    return `<@${this.userId}|${this.name}>`;
  }

  /** Types `/apikey create` and reads the new key's id off the private answer. */
  async createsAKey(): Promise<string> {
    const answer = await (await this.types('/apikey create')).answer();
    const id = /`(k-[0-9a-f]+)`/.exec(answer.readable)?.[1];
    if (!id) throw new Error(`no key id in: ${answer.readable}`);
    return id;
  }

  /** Types `/command text` in a channel; resolves with Slack's view of the ack. */
  async types(line: string, opts: SendOptions & { channel?: string; triggerId?: string; responseUrl?: string } = {}): Promise<Sent> {
    const m = /^(\/\S+)\s*(.*)$/s.exec(line.trim());
    if (!m) throw new Error(`not a slash command: ${line}`);
    const responseUrl = opts.responseUrl ?? this.world.fake.newResponseUrl();
    const form = {
      token: 'legacy-verification-token',
      team_id: TEAM,
      team_domain: 'test',
      channel_id: opts.channel ?? GENERAL,
      channel_name: 'general',
      user_id: this.userId,
      user_name: this.name,
      command: m[1]!,
      text: m[2] ?? '',
      api_app_id: 'A0001',
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: opts.triggerId ?? this.world.nextTriggerId(),
    };
    const { contentType, ...ack } = await this.world.sendTyped(form, opts);
    // Over HTTP a quick answer rides in the ack; Slack shows it as it shows a response_url post.
    if (!this.world.socketMode) this.world.fake.acknowledged(responseUrl, { ...ack, contentType });
    return this.world.sent(ack, responseUrl);
  }

  /** Clicks the button labelled `label` on a message the bot rendered (after Slack's confirm dialog, if any). */
  async clicks(on: Seen, label: string, opts: SendOptions & { triggerId?: string } = {}): Promise<Sent> {
    const button = buttonsOf(on).find((b) => (b.text as { text: string }).text === label);
    if (!button) throw new Error(`no [${label}] button on: ${on.readable}`);
    const responseUrl = this.world.fake.newResponseUrl();
    const payload = {
      type: 'block_actions',
      user: { id: this.userId, username: this.name, name: this.name, team_id: TEAM },
      api_app_id: 'A0001',
      token: 'legacy-verification-token',
      container: { type: 'message', message_ts: on.ts, channel_id: on.channel, is_ephemeral: on.ephemeral },
      trigger_id: opts.triggerId ?? this.world.nextTriggerId(),
      team: { id: TEAM, domain: 'test' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: on.channel, name: 'general' },
      message: on.ephemeral ? undefined : { type: 'message', ts: on.ts, text: '', blocks: on.blocks },
      response_url: responseUrl,
      actions: [
        {
          type: 'button',
          action_id: button.action_id,
          block_id: 'b1',
          text: button.text,
          value: button.value,
          ...(button.style ? { style: button.style } : {}),
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    };
    return this.world.sent(await this.world.send({ payload: JSON.stringify(payload) }, opts), responseUrl);
  }

  /** Fills the modal's plain-text inputs (by action_id) and submits it. */
  async submits(view: Json, values: Record<string, string>, opts: SendOptions = {}): Promise<{ status: number; body: string }> {
    const state: Record<string, Record<string, { type: string; value: string }>> = {};
    for (const block of view.blocks as Json[]) {
      const element = block.element as Json | undefined;
      if (block.type !== 'input' || !element) continue;
      const actionId = String(element.action_id);
      state[String(block.block_id)] = { [actionId]: { type: String(element.type), value: values[actionId] ?? '' } };
    }
    const payload = {
      type: 'view_submission',
      team: { id: TEAM, domain: 'test' },
      user: { id: this.userId, username: this.name, name: this.name, team_id: TEAM },
      api_app_id: 'A0001',
      token: 'legacy-verification-token',
      trigger_id: this.world.nextTriggerId(),
      view: { ...view, id: view.id ?? 'V1', team_id: TEAM, state: { values: state }, hash: 'h1' },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    return this.world.send({ payload: JSON.stringify(payload) }, opts);
  }
}
