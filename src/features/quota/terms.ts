/**
 * The terms a quota change may carry besides its values: `for 48h` (a time-bound grant, reverted when
 * the time is up) and `now` (break-glass: applied at once, approved afterwards). Written at the start
 * of the reason (`/quota request vcs gpu=8 for 48h training run`), so that every platform's reason
 * field carries them; the grants feature (src/features/grants/) keeps the grant and its end.
 */
import { z } from 'zod';
import { parseDuration } from '../../core/duration.js';
import type { QuotaValues } from '../../backends/port.js';
import { listOf } from '../../core/i18n.js';
import { formatCount, formatMemory } from '../../core/units.js';
import type { Translator } from './messages.js';

export const GrantTerms = z.object({
  /** `for <duration>`: the previous values come back this long after the change is applied. */
  forMs: z.number().int().positive().optional(),
  /** `now`: applied at once by a BREAK_GLASS member; the approval reviews it afterwards. */
  breakGlass: z.literal(true).optional(),
  /** A grant's **Ask to extend**: approving keeps grant `extendsGrant` for another `forMs`. */
  extendsGrant: z.string().optional(),
});
export type GrantTerms = z.infer<typeof GrantTerms>;

export type ParsedTerms =
  | { ok: true; forMs?: number; now?: true; reason?: string }
  | { ok: false; message: string };

const UNITS: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'm'],
  [1_000, 's'],
];

/** 172800000 → `48h`: the largest unit that divides it, days only past 72 hours (`48h`, not `2d`). */
export function formatDuration(ms: number): string {
  for (const [unit, name] of UNITS) if (ms % unit === 0 && ms >= unit && (name !== 'd' || ms > 3 * unit)) return `${ms / unit}${name}`;
  return `${Math.ceil(ms / 1000)}s`;
}

/** `for 48h now why` → the terms, and the reason without them. `for the ML run` stays a reason. */
export function parseTerms(t: Translator, reason: string | undefined): ParsedTerms {
  let rest = (reason ?? '').trim();
  let forMs: number | undefined;
  let now: true | undefined;
  for (;;) {
    const forMatch = /^for\s+(\d+[A-Za-z]+)(?:\s+|$)/i.exec(rest);
    if (forMatch && forMs === undefined) {
      const parsed = parseDuration(forMatch[1]!, {});
      if (!parsed.ok) return { ok: false, message: t.t('grants.badDuration', { text: forMatch[1]! }) };
      forMs = parsed.value;
      rest = rest.slice(forMatch[0].length);
      continue;
    }
    const nowMatch = /^now(?:\s+|$)/i.exec(rest);
    if (nowMatch && now === undefined) {
      now = true;
      rest = rest.slice(nowMatch[0].length);
      continue;
    }
    break;
  }
  return { ok: true, ...(forMs !== undefined ? { forMs } : {}), ...(now ? { now } : {}), ...(rest ? { reason: rest } : {}) };
}


/** The card's line for the terms: how long, break-glass, or an extension; empty for a plain change. */
export function termsLine(t: Translator, a: GrantTerms): string {
  const lines: string[] = [];
  if (a.breakGlass) lines.push(t.t('grants.card.breakGlass'));
  if (a.extendsGrant && a.forMs) lines.push(t.t('grants.card.extends', { wait: formatDuration(a.forMs), id: a.extendsGrant }));
  else if (a.forMs) lines.push(t.t('grants.card.for', { wait: formatDuration(a.forMs) }));
  return lines.join('\n');
}

/** The values `now` shows for the resources of `of`. */
export function valuesIn(now: Partial<Record<keyof QuotaValues, number>>, of: QuotaValues): QuotaValues {
  const out: QuotaValues = {};
  for (const r of ['cpu', 'gpu', 'memory'] as const) if (of[r] !== undefined && now[r] !== undefined) out[r] = now[r];
  return out;
}

/** BREAK_GLASS and BREAK_GLASS_REVIEW, as the quota feature is given them. */
export interface BreakGlassOptions {
  /** Member ids who may write `now`. */
  members: readonly string[];
  /** How long the after-the-fact approval waits before the change is reverted. */
  reviewMs: number;
}

/**
 * The terms of `/quota set` or `/quota request`, checked: `now` only on a request, by a BREAK_GLASS
 * member, where the bot can apply quotas. Refused in words, saying what to write instead.
 */
export function changeTerms(
  t: Translator,
  kind: 'set' | 'request',
  reason: string | undefined,
  memberId: string,
  breakGlass: BreakGlassOptions | undefined,
  quotaWrite: boolean,
): { ok: true; terms: { reason?: string; forMs?: number; breakGlass?: true } } | { ok: false; message: string } {
  const parsed = parseTerms(t, reason);
  if (!parsed.ok) return parsed;
  if (parsed.now) {
    if (kind !== 'request') return { ok: false, message: t.t('grants.nowOnlyRequest') };
    if (!breakGlass?.members.includes(memberId)) return { ok: false, message: t.t('grants.notBreakGlass') };
    if (!quotaWrite) return { ok: false, message: t.t('grants.breakGlassNoWrite') };
  }
  const terms = {
    ...(parsed.reason ? { reason: parsed.reason } : {}),
    ...(parsed.forMs ? { forMs: parsed.forMs } : {}),
    ...(parsed.now ? { breakGlass: true as const } : {}),
  };
  return { ok: true, terms };
}

/** An approved change the bot cannot apply: who should apply what, where; the bot then watches TWCC for it. */
export function portalNote(t: Translator, a: { targetLabel: string; service: string; requested: QuotaValues }, by: string): string {
  return t.t('grants.portal.waiting', { by, target: a.targetLabel, service: a.service.toUpperCase(), values: formatValues(t, a.requested) });
}

/** `gpu 8, memory 64G`: quota values as people read them. */
export function formatValues(t: Translator, v: Partial<Record<keyof QuotaValues, number>>): string {
  const parts = (['cpu', 'gpu', 'memory'] as const).flatMap((r) => (v[r] === undefined ? [] : [`${r} ${r === 'memory' ? formatMemory(v[r], t) : formatCount(v[r], t)}`]));
  return listOf(t, parts);
}
