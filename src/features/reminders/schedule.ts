/**
 * When a key's owner is reminded: REMINDER_DAYS (`14,3,1`, or `off`) and REMINDER_INTERVAL (`30s`,
 * `1h`), parsed here for src/config.ts, and the one threshold due for a key now.
 */
import { parseDuration, type Parsed } from '../../core/duration.js';
import { daysUntil } from '../../core/format.js';

export type { Parsed };

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

/** `30s`, `15m`, `1h`, `1d` → milliseconds; at least 5s (src/core/duration.ts, the syntax of every duration). */
export function parseReminderInterval(text: string): Parsed<number> {
  const parsed = parseDuration(text, {});
  return parsed.ok || !parsed.problem.includes('too short') ? parsed : { ok: false, problem: `"${text}" is too often; the sweep runs at most every 5s` };
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
