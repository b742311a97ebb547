/**
 * Durations as operators write them (REMINDER_INTERVAL, APPROVAL_TTL, …): a whole number and a unit,
 * `s`, `m`, `h` or `d` (`5s`, `30m`, `72h`, `2d`), at least five seconds.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** No duration is shorter: a store and a backend are not polled in a loop, and a person can still click. */
export const MIN_DURATION_MS = 5_000;

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `30s`, `15m`, `1h`, `1d` → milliseconds; at least MIN_DURATION_MS; `off` too when `opts.off` (→ undefined). */
export function parseDuration(text: string, opts: { off?: false }): Parsed<number>;
export function parseDuration(text: string, opts: { off: true }): Parsed<number | undefined>;
export function parseDuration(text: string, opts: { off?: boolean } = {}): Parsed<number | undefined> {
  const t = text.trim().toLowerCase();
  if (opts.off && t === 'off') return { ok: true, value: undefined };
  const m = /^(\d+)([smhd])$/.exec(t);
  const orOff = opts.off ? ', or off' : '';
  if (!m) return { ok: false, problem: `"${text}" is not a duration; write a number and a unit (s, m, h, d), e.g. 30s or 1h${orOff}` };
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  if (ms < MIN_DURATION_MS) return { ok: false, problem: `"${text}" is too short; write 5s or more${orOff}` };
  return { ok: true, value: ms };
}
