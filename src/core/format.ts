import { BoundedMap } from '../bounded-map.js';
import type { Resources } from '../backends/port.js';
import type { Translator } from './i18n/translator.js';
import { formatCount, formatMemory } from './units.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from `now` until `at` (both epoch ms), as "in N days" shows them and reminders count them. */
export const daysUntil = (at: number, now: number): number => Math.round((at - now) / DAY_MS);

/**
 * A pure function's answers, remembered: the same key's dates are worded on every `/apikey list`
 * (a 100-key list words 200), and wording one costs a parse, a zone look-up and a message format.
 * Bounded: the oldest entry goes first.
 */
const dates = new BoundedMap<string, string>(20_000);
const expiries = new BoundedMap<string, string>(20_000);

/** "2027-02-27 (in 90 days)", "2026-11-01 (expired 3 days ago)"; in zh-TW "2027/02/27（90 天後）". */
export function formatExpiry(t: Translator, iso: string | null, now: number): string {
  if (!iso) return t.t('date.never');
  const days = daysUntil(Date.parse(iso), now);
  return expiries.getOrMake(`${t.locale}\u0000${t.timeZone}\u0000${iso}\u0000${days}`, () => {
    const date = formatDate(t, iso);
    if (days > 0) return t.t('date.inDays', { date, days });
    if (days === 0) return t.t('date.today', { date });
    return t.t('date.expiredDaysAgo', { date, days: -days });
  });
}

/** A duration as people say it: "less than a minute", "5 min", "3 h", "2 days". */
export function formatAge(t: Translator, ms: number): string {
  const min = Math.floor(Math.max(0, ms) / 60_000);
  if (min < 1) return t.t('age.lessThanMinute');
  if (min < 60) return t.t('age.minutes', { n: min });
  const h = Math.floor(min / 60);
  if (h < 48) return t.t('age.hours', { n: h });
  return t.t('age.days', { n: Math.floor(h / 24) });
}

export const formatDate = (t: Translator, iso: string): string => dates.getOrMake(`${t.locale}\u0000${t.timeZone}\u0000${iso}`, () => t.date(iso));

/** "3 / 8" per resource; memory with a unit. */
export function formatResources(t: Translator, r: Resources): [string, string, string] {
  return [
    `${formatCount(r.cpu.usage, t)} / ${formatCount(r.cpu.quota, t)}`,
    `${formatCount(r.gpu.usage, t)} / ${formatCount(r.gpu.quota, t)}`,
    `${formatMemory(r.memory.usage, t)} / ${formatMemory(r.memory.quota, t)}`,
  ];
}
