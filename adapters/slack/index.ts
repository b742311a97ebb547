import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { App, SocketModeReceiver, webApi } from '@slack/bolt';
import type { Config } from '../../src/config.js';
import type { Core } from '../../src/core/core.js';
import { texts, translator, normalizeLocale } from '../../src/core/i18n.js';
import type { Adapter, Outcome } from '../../src/core/outcome.js';
import type { Invocation } from '../../src/core/invocation.js';
import { filesOf, type Reply } from '../../src/core/reply.js';
import { HttpServer } from '../../src/http/server.js';
import { summarizeError, type Logger } from '../../src/log.js';
import { assertNever, settledWithin } from '../../src/result.js';
import { boltLogger } from './bolt-logger.js';
import type { SlackDistribution } from './distribution.js';
import { parseLifecycleEvent } from './lifecycle.js';
import { SlackMessenger } from './messenger.js';
import { sealLoginContext } from './modal-context.js';
import { LOGIN_MODAL, parseSlackPayload, type ClickedMessage, type SlackInbound } from './parse.js';
import { VerifiedReceiver } from './receiver.js';
import { renderLoginModal, renderReply, type SlackMessage } from './render.js';
import { ackAnswerFor, ResponseUrlPoster, type AckAnswer } from './respond.js';
import { SlackUserLocales } from './user-locale.js';

export type SlackConfig = Pick<
  Config,
  'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL' | 'PORT' | 'APPROVALS_CHANNEL' | 'SLACK_ACK_ANSWER_MS'
> &
  Partial<Pick<Config, 'ESCALATION_CHANNEL'>>;

export interface SlackOptions {
  core: Core;
  config: SlackConfig;
  logger: Logger;
  /** Web API retries; tests pass 0 so that a failing fake answers at once. Default: the WebClient's. */
  webApiRetries?: number;
  /**
   * How long stop() waits for acknowledged requests to be answered before it tells the rest "the bot
   * is restarting; this may or may not have been applied". Default 8 s; the process, which has already
   * waited for the core's work, passes less.
   */
  stopGraceMs?: number;
  /** The process's HTTP server on PORT: `/slack/events` is mounted on it. */
  http: HttpServer;
  /**
   * Distributed mode: every workspace that installed the app, each with its own token
   * (`/slack/install` and `/slack/oauth_redirect` are mounted too). Without it, SLACK_BOT_TOKEN's one workspace.
   */
  distribution?: SlackDistribution;
}

export interface SlackHandle {
  /** The port `/slack/events`, `/healthz` and `/metrics` listen on (the real one when PORT is 0). */
  port: number;
  /** Stops taking requests, then waits (up to 8 s) for acknowledged work to finish. */
  stop(): Promise<void>;
}

/** The Slack adapter as the process sees it; `port` is known once started. */
export interface SlackAdapter extends Adapter {
  readonly port: number;
}

const STOP_GRACE_MS = 8_000;
/** How long a "the bot is restarting" notice may take: the process is about to exit. */
const RESTART_NOTICE_MS = 1_000;

/**
 * Bolt acknowledges a payload no listener takes (one it cannot classify) after this long, with an
 * empty 200: well inside Slack's 3 s; every listener of ours acknowledges at once.
 */
const UNHANDLED_ACK_MS = 1_500;

/** The user's Slack locale on the invocation; the Invocation schema's bound (a BCP 47 tag is short): anything longer is not a locale. */
const withLocale = <I extends Invocation>(invocation: I, locale: string | undefined): I =>
  locale && locale.length <= 35 ? { ...invocation, locale } : invocation;

/**
 * The Slack adapter: a Bolt app over HTTP (`/slack/events` on PORT, with `/healthz` and `/metrics`)
 * or Socket Mode (when SLACK_APP_TOKEN is set; `/healthz` and `/metrics` still on PORT). Over HTTP a
 * slash command the core answers within SLACK_ACK_ANSWER_MS is answered in its acknowledgement; any
 * other command, click and modal submission is acknowledged then, and the core's answer follows
 * through response_url, so a slow backend never meets Slack's 3-second deadline.
 */
/** Creates, registers and starts the adapter on an HTTP server of its own (tests, tools). */
export async function startSlack(opts: Omit<SlackOptions, 'http'>): Promise<SlackHandle> {
  const http = new HttpServer(opts.config.PORT, opts.logger);
  const adapter = createSlackAdapter({ ...opts, http });
  opts.core.registerAdapter(adapter);
  await adapter.start();
  await http.start();
  return {
    port: adapter.port,
    async stop() {
      http.markStopping();
      await http.stop();
      await adapter.stop();
    },
  };
}

/** Web API clients kept per bot token (distributed mode): tokens rotate, so the oldest go first. */
const MAX_CLIENTS = 1_000;

export function createSlackAdapter({ core, config, logger, webApiRetries, http, distribution, stopGraceMs = STOP_GRACE_MS }: SlackOptions): SlackAdapter {
  const token = config.SLACK_BOT_TOKEN;
  const signingSecret = config.SLACK_SIGNING_SECRET;
  if (!signingSecret || (!token && !distribution)) throw new Error('the Slack adapter needs SLACK_SIGNING_SECRET, and SLACK_BOT_TOKEN or an OAuth installation store');
  if (token && distribution) throw new Error('the Slack adapter takes SLACK_BOT_TOKEN or an OAuth installation store, not both');
  const secret: string = signingSecret;
  const appToken = config.SLACK_APP_TOKEN;
  if (appToken && distribution) throw new Error('the Slack adapter installs in several workspaces over HTTP only (unset SLACK_APP_TOKEN)');
  const log = logger.child({ adapter: 'slack' });
  const boltLog = boltLogger(log);
  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: config.SLACK_API_URL,
    logger: boltLog,
    ...(webApiRetries !== undefined ? { retryConfig: { retries: webApiRetries } } : {}),
  };

  let ready = false;

  const socketMode = Boolean(appToken);
  const receiver = appToken
    ? // The Socket Mode client mutates the options it gets (retryConfig), hence the copy.
      new SocketModeReceiver({ appToken, logger: boltLog, installerOptions: { clientOptions: { ...clientOptions } } })
    : new VerifiedReceiver({
        signingSecret,
        logger: log,
        boltLogger: boltLog,
        unhandledRequestTimeoutMillis: UNHANDLED_ACK_MS,
        unhandledRequestHandler: ({ response }) => {
          log.warn('Slack request no listener takes; acknowledged empty');
          if (!response.headersSent) {
            response.writeHead(200);
            response.end();
          }
        },
      });
  const app = distribution
    ? // Each request's token comes from its installation; tokens are refreshed by the rotation sweep, never here.
      new App({ authorize: (source) => distribution.authorize(source), receiver, logger: boltLog, clientOptions, convoStore: false, deferInitialization: true })
    : new App({ token, receiver, logger: boltLog, clientOptions, convoStore: false, deferInitialization: true });

  const clients = new Map<string, webApi.WebClient>();
  /** The Web API client of workspace `teamId`: the one token, or (distributed) its installation's. */
  async function clientFor(teamId: string): Promise<webApi.WebClient> {
    if (!distribution) return app.client;
    const botToken = await distribution.botTokenFor(teamId);
    if (!botToken) throw Object.assign(new Error(`the app is not installed in Slack workspace ${teamId}`), { code: 'slack_not_installed' });
    const known = clients.get(botToken);
    if (known) return known;
    if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value!);
    const made = new webApi.WebClient(botToken, clientOptions);
    clients.set(botToken, made);
    return made;
  }
  const messenger = new SlackMessenger(
    clientFor,
    distribution ? undefined : config.APPROVALS_CHANNEL,
    distribution ? undefined : config.ESCALATION_CHANNEL,
    config.SLACK_API_URL,
  );
  const locales = new SlackUserLocales(clientFor, log);
  /** The adapter's own words (a failure after the core, a restart notice): in the user's Slack locale when known. */
  const wordsFor = (userId: string | undefined) => translator(normalizeLocale(userId ? locales.known(userId)?.locale : undefined) ?? 'en');
  const poster = new ResponseUrlPoster(config.SLACK_API_URL);
  const postToResponseUrl = (url: string, body: Record<string, unknown>, signal?: AbortSignal) => poster.post(url, body, signal);
  // Socket Mode acks travel over the WebSocket; only the HTTP path answers in the ack.
  const ackAnswerMs = socketMode ? 0 : config.SLACK_ACK_ANSWER_MS;

  /**
   * Where a reply goes, as the core decided it (the core's secret rule has already made a secret
   * private): a DM; in place of the clicked message (response_url for an ephemeral one, chat.update
   * for one in a channel); else a new message through response_url.
   */
  async function deliver(r: Reply, to: { userId: string; workspace: string; responseUrl: string | undefined; clicked?: ClickedMessage }): Promise<void> {
    const message: SlackMessage = renderReply(r);
    // A file goes to the reader's DM, privately, whatever the reply's visibility; the reply follows as usual.
    for (const file of filesOf(r)) {
      try {
        await messenger.uploadToDm(to.workspace, to.userId, file, message.text);
      } finally {
        if (file.temporary) await rm(file.path, { force: true });
      }
    }
    if (r.visibility === 'dm') return messenger.dm(to.workspace, to.userId, message);
    if (r.replaceOriginal && to.clicked) {
      if (to.clicked.ephemeral && to.responseUrl) return postToResponseUrl(to.responseUrl, { replace_original: true, ...message });
      if (!to.clicked.ephemeral) {
        await (await clientFor(to.workspace)).chat.update({ channel: to.clicked.channelId, ts: to.clicked.ts, ...message });
        return;
      }
    }
    if (!to.responseUrl) return messenger.dm(to.workspace, to.userId, message);
    const inChannel = r.visibility === 'channel';
    await postToResponseUrl(to.responseUrl, { response_type: inChannel ? 'in_channel' : 'ephemeral', replace_original: false, ...message });
  }

  /** `started`: the core's outcome for a command, when it was asked before the ack. */
  async function work(inbound: Exclude<SlackInbound, { kind: 'unsupported' }>, started?: Promise<Outcome>): Promise<void> {
    const userId = inbound.invocation.user.userId;
    const workspace = inbound.invocation.where.workspace;
    // After the ack: the look-up (cached a day) never delays it. Unknown means English unless the member chose.
    // A command the core was asked before the ack already carried its (cached) locale.
    // Handed to the core before the look-up ends: admitted now, so a stop meanwhile still runs it.
    const invocation = started ? inbound.invocation : locales.localeOf(workspace, userId).then((locale) => withLocale(inbound.invocation, locale));
    switch (inbound.kind) {
      case 'command': {
        const outcome = await (started ?? core.handle(invocation));
        if (outcome.kind === 'duplicate') return;
        if (outcome.kind === 'login-modal') {
          const context = sealLoginContext(secret, { channelId: inbound.invocation.where.channelId, responseUrl: inbound.responseUrl, userId });
          await (await clientFor(workspace)).views.open({ trigger_id: inbound.triggerId, view: renderLoginModal(outcome, context) });
          return;
        }
        return deliver(outcome.reply, { userId, workspace, responseUrl: inbound.responseUrl });
      }
      case 'click': {
        const outcome = await core.handle(invocation);
        if (outcome.kind === 'duplicate') return;
        if (outcome.kind !== 'reply') throw new Error(`a click answered ${outcome.kind}`);
        return deliver(outcome.reply, { userId, workspace, responseUrl: inbound.responseUrl, ...(inbound.message ? { clicked: inbound.message } : {}) });
      }
      case 'login': {
        const outcome = await core.handle(invocation);
        if (outcome.kind === 'duplicate') return;
        if (outcome.kind !== 'reply') throw new Error(`a login answered ${outcome.kind}`);
        return deliver(outcome.reply, { userId, workspace, responseUrl: inbound.modal.responseUrl });
      }
      default:
        assertNever(inbound);
    }
  }

  const responseUrlOf = (inbound: SlackInbound): string | undefined =>
    inbound.kind === 'unsupported' ? undefined : inbound.kind === 'login' ? inbound.modal.responseUrl : inbound.responseUrl;

  /** Runs after the ack; never throws: a failure is logged by code and the user told in words. */
  async function handle(inbound: SlackInbound, started?: Promise<Outcome>): Promise<void> {
    if (inbound.kind === 'unsupported') {
      log.warn({ reason: inbound.reason }, 'Slack payload ignored');
      return;
    }
    try {
      await work(inbound, started);
    } catch (err) {
      const ref = randomBytes(4).toString('hex');
      log.error({ error: summarizeError(err), ref, kind: inbound.kind }, 'Slack handling failed');
      const responseUrl = responseUrlOf(inbound);
      if (responseUrl) {
        const text = { response_type: 'ephemeral', replace_original: false, text: texts.internal(wordsFor(inbound.invocation.user.userId), ref) };
        await postToResponseUrl(responseUrl, text).catch(
          (e: unknown) => log.warn({ error: summarizeError(e), ref }, 'could not tell the user about the failure'),
        );
      }
    }
  }

  // Work is tracked from the moment a listener runs, so stop() never misses a request it acknowledged,
  // with where its answer goes: one still unanswered when the grace ends is told so in words.
  const inflight = new Map<Promise<void>, { responseUrl: string | undefined; userId: string | undefined }>();
  const ours = new Set(core.commands.map((c) => c.name));
  function acknowledgeThenHandle(ack: (answer?: AckAnswer) => Promise<void>, body: unknown): Promise<void> {
    const parsed = parseSlackPayload(body, secret);
    // Which commands exist is the core's to say (its features'): another app's command is not ours.
    const inbound: SlackInbound =
      parsed.kind === 'command' && !ours.has(parsed.invocation.command) ? { kind: 'unsupported', reason: 'slash command: not one of ours' } : parsed;
    const p = (async () => {
      // Only with the user's locale already known: a users.info look-up must not eat into the ack's 3 s.
      const known = inbound.kind === 'command' && ackAnswerMs > 0 ? locales.known(inbound.invocation.user.userId) : undefined;
      if (inbound.kind === 'command' && known) {
        // Asked before the ack: a quick answer rides in it, and there is no second request to Slack.
        const started = core.handle(withLocale(inbound.invocation, known.locale));
        const early = await settledWithin(started, ackAnswerMs);
        const answer = early?.ok && early.value.kind === 'reply' ? ackAnswerFor(early.value.reply) : undefined;
        // Bolt sends an empty 200 by itself once UNHANDLED_ACK_MS has passed (an event loop far behind); this
        // ack then cannot be sent, and the answer goes through response_url, as a slow command's does.
        const acked = await ack(answer).then(
          () => true,
          (err: unknown) => (log.warn({ error: summarizeError(err) }, 'Slack acknowledgement not sent; answering through response_url'), false),
        );
        if (answer && acked) return;
        return handle(inbound, started);
      }
      await ack();
      await handle(inbound);
    })();
    inflight.set(p, { responseUrl: responseUrlOf(inbound), userId: inbound.kind === 'unsupported' ? undefined : inbound.invocation.user.userId });
    const done = () => void inflight.delete(p);
    p.then(done, done);
    return p;
  }

  /** Tells each request still unanswered that the bot is restarting and its fate is unknown. */
  async function answerTheUnanswered(): Promise<void> {
    const left = [...inflight.values()];
    if (left.length === 0) return;
    log.warn({ requests: left.length }, 'stopping with requests unanswered; telling their users');
    await Promise.allSettled(
      left.map(({ responseUrl, userId }) =>
        responseUrl
          ? postToResponseUrl(responseUrl, { response_type: 'ephemeral', replace_original: false, text: texts.restarting(wordsFor(userId)) }, AbortSignal.timeout(RESTART_NOTICE_MS)).catch((err: unknown) =>
              log.warn({ error: summarizeError(err) }, 'could not tell a user the bot is restarting'),
            )
          : undefined,
      ),
    );
  }

  // Every command is ours to acknowledge, even one the manifest no longer lists (it is then ignored).
  app.command(/.*/, ({ ack, body }) => acknowledgeThenHandle((answer) => ack(answer), body));
  app.action({ type: 'block_actions' }, ({ ack, body }) => acknowledgeThenHandle(() => ack(), body));
  // An empty ack closes the modal; the outcome is answered where `/tenant login` was typed.
  app.view(LOGIN_MODAL.callbackId, ({ ack, body }) => acknowledgeThenHandle(() => ack(), body));
  if (distribution) {
    // Bolt never deletes an installation (bolt-js#1203): these two do, unless a reinstall came after them.
    const lifecycle = async (body: unknown) => {
      const parsed = parseLifecycleEvent(body);
      if (!parsed.ok) return void log.warn({ reason: parsed.reason }, 'Slack lifecycle event ignored');
      const { event } = parsed;
      const deleted =
        event.kind === 'uninstalled'
          ? await distribution.uninstalled(event.source, event.eventTimeMs)
          : await distribution.tokensRevoked(event.source, event.botUserIds, event.eventTimeMs);
      const where = { team: event.source.teamId, enterprise: event.source.enterpriseId, orgWide: event.source.isEnterpriseInstall };
      log.info({ event: event.kind, deleted, ...where }, deleted ? 'Slack installation deleted' : 'Slack lifecycle event: no installation it revokes (already gone, or reinstalled since)');
    };
    const tracked = (body: unknown) => {
      const p = lifecycle(body).catch((err: unknown) => log.error({ error: summarizeError(err) }, 'Slack lifecycle event failed'));
      inflight.set(p, { responseUrl: undefined, userId: undefined });
      const done = () => void inflight.delete(p);
      p.then(done, done);
      return p;
    };
    app.event('app_uninstalled', ({ body }) => tracked(body));
    app.event('tokens_revoked', ({ body }) => tracked(body));
  }
  app.error(async (err) => {
    log.error({ error: summarizeError(err) }, 'Bolt error');
  });

  // In Socket Mode, ready also means the WebSocket is up: the client reconnects on its own, or gives
  // up for good when apps.connections.open fails while it does (then only a restart helps).
  let socketUp = !socketMode;
  if (receiver instanceof SocketModeReceiver) {
    receiver.client.on('connected', () => void (socketUp = true));
    for (const state of ['disconnecting', 'disconnected', 'reconnecting']) receiver.client.on(state, () => void (socketUp = false));
    receiver.client.on('close', () => void (socketUp = false));
  }
  let stopping: Promise<void> | undefined;
  http.addReadinessCheck('slack', () =>
    !ready ? 'not connected to Slack' : socketUp ? undefined : 'the Socket Mode connection to Slack is lost; reconnecting',
  );
  return {
    name: 'slack',
    messenger,
    get port() {
      return http.listeningPort;
    },
    async start() {
      // auth.test: a wrong token or an unreachable SLACK_API_URL fails the start, not the first command.
      await app.init();
      if (receiver instanceof VerifiedReceiver) {
        // Slack's requests arrive on the process's one HTTP server, beside /healthz, /readyz and /metrics.
        http.mount('POST', '/slack/events', receiver.requestListener);
        if (distribution) {
          http.mount('GET', '/slack/install', (req, res) => distribution.install(req, res));
          http.mount('GET', '/slack/oauth_redirect', (req, res) => distribution.redirect(req, res));
        }
      } else {
        await app.start();
      }
      ready = true;
      log.info({ mode: socketMode ? 'socket' : 'http', workspaces: distribution ? 'installed' : 'one' }, 'Slack adapter ready');
    },
    stop() {
      stopping ??= (async () => {
        ready = false;
        if (!(receiver instanceof VerifiedReceiver)) await app.stop().catch((err: unknown) => log.warn({ error: summarizeError(err) }, 'Slack receiver stop failed'));
        await settledWithin(Promise.allSettled([...inflight.keys()]), stopGraceMs);
        await answerTheUnanswered();
        await poster.close();
      })();
      return stopping;
    },
  };
}
