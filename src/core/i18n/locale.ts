import { z } from 'zod';

/** The languages the bot speaks; `en` is the fallback. */
export const Locale = z.enum(['en', 'zh-TW']);
export type Locale = z.infer<typeof Locale>;

/** What a member may choose with `/tenant lang`: a language, or `auto` (follow the platform). */
export const LocaleSetting = z.enum(['zh-TW', 'en', 'auto']);
export type LocaleSetting = z.infer<typeof LocaleSetting>;

/**
 * A platform's locale tag as the bot speaks it: Traditional Chinese (`zh-TW`, `zh-Hant`, `zh-Hant-HK`,
 * Slack's `zh-TW`, Discord's `zh-TW`) is `zh-TW`; any other tag is `en`; none is undefined.
 */
export function normalizeLocale(tag: string | undefined): Locale | undefined {
  if (!tag) return undefined;
  const t = tag.trim().replace(/_/g, '-').toLowerCase();
  if (t === '') return undefined;
  return t === 'zh-tw' || t === 'zh-hant' || t.startsWith('zh-hant-') ? 'zh-TW' : 'en';
}
