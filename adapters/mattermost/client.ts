import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { z } from 'zod';
import type { FileAttachment } from '../../src/core/reply.js';
import { CodedError } from '../../src/errors.js';

/** How long one REST call may take (headers, then body): Mattermost answers in well under a second. */
const CALL_TIMEOUT_MS = 10_000;
/** How long Mattermost may take to answer a file upload once its bytes are sent (it stores the file first). */
const UPLOAD_TIMEOUT_MS = 120_000;

/** A post's message and attachments (the buttons ride in `props.attachments[].actions`). */
export interface PostBody {
  message: string;
  props: { attachments: Attachment[] };
  /** A reply in this post's thread. */
  root_id?: string;
  /** Files uploaded with POST /files, shown with the post. */
  file_ids?: string[];
}

/** An interactive message button: https://developers.mattermost.com/integrate/plugins/interactive-messages/ */
export interface Action {
  /** Alphanumeric: Mattermost puts it in the URL path of the click. */
  id: string;
  name: string;
  type: 'button';
  style: 'danger' | 'primary' | 'default';
  integration: { url: string; context: { sealed: string } };
}

export interface Attachment {
  text?: string;
  actions?: Action[];
}

/** An interactive dialog: https://developers.mattermost.com/integrate/plugins/interactive-dialogs/ */
export interface Dialog {
  callback_id: string;
  title: string;
  submit_label: string;
  notify_on_cancel: boolean;
  state: string;
  elements: { display_name: string; name: string; type: 'text'; subtype: 'password'; placeholder: string; min_length: number; max_length: number }[];
}

/** What `/api/v4/commands` takes to create a custom slash command (`method: 'P'`: POST). */
export interface CommandBody {
  team_id: string;
  trigger: string;
  method: 'P';
  url: string;
  display_name: string;
  description: string;
  auto_complete: boolean;
  auto_complete_desc: string;
  auto_complete_hint: string;
}

const User = z.object({ id: z.string(), username: z.string(), locale: z.string().optional() });
const Channel = z.object({ id: z.string() });
const Post = z.object({ id: z.string() });
const Uploaded = z.object({ file_infos: z.array(z.object({ id: z.string() })).min(1) });
const Command = z.object({ id: z.string(), trigger: z.string(), token: z.string() });

/** A request body sent as it is, streamed, of a known length (a file upload), instead of JSON. */
class RawBody {
  constructor(
    readonly contentType: string,
    readonly length: number,
    readonly body: Readable,
  ) {}
}

/** A REST call Mattermost refused or could not answer; the message names the call and Mattermost's error id, never a token or a body. */
export class MattermostRequestFailed extends CodedError<'mattermost_request_failed'> {
  constructor(
    readonly call: string,
    readonly status: number | undefined,
    readonly errorId: string | undefined,
    cause?: unknown,
  ) {
    super('mattermost_request_failed', `Mattermost ${call} failed${status ? ` with ${status}` : ''}${errorId ? ` (${errorId})` : ''}`, cause ? { cause } : undefined);
  }
}

/**
 * The REST API v4 calls the bot makes, over undici on a keep-alive pool of its own, with the bot's
 * token as a bearer token. Also POSTs to a slash command's response_url, which must be on the same
 * server: a URL a request names elsewhere never receives an answer.
 */
export class MattermostClient {
  readonly #agent = new Agent({ keepAliveTimeout: 30_000, connections: 16, headersTimeout: CALL_TIMEOUT_MS, bodyTimeout: CALL_TIMEOUT_MS });
  readonly #base: URL;

  constructor(
    baseUrl: string,
    private readonly token: string,
  ) {
    this.#base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  }

  /** The bot account itself: a wrong token or an unreachable server fails here, at start. */
  async me(signal?: AbortSignal): Promise<z.infer<typeof User>> {
    return User.parse(await this.#call('GET', 'users/me', undefined, signal));
  }

  async user(userId: string, signal?: AbortSignal): Promise<z.infer<typeof User>> {
    return User.parse(await this.#call('GET', `users/${encodeURIComponent(userId)}`, undefined, signal));
  }

  /** The users with these usernames (unknown ones are left out). */
  async usersByUsername(usernames: string[]): Promise<z.infer<typeof User>[]> {
    return z.array(User).parse(await this.#call('POST', 'users/usernames', usernames));
  }

  /** The direct channel between the bot and `userId` (made on first use). */
  async directChannel(botUserId: string, userId: string): Promise<string> {
    return Channel.parse(await this.#call('POST', 'channels/direct', [botUserId, userId])).id;
  }

  async createPost(channelId: string, body: PostBody): Promise<string> {
    return Post.parse(await this.#call('POST', 'posts', { channel_id: channelId, ...body })).id;
  }

  async patchPost(postId: string, body: PostBody): Promise<void> {
    await this.#call('PUT', `posts/${encodeURIComponent(postId)}/patch`, body);
  }

  /** A post only `userId` sees, in `channelId`. */
  async ephemeralPost(userId: string, channelId: string, body: PostBody): Promise<void> {
    await this.#call('POST', 'posts/ephemeral', { user_id: userId, post: { channel_id: channelId, ...body } });
  }

  /**
   * POST /files: uploads `file` into `channelId` (multipart: `channel_id`, then `files`), its bytes streamed
   * from disk, never read whole into memory; the file's id, for a post's `file_ids`.
   */
  async uploadFile(channelId: string, file: Pick<FileAttachment, 'name' | 'path' | 'contentType' | 'bytes'>): Promise<string> {
    const boundary = `----twcc-chatops-${randomBytes(12).toString('hex')}`;
    const quoted = (s: string) => s.replace(/[\r\n"\\]/g, (c) => encodeURIComponent(c));
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="channel_id"\r\n\r\n${channelId}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${quoted(file.name)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    async function* parts(): AsyncGenerator<Uint8Array> {
      yield head;
      yield* createReadStream(file.path) as AsyncIterable<Buffer>;
      yield tail;
    }
    const raw = new RawBody(`multipart/form-data; boundary=${boundary}`, head.length + file.bytes + tail.length, Readable.from(parts(), { objectMode: false }));
    const answered = await this.#send('POST', new URL('api/v4/files', this.#base), 'POST /api/v4/files', raw, undefined, true);
    return Uploaded.parse(answered).file_infos[0]!.id;
  }

  /** Opens an interactive dialog for the user whose slash command carried `triggerId` (valid a few seconds). */
  async openDialog(triggerId: string, url: string, dialog: Dialog): Promise<void> {
    await this.#call('POST', 'actions/dialogs/open', { trigger_id: triggerId, url, dialog });
  }

  async createCommand(body: CommandBody): Promise<z.infer<typeof Command>> {
    return Command.parse(await this.#call('POST', 'commands', body));
  }

  /** True when `url` is on this Mattermost server (same origin), where response_urls live. */
  isOwnUrl(url: string): boolean {
    try {
      return new URL(url).origin === this.#base.origin;
    } catch {
      return false;
    }
  }

  /** A late answer to a slash command, through its response_url (valid 30 minutes, five posts). */
  async respond(responseUrl: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
    if (!this.isOwnUrl(responseUrl)) throw new CodedError('mattermost_response_url_refused', 'response_url is not on MATTERMOST_URL; not posted');
    await this.#send('POST', new URL(responseUrl), 'response_url', body, signal, false);
  }

  close(): Promise<void> {
    return this.#agent.close();
  }

  #call(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
    return this.#send(method, new URL(`api/v4/${path}`, this.#base), `${method} /api/v4/${path.replace(/\/[a-z0-9]{26}(?=\/|$)/g, '/:id')}`, body, signal, true);
  }

  /** `body`: JSON, or a streamed body of a known length (a file upload). */
  async #send(method: string, url: URL, call: string, body: unknown, signal: AbortSignal | undefined, withToken: boolean): Promise<unknown> {
    const raw = body instanceof RawBody ? body : undefined;
    let res;
    try {
      res = await request(url, {
        method: method as 'GET',
        headers: {
          ...(withToken ? { authorization: `Bearer ${this.token}` } : {}),
          ...(raw ? { 'content-type': raw.contentType, 'content-length': String(raw.length) } : body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(raw ? { body: raw.body, headersTimeout: UPLOAD_TIMEOUT_MS } : body !== undefined ? { body: JSON.stringify(body) } : {}),
        dispatcher: this.#agent,
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      throw new MattermostRequestFailed(call, undefined, (err as { code?: string }).code, err);
    }
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) {
      let errorId: string | undefined;
      try {
        const parsed = JSON.parse(text) as { id?: unknown };
        if (typeof parsed.id === 'string') errorId = parsed.id.slice(0, 100);
      } catch {
        // Not Mattermost's JSON error: the status says enough.
      }
      throw new MattermostRequestFailed(call, res.statusCode, errorId);
    }
    if (text === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }
}
