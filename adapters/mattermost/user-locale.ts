import { BoundedMap } from '../../src/bounded-map.js';
import type { Logger } from '../../src/log.js';
import { settledWithin } from '../../src/result.js';
import type { MattermostClient } from './client.js';

/** A user's locale is asked once a day at most (it rarely changes). */
const LOCALE_TTL_MS = 24 * 60 * 60 * 1000;
/** A failed look-up is asked again after this long; meanwhile the user gets English. */
const FAILURE_TTL_MS = 5 * 60 * 1000;
const MAX_USERS = 10_000;
/** The look-up must not eat into the answer's time. */
const LOOKUP_DEADLINE_MS = 1_500;

/**
 * Mattermost user locales (`GET /users/{id}` → `locale`: `zh-TW`, `en`…), cached a day per user. A
 * failure or a slow answer is logged and means "unknown" (English, unless the member chose); it never
 * fails the request.
 */
export class MattermostUserLocales {
  readonly #cache = new BoundedMap<string, { locale: string | undefined; until: number }>(MAX_USERS);

  constructor(
    private readonly client: Pick<MattermostClient, 'user'>,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached locale, without a look-up (for notices sent while stopping). */
  known(userId: string): string | undefined {
    const hit = this.#cache.get(userId);
    return hit && hit.until > this.now() ? hit.locale : undefined;
  }

  async localeOf(userId: string): Promise<string | undefined> {
    const hit = this.#cache.get(userId);
    if (hit && hit.until > this.now()) return hit.locale;
    const answer = await settledWithin(this.client.user(userId), LOOKUP_DEADLINE_MS);
    if (answer?.ok) {
      const locale = answer.value.locale && answer.value.locale.length <= 35 ? answer.value.locale : undefined;
      this.#cache.set(userId, { locale, until: this.now() + LOCALE_TTL_MS });
      return locale;
    }
    const code = answer ? (answer.error as { message?: string }).message : 'no answer in time';
    this.log.warn({ error: code, userId }, 'Mattermost user locale unknown (GET /users/{id} failed); answering in English unless the member chose a language');
    this.#cache.set(userId, { locale: undefined, until: this.now() + FAILURE_TTL_MS });
    return undefined;
  }
}
