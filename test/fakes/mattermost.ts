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
  /** The files posted with it (POST /posts `file_ids`). */
  file_ids?: string[];
}

/** A file uploaded with POST /files (multipart), as Mattermost keeps it. */
export interface FakeFile {
  id: string;
  /** The multipart `channel_id` it was uploaded into. */
  channel_id: string;
  /** The `files` part's filename and Content-Type. */
  filename: string;
  contentType: string;
  content: Buffer;
  /** The post that shows it, once one names it in `file_ids`. */
  post_id?: string;
}

/** The parts of a multipart/form-data body: each one's field name, filename, Content-Type and bytes. */
export function parseMultipart(raw: Buffer, contentType: string): { name: string; filename?: string; contentType?: string; content: Buffer }[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) throw new Error(`no boundary in ${contentType}`);
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: { name: string; filename?: string; contentType?: string; content: Buffer }[] = [];
  let at = raw.indexOf(delimiter);
  if (at !== 0) throw new Error('a multipart body starts with its boundary');
  for (;;) {
    at += delimiter.length;
    if (raw.subarray(at, at + 2).toString() === '--') return parts;
    if (raw.subarray(at, at + 2).toString() !== '\r\n') throw new Error('a boundary is followed by CRLF');
    const headerEnd = raw.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) throw new Error('a part without its blank line');
    const headers = raw.subarray(at + 2, headerEnd).toString('utf8').split('\r\n');
    const next = raw.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new Error('a part without its closing boundary');
    const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw new Error(`a part without a name: ${disposition}`);
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    const type = headers.find((h) => /^content-type:/i.test(h))?.replace(/^content-type:\s*/i, '');
    parts.push({ name, ...(filename !== undefined ? { filename } : {}), ...(type ? { contentType: type } : {}), content: raw.subarray(headerEnd + 4, next) });
    at = next + 2;
  }
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
  /** Files uploaded with POST /files, by id. */
  readonly files = new Map<string, FakeFile>();
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
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString('utf8');
    const multipart = req.headers['content-type']?.startsWith('multipart/form-data') ? req.headers['content-type'] : undefined;
    // A multipart body (POST /files) is recorded by its fields and its files' names and sizes, not their bytes.
    const parts = multipart ? parseMultipart(bytes, multipart) : undefined;
    const body: unknown = parts
      ? Object.fromEntries(parts.map((p) => [p.name, p.filename !== undefined ? { filename: p.filename, contentType: p.contentType, bytes: p.content.length } : p.content.toString('utf8')]))
      : raw
        ? JSON.parse(raw)
        : undefined;
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
    if (req.method === 'POST' && path === '/files') {
      // channel_id first, then the files (Mattermost reads the form in order); each file belongs to that channel.
      const channel = parts?.[0]?.name === 'channel_id' ? parts[0].content.toString('utf8') : undefined;
      const uploads = (parts ?? []).filter((p) => p.name === 'files' && p.filename !== undefined);
      if (!channel || uploads.length === 0) return reply(400, { id: 'api.file.upload_file.incorrect_number_of_files.app_error', status_code: 400 });
      const infos = uploads.map((u) => {
        const file: FakeFile = { id: `f${++this.seq}`, channel_id: channel, filename: u.filename!, contentType: u.contentType ?? 'application/octet-stream', content: Buffer.from(u.content) };
        this.files.set(file.id, file);
        return { id: file.id, name: file.filename, size: file.content.length, mime_type: file.contentType, channel_id: channel };
      });
      return reply(201, { file_infos: infos, client_ids: [] });
    }
    if (req.method === 'POST' && path === '/posts') {
      const p = body as { channel_id: string; message: string; props?: { attachments?: Json[] }; file_ids?: string[] };
      // A post names only files uploaded into its own channel and not posted yet.
      const fileIds = p.file_ids ?? [];
      if (fileIds.some((id) => this.files.get(id)?.channel_id !== p.channel_id || this.files.get(id)?.post_id !== undefined)) {
        return reply(400, { id: 'api.post.create_post.file_ids.app_error', status_code: 400 });
      }
      const post = this.show(p.channel_id, { message: p.message, attachments: p.props?.attachments ?? [] });
      if (fileIds.length > 0) {
        post.file_ids = fileIds;
        for (const id of fileIds) this.files.get(id)!.post_id = post.id;
      }
      const files = fileIds.length ? { file_ids: fileIds } : {};
      return reply(201, { id: post.id, channel_id: post.channel_id, message: post.message, props: post.props, ...files });
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
