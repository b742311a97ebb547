import type { ErrorCode } from '../result.js';
import type { Translator } from './i18n/translator.js';

/** The one entry for words: catalogs and locales live in src/core/i18n/ (see ARCHITECTURE.md, "Messages and locales"). */
export { normalizeLocale } from './i18n/locale.js';
export { translator, listOf, type Translator } from './i18n/translator.js';

/** Every failure a user can meet, worded from its stable code. Adapters never word their own errors. */
export function describeError(t: Translator, code: ErrorCode, detail?: string): string {
  const base = t.t(`error.${code}`);
  return detail ? t.t('error.withDetail', { message: base, detail }) : base;
}


/** How another admin comes to exist: admins link them on the embedded registry; on TWCC roles come from TWCC. */
const howToAddAdmin = (t: Translator, adminLinks: boolean) => t.t('flow.howToAddAdmin', { adminLinks: adminLinks ? 'yes' : 'no' });

/** Texts the core says about any command (refusals, failures, clicks): each worded in the reader's locale. */
export const texts = {
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
  /** Worded from who cancelled, in the reader's language: the record's note is in the card's. */
  cancelledByRequester: (t: Translator, name: string | undefined) => (name ? t.t('flow.cancelledByRequester', { name }) : t.t('flow.cancelledByRequesterDefault')),
  approvalNotPosted: (t: Translator, id: string) => t.t('flow.approvalNotPosted', { id }),
};
