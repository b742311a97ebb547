import type { ErrorCode } from '../result.js';
import type { Translator } from './i18n/translator.js';
import type { RateLimitedAction } from './rate-limit.js';

/** The one entry for words: catalogs and locales live in src/core/i18n/ (see ARCHITECTURE.md, "Messages and locales"). */
export { normalizeLocale } from './i18n/locale.js';
export { translator, listOf, type Translator } from './i18n/translator.js';

/** Every failure a user can meet, worded from its stable code. Adapters never word their own errors. */
export function describeError(t: Translator, code: ErrorCode, detail?: string): string {
  const base = t.t(`error.${code}`);
  return detail ? t.t('error.withDetail', { message: base, detail }) : base;
}


/** `an hour`, `every 2 hours`, `every 30 minutes`, `a day`. */
function per(t: Translator, windowMs: number): string {
  const units = [
    [86_400_000, 'rate.per.day'],
    [3_600_000, 'rate.per.hour'],
    [60_000, 'rate.per.minute'],
    [1_000, 'rate.per.second'],
  ] as const;
  const [ms, id] = units.find(([u]) => windowMs % u === 0) ?? [1_000, 'rate.per.second'];
  return t.t(id, { n: Math.round(windowMs / ms) });
}

/** `42 minutes`, `30 seconds`, `3 hours`: rounded up, so that trying again then works. */
function waitFor(t: Translator, ms: number): string {
  if (ms < 60_000) return t.t('duration.seconds', { n: Math.max(1, Math.ceil(ms / 1_000)) });
  if (ms < 120 * 60_000) return t.t('duration.minutes', { n: Math.ceil(ms / 60_000) });
  return t.t('duration.hours', { n: Math.ceil(ms / 3_600_000) });
}

/** How another admin comes to exist: admins link them on the embedded registry; on TWCC roles come from TWCC. */
const howToAddAdmin = (t: Translator, adminLinks: boolean) => t.t('flow.howToAddAdmin', { adminLinks: adminLinks ? 'yes' : 'no' });

/** Texts the core says about any command (refusals, failures, clicks): each worded in the reader's locale. */
export const texts = {
  rateLimited: (t: Translator, action: RateLimitedAction, max: number, windowMs: number, retryMs: number) =>
    t.t('rate.limited', {
      doing: t.t(`rate.doing.${action}`, { n: max }),
      per: per(t, windowMs),
      wait: waitFor(t, retryMs),
    }),
  unlinkedLocal: (t: Translator, command: string) => t.t('core.unlinkedLocal', { command }),
  unlinkedTwcc: (t: Translator, command: string) => t.t('core.unlinkedTwcc', { command }),
  adminOnly: (t: Translator, command: string) => t.t('core.adminOnly', { command }),
  /** An unexpected failure before anything was changed (src/core/changes.ts keeps count). */
  internal: (t: Translator, ref: string) => t.t('core.internal', { ref }),
  storeUnavailable: (t: Translator, ref: string) => t.t('core.storeUnavailable', { ref }),
  storeUnavailableMidway: (t: Translator, ref: string) => t.t('core.storeUnavailableMidway', { ref }),
  /** An unexpected failure after something was changed, or written with an unknown outcome. */
  partlyDone: (t: Translator, ref: string) => t.t('core.partlyDone', { ref }),
  recordBusy: (t: Translator, ref: string) => t.t('core.recordBusy', { ref }),
  sameMember: (t: Translator, member: string, others: string[]) => t.t('core.sameMember', { member, others: others.join(', ') }),
  stopping: (t: Translator) => t.t('core.stopping'),
  restarting: (t: Translator) => t.t('core.restarting'),
  confirmOnlyRequester: (t: Translator, who: string | undefined) => t.t('flow.confirmOnlyRequester', { who: who ?? t.t('flow.thePerson') }),
  expired: (t: Translator) => t.t('flow.expired'),
  alreadyDecided: (t: Translator) => t.t('flow.alreadyDecided'),
  unknownAction: (t: Translator) => t.t('flow.unknownAction'),
  noOtherAdmin: (t: Translator, adminLinks: boolean) => t.t('flow.noOtherAdmin', { how: howToAddAdmin(t, adminLinks) }),
  ownRequest: (t: Translator, adminLinks: boolean) => t.t('flow.ownRequest', { how: howToAddAdmin(t, adminLinks) }),
  cancelledByRequester: (t: Translator, note: string | undefined) => t.t('flow.cancelledByRequester', { note: note ?? t.t('flow.cancelledByRequesterDefault') }),
  approvalNotPosted: (t: Translator, id: string) => t.t('flow.approvalNotPosted', { id }),
};
