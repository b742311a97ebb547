import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { PostTarget } from '../../src/core/outcome.js';
import { replyToPlainText, type Reply } from '../../src/core/reply.js';
import type { Sweeper } from '../../src/core/sweeper.js';
import type { SweepReport } from '../../src/features/reminders/sweep.js';
import { TestBot } from '../helpers/test-bot.js';
import { redisUrl } from '../helpers/services.js';

/** Several replicas of the bot on one Redis, each with its own reminder sweeper (issue 14). */
const REDIS = redisUrl();
const DAY = 24 * 60 * 60 * 1000;
const START = Date.parse('2026-12-01T09:00:00Z');
const PEOPLE = ['alice', 'bob', 'carol', 'dave'];

let clock = START;
const started: { bot: TestBot; sweeper: Sweeper<SweepReport> }[] = [];
afterEach(async () => {
  for (const { bot, sweeper } of started.splice(0)) {
    await sweeper.stop();
    await bot.stop();
  }
  clock = START;
});

/** One DM as its receiver saw it, whichever replica sent it. */
interface Delivered {
  to: string;
  text: string;
}

/** `n` replicas on one fresh prefix; every DM any of them sends lands in `delivered`. */
async function replicas(n: number, delivered: Delivered[], takeoverMs = 60_000): Promise<{ bot: TestBot; sweeper: Sweeper<SweepReport> }[]> {
  const prefix = `rem${randomBytes(4).toString('hex')}_`;
  const out: { bot: TestBot; sweeper: Sweeper<SweepReport> }[] = [];
  for (let i = 0; i < n; i++) {
    const bot = await TestBot.start({ storeUrl: REDIS, prefix, now: () => clock });
    bot.core.registerAdapter({
      name: 'local',
      messenger: { post: async (target: PostTarget, reply: Reply) => void delivered.push({ to: target.kind === 'dm' ? target.user.userId : '#', text: replyToPlainText(reply) }) },
    });
    const replica = { bot, sweeper: bot.core.sweeper<SweepReport>('reminder', { intervalMs: 60_000, takeoverMs }) };
    started.push(replica);
    out.push(replica);
  }
  return out;
}

/** Every person linked, each with one key created on START (expiring 90 days later). */
async function everyoneHasAKey(bot: TestBot): Promise<void> {
  for (const p of PEOPLE) {
    await bot.say('admin', `/tenant link @${p} ${p}`);
    await bot.say(p, '/apikey create');
  }
}

const count = (delivered: Delivered[]) => Object.fromEntries(PEOPLE.map((p) => [p, delivered.filter((d) => d.to === p).length]));

describe('three sweepers on one Redis', () => {
  it('send each reminder once, whichever replica holds the lease each time', async () => {
    const delivered: Delivered[] = [];
    const three = await replicas(3, delivered);
    await everyoneHasAKey(three[0]!.bot);

    for (let left = 20; left >= 0; left--) {
      clock = START + (90 - left) * DAY;
      // All three sweep at once: one holds the lease; the others find it taken.
      const reports = await Promise.all(three.map((r) => r.sweeper.runOnce()));
      expect(reports.filter((r) => r !== undefined)).toHaveLength(1);
      // Then the holder stops (a rolling restart): the next day another replica may take over.
      const holder = three[reports.findIndex((r) => r !== undefined)]!;
      await holder.sweeper.stop();
      holder.sweeper = holder.bot.core.sweeper<SweepReport>('reminder', { intervalMs: 60_000 });
    }
    // 14, 3 and 1 days before: three reminders each, none twice.
    expect(count(delivered)).toEqual({ alice: 3, bob: 3, carol: 3, dave: 3 });
    for (const p of PEOPLE) {
      expect(delivered.filter((d) => d.to === p).map((d) => /\(in \d+ days?\)/.exec(d.text)?.[0])).toEqual(['(in 14 days)', '(in 3 days)', '(in 1 day)']);
    }
  });

  it('send each reminder once even when all three sweep at the same time without the lease between them', async () => {
    const delivered: Delivered[] = [];
    const three = await replicas(3, delivered);
    await everyoneHasAKey(three[0]!.bot);
    clock = START + 76 * DAY;
    // Three lease holders in turn would each meet the others' claims: here each replica takes the lease
    // for one sweep and gives it back at once, three times over, while the others sweep too.
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        three.map(async (r) => {
          await r.sweeper.runOnce();
          await r.sweeper.stop();
          r.sweeper = r.bot.core.sweeper<SweepReport>('reminder', { intervalMs: 60_000 });
        }),
      );
    }
    expect(count(delivered)).toEqual({ alice: 1, bob: 1, carol: 1, dave: 1 });
  });
});

describe('a sweeper killed mid-sweep', () => {
  it('leaves the rest to the next one, which sends every reminder the first had not sent', async () => {
    const delivered: Delivered[] = [];
    const [first, second] = await replicas(2, delivered, 1_500);
    await everyoneHasAKey(first!.bot);
    clock = START + 76 * DAY;

    // The first replica's DM to the second member never comes back: the process is as good as dead
    // there (its lease is not renewed: it was never started, only run once).
    let hung = 0;
    let wake: () => void = () => undefined;
    first!.bot.core.registerAdapter({
      name: 'local',
      messenger: {
        post: async (target: PostTarget, reply: Reply) => {
          // The first DM is slow: the hung one is claimed well after the lease was taken, and its claim
          // must still end with the lease, or the next sweeper would skip it.
          if (++hung === 1) await sleep(700);
          if (hung === 2) await new Promise<void>((resolve) => (wake = resolve)).then(() => Promise.reject(new Error('killed')));
          delivered.push({ to: target.kind === 'dm' ? target.user.userId : '#', text: replyToPlainText(reply) });
        },
      },
    });
    const dying = first!.sweeper.runOnce();
    // However long a busy machine takes to get there (the test's timeout is the limit).
    while (hung < 2) await sleep(10);
    expect(delivered.map((d) => d.to)).toEqual(['alice']);

    // The second replica finds the lease taken until it expires, then sweeps and finishes the job.
    let report: SweepReport | undefined;
    while (!report) {
      report = await second!.sweeper.runOnce();
      if (!report) await sleep(100);
    }
    expect(report).toMatchObject({ complete: true, sent: 3 });
    expect(count(delivered)).toEqual({ alice: 1, bob: 1, carol: 1, dave: 1 });

    // The dead one's DM fails at last: it gives back nothing the second replica holds, and stops there.
    wake();
    expect(await dying).toMatchObject({ complete: false });
    await second!.sweeper.stop();
    second!.sweeper = second!.bot.core.sweeper<SweepReport>('reminder', { intervalMs: 60_000 });
    await second!.sweeper.runOnce();
    expect(count(delivered)).toEqual({ alice: 1, bob: 1, carol: 1, dave: 1 });
  });
});
