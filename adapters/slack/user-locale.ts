import type { webApi } from '@slack/bolt';
import type { Logger } from '../../src/log.js';
import { settledWithin } from '../../src/result.js';

/** A user's locale is asked once a day at most (it rarely changes). */
const LOCALE_TTL_MS = 24 * 60 * 60 * 1000;
/** A failed look-up is asked again after this long; meanwhile the user gets English. */
const FAILURE_TTL_MS = 5 * 60 * 1000;
/** The cache holds at most this many users; the oldest entry goes first. */
const MAX_USERS = 10_000;
/** The look-up runs after the ack; still, the answer must not wait long for it. */
const LOOKUP_DEADLINE_MS = 1_500;

interface Entry {
  locale: string | undefined;
  until: number;
}

/**
 * Slack user locales (`users.info` with `include_locale`, which needs the `users:read` scope), cached a
 * day per user in a bounded map. A failure or a slow answer is logged and means "unknown" (the core then
 * answers in English, or in the member's own `/tenant lang`); it never fails the request.
 */
export class SlackUserLocales {
  readonly #cache = new Map<string, Entry>();

  constructor(
    /** The Web API client of a workspace (each workspace has its own token in distributed mode). */
    private readonly clientFor: (workspace: string) => Promise<Pick<webApi.WebClient, 'users'>>,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether `userId`'s locale is cached (an unknown one too), and which: no look-up needed (also for notices sent while stopping). */
  known(userId: string): { locale: string | undefined } | undefined {
    const hit = this.#cache.get(userId);
    return hit && hit.until > this.now() ? { locale: hit.locale } : undefined;
  }

  async localeOf(workspace: string, userId: string): Promise<string | undefined> {
    const hit = this.#cache.get(userId);
    if (hit && hit.until > this.now()) return hit.locale;
    try {
      const lookup = this.clientFor(workspace).then((client) => client.users.info({ user: userId, include_locale: true }));
      const answer = await settledWithin(lookup, LOOKUP_DEADLINE_MS);
      if (!answer) throw Object.assign(new Error('users.info did not answer in time'), { code: 'slack_locale_timeout' });
      if (!answer.ok) throw answer.error;
      const res = answer.value;
      const locale = typeof res.user?.locale === 'string' ? res.user.locale : undefined;
      this.remember(userId, { locale, until: this.now() + LOCALE_TTL_MS });
      return locale;
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
      const data = typeof err === 'object' && err !== null && 'data' in err ? (err.data as { error?: unknown }) : undefined;
      this.log.warn({ code, error: data?.error, userId }, 'Slack user locale unknown (users.info failed); answering in English unless the member chose a language');
      this.remember(userId, { locale: undefined, until: this.now() + FAILURE_TTL_MS });
      return undefined;
    }
  }

  private remember(userId: string, entry: Entry): void {
    this.#cache.delete(userId);
    if (this.#cache.size >= MAX_USERS) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(userId, entry);
  }
}
