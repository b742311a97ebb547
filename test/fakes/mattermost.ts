import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

/** A REST call as the fake received it. */
export interface RestCall {
  method: string;
  /** The path under /api/v4, e.g. `/posts`, `/users/UALICE`. */
  path: string;
  body: unknown;
  /** The bearer token the call carried. */
  token: string | undefined;
}

/** A post as Mattermost keeps it: a channel post, a DM, or an ephemeral post only `ephemeralTo` sees. */
export interface FakePost {
  id: string;
  channel_id: string;
  message: string;
  props: { attachments?: Json[] };
  /** Only this user sees it (a slash command's ephemeral answer, an ephemeral post, a click's ephemeral_text). */
  ephemeralTo?: string;
  /** Edits applied to it (an action's `update`, a PUT /posts/{id}/patch). */
  edits: number;
  /** The response_url id of the slash command it answers, if it is such an answer. */
  answers?: string;
}

export interface FakeUser {
  id: string;
  username: string;
  locale: string;
}

export const BOT_USER_ID = 'botuser';
export const BOT_TOKEN = 'mm-bot-token';

/**
 * A fake Mattermost server: the REST API v4 calls the bot makes (`/api/v4/…`, checked against the bot
 * token) and slash command response_urls (`/hooks/commands/<id>`), on 127.0.0.1 with an ephemeral port.
 * It keeps posts as Mattermost does, applies the bot's answers to them (an ephemeral slash answer, an
 * action's `update` in place, `ephemeral_text`), and records every call; `waitFor` resolves when a
 * recorded state satisfies a probe, so tests wait for arrivals instead of sleeping.
 */
export class FakeMattermost {
  readonly calls: RestCall[] = [];
  readonly posts = new Map<string, FakePost>();
  /** POSTs to response_urls, by the id in `/hooks/commands/<id>`. */
  readonly responses: { id: string; body: Json }[] = [];
  readonly users = new Map<string, FakeUser>();
  private readonly failures = new Map<string, { status: number; id: string }>();
  private readonly changed = new EventEmitter().setMaxListeners(0);
  private server: Server | undefined;
  private base = '';
  private seq = 0;

  get url(): string {
    return this.base;
  }

  /** Where each response_url's answers show: the command's channel, privately to its user when ephemeral. */
  private readonly hooks = new Map<string, { channelId: string; userId: string }>();

  /** A fresh response_url, as Mattermost attaches to every slash command typed by `userId` in `channelId`. */
  newResponseUrl(channelId: string, userId: string): string {
    const id = `h${++this.seq}`;
    this.hooks.set(id, { channelId, userId });
    return `${this.base}/hooks/commands/${id}`;
  }

  /** Shows a slash command's answer (its HTTP response's or a response_url POST's JSON) as Mattermost does. */
  showAnswer(responseUrl: string, body: Json): FakePost | undefined {
    const id = responseUrl.split('/').pop()!;
    const hook = this.hooks.get(id);
    if (!hook) throw new Error(`no response_url ${responseUrl}`);
    if (typeof body.text !== 'string' || body.text === '') return undefined;
    const ephemeral = body.response_type !== 'in_channel';
    const attachments = (body.attachments as Json[] | undefined) ?? [];
    return this.show(hook.channelId, { message: body.text, attachments }, ephemeral ? hook.userId : undefined, id);
  }

  /** The answers shown for a response_url so far, oldest first. */
  answersTo(responseUrl: string): FakePost[] {
    const id = responseUrl.split('/').pop();
    return [...this.posts.values()].filter((p) => p.answers === id);
  }

  addUser(id: string, username: string, locale = 'en'): FakeUser {
    const user = { id, username, locale };
    this.users.set(id, user);
    return user;
  }

  setLocale(userId: string, locale: string): void {
    const user = this.users.get(userId);
    if (!user) throw new Error(`no user ${userId}`);
    user.locale = locale;
  }

  /** Makes every later `METHOD /path` call (path under /api/v4, ids as typed) answer `status` with Mattermost's error `id`. */
  failWith(call: string, status: number, id: string): void {
    this.failures.set(call, { status, id });
  }

  callsTo(method: string, path: string | RegExp): RestCall[] {
    return this.calls.filter((c) => c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path)));
  }

  /** The direct channel between the bot and `userId`, as POST /channels/direct names it here. */
  dmChannelOf(userId: string): string {
    return `dm-${userId}`;
  }

  /** Records a post the way Mattermost shows a slash command's answer or a click's ephemeral_text; resolves with its id. */
  show(channelId: string, body: { message: string; attachments?: Json[] }, ephemeralTo?: string, answers?: string): FakePost {
    const post: FakePost = {
      ...(answers ? { answers } : {}),
      id: `p${++this.seq}`,
      channel_id: channelId,
      message: body.message,
      props: { attachments: body.attachments ?? [] },
      edits: 0,
      ...(ephemeralTo ? { ephemeralTo } : {}),
    };
    this.posts.set(post.id, post);
    this.changed.emit('change');
    return post;
  }

  /** Applies an action response's `update` to the post, as Mattermost does in place. */
  update(postId: string, update: { message?: string; props?: { attachments?: Json[] } }): void {
    const post = this.posts.get(postId);
    if (!post) throw new Error(`no post ${postId}`);
    if (update.message !== undefined) post.message = update.message;
    if (update.props) post.props = update.props;
    post.edits++;
    this.changed.emit('change');
  }

  /** The posts in `channelId`, oldest first (ephemeral ones included). */
  postsIn(channelId: string): FakePost[] {
    return [...this.posts.values()].filter((p) => p.channel_id === channelId);
  }

  responsesTo(responseUrl: string): { id: string; body: Json }[] {
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
        const seen = [...this.calls.map((c) => `${c.method} ${c.path}`), ...this.responses.map((r) => `hooks/commands/${r.id}`)].join(', ');
        reject(new Error(`timed out waiting for ${what}; fake Mattermost saw: ${seen || 'nothing'}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.changed.off('change', check);
      };
      this.changed.on('change', check);
    });
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'fake.error', message: String(err) }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.base = `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body: unknown = raw ? JSON.parse(raw) : undefined;
    const reply = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
      this.changed.emit('change');
    };

    const hook = /^\/hooks\/commands\/([\w-]+)$/.exec(url.pathname);
    if (hook && req.method === 'POST') {
      if (!this.hooks.has(hook[1]!)) return reply(404, { id: 'web.incoming_webhook.invalid.app_error' });
      this.responses.push({ id: hook[1]!, body: body as Json });
      this.showAnswer(`${this.base}${url.pathname}`, body as Json);
      return reply(200, {});
    }
    if (!url.pathname.startsWith('/api/v4/')) return reply(404, { id: 'api.context.404.app_error' });
    const path = url.pathname.slice('/api/v4'.length);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    this.calls.push({ method: req.method ?? 'GET', path, body, token });
    if (token !== BOT_TOKEN) return reply(401, { id: 'api.context.session_expired.app_error', status_code: 401 });
    const failure = this.failures.get(`${req.method} ${path}`);
    if (failure) return reply(failure.status, { id: failure.id, status_code: failure.status });

    const user = /^\/users\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && path === '/users/me') return reply(200, { id: BOT_USER_ID, username: 'twcc-chatops', locale: 'en', is_bot: true });
    if (req.method === 'GET' && user) {
      const found = this.users.get(decodeURIComponent(user[1]!));
      return found ? reply(200, found) : reply(404, { id: 'app.user.missing_account.const' });
    }
    if (req.method === 'POST' && path === '/users/usernames') {
      const names = body as string[];
      return reply(200, [...this.users.values()].filter((u) => names.includes(u.username)));
    }
    if (req.method === 'POST' && path === '/channels/direct') {
      const [a, b] = body as string[];
      const other = a === BOT_USER_ID ? b! : a!;
      return reply(201, { id: this.dmChannelOf(other), type: 'D' });
    }
    if (req.method === 'POST' && path === '/posts') {
      const p = body as { channel_id: string; message: string; props?: { attachments?: Json[] } };
      const post = this.show(p.channel_id, { message: p.message, attachments: p.props?.attachments ?? [] });
      return reply(201, { id: post.id, channel_id: post.channel_id, message: post.message, props: post.props });
    }
    const patch = /^\/posts\/([^/]+)\/patch$/.exec(path);
    if (req.method === 'PUT' && patch) {
      const post = this.posts.get(patch[1]!);
      if (!post || post.ephemeralTo) return reply(404, { id: 'app.post.get.app_error' });
      this.update(post.id, body as { message?: string; props?: { attachments?: Json[] } });
      return reply(200, post);
    }
    if (req.method === 'POST' && path === '/posts/ephemeral') {
      const e = body as { user_id: string; post: { channel_id: string; message: string; props?: { attachments?: Json[] } } };
      const post = this.show(e.post.channel_id, { message: e.post.message, attachments: e.post.props?.attachments ?? [] }, e.user_id);
      return reply(201, { id: post.id });
    }
    if (req.method === 'POST' && path === '/actions/dialogs/open') return reply(200, { status: 'OK' });
    if (req.method === 'POST' && path === '/commands') {
      const c = body as Json;
      return reply(201, { ...c, id: `cmd${++this.seq}`, token: `tok-${String(c.trigger)}` });
    }
    return reply(404, { id: 'api.context.404.app_error' });
  }
}

export async function startFakeMattermost(): Promise<FakeMattermost> {
  const fake = new FakeMattermost();
  await fake.start();
  return fake;
}
