import type { Store } from '../../store/port.js';
import type { Identity } from '../identity.js';
import { chatKey, type ChatUser } from '../invocation.js';
import { Locale, LocaleSetting, normalizeLocale } from './locale.js';
import { translator, type Translator } from './translator.js';

/** The member a chat user is, already known to the caller (`undefined`: none, unlinked). */
export interface KnownMember {
  memberId: string | undefined;
}

/**
 * `/tenant lang`: each member's language, stored per tenant member (one person linked on Slack and
 * Discord chooses once), or per chat user while unlinked. The choice made while linked wins; a choice
 * made before linking still counts until the member makes one.
 */
export class LocaleSettings {
  constructor(
    private readonly store: Store,
    private readonly identity: Identity,
    private readonly timeZone: string,
    /**
     * Where the platform locale each chat user last came with is kept: the store unwrapped, because
     * this memo is bookkeeping, not a change the command made (a read-only command stays read-only).
     */
    private readonly memo: Store = store,
    /** What this process last wrote per chat user: the store is written only when a user's locale changes (shared by every invocation's settings). */
    private readonly remembered = new Map<string, Locale>(),
  ) {}

  private get records() {
    return this.store.collection<LocaleSetting>('settings');
  }

  /** `known`: the member the caller is, as this invocation already found out (the core reads the link once). */
  private async keysOf(user: Pick<ChatUser, 'platform' | 'userId'>, known?: KnownMember): Promise<string[]> {
    const memberId = known ? known.memberId : await this.identity.memberIdOf(user);
    return [...(memberId ? [`member:${memberId}`] : []), `chat:${chatKey(user)}`];
  }

  /** The member's own setting, if any (`auto` when they chose to follow the platform): both keys in one read. */
  async settingOf(user: Pick<ChatUser, 'platform' | 'userId'>, known?: KnownMember): Promise<LocaleSetting | undefined> {
    for (const value of await this.records.getMany(await this.keysOf(user, known))) {
      // Most people never chose: no record, and no failed parse (zod builds an error for each) to say so.
      if (value === undefined) continue;
      const parsed = LocaleSetting.safeParse(value);
      if (parsed.success) return parsed.data;
    }
    return undefined;
  }

  async set(user: Pick<ChatUser, 'platform' | 'userId'>, setting: LocaleSetting): Promise<void> {
    const [key] = await this.keysOf(user);
    await this.records.put(key!, setting);
  }

  /**
   * The member's setting wins, then the platform's locale (Discord's, Slack's), then English. Without a
   * platform locale (a DM the bot starts: a reminder), the one this chat user's platform last reported.
   */
  async localeOf(user: Pick<ChatUser, 'platform' | 'userId'>, platformLocale: string | undefined, known?: KnownMember): Promise<Locale> {
    const setting = await this.settingOf(user, known);
    const platform = normalizeLocale(platformLocale);
    if (platform) await this.remember(user, platform);
    if (setting && setting !== 'auto') return setting;
    if (platform) return platform;
    const last = Locale.safeParse(await this.records.get(`platform:${chatKey(user)}`));
    return last.success ? last.data : 'en';
  }

  private async remember(user: Pick<ChatUser, 'platform' | 'userId'>, locale: Locale): Promise<void> {
    const key = chatKey(user);
    if (this.remembered.get(key) === locale) return;
    // Best effort: a store that refuses the memo (read-only, down) must not fail the command that
    // carried the locale; it is tried again with that user's next command.
    const kept = await this.memo
      .collection<Locale>('settings')
      .put(`platform:${key}`, locale)
      .then(() => true)
      .catch(() => false);
    if (!kept) return;
    // Bounded (the core's BoundedMap): the oldest entry goes first (at worst, one more write for that user later).
    this.remembered.set(key, locale);
  }

  async translatorFor(user: Pick<ChatUser, 'platform' | 'userId'>, platformLocale: string | undefined, known?: KnownMember): Promise<Translator<string>> {
    return translator(await this.localeOf(user, platformLocale, known), this.timeZone);
  }

  /** Without the store (it failed, or before it is asked): the platform's locale, else English. */
  platformTranslator(platformLocale: string | undefined): Translator<string> {
    return translator(normalizeLocale(platformLocale) ?? 'en', this.timeZone);
  }
}
