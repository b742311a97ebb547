import { REST, RESTEvents, Routes, type RateLimitData, type RawFile, type RESTPatchAPIWebhookWithTokenMessageJSONBody, type RESTPostAPIWebhookWithTokenJSONBody } from 'discord.js';
import type { Logger } from '../../src/log.js';

/**
 * Discord does not count interaction endpoints against the bot's global limit (50 requests a second):
 * "Interaction endpoints are not bound to the bot's Global Rate Limit". @discordjs/rest exempts only
 * the callbacks; every other request, an interaction's webhook (editing the deferred answer, a
 * follow-up) included, waits on its one global limiter. Under a burst of deferred commands that limiter
 * paced every answer at 50 a second (200 answers: 4 s). These calls go through a REST client of their
 * own, sent without the bot token as Discord asks, whose global limiter sits far above anything the bot
 * sends: they are paced by their per-route buckets (Discord's X-RateLimit headers) and by any 429,
 * which the client still obeys (a global 429 blocks it until its retry_after has passed).
 */
const INTERACTION_WEBHOOK_GLOBAL_PER_S = 1_000;

export interface InteractionWebhooks {
  /** Sends the interaction's first answer (its callback), as discord.js's reply/update/defer methods do. */
  callback(interactionId: string, interactionToken: string, body: unknown): Promise<unknown>;
  /**
   * Edits the interaction's original answer (the deferred "thinking…" message, or the clicked message
   * after a deferred update); with `files`, sent as multipart with the files attached.
   */
  editOriginal(interactionToken: string, body: RESTPatchAPIWebhookWithTokenMessageJSONBody, signal?: AbortSignal, files?: RawFile[]): Promise<unknown>;
  /** A follow-up message to the interaction. */
  followUp(interactionToken: string, body: RESTPostAPIWebhookWithTokenJSONBody, signal?: AbortSignal): Promise<unknown>;
  /** Deletes the interaction's original answer. */
  deleteOriginal(interactionToken: string): Promise<unknown>;
  /** The client, for its `rateLimited` events. */
  readonly rest: REST;
}

/** Logs each rate limit a REST client meets (method, whether global, time to reset): never a URL, which may hold a token. */
export function logRateLimits(rest: REST, logger: Logger): void {
  rest.on(RESTEvents.RateLimited, (info: RateLimitData) => logger.warn({ method: info.method, global: info.global, timeToReset: info.timeToReset }, 'discord rate limit'));
}

export function interactionWebhooks(api: string, applicationId: string): InteractionWebhooks {
  const rest = new REST({ api, globalRequestsPerSecond: INTERACTION_WEBHOOK_GLOBAL_PER_S });
  const original = (token: string) => Routes.webhookMessage(applicationId, token, '@original');
  return {
    rest,
    callback: (id, token, body) => rest.post(Routes.interactionCallback(id, token), { body, auth: false }),
    editOriginal: (token, body, signal, files) =>
      rest.patch(original(token), { body, auth: false, ...(signal ? { signal } : {}), ...(files?.length ? { files } : {}) }),
    followUp: (token, body, signal) => rest.post(Routes.webhook(applicationId, token), { body, auth: false, ...(signal ? { signal } : {}) }),
    deleteOriginal: (token) => rest.delete(original(token), { auth: false }),
  };
}
