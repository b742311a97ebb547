import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** A Web API call as the fake received it; JSON-valued form fields (`blocks`, `view`) are parsed. */
export interface WebApiCall {
  method: string;
  args: Record<string, unknown>;
  /** The bearer token the call carried. */
  token: string | undefined;
}

/** A POST to a response_url, as Slack would show it to the user. */
export interface ResponseUrlPost {
  /** The id in `/respond/<id>`: one per slash command or click. */
  id: string;
  body: Record<string, unknown>;
  /** The answer came in the command's HTTP acknowledgement, not as a POST (see `FakeSlack.acknowledged`). */
  inAck?: true;
}

/** A message the bot posted with chat.postMessage, kept up to date by chat.update. */
export interface ChannelMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
}

/** A file shared through files.getUploadURLExternal, the upload POST and files.completeUploadExternal. */
export interface SharedFile {
  id: string;
  filename: string;
  /** The length files.getUploadURLExternal was told. */
  length: number;
  /** What was POSTed to the upload URL (undefined until then). */
  content?: Buffer;
  contentType?: string;
  /** Set by files.completeUploadExternal: where it was shared, with what comment. */
  channel?: string;
  initialComment?: string;
  title?: string;
}

const BOT = { team_id: 'T0001', team: 'Test Workspace', user_id: 'UBOT', user: 'twcc-chatops', bot_id: 'BBOT' };

/** What a person approves on Slack's consent page: the workspace (or, org-wide, the organization) the app is installed in. */
export interface OAuthGrant {
  team?: { id: string; name: string };
  enterprise?: { id: string; name: string };
  isEnterpriseInstall?: boolean;
  /** The bot user the installation gets (default `UBOT-<team or enterprise>`). */
  botUserId?: string;
  /** Token rotation on: a bot token that expires after `expiresIn` seconds and a single-use refresh token. */
  rotating?: { expiresIn: number };
}

/** An access token the fake issued through oauth.v2.access, with the grant it belongs to. */
interface Issued {
  grant: OAuthGrant;
  botUserId: string;
}

/**
 * A fake Slack: the Web API methods the bot calls (under `/api/`) and response_url endpoints
 * (`/respond/<id>`), on 127.0.0.1 with an ephemeral port. Everything is recorded; `waitFor` resolves
 * when a recorded state satisfies a probe, so tests wait for arrivals instead of sleeping.
 */
export class FakeSlack {
  readonly calls: WebApiCall[] = [];
  readonly responses: ResponseUrlPost[] = [];
  readonly messages = new Map<string, ChannelMessage>();
  /** Files by id, from the upload URL asked to the upload completed into a channel. */
  readonly files = new Map<string, SharedFile>();
  /** What the bot sent back over the Socket Mode WebSocket (envelope acks). */
  readonly socketAcks: { envelope_id: string; payload?: unknown }[] = [];
  private readonly failures = new Map<string, string>();
  private sockets: WebSocketServer | undefined;
  private socket: WebSocket | undefined;
  // Any number of tests may wait at once.
  private readonly changed = new EventEmitter().setMaxListeners(0);
  private server: Server | undefined;
  private base = '';
  private seq = 0;
  private clock = 1_700_000_000;

  // ---- OAuth (oauth.v2.access): installs and token rotation ----
  /** The app's credentials oauth.v2.access checks. */
  oauthClient = { id: '1111.2222', secret: 'fake-client-secret' };
  /** How long oauth.v2.access takes to answer a refresh (two replicas' refreshes then overlap). */
  refreshDelayMs = 0;
  private readonly codes = new Map<string, OAuthGrant>();
  private readonly issued = new Map<string, Issued>();
  /** Refresh tokens not yet spent: each is accepted once, as Slack accepts it. */
  private readonly refreshable = new Map<string, OAuthGrant>();
  private readonly revoked = new Set<string>();
  /** Refresh tokens presented again after they were spent (or never issued). */
  readonly refusedRefreshes: string[] = [];

  /** The `code` Slack puts on the redirect once a person approves `grant` on the consent page. */
  approveInstall(grant: OAuthGrant): string {
    const code = `code-${++this.seq}`;
    this.codes.set(code, grant);
    return code;
  }

  /** The bot tokens issued for the workspace or organization `id`, oldest first. */
  tokensOf(id: string): string[] {
    return [...this.issued].filter(([, i]) => (i.grant.isEnterpriseInstall ? i.grant.enterprise?.id : i.grant.team?.id) === id).map(([t]) => t);
  }

  /** Slack no longer knows any refresh token it has issued (spent elsewhere, or the grant revoked). */
  loseRefreshTokens(): void {
    this.refreshable.clear();
  }

  /** Makes `token` answer `token_revoked` from now on (an uninstall, a revocation). */
  revoke(token: string): void {
    this.revoked.add(token);
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return this.base;
  }

  /** The SLACK_API_URL to give the bot. */
  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  /** A fresh response_url, as Slack attaches to every slash command and click. */
  newResponseUrl(): string {
    return `${this.base}/respond/${++this.seq}`;
  }

  /** A response_url on this fake (a Slack host to the bot) that holds each answer `holdMs` before taking it. */
  slowResponseUrl(holdMs: number): string {
    const id = `slow-${++this.seq}`;
    this.holds.set(id, holdMs);
    return `${this.base}/respond/${id}`;
  }

  private readonly holds = new Map<string, number>();

  private readonly locales = new Map<string, string>();

  /** How long `users.info` takes to answer (a slow Slack). */
  usersInfoDelayMs = 0;

  /** The locale `users.info` reports for `userId` (`en-US` when none is set). */
  setLocale(userId: string, locale: string): void {
    this.locales.set(userId, locale);
  }

  /** Makes every later call of `method` answer `{ ok: false, error }`. */
  failWith(method: string, error: string): void {
    this.failures.set(method, error);
  }

  callsTo(method: string): WebApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /**
   * What Slack does with the HTTP answer to a slash command it sent with `responseUrl`: a JSON
   * message in it is shown as the command's answer, as a POST to the response_url would be, so it is
   * recorded with those (marked `inAck`). An empty 200 shows nothing. Tests that post a command to the
   * bot themselves hand its answer here, as Slack would see it.
   */
  acknowledged(responseUrl: string, ack: { status: number; contentType: string | null; body: string }): void {
    if (ack.status !== 200 || ack.body === '') return;
    if (!ack.contentType?.startsWith('application/json')) throw new Error(`a slash command's ack with a body must be JSON; got ${ack.contentType ?? 'no content type'}: ${ack.body.slice(0, 200)}`);
    const id = responseUrl.split('/').pop()!;
    this.responses.push({ id, body: JSON.parse(ack.body) as Record<string, unknown>, inAck: true });
    this.changed.emit('change');
  }

  responsesTo(responseUrl: string): ResponseUrlPost[] {
    const id = responseUrl.split('/').pop();
    return this.responses.filter((r) => r.id === id);
  }

  /** Resolves with the probe's first defined answer; rejects after `timeoutMs` naming what it waited for. */
  waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
    const now = probe();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = probe();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = [...this.calls.map((c) => c.method), ...this.responses.map((r) => `respond/${r.id}`)].join(', ');
        reject(new Error(`timed out waiting for ${what}; fake Slack saw: ${seen || 'nothing'}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.changed.off('change', check);
      };
      this.changed.on('change', check);
    });
  }

  /**
   * Delivers a Socket Mode envelope (`slash_commands`, `interactive`) to the connected app and
   * resolves with its ack, as Slack waits for one.
   */
  async sendEnvelope(type: string, payload: Record<string, unknown>): Promise<{ envelope_id: string; payload?: unknown }> {
    const socket = await this.waitFor('a Socket Mode connection', () => this.socket);
    const envelopeId = `env-${++this.seq}`;
    socket.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api' }));
    return this.waitFor(`the ack of ${envelopeId}`, () => this.socketAcks.find((a) => a.envelope_id === envelopeId));
  }

  /** Ends the Socket Mode connection abruptly, as a network failure does; the app may connect again. */
  dropSocket(): void {
    this.socket?.terminate();
    this.socket = undefined;
  }

  /** True while an app holds a Socket Mode connection. */
  get socketConnected(): boolean {
    return this.socket !== undefined;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
    // Socket Mode: apps.connections.open hands out ws://…/link; Slack greets with `hello`.
    this.sockets = new WebSocketServer({ server: this.server, path: '/link' });
    this.sockets.on('connection', (socket) => {
      this.socket = socket;
      socket.on('message', (data) => {
        this.socketAcks.push(JSON.parse(String(data)) as { envelope_id: string });
        this.changed.emit('change');
      });
      socket.on('close', () => {
        if (this.socket === socket) this.socket = undefined;
      });
      socket.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0001' } }));
      this.changed.emit('change');
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.base = `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const client of this.sockets?.clients ?? []) client.terminate();
    this.sockets?.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const uploadMatch = /^\/upload\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && uploadMatch) {
      // files.uploadV2's second step: the bytes, to the URL files.getUploadURLExternal gave.
      const file = this.files.get(uploadMatch[1]!);
      const content = await readBytes(req);
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('unknown upload');
        return;
      }
      file.content = content;
      file.contentType = req.headers['content-type'];
      res.writeHead(content.length === file.length ? 200 : 400, { 'content-type': 'text/plain' });
      res.end(content.length === file.length ? `OK - ${content.length}` : 'length mismatch');
      this.changed.emit('change');
      return;
    }
    const raw = await readBody(req);
    const respondMatch = /^\/respond\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && respondMatch) {
      const hold = this.holds.get(respondMatch[1]!);
      if (hold) await new Promise((r) => setTimeout(r, hold));
      this.responses.push({ id: respondMatch[1]!, body: JSON.parse(raw) as Record<string, unknown> });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      this.changed.emit('change');
      return;
    }
    const apiMatch = /^\/api\/([A-Za-z0-9.]+)$/.exec(url.pathname);
    if (req.method === 'POST' && apiMatch) {
      const method = apiMatch[1]!;
      const args = parseArgs(raw, req.headers['content-type']);
      if (method === 'oauth.v2.access') {
        // Client credentials, no bearer token; recorded without them.
        this.calls.push({ method, args: { grant_type: args.grant_type, code: args.code }, token: undefined });
        if (args.grant_type === 'refresh_token' && this.refreshDelayMs > 0) await new Promise((r) => setTimeout(r, this.refreshDelayMs));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(this.oauthAccess(args)));
        this.changed.emit('change');
        return;
      }
      const auth = req.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : undefined;
      this.calls.push({ method, args, token });
      if (method === 'users.info' && this.usersInfoDelayMs > 0) await new Promise((r) => setTimeout(r, this.usersInfoDelayMs));
      const answer = token ? this.answer(method, args, token) : { ok: false, error: 'not_authed' };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
      this.changed.emit('change');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }

  private nextTs(): string {
    return `${++this.clock}.000100`;
  }

  /** oauth.v2.access: a code from the consent page, or (grant_type=refresh_token) a refresh token, each accepted once. */
  private oauthAccess(args: Record<string, unknown>): Record<string, unknown> {
    if (args.client_id !== this.oauthClient.id || args.client_secret !== this.oauthClient.secret) return { ok: false, error: 'invalid_client_id' };
    const refreshing = args.grant_type === 'refresh_token';
    const presented = String(refreshing ? args.refresh_token : args.code);
    const grant = refreshing ? this.refreshable.get(presented) : this.codes.get(presented);
    if (!grant) {
      if (refreshing) this.refusedRefreshes.push(presented);
      return { ok: false, error: refreshing ? 'invalid_refresh_token' : 'invalid_code' };
    }
    if (refreshing) this.refreshable.delete(presented);
    else this.codes.delete(presented);
    const n = ++this.seq;
    const place = grant.isEnterpriseInstall ? grant.enterprise!.id : grant.team!.id;
    const botUserId = grant.botUserId ?? `UBOT-${place}`;
    const accessToken = grant.rotating ? `xoxe.xoxb-${place}-${n}` : `xoxb-${place}-${n}`;
    this.issued.set(accessToken, { grant, botUserId });
    const rotation: Record<string, unknown> = {};
    if (grant.rotating) {
      const refreshToken = `xoxe-1-${place}-${n}`;
      this.refreshable.set(refreshToken, grant);
      Object.assign(rotation, { refresh_token: refreshToken, expires_in: grant.rotating.expiresIn });
    }
    const common = {
      ok: true,
      app_id: 'A0001',
      scope: 'commands,chat:write,im:write,users:read',
      token_type: 'bot',
      access_token: accessToken,
      bot_user_id: botUserId,
      team: grant.isEnterpriseInstall ? null : grant.team,
      enterprise: grant.enterprise ?? null,
      is_enterprise_install: grant.isEnterpriseInstall === true,
      ...rotation,
    };
    return refreshing ? common : { ...common, authed_user: { id: 'UINSTALLER' } };
  }

  private answer(method: string, args: Record<string, unknown>, token: string): Record<string, unknown> {
    const failure = this.failures.get(method);
    if (failure) return { ok: false, error: failure };
    if (this.revoked.has(token)) return { ok: false, error: 'token_revoked' };
    // An app-level token opens sockets and nothing else; a bot token does everything else.
    const appToken = token.startsWith('xapp-');
    if (appToken !== (method === 'apps.connections.open')) return { ok: false, error: 'not_allowed_token_type' };
    const str = (k: string) => (typeof args[k] === 'string' ? (args[k] as string) : '');
    switch (method) {
      case 'auth.test': {
        // A token from an install answers for its own workspace (or organization).
        const issued = this.issued.get(token);
        if (!issued) return { ok: true, url: 'https://test.slack.com/', ...BOT };
        const { grant, botUserId } = issued;
        return { ok: true, url: 'https://test.slack.com/', team_id: grant.team?.id, team: grant.team?.name, user_id: botUserId, user: 'twcc-chatops', bot_id: `B-${botUserId}`, ...(grant.enterprise ? { enterprise_id: grant.enterprise.id } : {}) };
      }
      case 'apps.connections.open':
        return { ok: true, url: `${this.base.replace(/^http/, 'ws')}/link` };
      case 'chat.postMessage': {
        if (!str('channel')) return { ok: false, error: 'channel_not_found' };
        const message: ChannelMessage = { channel: str('channel'), ts: this.nextTs(), text: str('text'), blocks: (args.blocks as unknown[]) ?? [] };
        this.messages.set(`${message.channel}/${message.ts}`, message);
        return { ok: true, channel: message.channel, ts: message.ts, message: { type: 'message', text: message.text, blocks: message.blocks, ts: message.ts } };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.update': {
        const key = `${str('channel')}/${str('ts')}`;
        const existing = this.messages.get(key);
        if (!existing) return { ok: false, error: 'message_not_found' };
        this.messages.set(key, { ...existing, text: str('text'), blocks: (args.blocks as unknown[]) ?? [] });
        return { ok: true, channel: existing.channel, ts: existing.ts, text: str('text') };
      }
      case 'conversations.open': {
        const users = str('users');
        if (!users) return { ok: false, error: 'users_list_not_supplied' };
        return { ok: true, channel: { id: `D${users.replace(/^U/, '')}` } };
      }
      case 'users.info': {
        // With include_locale, Slack adds the user's locale; tests set it per user with setLocale.
        const id = str('user');
        if (!id) return { ok: false, error: 'user_not_found' };
        const locale = this.locales.get(id);
        return { ok: true, user: { id, name: id.toLowerCase(), ...(args.include_locale === true || args.include_locale === 'true' ? { locale: locale ?? 'en-US' } : {}) } };
      }
      case 'files.getUploadURLExternal': {
        const length = Number(str('length'));
        if (!str('filename') || !Number.isInteger(length) || length < 0) return { ok: false, error: 'invalid_arguments' };
        const id = `F${++this.seq}`;
        this.files.set(id, { id, filename: str('filename'), length });
        return { ok: true, upload_url: `${this.base}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const list = Array.isArray(args.files) ? (args.files as { id?: string; title?: string }[]) : [];
        const shared = list.map((f) => (f.id ? this.files.get(f.id) : undefined));
        if (list.length === 0 || shared.some((f) => f?.content === undefined)) return { ok: false, error: 'file_not_found' };
        for (const [i, f] of shared.entries()) Object.assign(f!, { channel: str('channel_id'), initialComment: str('initial_comment'), title: list[i]!.title });
        return { ok: true, files: shared.map((f) => ({ id: f!.id, title: f!.title ?? f!.filename, name: f!.filename })) };
      }
      case 'views.open': {
        if (!str('trigger_id')) return { ok: false, error: 'invalid_trigger_id' };
        return { ok: true, view: { id: `V${++this.seq}`, ...(args.view as Record<string, unknown>) } };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const fake = new FakeSlack();
  await fake.start();
  return fake;
}

function readBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The WebClient sends form fields, with objects and arrays JSON-encoded; JSON bodies are accepted too. */
function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.startsWith('application/json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    out[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return out;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
