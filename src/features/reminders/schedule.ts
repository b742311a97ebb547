/**
 * When a key's owner is reminded: REMINDER_DAYS (`14,3,1`, or `off`) and REMINDER_INTERVAL (`30s`,
 * `1h`), parsed here for src/config.ts, and the one threshold due for a key now.
 */
import { DAY_MS, daysUntil } from '../../core/format.js';

/** The sweep runs at most this often: a store and a backend are not polled in a loop. */
const MIN_INTERVAL_MS = 5_000;

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: DAY_MS } as const;

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** `14,3,1` → [14, 3, 1] (largest first, each once); `off` → [] (no reminders). */
export function parseReminderDays(text: string): Parsed<number[]> {
  const t = text.trim().toLowerCase();
  if (t === 'off') return { ok: true, value: [] };
  const entries = t.split(',').map((s) => s.trim());
  const bad = entries.filter((e) => !/^\d+$/.test(e) || Number(e) < 1 || Number(e) > 3650);
  if (entries.length === 0 || bad.length > 0) {
    return { ok: false, problem: `"${text}" is not a list of days; write whole numbers from 1 to 3650 separated by commas (e.g. 14,3,1), or off` };
  }
  return { ok: true, value: [...new Set(entries.map(Number))].sort((a, b) => b - a) };
}

/** `30s`, `15m`, `1h`, `1d` → milliseconds; at least MIN_INTERVAL_MS. */
export function parseReminderInterval(text: string): Parsed<number> {
  const m = /^(\d+)([smhd])$/.exec(text.trim().toLowerCase());
  if (!m) return { ok: false, problem: `"${text}" is not a duration; write a number and a unit (s, m, h, d), e.g. 30s or 1h` };
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  if (ms < MIN_INTERVAL_MS) return { ok: false, problem: `"${text}" is too often; the sweep runs at most every 5s` };
  return { ok: true, value: ms };
}

/**
 * The threshold whose reminder is due for a key expiring at `expiresAt`: the smallest of `days` that
 * the time left has reached. A key first seen 2 days before expiry (thresholds 14, 3, 1) gets the
 * 3-day reminder only, not three at once; an expired key gets none.
 */
export function dueThreshold(days: readonly number[], expiresAt: number, now: number): number | undefined {
  if (expiresAt <= now) return undefined;
  // Counted as the reminder's "in N days" shows them.
  const left = daysUntil(expiresAt, now);
  const due = days.filter((d) => left <= d);
  return due.length > 0 ? Math.min(...due) : undefined;
}
