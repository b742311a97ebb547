/**
 * Discord's rate limits as the fake enforces them (https://discord.com/developers/docs/topics/rate-limits):
 * - the global limit: 50 requests a second for a bot token; interaction endpoints (callbacks, and the
 *   interaction webhooks under `/webhooks/<application id>/<token>`) are not bound to it;
 * - per-route buckets, announced on every answer with X-RateLimit-Limit, -Remaining, -Reset,
 *   -Reset-After and -Bucket. Discord publishes no numbers for them (clients are to read the headers);
 *   the fake uses the ones Discord is known to send: 5 channel messages per 5 s per channel, 5
 *   requests per 2 s per webhook (per interaction token);
 * - past a limit: 429 with `{ message, retry_after (seconds), global }`, Retry-After, and
 *   X-RateLimit-Global / X-RateLimit-Scope.
 * A request that comes back to a limit before the retry_after of the 429 it got has passed is a
 * violation: a client that respects the limits has none.
 */

export interface RouteRule {
  /** Names the bucket in X-RateLimit-Bucket. */
  name: string;
  /** The bucket's key for this request (its major parameter), or undefined when the rule does not apply. */
  key(method: string, path: string): string | undefined;
  limit: number;
  windowMs: number;
  /**
   * The limit the headers announce, when it is not `limit`: Discord's buckets can be shared or
   * tightened without notice, so a client meets a 429 it could not foresee and must wait it out.
   */
  announced?: number;
}

export const GLOBAL_PER_SECOND = 50;

export const DISCORD_ROUTE_RULES: RouteRule[] = [
  { name: 'channel-messages', key: (m, p) => (m === 'POST' ? /^\/channels\/(\d+)\/messages$/.exec(p)?.[1] : undefined), limit: 5, windowMs: 5_000 },
  { name: 'channel-message-edits', key: (m, p) => (m === 'PATCH' ? /^\/channels\/(\d+)\/messages\/\d+$/.exec(p)?.[1] : undefined), limit: 5, windowMs: 5_000 },
  { name: 'interaction-webhook', key: (_m, p) => /^\/webhooks\/\d+\/([^/]+)/.exec(p)?.[1], limit: 5, windowMs: 2_000 },
];

/** Interaction endpoints: free of the global limit. */
const isInteractionRoute = (path: string) => /^\/interactions\/\d+\/[^/]+\/callback$/.test(path) || /^\/webhooks\/\d+\/[^/]+/.test(path);

export interface RateLimitEvent {
  at: number;
  method: string;
  path: string;
  /** `global`, or the bucket's rule name. */
  limit: string;
  retryAfterMs: number;
}

export type RateLimitVerdict =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; headers: Record<string, string>; body: { message: string; retry_after: number; global: boolean } };

interface Window {
  start: number;
  count: number;
}

export class DiscordRateLimits {
  /** Every 429 the fake answered. */
  readonly limited: RateLimitEvent[] = [];
  /** Requests that came back to a limit before the retry_after of their 429 had passed. */
  readonly violations: RateLimitEvent[] = [];
  private global: Window = { start: 0, count: 0 };
  /** Per refused request (method, path, body): until when its 429 told it to wait. */
  private readonly refusedUntil = new Map<string, number>();
  private readonly buckets = new Map<string, Window>();

  constructor(
    private readonly rules: RouteRule[] = DISCORD_ROUTE_RULES,
    private readonly globalPerSecond = GLOBAL_PER_SECOND,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts a request; `auth`: it carries the bot token (the global limit is the token's); `body`: what
   * it sends, so that the same request sent again is known (another request to a limited bucket that
   * never got a 429 is refused, but is no violation: the client could not have known).
   */
  check(method: string, path: string, auth: boolean, body = ''): RateLimitVerdict {
    const at = this.now();
    const request = `${method} ${path} ${body}`;
    if (auth && !isInteractionRoute(path)) {
      const w = this.roll(this.global, 1_000, at);
      if (w.count >= this.globalPerSecond) return this.refuse(w, 1_000, at, request, method, path, 'global', {});
      w.count++;
    }
    for (const rule of this.rules) {
      const major = rule.key(method, path);
      if (major === undefined) continue;
      const id = `${rule.name}:${major}`;
      const w = this.roll(this.buckets.get(id) ?? { start: at, count: 0 }, rule.windowMs, at);
      this.buckets.set(id, w);
      const announced = rule.announced ?? rule.limit;
      const headers = (remaining: number): Record<string, string> => ({
        'x-ratelimit-limit': String(announced),
        'x-ratelimit-remaining': String(Math.max(0, remaining)),
        'x-ratelimit-reset': ((w.start + rule.windowMs) / 1000).toFixed(3),
        'x-ratelimit-reset-after': ((w.start + rule.windowMs - at) / 1000).toFixed(3),
        'x-ratelimit-bucket': rule.name,
      });
      if (w.count >= rule.limit) return this.refuse(w, rule.windowMs, at, request, method, path, rule.name, headers(0));
      w.count++;
      return { ok: true, headers: headers(announced - w.count) };
    }
    return { ok: true, headers: {} };
  }

  private roll(w: Window, windowMs: number, at: number): Window {
    if (at >= w.start + windowMs) {
      w.start = at;
      w.count = 0;
    }
    return w;
  }

  private refuse(
    w: Window,
    windowMs: number,
    at: number,
    request: string,
    method: string,
    path: string,
    limit: string,
    headers: Record<string, string>,
  ): RateLimitVerdict {
    const retryAfterMs = w.start + windowMs - at;
    const event = { at, method, path, limit, retryAfterMs };
    if (at < (this.refusedUntil.get(request) ?? 0)) this.violations.push(event);
    this.refusedUntil.set(request, at + retryAfterMs);
    this.limited.push(event);
    const global = limit === 'global';
    return {
      ok: false,
      headers: {
        ...headers,
        'retry-after': String(Math.ceil(retryAfterMs / 1000)),
        'x-ratelimit-scope': global ? 'global' : 'user',
        ...(global ? { 'x-ratelimit-global': 'true' } : {}),
      },
      body: { message: 'You are being rate limited.', retry_after: Math.round(retryAfterMs) / 1000, global },
    };
  }
}
