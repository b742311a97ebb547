import { afterEach, describe, expect, it, test } from 'vitest';
import { DISCORD_ROUTE_RULES, DiscordRateLimits, type RouteRule } from '../../fakes/discord-rate-limits.js';
import { APPROVALS, Harness, alice, bob, dave, linkTeam } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The approvals channel's bucket, tighter than Discord's so that four cards meet it. */
const approvalsBucket = (rule: Partial<RouteRule>): RouteRule[] => [
  { name: 'channel-messages', key: (m, p) => (m === 'POST' ? /^\/channels\/(\d+)\/messages$/.exec(p)?.[1] : undefined), limit: 2, windowMs: 1_500, ...rule },
  ...DISCORD_ROUTE_RULES.filter((r) => r.name !== 'channel-messages'),
];

/**
 * bob and dave each ask for more cpu and more gpu at once: four approval cards for the one approvals
 * channel. (Two asks of one member for one resource would conflict, and the second be refused.)
 */
async function fourRequestsAtOnce(h: Harness): Promise<void> {
  await linkTeam(h);
  await h.run(alice, 'tenant', 'link', { user: dave, member: 'dave' });
  const asks = [
    [bob, { cpu: 16 }, 'run 4'],
    [bob, { gpu: 2 }, 'run 5'],
    [dave, { cpu: 24 }, 'run 6'],
    [dave, { gpu: 3 }, 'run 7'],
  ] as const;
  await Promise.all(asks.map(([who, more, reason]) => h.run(who, 'quota', 'request', { service: 'vcs', ...more, reason })));
  await h.fake.until(() => h.fake.publicMessages(APPROVALS).length >= 4, 10_000, 'four approval cards');
}

describe('Discord rate limits, as the fake enforces them', () => {
  test('the bot waits as the bucket headers say: every approval card is posted once, and no 429 is needed', async () => {
    h = await Harness.start({ approvalsChannel: APPROVALS, routeRules: approvalsBucket({}) });
    await fourRequestsAtOnce(h);

    expect(h.fake.publicMessages(APPROVALS).map((m) => m.content.split('\n')[1])).toEqual(expect.arrayContaining(['Reason: run 4', 'Reason: run 5', 'Reason: run 6', 'Reason: run 7']));
    expect(h.fake.publicMessages(APPROVALS)).toHaveLength(4);
    expect(h.fake.rateLimits.limited).toEqual([]);
  });

  test('a 429 the headers did not foretell is waited out before the bot tries again, and the card is posted once', async () => {
    // The headers say 5 a window; the bucket takes 2.
    h = await Harness.start({ approvalsChannel: APPROVALS, routeRules: approvalsBucket({ announced: 5 }) });
    await fourRequestsAtOnce(h);

    expect(h.fake.rateLimits.limited.length).toBeGreaterThan(0);
    expect(h.fake.rateLimits.violations).toEqual([]);
    expect(h.fake.publicMessages(APPROVALS)).toHaveLength(4);
  });
});

describe('the fake’s limits', () => {
  const at = { now: 1_000_000 };
  const limits = () => new DiscordRateLimits(DISCORD_ROUTE_RULES, 50, () => at.now);

  it('allows a bot token 50 requests a second, then answers 429 global with retry_after', () => {
    const l = limits();
    for (let i = 0; i < 50; i++) expect(l.check('GET', '/users/@me', true).ok).toBe(true);
    at.now += 400;
    const refused = l.check('GET', '/users/@me', true);
    expect(refused).toEqual({
      ok: false,
      headers: { 'retry-after': '1', 'x-ratelimit-scope': 'global', 'x-ratelimit-global': 'true' },
      body: { message: 'You are being rate limited.', retry_after: 0.6, global: true },
    });
    // Asking again before the 0.6 s are over ignores the 429; after them, the new second is open.
    at.now += 100;
    expect(l.check('GET', '/users/@me', true).ok).toBe(false);
    expect(l.violations).toHaveLength(1);
    at.now += 500;
    expect(l.check('GET', '/users/@me', true).ok).toBe(true);
  });

  it('does not count interaction callbacks and interaction webhooks against the global limit', () => {
    const l = limits();
    for (let i = 0; i < 50; i++) l.check('GET', '/users/@me', true);
    expect(l.check('POST', '/interactions/123/tok-1/callback', false).ok).toBe(true);
    for (let i = 0; i < 100; i++) expect(l.check('PATCH', `/webhooks/42/tok-${i}/messages/@original`, false).ok).toBe(true);
    expect(l.check('GET', '/users/@me', true).ok).toBe(false);
  });

  it('keeps a bucket per interaction token: 5 requests per 2 s, announced in the headers', () => {
    const l = limits();
    const first = l.check('PATCH', '/webhooks/42/tok-a/messages/@original', false);
    expect(first).toEqual({
      ok: true,
      headers: {
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '4',
        'x-ratelimit-reset': ((at.now + 2_000) / 1000).toFixed(3),
        'x-ratelimit-reset-after': '2.000',
        'x-ratelimit-bucket': 'interaction-webhook',
      },
    });
    for (let i = 0; i < 4; i++) l.check('POST', '/webhooks/42/tok-a', false);
    const sixth = l.check('POST', '/webhooks/42/tok-a', false);
    expect(sixth.ok).toBe(false);
    expect(!sixth.ok && sixth.body).toEqual({ message: 'You are being rate limited.', retry_after: 2, global: false });
    // Another interaction's token has a bucket of its own.
    expect(l.check('POST', '/webhooks/42/tok-b', false).ok).toBe(true);
    expect(l.violations).toEqual([]);
  });
});
