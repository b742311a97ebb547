import { randomBytes } from 'node:crypto';
import type { ApprovalSettings } from '../../../src/features/approvals/settings.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createMattermostAdapter } from '../../../adapters/mattermost/index.js';
import { LocalRegistry } from '../../../src/backends/local/registry.js';
import type { Backend } from '../../../src/backends/port.js';
import { Core } from '../../../src/core/core.js';
import type { Middleware } from '../../../src/core/middleware.js';
import type { Adapter } from '../../../src/core/outcome.js';
import { allFeatures } from '../../../src/features/index.js';
import { HttpServer } from '../../../src/http/server.js';
import { REDACTED_PATHS } from '../../../src/log.js';
import { measureInvocations } from '../../../src/metrics.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { BOT_TOKEN, startFakeMattermost, type FakeMattermost, type FakePost } from '../../fakes/mattermost.js';

export const TEAM = 'team1';
export const GENERAL = 'town-square';
export const APPROVALS = 'approvals';
/** The tokens of the three slash commands, as MATTERMOST_COMMAND_TOKENS lists them. */
export const COMMAND_TOKENS = ['tok-apikey', 'tok-quota', 'tok-tenant'];
const TOKEN_OF: Record<string, string> = { '/apikey': 'tok-apikey', '/quota': 'tok-quota', '/tenant': 'tok-tenant' };

type Json = Record<string, unknown>;

/** A post as a person sees it now: its text and buttons as `[Label]`. */
export interface Seen {
  /** The post itself, as it stands now. */
  post: FakePost;
  /** Its text and buttons when seen (a client still showing an old card can click its buttons). */
  readable: string;
  actions: Json[];
  ephemeral: boolean;
}

export const actionsOf = (seen: Seen): Json[] => seen.actions;

export function see(post: FakePost): Seen {
  const actions = (post.props.attachments ?? []).flatMap((a) => (a.actions as Json[] | undefined) ?? []);
  const buttons = actions as { name: string }[];
  // A zero-width space after `@` (people's names and text mention nobody) is not seen.
  const readable = [post.message.replace(/@\u200B/g, '@'), ...(buttons.length ? [buttons.map((b) => `[${b.name}]`).join(' ')] : [])].join('\n');
  return { post, readable, actions: structuredClone(actions), ephemeral: post.ephemeralTo !== undefined };
}

/** The HTTP answer Mattermost got for a slash command, and the answers shown for it (in the response, or through its response_url). */
export interface Sent {
  status: number;
  body: string;
  responseUrl: string;
  answer(): Promise<Seen>;
  answers(): Seen[];
}

/** A click's HTTP answer, as Mattermost applies it: the post updated in place, or an ephemeral notice to the clicker. */
export interface Clicked {
  status: number;
  response: Json;
  /** The post, updated, when the answer replaced it; else the notice. */
  seen: Seen | undefined;
  replaced: boolean;
}

export interface WorldOptions {
  admins?: string[];
  backend?: (store: Store) => Backend;
  /** MATTERMOST_APPROVALS_CHANNEL; null: unset. */
  approvalsChannel?: string | null;
  reminderDays?: number[];
  middleware?: Middleware[];
  /** How long the adapter waits for the core before acknowledging empty. */
  answerWithinMs?: number;
  /** How long stop() waits for answers in flight before telling their users the bot is restarting. */
  stopGraceMs?: number;
  /** A store shared with another World (a second replica): its URL. Default: a fresh SQLite file. */
  storeUrl?: string;
  /** The fake Mattermost of another World (a second replica behind the same server). */
  fake?: FakeMattermost;
  now?: () => number;
  /** APPROVAL_* settings, parsed, and MATTERMOST_ESCALATION_CHANNEL; the features' defaults otherwise. */
  approvals?: ApprovalSettings;
  escalationChannel?: string;
}

/**
 * One Mattermost team around the real Mattermost adapter: the fake server, a Core on SQLite and the
 * embedded registry, and the adapter on the shared HTTP server on an ephemeral port. People type slash
 * commands (with their command token), click the buttons the bot rendered (POSTing the context the bot
 * sealed to the URL it named), and submit the login dialog.
 */
export class World {
  private counter = 0;

  private constructor(
    readonly logLines: string[],
    readonly fake: FakeMattermost,
    private readonly ownsFake: boolean,
    readonly store: Store,
    readonly backend: Backend,
    readonly core: Core,
    readonly adapter: Adapter,
    private readonly http: HttpServer,
    readonly port: number,
    private readonly dir: string | undefined,
  ) {}

  static async start(opts: WorldOptions = {}): Promise<World> {
    const dir = opts.storeUrl ? undefined : mkdtempSync(join(tmpdir(), 'chatops-mattermost-'));
    const store = await openStore(opts.storeUrl ?? `sqlite://${join(dir!, 'store.sqlite')}`);
    const backend = opts.backend ? opts.backend(store) : new LocalRegistry(store);
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = pino({ level: 'trace', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    const core = new Core({
      features: allFeatures({ ...(opts.reminderDays ? { reminderDays: opts.reminderDays } : {}), ...(opts.approvals ? { approvals: opts.approvals } : {}) }),
      store,
      backend,
      admins: opts.admins ?? ['mattermost:uadmin1', 'mattermost:uadmin2'],
      logger,
      middleware: [measureInvocations, ...(opts.middleware ?? [])],
      ...(opts.now ? { now: opts.now } : {}),
    });
    const fake = opts.fake ?? (await startFakeMattermost());
    const http = new HttpServer(0, logger);
    const port = await http.start();
    const approvals = opts.approvalsChannel === undefined ? APPROVALS : (opts.approvalsChannel ?? undefined);
    const adapter = createMattermostAdapter({
      core,
      logger,
      http,
      config: {
        MATTERMOST_URL: fake.url,
        MATTERMOST_BOT_TOKEN: BOT_TOKEN,
        MATTERMOST_COMMAND_TOKENS: COMMAND_TOKENS.join(','),
        MATTERMOST_APPROVALS_CHANNEL: approvals,
        MATTERMOST_BOT_URL: `http://127.0.0.1:${port}`,
        MATTERMOST_ESCALATION_CHANNEL: opts.escalationChannel,
      },
      ...(opts.answerWithinMs !== undefined ? { answerWithinMs: opts.answerWithinMs } : {}),
      ...(opts.stopGraceMs !== undefined ? { stopGraceMs: opts.stopGraceMs } : {}),
      ...(opts.now ? { now: opts.now } : {}),
    });
    core.registerAdapter(adapter);
    await adapter.start();
    return new World(lines, fake, opts.fake === undefined, store, backend, core, adapter, http, port, dir);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  person(userId: string, username: string, locale = 'en'): Person {
    if (!this.fake.users.has(userId)) this.fake.addUser(userId, username, locale);
    return new Person(this, userId, username);
  }

  nextTriggerId(): string {
    return `${++this.counter}.${randomBytes(4).toString('hex')}`;
  }

  /** The post the bot made through POST /posts in `channel` (the `index`-th), as it stands now. */
  async postedIn(channel: string, index = 0): Promise<Seen> {
    const post = await this.fake.waitFor(`post ${index + 1} in ${channel}`, () => this.fake.postsIn(channel).filter((p) => !p.ephemeralTo && !p.answers)[index]);
    return see(post);
  }

  /** A direct message from the bot to `userId` (POST /channels/direct, then POST /posts). */
  dmTo(userId: string, index = 0): Promise<Seen> {
    return this.postedIn(this.fake.dmChannelOf(userId), index);
  }

  /** Resolves with the first log line containing `text` (polled: logs have no event to wait on). */
  async logged(text: string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.logLines.find((l) => l.includes(text));
      if (line) return line;
      if (Date.now() > deadline) throw new Error(`no log line with ${JSON.stringify(text)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Everything a secret must not reach: the bot's REST calls other than ephemeral posts (channel posts, DMs, edits), and its logs. */
  publicRecord(): string {
    return JSON.stringify(this.fake.calls.filter((c) => c.path !== '/posts/ephemeral')) + this.logLines.join('');
  }

  async close(): Promise<void> {
    this.http.markStopping();
    await this.http.stop();
    await this.adapter.stop();
    if (this.ownsFake) await this.fake.stop();
    await this.store.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

export class Person {
  constructor(
    private readonly world: World,
    readonly userId: string,
    readonly username: string,
  ) {}

  get mention(): string {
    return `@${this.username}`;
  }

  /** Types `/apikey create` and reads the new key's id off the private answer. */
  async createsAKey(): Promise<string> {
    const answer = await (await this.types('/apikey create')).answer();
    const id = /`(k-[0-9a-f]+)`/.exec(answer.readable)?.[1];
    if (!id) throw new Error(`no key id in: ${answer.readable}`);
    return id;
  }

  /**
   * Types `/command text` in a channel: Mattermost POSTs the form with the command's token (in the
   * Authorization header and the `token` field) and names the users the text mentions.
   */
  async types(line: string, opts: { channel?: string; token?: string; to?: World } = {}): Promise<Sent> {
    const world = opts.to ?? this.world;
    const m = /^(\/\S+)\s*(.*)$/s.exec(line.trim());
    if (!m) throw new Error(`not a slash command: ${line}`);
    const channel = opts.channel ?? GENERAL;
    const responseUrl = world.fake.newResponseUrl(channel, this.userId);
    const text = m[2] ?? '';
    const mentioned = [...world.fake.users.values()].filter((u) => new RegExp(`(^|\\s)@${u.username}\\b`).test(text));
    const token = opts.token ?? TOKEN_OF[m[1]!] ?? 'tok-unknown';
    const form = {
      channel_id: channel,
      channel_name: channel,
      command: m[1]!,
      response_url: responseUrl,
      team_domain: 'test',
      team_id: TEAM,
      text,
      token,
      trigger_id: world.nextTriggerId(),
      user_id: this.userId,
      user_name: this.username,
      ...(mentioned.length ? { user_mentions: mentioned.map((u) => u.username).join(','), user_mentions_ids: mentioned.map((u) => u.id).join(',') } : {}),
    };
    const res = await fetch(`${world.url}/mattermost/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Token ${token}`, accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
    });
    const body = await res.text();
    if (res.status === 200 && body !== '') world.fake.showAnswer(responseUrl, JSON.parse(body) as Json);
    return {
      status: res.status,
      body,
      responseUrl,
      answer: async () => see(await world.fake.waitFor(`an answer to ${line}`, () => world.fake.answersTo(responseUrl)[0])),
      answers: () => world.fake.answersTo(responseUrl).map(see),
    };
  }

  /** Clicks the button `label` on a post: Mattermost POSTs the button's context to its integration URL, and applies the answer. */
  async clicks(on: Seen, label: string, opts: { to?: World } = {}): Promise<Clicked> {
    const world = opts.to ?? this.world;
    const action = actionsOf(on).find((a) => a.name === label) as { integration: { url: string; context: Json } } | undefined;
    if (!action) throw new Error(`no [${label}] button on: ${on.readable}`);
    // Another replica behind the same load balancer takes the same URL path.
    const url = opts.to ? `${world.url}${new URL(action.integration.url).pathname}` : action.integration.url;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        user_id: this.userId,
        user_name: this.username,
        channel_id: on.post.channel_id,
        channel_name: on.post.channel_id,
        team_id: TEAM,
        team_domain: 'test',
        post_id: on.post.id,
        trigger_id: world.nextTriggerId(),
        type: 'button',
        data_source: '',
        context: action.integration.context,
      }),
    });
    const response = (await res.json()) as Json;
    const update = response.update as { message?: string; props?: { attachments?: Json[] } } | undefined;
    if (update) {
      world.fake.update(on.post.id, update);
      return { status: res.status, response, seen: see(on.post), replaced: true };
    }
    if (typeof response.ephemeral_text === 'string') {
      const notice = world.fake.show(on.post.channel_id, { message: response.ephemeral_text }, this.userId);
      return { status: res.status, response, seen: see(notice), replaced: false };
    }
    return { status: res.status, response, seen: undefined, replaced: false };
  }

  /** Fills the login dialog the bot opened for this person and submits it, as Mattermost POSTs it to the dialog's URL. */
  async submitsLogin(values: Record<string, string>, opts: { state?: string; as?: Person } = {}): Promise<{ status: number; body: string }> {
    const opened = await this.world.fake.waitFor('a dialog opened', () => this.world.fake.callsTo('POST', '/actions/dialogs/open').at(-1));
    const { url, dialog } = opened.body as { url: string; dialog: { callback_id: string; state: string } };
    const who = opts.as ?? this;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'dialog_submission',
        callback_id: dialog.callback_id,
        state: opts.state ?? dialog.state,
        user_id: who.userId,
        channel_id: GENERAL,
        team_id: TEAM,
        submission: values,
        cancelled: false,
      }),
    });
    return { status: res.status, body: await res.text() };
  }
}
