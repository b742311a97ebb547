import type { Actor } from '../../backends/port.js';
import { auditBase } from '../../core/audit.js';
import type { Services } from '../../core/feature.js';
import { DAY_MS, formatExpiry } from '../../core/format.js';
import { describeError } from '../../core/i18n.js';
import type { ChatUser, Where } from '../../core/invocation.js';
import type { Translator } from './messages.js';

/** `/apikey extend`, and a reminder's Extend button: the KEY_MAX_DAYS limit, the write, its read-back, the audit. */
export async function extendKeyBy(
  { services, user, where, actor, t }: { services: Services; user: ChatUser; where: Where; actor: Actor; t: Translator },
  keyId: string,
  days: number,
  /** KEY_MAX_DAYS: how far ahead the new expiry may be, in days from today. */
  keyMaxDays: number,
): Promise<string> {
  const before = await services.backend.getKey(actor, keyId);
  if (!before.ok) return t.t('apikey.keyError', { id: keyId, error: describeError(t, before.code, before.detail) });
  const now = services.now();
  // The limit is on the resulting expiry: days are added to the later of today and the current expiry
  // (an expiry the backend could not read counts as today: the backend's own limit then applies).
  const readable = before.value.expiresAt && !before.value.unknown?.includes('expires') ? Date.parse(before.value.expiresAt) : Number.NaN;
  const from = Number.isNaN(readable) ? now : Math.max(now, readable);
  const most = Math.floor((now + keyMaxDays * DAY_MS - from) / DAY_MS);
  if (days > most) {
    const limit = t.t('apikey.extend.limit', { max: keyMaxDays });
    const was = formatExpiry(t, before.value.expiresAt, now);
    return most < 1 ? t.t('apikey.extend.cannotNow', { id: keyId, was, limit }) : t.t('apikey.extend.atMost', { id: keyId, was, limit, most });
  }
  const after = await services.changing(services.backend.extendKey(actor, keyId, days));
  const base = auditBase(user, where, actor);
  if (!after.ok && after.code === 'maybe_applied') await services.publish({ type: 'key.extended', keyId, verdict: 'unknown' });
  if (!after.ok) {
    await services.audit.append({ ...base, action: 'key.extended', target: keyId, outcome: 'failed', detail: after.code });
    return t.t('apikey.keyError', { id: keyId, error: describeError(t, after.code, after.detail) });
  }
  // The backend read the key back: say only what it shows.
  const { verdict, shown, answer: said } = after.value;
  const shows = shown && !shown.unknown?.includes('expires') ? formatExpiry(t, shown.expiresAt, now) : t.t('value.unknown');
  const outcome = verdict === 'applied' ? 'ok' : verdict === 'not_applied' ? 'failed' : 'unknown';
  await services.audit.append({ ...base, action: 'key.extended', target: keyId, outcome, detail: `+${days}d ${verdict} → ${shown ? (shown.expiresAt ?? 'never') : 'unknown'}` });
  // A change that may have been applied counts: a listener (reminders) then reads the key afresh.
  if (verdict !== 'not_applied') await services.publish({ type: 'key.extended', keyId, verdict: verdict === 'applied' ? 'applied' : 'unknown' });
  const was = formatExpiry(t, before.value.expiresAt, now);
  if (verdict === 'applied') return t.t('apikey.extend.applied', { id: keyId, shows, was });
  const twccSaid = said ? t.t('core.twccSaid', { answer: said }) : '';
  if (verdict === 'not_applied') return t.t('apikey.extend.notApplied', { id: keyId, shows, twccSaid });
  return t.t('apikey.extend.maybe', { id: keyId, shows, was, twccSaid });
}

