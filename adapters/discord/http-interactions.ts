import type { IncomingMessage, ServerResponse } from 'node:http';
import { InteractionResponseType, REST, Routes } from 'discord.js';
import type { Config } from '../../src/config.js';
import type { Core } from '../../src/core/core.js';
import type { Adapter } from '../../src/core/outcome.js';
import { MAX_BODY_BYTES, readBody, type HttpServer } from '../../src/http/server.js';
import type { Logger } from '../../src/log.js';
import { InteractionPayload, parsePayload } from './interaction-payload.js';
import { DiscordMessenger } from './messenger.js';
import { interactionWebhooks, logRateLimits } from './interaction-webhooks.js';
import { DEFAULT_ACK_WITHIN_MS, DEFAULT_STOP_GRACE_MS, DiscordAnswerPolicy } from './respond.js';
import { summarizeDiscordError } from './safe-error.js';
import { discordPublicKey, verifyDiscordSignature } from './verify.js';

export const INTERACTIONS_PATH = '/discord/interactions';

export interface DiscordHttpOptions {
  core: Core;
  config: Config;
  logger: Logger;
  /** The one server on PORT: the endpoint is mounted on it, and /readyz waits for the start check. */
  http: HttpServer;
  /** How long to wait for the core before deferring; 1 s by default (see respond.ts). */
  ackWithinMs?: number;
  /** On stop, deferred answers in flight get this long to finish; 5 s by default (main.ts gives less). */
  stopGraceMs?: number;
  /** Clock for the signature's timestamp window, for tests. */
  now?: () => number;
}

const START_CHECK_MS = 10_000;

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(status === 401 ? 'invalid request signature\n' : '');
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}


/**
 * Discord over HTTP interactions (DISCORD_PUBLIC_KEY set): `POST /discord/interactions` on PORT,
 * Ed25519-verified, answered in the HTTP response within Discord's 3 s: directly when the core is
 * fast (a message, a card update, the login modal), else deferred and finished through the
 * interaction's webhook. Stateless per request, so any replica behind a load balancer can take any
 * interaction; the interaction id is the delivery id, so one delivered twice runs once. Same core,
 * renderer and flows as the gateway adapter.
 */
export function createDiscordHttpAdapter(opts: DiscordHttpOptions): Adapter {
  const { core, config, logger: parentLogger, http, ackWithinMs = DEFAULT_ACK_WITHIN_MS, stopGraceMs = DEFAULT_STOP_GRACE_MS, now = Date.now } = opts;
  const { DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: appId, DISCORD_PUBLIC_KEY: publicKeyHex } = config;
  if (!token || !appId || !publicKeyHex) throw new Error('Discord over HTTP needs DISCORD_TOKEN, DISCORD_APPLICATION_ID and DISCORD_PUBLIC_KEY');
  const logger = parentLogger.child({ adapter: 'discord', mode: 'http' });
  const publicKey = discordPublicKey(publicKeyHex);
  const api = config.DISCORD_API_URL.replace(/\/+$/, '');

  // Bot-token calls (approval posts, DMs) and interaction webhooks on separate clients: discord.js
  // counts every request against its client-side 50/s global budget, but Discord exempts
  // interaction webhooks from the global limit (interaction-webhooks.ts).
  const rest = new REST({ api }).setToken(token);
  const webhooks = interactionWebhooks(api, appId);
  logRateLimits(rest, logger);
  logRateLimits(webhooks.rest, logger);
  const channels = { approvalsChannel: config.DISCORD_APPROVALS_CHANNEL, escalationChannel: config.DISCORD_ESCALATION_CHANNEL };
  const messenger = new DiscordMessenger({ rest, ...channels, logger });

  const answers = new DiscordAnswerPolicy({ webhooks, logger, ackWithinMs, clickNotice: 'reply' });
  let started = false;
  let stopping = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (!body) return send(res, 413, { message: 'request body too large' });
    const header = (name: string) => (typeof req.headers[name] === 'string' ? req.headers[name] : undefined);
    const verdict = verifyDiscordSignature(publicKey, header('x-signature-ed25519'), header('x-signature-timestamp'), body, now());
    if (!verdict.ok) {
      logger.warn({ reason: verdict.reason }, 'discord interaction refused: signature');
      return send(res, 401);
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return send(res, 400, { message: 'body is not JSON' });
    }
    const payload = InteractionPayload.safeParse(json);
    if (!payload.success) {
      logger.warn({ issues: payload.error.issues.length }, 'discord interaction not understood');
      return send(res, 400, { message: 'not an interaction this bot understands' });
    }
    if (payload.data.application_id !== appId) return send(res, 401);
    const parsed = parsePayload(payload.data);
    if (parsed.kind === 'ping') return send(res, 200, { type: InteractionResponseType.Pong });
    if (parsed.kind === 'unsupported') {
      logger.debug({ what: parsed.what }, 'interaction ignored');
      return send(res, 400, { message: `unsupported: ${parsed.what}` });
    }
    if (stopping) return send(res, 503, { message: 'stopping' });

    await answers.answer({ kind: parsed.kind, token: payload.data.token, locale: payload.data.locale }, core.handle(parsed.invocation), {
      send: (callback) => send(res, 200, callback),
      // Answered where it was first delivered (another replica, or this one before a retry).
      duplicate: () => send(res, 409, { message: 'this interaction was already answered' }),
    });
  };

  http.mount('POST', INTERACTIONS_PATH, handle);
  http.addReadinessCheck('discord', () => (started ? undefined : 'the Discord token has not been checked yet'));
  return {
    name: 'discord',
    messenger,
    async start() {
      // Fail fast on a wrong token: no connection is held in this mode, so this is the only check.
      try {
        const app = (await rest.get(Routes.currentApplication(), { signal: AbortSignal.timeout(START_CHECK_MS) })) as { id?: string };
        if (app.id !== appId) logger.warn({ configured: appId, actual: app.id }, 'DISCORD_APPLICATION_ID does not match the token’s application');
      } catch (err) {
        throw new Error(`discord token check failed: ${summarizeDiscordError(err).message}`);
      }
      started = true;
      logger.info({ path: INTERACTIONS_PATH }, 'discord interactions endpoint ready');
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      await answers.stop(stopGraceMs);
      messenger.close();
    },
  };
}
