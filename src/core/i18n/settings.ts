import type { Store } from '../../store/port.js';
import type { Identity } from '../identity.js';
import { chatKey, type ChatUser } from '../invocation.js';
import { LocaleSetting, normalizeLocale, type Locale } from './locale.js';
import { translator, type Translator } from './translator.js';

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
  ) {}

  private get records() {
    return this.store.collection<LocaleSetting>('settings');
  }

  private async keysOf(user: Pick<ChatUser, 'platform' | 'userId'>): Promise<string[]> {
    const memberId = await this.identity.memberIdOf(user);
    return [...(memberId ? [`member:${memberId}`] : []), `chat:${chatKey(user)}`];
  }

  /** The member's own setting, if any (`auto` when they chose to follow the platform). */
  async settingOf(user: Pick<ChatUser, 'platform' | 'userId'>): Promise<LocaleSetting | undefined> {
    for (const key of await this.keysOf(user)) {
      const parsed = LocaleSetting.safeParse(await this.records.get(key));
      if (parsed.success) return parsed.data;
    }
    return undefined;
  }

  async set(user: Pick<ChatUser, 'platform' | 'userId'>, setting: LocaleSetting): Promise<void> {
    const [key] = await this.keysOf(user);
    await this.records.put(key!, setting);
  }

  /** The member's setting wins, then the platform's locale (Discord's, Slack's), then English. */
  async localeOf(user: Pick<ChatUser, 'platform' | 'userId'>, platformLocale: string | undefined): Promise<Locale> {
    const setting = await this.settingOf(user);
    if (setting && setting !== 'auto') return setting;
    return normalizeLocale(platformLocale) ?? 'en';
  }

  async translatorFor(user: Pick<ChatUser, 'platform' | 'userId'>, platformLocale: string | undefined): Promise<Translator> {
    return translator(await this.localeOf(user, platformLocale), this.timeZone);
  }

  /** Without the store (it failed, or before it is asked): the platform's locale, else English. */
  platformTranslator(platformLocale: string | undefined): Translator {
    return translator(normalizeLocale(platformLocale) ?? 'en', this.timeZone);
  }
}
