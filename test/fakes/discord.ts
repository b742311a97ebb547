/**
 * A fake Discord for integration tests: the REST routes the bot uses (under `/api/v10`) and a
 * gateway WebSocket on the same loopback port. discord.js logs in against it for real: it reads
 * `GET /gateway/bot`, connects, is greeted with HELLO, IDENTIFYs, gets READY, heartbeats, and then
 * receives `INTERACTION_CREATE` dispatches built here from raw payloads. With an Interactions Endpoint
 * URL set (`useInteractionsEndpoint`), the same payloads are POSTed there instead, signed with the
 * application's Ed25519 key, and the HTTP answer is the callback. Every REST call is recorded
 * and messages are modelled (ephemeral flag, edits, components) so tests can read a transcript.
 */
import { sign, type KeyObject } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DiscordRateLimits, type RouteRule } from './discord-rate-limits.js';
import { WebSocketServer, type WebSocket } from 'ws';

const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;

/** Interaction callback types (Discord's InteractionResponseType). */
export const Callback = { Reply: 4, DeferReply: 5, DeferUpdate: 6, Update: 7, Modal: 9 } as const;

export interface FakeUser {
  id: string;
  username: string;
  /** The user's client language, sent as the interaction's `locale` (`en-US` when unset). */
  locale?: string;
}

export interface RestCall {
  at: number;
  method: string;
  /** Path below the versioned base, e.g. `/channels/123/messages`. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** Whether a `Bot <token>` authorization header came along (never the token itself). */
  auth: boolean;
  /** Files sent as multipart (`files[n]`, with the JSON in `payload_json`), as Discord takes attachments. */
  files?: FakeAttachment[];
}

/** A file attached to a message. */
export interface FakeAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface FakeMessage {
  id: string;
  channelId: string;
  content: string;
  embeds: unknown[];
  components: ActionRowJson[];
  flags: number;
  /** How it was made: an interaction response, a follow-up, or a plain channel message. */
  source: 'interaction' | 'followup' | 'channel';
  interactionId?: string;
  edits: number;
  deleted: boolean;
  /** Files attached to it (a multipart create or edit). */
  attachments: FakeAttachment[];
}

export interface ButtonJson {
  type: 2;
  custom_id?: string;
  label?: string;
  style: number;
  disabled?: boolean;
}
export interface ActionRowJson {
  type: 1;
  components: ButtonJson[];
}

export interface ModalJson {
  custom_id: string;
  title: string;
  components: { type: number; components: { type: number; custom_id: string; label?: string; style?: number; placeholder?: string; required?: boolean }[] }[];
}

/** One interaction the fake dispatched, and what the bot answered. */
export interface SentInteraction {
  id: string;
  token: string;
  kind: 'command' | 'click' | 'modal';
  user: FakeUser;
  channelId: string;
  dispatchedAt: number;
  /** How many gateway connections the dispatch went out on (0: no bot could have received it). */
  deliveredTo?: number;
  /** Over HTTP interactions: the status the endpoint answered with, and the JSON body that was signed. */
  httpStatus?: number;
  httpBody?: string;
  /** For clicks: the message the button is on. */
  messageId?: string;
  callback?: { type: number; data?: Record<string, unknown>; at: number };
  /** The message `@original` refers to once answered. */
  originalId?: string;
  followupIds: string[];
  modal?: ModalJson;
}

export type OptionValue = string | number | boolean | FakeUser;

export interface FakeDiscordOptions {
  token: string;
  applicationId: string;
  guildId: string;
  botUser?: FakeUser;
  heartbeatIntervalMs?: number;
  /** Per-route limits; default Discord's (discord-rate-limits.ts). */
  routeRules?: RouteRule[];
  /** The most bytes of attachments a request may carry (Discord: 10 MiB for a bot); past it, 413 and code 40005. */
  attachmentMaxBytes?: number;
}

const isUser = (v: OptionValue): v is FakeUser => typeof v === 'object';

/** The two headers Discord signs an HTTP interaction with: Ed25519 over timestamp + body. */
export function signInteraction(privateKey: KeyObject, body: string, timestamp = String(Math.floor(Date.now() / 1000))): Record<string, string> {
  const signature = sign(null, Buffer.from(timestamp + body), privateKey).toString('hex');
  return { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp };
}

export class FakeDiscord {
  readonly calls: RestCall[] = [];
  /** Discord's global and per-route limits: every 429 given, and any request that ignored one. */
  readonly rateLimits: DiscordRateLimits;
  readonly messages = new Map<string, FakeMessage>();
  readonly interactions = new Map<string, SentInteraction>();
  /** Command registrations by scope: `global` or the guild id. */
  readonly registered = new Map<string, unknown[]>();
  /** Channels of another guild than the fake's own (one application in several servers): channel id → guild id. */
  readonly channelGuilds = new Map<string, string>();
  readonly identifies: Record<string, unknown>[] = [];
  heartbeats = 0;

  private readonly changes = new EventEmitter();
  private readonly server: Server;
  private readonly gateway: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  private readonly dmChannels = new Map<string, string>();
  private readonly botUser: FakeUser;
  private seq = 0;
  private endpoint: { url: string; key: KeyObject } | undefined;
  private nextId = 1_300_000_000_000_000_000n;
  private port = 0;

  constructor(private readonly opts: FakeDiscordOptions) {
    // Every test waiting on the fake listens here; a benchmark may have hundreds at once.
    this.changes.setMaxListeners(0);
    this.botUser = opts.botUser ?? { id: opts.applicationId, username: 'twcc-bot' };
    this.rateLimits = new DiscordRateLimits(opts.routeRules);
    this.server = createServer((req, res) => void this.route(req, res));
    this.gateway = new WebSocketServer({ server: this.server, path: '/gateway' });
    this.gateway.on('connection', (ws) => this.greet(ws));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** What DISCORD_API_URL should be. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.gateway.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private snowflake(): string {
    this.nextId += 1n;
    return String(this.nextId);
  }

  // ---------------------------------------------------------------- gateway

  /** Open gateway connections (a stopped bot has closed its own). */
  get connections(): number {
    return this.sockets.size;
  }

  private send(ws: WebSocket, payload: { op: number; d: unknown; t?: string; s?: number }): void {
    ws.send(JSON.stringify({ s: null, t: null, ...payload }));
  }

  private greet(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    this.send(ws, { op: 10, d: { heartbeat_interval: this.opts.heartbeatIntervalMs ?? 1_000 } });
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { op: number; d: Record<string, unknown> | null };
      if (msg.op === 1) {
        this.heartbeats++;
        this.send(ws, { op: 11, d: null });
        this.changes.emit('change');
      } else if (msg.op === 2) this.identify(ws, msg.d ?? {});
    });
  }

  private identify(ws: WebSocket, d: Record<string, unknown>): void {
    if (d.token !== this.opts.token) {
      ws.close(4004, 'Authentication failed.');
      return;
    }
    const { token: _token, ...rest } = d;
    this.identifies.push(rest);
    const guilds = [{ id: this.opts.guildId, unavailable: true }];
    this.dispatchTo(ws, 'READY', {
      v: 10,
      user: { ...this.botUser, discriminator: '0', global_name: null, avatar: null, bot: true },
      guilds,
      session_id: `session-${this.snowflake()}`,
      resume_gateway_url: `ws://127.0.0.1:${this.port}/gateway`,
      shard: [0, 1],
      application: { id: this.opts.applicationId, flags: 0 },
    });
    // GUILD_CREATE only comes with the Guilds intent, as on Discord.
    if ((Number(d.intents) & 1) === 1) {
      this.dispatchTo(ws, 'GUILD_CREATE', {
        id: this.opts.guildId,
        name: 'Test guild',
        owner_id: '1',
        roles: [],
        emojis: [],
        features: [],
        channels: [],
        members: [],
        threads: [],
        unavailable: false,
      });
    }
    this.changes.emit('change');
  }

  private dispatchTo(ws: WebSocket, t: string, d: unknown): void {
    this.send(ws, { op: 0, t, s: ++this.seq, d });
  }

  private dispatch(t: string, d: unknown): void {
    for (const ws of this.sockets) this.dispatchTo(ws, t, d);
  }

  /** Resolves once a client has identified. */
  async identified(timeoutMs = 10_000): Promise<void> {
    await this.until(() => this.identifies.length > 0, timeoutMs, 'no IDENTIFY');
  }

  // ------------------------------------------------------------ interactions

  private member(user: FakeUser) {
    return {
      user: { id: user.id, username: user.username, discriminator: '0', global_name: null, avatar: null },
      roles: [],
      permissions: '2248473465835073',
      joined_at: '2025-01-01T00:00:00.000Z',
      deaf: false,
      mute: false,
      flags: 0,
      nick: null,
      avatar: null,
    };
  }

  private base(kind: SentInteraction['kind'], type: number, user: FakeUser, channelId: string, messageId?: string) {
    const sent: SentInteraction = {
      id: this.snowflake(),
      token: `itoken-${this.snowflake()}`,
      kind,
      user,
      channelId,
      dispatchedAt: 0,
      followupIds: [],
      ...(messageId ? { messageId } : {}),
    };
    this.interactions.set(sent.id, sent);
    const guildId = this.channelGuilds.get(channelId) ?? this.opts.guildId;
    const payload = {
      id: sent.id,
      application_id: this.opts.applicationId,
      type,
      token: sent.token,
      version: 1,
      channel_id: channelId,
      app_permissions: '2248473465835073',
      locale: user.locale ?? 'en-US',
      entitlements: [],
      attachment_size_limit: 10_485_760,
      // In the bot's DM with a user, Discord sends no guild: `user` instead of `member`, a DM channel, context 1.
      ...([...this.dmChannels.values()].includes(channelId)
        ? {
            channel: { id: channelId, type: 1, recipients: [{ id: user.id, username: user.username, discriminator: '0', global_name: null, avatar: null }] },
            user: this.member(user).user,
            authorizing_integration_owners: { '0': guildId },
            context: 1,
          }
        : {
            guild_id: guildId,
            channel: { id: channelId, type: 0, guild_id: guildId, name: 'general' },
            member: this.member(user),
            guild_locale: 'en-US',
            authorizing_integration_owners: { '0': guildId },
            context: 0,
          }),
    };
    return { sent, payload };
  }

  /**
   * As setting the Interactions Endpoint URL in the Developer Portal does: from now on interactions are
   * POSTed to `url`, signed with `privateKey`, and no longer dispatched on the gateway.
   */
  useInteractionsEndpoint(url: string, privateKey: KeyObject): void {
    this.endpoint = { url, key: privateKey };
  }

  private fire(sent: SentInteraction, payload: unknown): SentInteraction {
    sent.dispatchedAt = Date.now();
    if (this.endpoint) {
      sent.deliveredTo = 1;
      sent.httpBody = JSON.stringify(payload);
      void this.post(this.endpoint, sent, sent.httpBody);
      return sent;
    }
    sent.deliveredTo = this.sockets.size;
    this.dispatch('INTERACTION_CREATE', payload);
    return sent;
  }

  /** One HTTP delivery; a 200 answer is the interaction's callback, recorded as the callback route records it. */
  private async post(endpoint: { url: string; key: KeyObject }, sent: SentInteraction, body: string): Promise<void> {
    try {
      const res = await fetch(endpoint.url, { method: 'POST', headers: { 'content-type': 'application/json', ...signInteraction(endpoint.key, body) }, body });
      sent.httpStatus = res.status;
      const answer = (await res.json().catch(() => undefined)) as { type?: unknown; data?: Record<string, unknown> } | undefined;
      if (res.status === 200 && answer) this.acknowledge(sent, Number(answer.type), answer.data, Date.now());
    } catch {
      sent.httpStatus = 0;
    } finally {
      this.changes.emit('change');
    }
  }

  /**
   * A user runs `/command subcommand` with typed options: strings are STRING, numbers INTEGER, booleans
   * BOOLEAN, users USER options (with `resolved.users`), as Discord sends them.
   */
  command(user: FakeUser, command: string, subcommand: string, options: Record<string, OptionValue> = {}, channelId = 'C-GENERAL'): SentInteraction {
    const { sent, payload } = this.base('command', 2, user, channelId);
    const users = Object.values(options).filter(isUser);
    const data = {
      id: `cmd-${command}`,
      name: command,
      type: 1,
      guild_id: this.channelGuilds.get(channelId) ?? this.opts.guildId,
      options: [
        {
          type: 1,
          name: subcommand,
          options: Object.entries(options).map(([name, v]) =>
            isUser(v)
              ? { type: 6, name, value: v.id }
              : typeof v === 'number'
                ? { type: 4, name, value: v }
                : typeof v === 'boolean'
                  ? { type: 5, name, value: v }
                  : { type: 3, name, value: v },
          ),
        },
      ],
      ...(users.length
        ? {
            resolved: {
              users: Object.fromEntries(users.map((u) => [u.id, { id: u.id, username: u.username, discriminator: '0', global_name: null, avatar: null }])),
              members: Object.fromEntries(users.map((u) => [u.id, { roles: [], joined_at: '2025-01-01T00:00:00.000Z', flags: 0, permissions: '0', nick: null, avatar: null }])),
            },
          }
        : {}),
    };
    return this.fire(sent, { ...payload, data });
  }

  /** A user clicks a button of a message the bot sent; throws if the message has no such button. */
  click(user: FakeUser, message: FakeMessage, customId: string): SentInteraction {
    const button = message.components.flatMap((r) => r.components).find((c) => c.custom_id === customId);
    if (!button || message.deleted) throw new Error(`message ${message.id} has no button ${customId}`);
    const { sent, payload } = this.base('click', 3, user, message.channelId, message.id);
    return this.fire(sent, { ...payload, message: this.messageJson(message), data: { custom_id: customId, component_type: 2 } });
  }

  /** A user submits the modal the bot opened in answer to `opener`. */
  submitModal(user: FakeUser, opener: SentInteraction, values: Record<string, string>): SentInteraction {
    if (!opener.modal) throw new Error(`interaction ${opener.id} opened no modal`);
    const { sent, payload } = this.base('modal', 5, user, opener.channelId);
    const components = Object.entries(values).map(([custom_id, value]) => ({ type: 1, components: [{ type: 4, custom_id, value }] }));
    return this.fire(sent, { ...payload, data: { custom_id: opener.modal.custom_id, components } });
  }

  /** Whether the bot has finished answering: a reply, an update, a modal, or an edit/follow-up after a defer. */
  isAnswered(sent: SentInteraction): boolean {
    const cb = sent.callback;
    if (!cb) return false;
    if (cb.type === Callback.Reply || cb.type === Callback.Update || cb.type === Callback.Modal) return true;
    if (cb.type === Callback.DeferReply) {
      const original = sent.originalId ? this.messages.get(sent.originalId) : undefined;
      return !original || original.deleted || (original.flags & LOADING) === 0;
    }
    // A deferred update is answered by an edit of the clicked message or a follow-up.
    return sent.followupIds.length > 0 || this.calls.some((c) => c.method === 'PATCH' && c.path.includes(`/${sent.token}/messages/`));
  }

  async answered(sent: SentInteraction, timeoutMs = 20_000): Promise<SentInteraction> {
    await this.until(() => this.isAnswered(sent), timeoutMs, `interaction ${sent.kind} by ${sent.user.username} was not answered`);
    return sent;
  }

  /** Resolves once `predicate` holds after a change; 20 s by default, generous for a busy machine (a deadline, not a speed test). */
  async until(predicate: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.changes.off('change', check);
        reject(new Error(`${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.changes.off('change', check);
        resolve();
      };
      this.changes.on('change', check);
    });
  }

  // ---------------------------------------------------------------- views

  /** The message the interaction's answer lives in (`@original`). */
  original(sent: SentInteraction): FakeMessage {
    const m = sent.originalId ? this.messages.get(sent.originalId) : undefined;
    if (!m) throw new Error(`interaction ${sent.id} has no original message`);
    return m;
  }

  followups(sent: SentInteraction): FakeMessage[] {
    return sent.followupIds.map((id) => this.messages.get(id)!);
  }

  /** Messages everyone in the channel can see. */
  publicMessages(channelId?: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => !m.deleted && (m.flags & EPHEMERAL) === 0 && (channelId === undefined || m.channelId === channelId));
  }

  /** The DM channel id the bot opened with a user, if any. */
  dmChannelOf(userId: string): string | undefined {
    return this.dmChannels.get(userId);
  }

  buttons(m: FakeMessage): ButtonJson[] {
    return m.components.flatMap((r) => r.components);
  }

  // ---------------------------------------------------------------- REST

  private messageJson(m: FakeMessage) {
    return {
      id: m.id,
      type: m.source === 'channel' ? 0 : 20,
      channel_id: m.channelId,
      author: { id: this.botUser.id, username: this.botUser.username, discriminator: '0', global_name: null, avatar: null, bot: true },
      content: m.content,
      embeds: m.embeds,
      components: m.components,
      flags: m.flags,
      timestamp: '2025-01-01T00:00:00.000Z',
      edited_timestamp: m.edits ? '2025-01-01T00:00:01.000Z' : null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      pinned: false,
      application_id: this.opts.applicationId,
      ...(m.source !== 'channel' ? { webhook_id: this.opts.applicationId } : {}),
    };
  }

  private createMessage(channelId: string, data: Record<string, unknown>, source: FakeMessage['source'], interactionId?: string): FakeMessage {
    const m: FakeMessage = {
      id: this.snowflake(),
      channelId,
      content: typeof data.content === 'string' ? data.content : '',
      embeds: Array.isArray(data.embeds) ? data.embeds : [],
      components: Array.isArray(data.components) ? (data.components as ActionRowJson[]) : [],
      flags: typeof data.flags === 'number' ? data.flags : 0,
      source,
      edits: 0,
      deleted: false,
      attachments: [],
      ...(interactionId ? { interactionId } : {}),
    };
    this.messages.set(m.id, m);
    return m;
  }

  private editMessage(m: FakeMessage, data: Record<string, unknown>, files?: FakeAttachment[]): void {
    if (files) m.attachments.push(...files);
    if (typeof data.content === 'string') m.content = data.content;
    if (Array.isArray(data.embeds)) m.embeds = data.embeds;
    if (Array.isArray(data.components)) m.components = data.components as ActionRowJson[];
    m.flags &= ~LOADING;
    m.edits++;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const contentType = String(req.headers['content-type']);
    let body: unknown = raw && contentType.includes('json') ? JSON.parse(raw) : raw || undefined;
    let files: FakeAttachment[] | undefined;
    if (contentType.startsWith('multipart/form-data')) {
      // Discord's attachments: the message JSON in `payload_json`, each file in `files[n]`.
      const form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
      const payload = form.get('payload_json');
      body = typeof payload === 'string' ? JSON.parse(payload) : {};
      files = [];
      for (const [name, value] of form.entries()) {
        if (/^files\[\d+\]$/.test(name) && typeof value !== 'string') files.push({ filename: value.name, contentType: value.type, content: Buffer.from(await value.arrayBuffer()) });
      }
    }
    const call: RestCall = {
      at: Date.now(),
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      auth: req.headers.authorization === `Bot ${this.opts.token}`,
      ...(files ? { files } : {}),
    };
    // A request refused for a rate limit did nothing: it is in rateLimits.limited, not in calls.
    const verdict = this.rateLimits.check(call.method, path, call.auth, raw);
    for (const [name, value] of Object.entries(verdict.headers)) res.setHeader(name, value);
    if (!verdict.ok) return this.json(res, 429, verdict.body);
    this.calls.push(call);
    try {
      this.answer(call, res);
    } finally {
      this.changes.emit('change');
    }
  }

  /** Records an interaction's callback and what it makes; the reason when Discord would refuse it. */
  private acknowledge(sent: SentInteraction, type: number, data: Record<string, unknown> | undefined, at: number): string | undefined {
    if (sent.callback) return 'Interaction has already been acknowledged.';
    if ((type === Callback.DeferUpdate || type === Callback.Update) && !sent.messageId) return 'Invalid interaction application command';
    if (!Object.values(Callback).includes(type as never)) return `unsupported callback type ${type}`;
    sent.callback = { type, at, ...(data ? { data } : {}) };
    if (type === Callback.Reply) sent.originalId = this.createMessage(sent.channelId, data ?? {}, 'interaction', sent.id).id;
    else if (type === Callback.DeferReply) {
      const flags = (Number(data?.flags ?? 0) & EPHEMERAL) | LOADING;
      sent.originalId = this.createMessage(sent.channelId, { flags }, 'interaction', sent.id).id;
    } else if (type === Callback.DeferUpdate || type === Callback.Update) {
      sent.originalId = sent.messageId;
      if (type === Callback.Update) this.editMessage(this.messages.get(sent.messageId!)!, data ?? {});
    } else if (type === Callback.Modal) sent.modal = data as unknown as ModalJson;
    return undefined;
  }

  private json(res: ServerResponse, status: number, payload: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payload));
  }

  /** Interaction callbacks answer 204 with no content type, as Discord does without `with_response`. */
  private noContent(res: ServerResponse): void {
    res.writeHead(204);
    res.end();
  }

  private answer(call: RestCall, res: ServerResponse): void {
    const { method, path } = call;
    const body = (call.body ?? {}) as Record<string, unknown>;
    const notFound = (code = 0, message = '404: Not Found') => this.json(res, 404, { message, code });
    let m: RegExpExecArray | null;

    if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path)) && method === 'POST') {
      const sent = this.interactions.get(m[1]!);
      if (!sent || sent.token !== m[2]) return notFound(10062, 'Unknown interaction');
      if (sent.callback) return this.json(res, 400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      const refused = this.acknowledge(sent, Number(body.type), (body.data ?? undefined) as Record<string, unknown> | undefined, call.at);
      if (refused) return this.json(res, 400, { message: refused, code: 50035 });
      return this.noContent(res);
    }

    if ((m = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/.exec(path))) {
      const [, appId, token, messageRef] = m;
      const sent = [...this.interactions.values()].find((i) => i.token === token);
      if (appId !== this.opts.applicationId || !sent) return notFound(10015, 'Unknown Webhook');
      if (!messageRef && method === 'POST') {
        const loading = sent.originalId ? this.messages.get(sent.originalId) : undefined;
        // As on Discord: the first follow-up after a deferred reply fills the "thinking" message.
        if (loading && (loading.flags & LOADING) !== 0) {
          this.editMessage(loading, body);
          return this.json(res, 200, this.messageJson(loading));
        }
        if (!sent.callback) return notFound(10015, 'Unknown Webhook');
        const f = this.createMessage(sent.channelId, body, 'followup', sent.id);
        sent.followupIds.push(f.id);
        return this.json(res, 200, this.messageJson(f));
      }
      const id = messageRef === '@original' ? sent.originalId : messageRef;
      const target = id ? this.messages.get(id) : undefined;
      if (!target || target.deleted) return notFound(10008, 'Unknown Message');
      if (method === 'PATCH') {
        const attached = (call.files ?? []).reduce((n, f) => n + f.content.length, 0);
        if (attached > (this.opts.attachmentMaxBytes ?? 10 * 1024 * 1024)) return this.json(res, 413, { message: 'Request entity too large', code: 40005 });
        this.editMessage(target, body, call.files);
        return this.json(res, 200, this.messageJson(target));
      }
      if (method === 'GET') return this.json(res, 200, this.messageJson(target));
      if (method === 'DELETE') {
        target.deleted = true;
        return this.noContent(res);
      }
    }

    // Everything below needs the bot token.
    if (!call.auth) return this.json(res, 401, { message: '401: Unauthorized', code: 0 });

    if (path === '/gateway/bot' && method === 'GET') {
      return this.json(res, 200, {
        url: `ws://127.0.0.1:${this.port}/gateway`,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      });
    }
    if (path === '/users/@me' && method === 'GET') {
      return this.json(res, 200, { ...this.botUser, discriminator: '0', global_name: null, avatar: null, bot: true });
    }
    if (path === '/applications/@me' && method === 'GET') {
      return this.json(res, 200, { id: this.opts.applicationId, name: 'twcc-chatops', bot_public: false, flags: 0 });
    }
    if ((m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path)) && method === 'PUT') {
      if (m[1] !== this.opts.applicationId || !Array.isArray(call.body)) return this.json(res, 400, { message: 'Invalid Form Body', code: 50035 });
      const commands = (call.body as Record<string, unknown>[]).map((c) => ({ ...c, id: this.snowflake(), application_id: m![1], version: '1' }));
      this.registered.set(m[2] ?? 'global', commands);
      return this.json(res, 200, commands);
    }
    if (path === '/users/@me/channels' && method === 'POST') {
      const recipient = String(body.recipient_id ?? '');
      let id = this.dmChannels.get(recipient);
      if (!id) this.dmChannels.set(recipient, (id = this.snowflake()));
      return this.json(res, 200, { id, type: 1, recipients: [{ id: recipient, username: `user-${recipient}`, discriminator: '0', global_name: null, avatar: null }], last_message_id: null });
    }
    if ((m = /^\/channels\/([^/]+)\/messages$/.exec(path)) && method === 'POST') {
      const msg = this.createMessage(m[1]!, body, 'channel');
      return this.json(res, 200, this.messageJson(msg));
    }
    if ((m = /^\/channels\/([^/]+)\/messages\/(\d+)$/.exec(path)) && method === 'PATCH') {
      const target = this.messages.get(m[2]!);
      if (!target || target.channelId !== m[1]) return notFound(10008, 'Unknown Message');
      this.editMessage(target, body);
      return this.json(res, 200, this.messageJson(target));
    }
    return notFound();
  }
}

export async function startFakeDiscord(opts: FakeDiscordOptions): Promise<FakeDiscord> {
  return new FakeDiscord(opts).start();
}
