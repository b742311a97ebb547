import { once } from 'node:events';
import { Client, Events, Status, type Interaction } from 'discord.js';
import type { Config } from '../../src/config.js';
import type { Core } from '../../src/core/core.js';
import type { Adapter } from '../../src/core/outcome.js';
import type { HttpServer } from '../../src/http/server.js';
import type { Logger } from '../../src/log.js';
import { assertNever } from '../../src/result.js';
import { interactionWebhooks, logRateLimits } from './interaction-webhooks.js';
import { DiscordMessenger } from './messenger.js';
import { parseInteraction } from './parse.js';
import { DEFAULT_ACK_WITHIN_MS, DEFAULT_STOP_GRACE_MS, DiscordAnswerPolicy, type CallbackSender } from './respond.js';
import { summarizeDiscordError } from './safe-error.js';

export interface StartDiscordOptions {
  core: Core;
  config: Config;
  logger: Logger;
  /** How long to wait for the core before deferring; 1 s by default (see respond.ts). */
  ackWithinMs?: number;
  /** The process's HTTP server: /readyz then requires the gateway to be connected. */
  http?: HttpServer;
  /** On stop, answers in flight get this long to finish before the connection closes; 5 s by default (main.ts gives less). */
  stopGraceMs?: number;
}

export interface RunningDiscord {
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

/**
 * The Discord adapter: a discord.js gateway client that turns slash commands, button clicks and
 * the login modal into core invocations and answers within Discord's 3 s, plus the Messenger that
 * posts approval requests and DMs. The REST base is DISCORD_API_URL; the gateway URL comes from its
 * `GET /gateway/bot`.
 */
export async function startDiscord(opts: StartDiscordOptions): Promise<RunningDiscord> {
  const adapter = createDiscordAdapter(opts);
  opts.core.registerAdapter(adapter);
  await adapter.start();
  return adapter;
}

export function createDiscordAdapter({
  core,
  config,
  logger: parentLogger,
  ackWithinMs = DEFAULT_ACK_WITHIN_MS,
  http,
  stopGraceMs = DEFAULT_STOP_GRACE_MS,
}: StartDiscordOptions): Adapter {
  const token = config.DISCORD_TOKEN;
  if (!token) throw new Error('startDiscord needs DISCORD_TOKEN');
  const logger = parentLogger.child({ adapter: 'discord' });
  const api = config.DISCORD_API_URL.replace(/\/+$/, '');

  // No gateway intents: interactions arrive regardless, and nothing else is needed.
  // discord.js debug events (which can print request bodies) are never subscribed to.
  const client = new Client({
    intents: [],
    rest: { api },
    allowedMentions: { parse: [] },
  });
  client.on(Events.Error, (err) => logger.error({ discord: summarizeDiscordError(err) }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn({ message }, 'discord client warning'));
  client.on(Events.ShardError, (err, shardId) => logger.warn({ shardId, discord: summarizeDiscordError(err) }, 'discord gateway error'));
  client.on(Events.ShardDisconnect, (event, shardId) => logger.warn({ shardId, code: event.code }, 'discord gateway closed for good'));
  logRateLimits(client.rest, logger);

  const channels = { approvalsChannel: config.DISCORD_APPROVALS_CHANNEL, escalationChannel: config.DISCORD_ESCALATION_CHANNEL };
  const messenger = new DiscordMessenger({ rest: client.rest, ...channels, logger });
  // Known once the gateway's READY names the application; made on the first deferred answer.
  let webhooks: ReturnType<typeof interactionWebhooks> | undefined;
  const webhooksFor = (applicationId: string) => {
    if (!webhooks) {
      webhooks = interactionWebhooks(api, applicationId);
      logRateLimits(webhooks.rest, logger);
    }
    return webhooks;
  };

  // Made with the webhooks, on the first interaction; stop() has nothing to wait for before that.
  let answers: DiscordAnswerPolicy | undefined;
  const answersFor = (applicationId: string) =>
    (answers ??= new DiscordAnswerPolicy({ webhooks: webhooksFor(applicationId), logger, ackWithinMs, clickNotice: 'deferred-follow-up' }));
  let stopping = false;

  const handle = async (interaction: Interaction): Promise<void> => {
    const parsed = parseInteraction(interaction);
    try {
      switch (parsed.kind) {
        case 'command':
        case 'login':
        case 'click': {
          const { raw } = parsed;
          const callbacks = webhooksFor(raw.applicationId);
          const sender: CallbackSender = {
            send: async (callback) => void (await callbacks.callback(raw.id, raw.token, callback)),
            duplicate: () => logger.debug({ kind: parsed.kind }, 'interaction delivered again; its first delivery answers it'),
          };
          await answersFor(raw.applicationId).answer({ kind: parsed.kind, token: raw.token, locale: raw.locale }, core.handle(parsed.invocation), sender);
          return;
        }
        case 'unsupported':
          logger.debug({ what: parsed.what }, 'interaction ignored');
          return;
        default:
          assertNever(parsed);
      }
    } catch (err) {
      logger.error({ kind: parsed.kind, discord: summarizeDiscordError(err) }, 'could not answer a discord interaction');
    }
  };

  client.on(Events.InteractionCreate, (interaction) => {
    if (stopping) return;
    void handle(interaction);
  });

  // client.isReady() stays true once READY came, even with the gateway gone: the shards say whether it is up now.
  const connected = () => client.isReady() && client.ws.shards.size > 0 && client.ws.shards.every((shard) => shard.status === Status.Ready);
  http?.addReadinessCheck('discord', () => (connected() ? undefined : 'not connected to the Discord gateway'));
  return {
    name: 'discord',
    messenger,
    async start() {
      // Ready means READY and its guilds seen; a gateway that never gets there fails the start.
      const ready = once(client, Events.ClientReady, { signal: AbortSignal.timeout(READY_TIMEOUT_MS) });
      const login = client.login(token);
      // Both are awaited below; these keep a rejection that comes first from counting as unhandled.
      ready.catch(() => undefined);
      login.catch(() => undefined);
      try {
        await Promise.race([login, ready]);
        await ready;
      } catch (err) {
        await client.destroy();
        throw new Error(`discord login failed: ${summarizeDiscordError(err).message}`);
      }
      if (config.DISCORD_APPLICATION_ID && client.application?.id !== config.DISCORD_APPLICATION_ID) {
        logger.warn({ configured: config.DISCORD_APPLICATION_ID, actual: client.application?.id }, 'DISCORD_APPLICATION_ID does not match the token’s application');
      }
      logger.info({ user: client.user?.username, guilds: client.guilds.cache.size }, 'discord connected');
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      await answers?.stop(stopGraceMs);
      messenger.close();
      await client.destroy();
    },
  };
}
