import type { Actor } from '../backends/port.js';
import type { Store } from '../store/port.js';
import type { Translator } from './i18n.js';
import { reply, type Reply } from './reply.js';

/** The state-changing commands a member may run only so often; admin approvals are not among them. */
export const RATE_LIMITED = ['apikey.create', 'apikey.extend', 'apikey.delete', 'quota.request', 'quota.set'] as const;
export type RateLimitedAction = (typeof RATE_LIMITED)[number];

/** What a real tenant accepts: a handful of new keys an hour per member, more room for upkeep. */
export const DEFAULT_RATE_LIMITS = 'apikey.create=10/1h,apikey.extend=30/1h,apikey.delete=30/1h,quota.request=5/1h,quota.set=30/1h';

export interface RateLimit {
  max: number;
  windowMs: number;
}
export type RateLimits = Partial<Record<RateLimitedAction, RateLimit>>;

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const ENTRY = /^([a-z]+\.[a-z]+)=(?:(off)|(\d+)\/(\d*)([smhd]))$/;
const isAction = (s: string): s is RateLimitedAction => (RATE_LIMITED as readonly string[]).includes(s);

/**
 * RATE_LIMITS: `action=count/window` entries (`apikey.create=10/1h`, windows in s, m, h or d) or
 * `action=off`, over the defaults; an entry not given keeps its default.
 */
export function parseRateLimits(text: string): { ok: true; value: RateLimits } | { ok: false; problems: string[] } {
  const limits: RateLimits = {};
  const problems: string[] = [];
  for (const entry of `${DEFAULT_RATE_LIMITS},${text}`.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = ENTRY.exec(entry);
    if (!m) {
      problems.push(`"${entry}" is not action=count/window; write e.g. apikey.create=10/1h (windows in s, m, h, d) or apikey.create=off`);
      continue;
    }
    const [, action = '', off, count, every, unit] = m;
    if (!isAction(action)) {
      problems.push(`"${action}" is not a rate-limited action; use ${RATE_LIMITED.join(', ')}`);
      continue;
    }
    if (off) delete limits[action];
    else limits[action] = { max: Number(count), windowMs: Number(every || '1') * UNIT_MS[unit as keyof typeof UNIT_MS] };
  }
  return problems.length ? { ok: false, problems } : { ok: true, value: limits };
}

/**
 * Per-member limits, counted in the store (one atomic increment per attempt) so that they hold across
 * replicas. Keyed by tenant member, so a member linked on Slack and Discord has one allowance.
 */
export class RateLimiter {
  constructor(
    private readonly store: Store,
    private readonly limits: RateLimits,
    private readonly now: () => number,
  ) {}

  /** Undefined when `actor` may run `action` now (and it is counted); else the refusal, saying when to try again. */
  async refusal(t: Translator, action: string, actor: Actor | undefined): Promise<Reply | undefined> {
    if (!isAction(action)) return undefined;
    const limit = this.limits[action];
    if (!limit || !actor) return undefined;
    const { count, resetAt } = await this.store.increment(`rate:${action}:${actor.memberId}`, limit.windowMs);
    if (count <= limit.max) return undefined;
    return reply(rateLimitedText(t, action, limit.max, limit.windowMs, Math.max(0, resetAt - this.now())));
  }
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

/** "You can create at most 3 keys an hour; try again in 42 minutes." */
const rateLimitedText = (t: Translator, action: RateLimitedAction, max: number, windowMs: number, retryMs: number): string =>
    t.t('rate.limited', {
      doing: t.t(`rate.doing.${action}`, { n: max }),
      per: per(t, windowMs),
      wait: waitFor(t, retryMs),
    });
