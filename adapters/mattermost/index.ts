import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../src/config.js';
import type { Core } from '../../src/core/core.js';
import { normalizeLocale, texts, translator, type Translator } from '../../src/core/i18n.js';
import type { CommandInvocation, MentionRef } from '../../src/core/invocation.js';
import type { Adapter, Outcome } from '../../src/core/outcome.js';
import { filesOf, type Reply } from '../../src/core/reply.js';
import { MAX_BODY_BYTES, readBody, type HttpServer } from '../../src/http/server.js';
import { summarizeError, type Logger } from '../../src/log.js';
import { settledWithin } from '../../src/result.js';
import { MattermostClient, type PostBody } from './client.js';
import { DIALOG_TTL_MS, MattermostSeals, PRIVATE_ANSWER_TTL_MS } from './context.js';
import { MattermostMessenger } from './messenger.js';
import { parseAction, parseSlashCommand, type MattermostInbound } from './parse.js';
import { isPrivate, renderLoginDialog, renderReply, toMarkdown } from './render.js';
import { MattermostUserLocales } from './user-locale.js';
import { commandTokens, commandTokenValid } from './verify.js';

export const COMMANDS_PATH = '/mattermost/commands';
export const ACTIONS_PATH = '/mattermost/actions';

export type MattermostConfig = Pick<
  Config,
  'MATTERMOST_URL' | 'MATTERMOST_BOT_TOKEN' | 'MATTERMOST_COMMAND_TOKENS' | 'MATTERMOST_APPROVALS_CHANNEL' | 'MATTERMOST_BOT_URL' | 'MATTERMOST_ESCALATION_CHANNEL'
>;

export interface MattermostOptions {
  core: Core;
  config: MattermostConfig;
  logger: Logger;
  /** The process's one HTTP server on PORT: both endpoints are mounted on it. */
  http: HttpServer;
  /**
   * How long a slash command or a click waits for the core before it is acknowledged empty and finished
   * with a post. Mattermost waits 30 s (OutgoingIntegrationRequestsTimeout); 10 s by default leaves room
   * for a server that waits less.
   */
  answerWithinMs?: number;
  /** On stop, answers in flight get this long before their users are told the bot is restarting; 5 s by default. */
  stopGraceMs?: number;
  /** Clock for the sealed contexts' expiry, for tests. */
  now?: () => number;
}

const DEFAULT_ANSWER_WITHIN_MS = 10_000;
const DEFAULT_STOP_GRACE_MS = 5_000;
const START_CHECK_MS = 10_000;
/** How long a "the bot is restarting" notice may take: the process is about to exit. */
const RESTART_NOTICE_MS = 1_000;

type Json = Record<string, unknown>;

function send(res: ServerResponse, status: number, body?: Json): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A slash command's body: Mattermost sends a form; JSON is taken too. */
function bodyFields(raw: Buffer, contentType: string | undefined): Json | undefined {
  const text = raw.toString('utf8');
  if (contentType?.startsWith('application/json')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : undefined;
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/**
 * The Mattermost adapter: custom slash commands (`/apikey`, `/quota`, `/tenant`) POSTed to
 * `/mattermost/commands` with their command token, interactive buttons and the login dialog POSTed to
 * `/mattermost/actions` with the context the bot sealed on them, and the REST API v4 for everything the
 * bot posts. A command the core answers within `answerWithinMs` is answered in the HTTP response (an
 * ephemeral or in-channel post; a click: the card updated in place); a slower one is acknowledged empty
 * and finished through the command's response_url (a click: a post edit or an ephemeral post).
 * Stateless per request: any replica may take any request; the core's claims decide once.
 */
export function createMattermostAdapter(opts: MattermostOptions): Adapter {
  const { core, config, http, answerWithinMs = DEFAULT_ANSWER_WITHIN_MS, stopGraceMs = DEFAULT_STOP_GRACE_MS, now = Date.now } = opts;
  const { MATTERMOST_URL: url, MATTERMOST_BOT_TOKEN: token, MATTERMOST_COMMAND_TOKENS: tokenSetting, MATTERMOST_BOT_URL: botUrl } = config;
  if (!url || !token || !tokenSetting || !botUrl) throw new Error('the Mattermost adapter needs MATTERMOST_URL, MATTERMOST_BOT_TOKEN, MATTERMOST_COMMAND_TOKENS and MATTERMOST_BOT_URL');
  const log = opts.logger.child({ adapter: 'mattermost' });
  const tokens = commandTokens(tokenSetting);
  const client = new MattermostClient(url, token);
  const seals = new MattermostSeals(token);
  const actionsUrl = new URL(ACTIONS_PATH, botUrl.endsWith('/') ? botUrl : `${botUrl}/`).href;
  let botUserId: string | undefined;
  const messenger = new MattermostMessenger({
    client,
    seals,
    actionsUrl,
    approvalsChannel: config.MATTERMOST_APPROVALS_CHANNEL,
    escalationChannel: config.MATTERMOST_ESCALATION_CHANNEL,
    botUserId: () => {
      if (!botUserId) throw new Error('the Mattermost adapter has not started');
      return botUserId;
    },
    now,
  });
  const locales = new MattermostUserLocales(client, log, now);
  /** The adapter's own words (a failure, a refused click, a restart notice): the member's language, else their Mattermost locale. */
  const wordsFor = (userId: string): Promise<Translator> =>
    core.translatorFor({ platform: 'mattermost', userId }, locales.known(userId)).catch(() => translator(normalizeLocale(locales.known(userId)) ?? 'en'));

  /** A reply's post; its buttons sealed for `userId` when the post is private, else for whoever sees it. */
  const postOf = (r: Reply, userId: string, privately = isPrivate(r)): PostBody =>
    renderReply(r, messenger.sealer(privately ? userId : undefined, privately, PRIVATE_ANSWER_TTL_MS));

  /** A slash command's answer, as its HTTP response or a response_url post. */
  const commandAnswer = (r: Reply, userId: string): Json => {
    const post = postOf(r, userId);
    return { response_type: isPrivate(r) ? 'ephemeral' : 'in_channel', text: post.message, attachments: post.props.attachments };
  };

  /**
   * A reply's files go to the reader's DM, privately, whatever the reply's visibility (as on Slack): each
   * uploaded there with the reply's text beside it. A temporary file is deleted once sent, or once it failed.
   */
  async function sendFiles(r: Reply, userId: string): Promise<void> {
    const files = filesOf(r);
    if (files.length === 0) return;
    try {
      const { message } = postOf(r, userId);
      for (const file of files) await messenger.uploadToDm(userId, file, message);
    } finally {
      await Promise.all(files.filter((f) => f.temporary).map((f) => rm(f.path, { force: true })));
    }
  }

  let started = false;
  let stopping = false;
  const inflight = new Set<Promise<void>>();
  /** Answers acknowledged but not finished yet: told "restarting" if the stop's grace ends first. */
  const open = new Map<object, { responseUrl: string; userId: string }>();
  const track = (job: Promise<void>) => {
    inflight.add(job);
    void job.finally(() => inflight.delete(job));
  };

  /** Mentions Mattermost did not name (`@bob` typed as text) looked up by username; a failure leaves them unresolved. */
  async function withMentions(inbound: Extract<MattermostInbound, { kind: 'command' }>): Promise<CommandInvocation> {
    const locale = await locales.localeOf(inbound.invocation.user.userId);
    const invocation = locale ? { ...inbound.invocation, locale } : inbound.invocation;
    if (inbound.mentioned.length === 0) return invocation;
    try {
      const found = await client.usersByUsername(inbound.mentioned);
      const mentions: Record<string, MentionRef> = { ...invocation.mentions };
      for (const u of found) mentions[u.username.toLowerCase()] = { userId: u.id, name: u.username };
      return { ...invocation, mentions };
    } catch (err) {
      log.warn({ error: summarizeError(err) }, 'Mattermost mentions could not be looked up; left unresolved');
      return invocation;
    }
  }

  /** Tells the user, with a reference, that something failed on our side. */
  async function failed(err: unknown, userId: string, where: { responseUrl?: string }): Promise<string> {
    const ref = randomBytes(4).toString('hex');
    log.error({ error: summarizeError(err), ref }, 'Mattermost handling failed');
    const text = toMarkdown(texts.internal(await wordsFor(userId), ref));
    if (where.responseUrl) {
      await client.respond(where.responseUrl, { response_type: 'ephemeral', text }).catch((e: unknown) => log.warn({ error: summarizeError(e), ref }, 'could not tell the user about the failure'));
    }
    return text;
  }

  async function openLoginDialog(inbound: Extract<MattermostInbound, { kind: 'command' }>, outcome: Extract<Outcome, { kind: 'login-modal' }>): Promise<void> {
    const { user, where } = inbound.invocation;
    const state = seals.sealDialog({ u: user.userId, c: where.channelId, t: where.workspace, r: inbound.responseUrl, x: now() + DIALOG_TTL_MS });
    await client.openDialog(inbound.triggerId, actionsUrl, renderLoginDialog(outcome, state));
  }

  /** A command's outcome after its acknowledgement: through the response_url (a DM through the API). */
  async function finishCommand(inbound: Extract<MattermostInbound, { kind: 'command' }>, outcome: Outcome): Promise<void> {
    const userId = inbound.invocation.user.userId;
    if (outcome.kind === 'duplicate') return;
    if (outcome.kind === 'login-modal') {
      // The trigger id lives a few seconds: past them, the user is asked to run the command again.
      await client.respond(inbound.responseUrl, { response_type: 'ephemeral', text: toMarkdown(outcome.again ?? outcome.title) });
      return;
    }
    await sendFiles(outcome.reply, userId);
    if (outcome.reply.visibility === 'dm') return messenger.dm(userId, postOf(outcome.reply, userId));
    await client.respond(inbound.responseUrl, commandAnswer(outcome.reply, userId));
  }

  async function onCommand(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (stopping) return send(res, 503, { text: 'stopping' });
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (!raw) return send(res, 413, { text: 'request body too large' });
    const body = bodyFields(raw, req.headers['content-type']);
    if (!body) return send(res, 400, { text: 'body is neither a form nor JSON' });
    if (!commandTokenValid(tokens, req.headers.authorization, body.token)) {
      log.warn('Mattermost slash command refused: its token is not one of MATTERMOST_COMMAND_TOKENS');
      return send(res, 401, { text: 'invalid command token' });
    }
    const inbound = parseSlashCommand(body);
    if (inbound.kind !== 'command') {
      log.warn({ reason: inbound.kind === 'unsupported' ? inbound.reason : inbound.kind }, 'Mattermost slash command not understood');
      return send(res, 400, { text: 'not a slash command this bot understands' });
    }
    const userId = inbound.invocation.user.userId;
    const job = (async () => {
      const pending = core.handle(withMentions(inbound));
      const early = await settledWithin(pending, answerWithinMs);
      // A file is uploaded after the acknowledgement, never within Mattermost's wait; the answer follows it.
      const carriesFiles = early?.ok === true && early.value.kind === 'reply' && filesOf(early.value.reply).length > 0;
      if (early && !carriesFiles) {
        try {
          if (!early.ok) throw early.error;
          const outcome = early.value;
          if (outcome.kind === 'duplicate') return send(res, 200);
          if (outcome.kind === 'login-modal') {
            await openLoginDialog(inbound, outcome);
            return send(res, 200);
          }
          if (outcome.reply.visibility === 'dm') {
            await messenger.dm(userId, postOf(outcome.reply, userId));
            return send(res, 200);
          }
          return send(res, 200, commandAnswer(outcome.reply, userId));
        } catch (err) {
          return send(res, 200, { response_type: 'ephemeral', text: await failed(err, userId, {}) });
        }
      }
      // Acknowledged empty (Mattermost shows nothing); the answer follows through the response_url.
      send(res, 200);
      const key = {};
      open.set(key, { responseUrl: inbound.responseUrl, userId });
      try {
        await finishCommand(inbound, await pending);
      } catch (err) {
        await failed(err, userId, { responseUrl: inbound.responseUrl });
      } finally {
        open.delete(key);
      }
    })();
    track(job);
    await job;
  }

  /** A click's outcome as the action's HTTP response: the card updated in place, or a notice only the clicker sees. */
  async function clickAnswer(inbound: Extract<MattermostInbound, { kind: 'click' }>, outcome: Outcome): Promise<Json> {
    const { user, where } = inbound.invocation;
    if (outcome.kind === 'duplicate') return {};
    if (outcome.kind !== 'reply') throw new Error(`a click answered ${outcome.kind}`);
    const r = outcome.reply;
    await sendFiles(r, user.userId);
    if (r.visibility === 'dm') {
      await messenger.dm(user.userId, postOf(r, user.userId));
      return {};
    }
    if (r.replaceOriginal) return { update: postOf(r, user.userId, inbound.context.p) };
    const post = postOf(r, user.userId);
    if (post.props.attachments.length === 0 && isPrivate(r)) return { ephemeral_text: post.message };
    if (isPrivate(r)) await client.ephemeralPost(user.userId, where.channelId, post);
    else await client.createPost(where.channelId, post);
    return {};
  }

  /** A slow click's outcome, after an empty acknowledgement: the card edited through the API, or a post. */
  async function finishClick(inbound: Extract<MattermostInbound, { kind: 'click' }>, outcome: Outcome): Promise<void> {
    const { user, where } = inbound.invocation;
    const answer = await clickAnswer(inbound, outcome);
    const update = answer.update as PostBody | undefined;
    if (update) {
      // An ephemeral card cannot be edited through the API once its click is answered: its outcome comes as a new ephemeral post.
      await client.patchPost(inbound.postId, update).catch(async (err: unknown) => {
        if (!inbound.context.p) throw err;
        await client.ephemeralPost(user.userId, where.channelId, update);
      });
    } else if (typeof answer.ephemeral_text === 'string') {
      await client.ephemeralPost(user.userId, where.channelId, { message: answer.ephemeral_text, props: { attachments: [] } });
    }
  }

  async function onAction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (stopping) return send(res, 503, { ephemeral_text: 'stopping' });
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (!raw) return send(res, 413, { ephemeral_text: 'request body too large' });
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return send(res, 400, { ephemeral_text: 'body is not JSON' });
    }
    const inbound = parseAction(json, seals, now());
    switch (inbound.kind) {
      case 'unsupported':
        log.warn({ reason: inbound.reason }, 'Mattermost action ignored');
        return send(res, inbound.reason === 'dialog_submission: cancelled' ? 200 : 400, {});
      case 'refused': {
        // Nothing reaches the core: a context this bot did not seal, for someone else, or past its time.
        log.warn({ reason: inbound.reason, userId: inbound.userId }, 'Mattermost action refused: its sealed context does not hold');
        const t = await wordsFor(inbound.userId);
        const text = inbound.reason === 'expired' ? texts.expired(t) : inbound.reason === 'another user' ? texts.confirmOnlyRequester(t, undefined) : texts.unknownAction(t);
        // A dialog shows `error` above its fields; a click's notice is an ephemeral text.
        return send(res, 200, inbound.what === 'dialog' ? { error: toMarkdown(text) } : { ephemeral_text: toMarkdown(text) });
      }
      case 'login': {
        // The dialog closes at once; the outcome is answered where `/tenant login` was typed.
        send(res, 200, {});
        const { state } = inbound;
        const job = (async () => {
          const locale = await locales.localeOf(state.u);
          const outcome = await core.handle(locale ? { ...inbound.invocation, locale } : inbound.invocation);
          if (outcome.kind === 'duplicate') return;
          if (outcome.kind !== 'reply') throw new Error(`a login answered ${outcome.kind}`);
          await sendFiles(outcome.reply, state.u);
          await client.respond(state.r, commandAnswer(outcome.reply, state.u));
        })().catch((err: unknown) => failed(err, state.u, { responseUrl: state.r }).then(() => undefined));
        track(job);
        return job;
      }
      case 'click': {
        const userId = inbound.invocation.user.userId;
        const job = (async () => {
          const locale = await locales.localeOf(userId);
          const pending = core.handle(locale ? { ...inbound.invocation, locale } : inbound.invocation);
          const early = await settledWithin(pending, answerWithinMs);
          if (early) {
            try {
              if (!early.ok) throw early.error;
              return send(res, 200, await clickAnswer(inbound, early.value));
            } catch (err) {
              return send(res, 200, { ephemeral_text: await failed(err, userId, {}) });
            }
          }
          send(res, 200, {});
          try {
            await finishClick(inbound, await pending);
          } catch (err) {
            const text = await failed(err, userId, {});
            await client.ephemeralPost(userId, inbound.invocation.where.channelId, { message: text, props: { attachments: [] } }).catch(() => undefined);
          }
        })();
        track(job);
        return job;
      }
      case 'command':
        return send(res, 400, {});
    }
  }

  /** Tells each acknowledged command still unanswered that the bot is restarting and its fate is unknown. */
  async function answerTheUnanswered(): Promise<void> {
    const left = [...open.values()];
    open.clear();
    if (left.length === 0) return;
    log.warn({ requests: left.length }, 'stopping with requests unanswered; telling their users');
    await Promise.allSettled(
      left.map(async ({ responseUrl, userId }) => {
        const text = toMarkdown(texts.restarting(await wordsFor(userId)));
        await client.respond(responseUrl, { response_type: 'ephemeral', text }, AbortSignal.timeout(RESTART_NOTICE_MS));
      }),
    );
  }

  http.mount('POST', COMMANDS_PATH, onCommand);
  http.mount('POST', ACTIONS_PATH, onAction);
  http.addReadinessCheck('mattermost', () => (started ? undefined : 'the Mattermost bot token has not been checked yet'));
  let stopped: Promise<void> | undefined;
  return {
    name: 'mattermost',
    messenger,
    async start() {
      // A wrong token or an unreachable MATTERMOST_URL fails the start, not the first command.
      try {
        botUserId = (await client.me(AbortSignal.timeout(START_CHECK_MS))).id;
      } catch (err) {
        throw new Error(`Mattermost token check failed: ${summarizeError(err).message}; check MATTERMOST_URL and MATTERMOST_BOT_TOKEN`);
      }
      started = true;
      log.info({ commands: COMMANDS_PATH, actions: ACTIONS_PATH }, 'Mattermost endpoints ready');
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        started = false;
        await settledWithin(Promise.allSettled([...inflight]), stopGraceMs);
        await answerTheUnanswered();
        await client.close();
      })();
      return stopped;
    },
  };
}
