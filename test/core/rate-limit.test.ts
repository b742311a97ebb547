import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRegistry } from '../../src/backends/local/registry.js';
import { Core } from '../../src/core/core.js';
import type { CommandName } from '../../src/core/invocation.js';
import { parseRateLimits, type RateLimits } from '../../src/core/rate-limit.js';
import { replyToPlainText, type Button, type Reply } from '../../src/core/reply.js';
import { memoryStore } from '../../src/store/memory-store.js';
import { openStore, type Store } from '../../src/store/index.js';
import { allFeatures } from '../../src/features/index.js';
import { redisUrl } from '../helpers/services.js';

const limits = (text: string): RateLimits => {
  const parsed = parseRateLimits(text);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.value;
};

/** One replica: a core on the shared store, with approval cards collected where the test can click them. */
function replica(store: Store, rateLimits: RateLimits, now?: () => number) {
  const core = new Core({ features: allFeatures(), store, backend: new LocalRegistry(store, 'LOCAL', now), admins: ['local:admin', 'local:carol'], rateLimits, ...(now ? { now } : {}) });
  const cards: Reply[] = [];
  core.registerAdapter({ name: 'local', messenger: { post: async (target, r) => void (target.kind === 'approvals' && cards.push(r)) } });
  const where = { workspace: 'local', channelId: 'general' };
  const user = (name: string) => ({ platform: 'local' as const, workspace: 'local', userId: name, name });
  return {
    cards,
    async say(name: string, line: string): Promise<string> {
      const [, command, text = ''] = /^\/(\w+)\s*(.*)$/.exec(line)!;
      const outcome = await core.handle({ kind: 'command', user: user(name), where, command: command as CommandName, text });
      return outcome.kind === 'reply' ? replyToPlainText(outcome.reply) : outcome.kind;
    },
    async click(name: string, button: Button): Promise<string> {
      const outcome = await core.handle({ kind: 'click', user: user(name), where, actionId: button.id });
      return outcome.kind === 'reply' ? replyToPlainText(outcome.reply) : outcome.kind;
    },
  };
}

const buttonOf = (card: Reply, label: string): Button =>
  card.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : [])).find((b) => b.label === label)!;

describe('per-member rate limits across two replicas on one Redis', () => {
  let store: Store;
  let a: ReturnType<typeof replica>;
  let b: ReturnType<typeof replica>;
  beforeAll(async () => {
    store = await openStore(redisUrl(), { prefix: `rl${randomBytes(4).toString('hex')}_` });
    const rateLimits = limits('apikey.create=3/1h,quota.request=1/1h');
    a = replica(store, rateLimits);
    b = replica(store, rateLimits);
    await a.say('admin', '/tenant link @alice alice');
    await a.say('admin', '/tenant link @bob bob');
  });
  afterAll(() => store.close());

  it('alice creates three keys on either replica; the fourth is refused on both, saying when to try again', async () => {
    expect(await a.say('alice', '/apikey create')).toMatch(/^New API key `k-[0-9a-f]{6}` created/);
    expect(await b.say('alice', '/apikey create')).toMatch(/^New API key `k-[0-9a-f]{6}` created/);
    expect(await a.say('alice', '/apikey create')).toMatch(/^New API key `k-[0-9a-f]{6}` created/);

    const refusal = 'You can create at most 3 keys an hour; try again in 60 minutes. Nothing was changed.';
    expect(await b.say('alice', '/apikey create')).toBe(refusal);
    expect(await a.say('alice', '/apikey create')).toBe(refusal);
    expect(await a.say('alice', '/apikey list')).toContain('You have 3 API keys:');
  });

  it('counts per member: bob still has his own allowance', async () => {
    expect(await b.say('bob', '/apikey create')).toMatch(/^New API key `k-[0-9a-f]{6}` created/);
  });

  it('a second quota request within the hour is refused; the admins’ approval is not limited', async () => {
    expect(await a.say('alice', '/quota request vcs cpu=12')).toMatch(/^Asked the tenant admins/);
    expect(await b.say('alice', '/quota request vcs cpu=16')).toBe(
      'You can request a quota change at most once an hour; try again in 60 minutes. Nothing was changed.',
    );
    expect(await b.click('carol', buttonOf(a.cards[0]!, 'Approve'))).toContain('Approved by @carol');
  });
});

describe('the window', () => {
  it('lets the member in again once it has passed', async () => {
    let clock = Date.parse('2026-01-01T09:00:00Z');
    const now = () => clock;
    const store = memoryStore(now);
    const bot = replica(store, limits('apikey.create=1/1h'), now);
    await bot.say('admin', '/tenant link @alice alice');
    expect(await bot.say('alice', '/apikey create')).toMatch(/^New API key/);

    clock += 59 * 60_000 + 30_000;
    expect(await bot.say('alice', '/apikey create')).toBe('You can create at most 1 key an hour; try again in 30 seconds. Nothing was changed.');
    clock += 30_000;
    expect(await bot.say('alice', '/apikey create')).toMatch(/^New API key/);
  });

  it('is not counted for help, typos or refused callers', async () => {
    const store = memoryStore();
    const bot = replica(store, limits('apikey.create=1/1h'));
    await bot.say('admin', '/tenant link @alice alice');
    await bot.say('dave', '/apikey create'); // not linked: refused before counting
    await bot.say('alice', '/apikey create extra words');
    await bot.say('alice', '/apikey help');
    expect(await bot.say('alice', '/apikey create')).toMatch(/^New API key/);
  });
});
