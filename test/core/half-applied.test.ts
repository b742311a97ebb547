import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Middleware } from '../../src/core/middleware.js';
import { createLogger } from '../../src/log.js';
import { FailingWrites } from '../helpers/failing-writes.js';
import { TestBot } from '../helpers/test-bot.js';

/**
 * A store write fails in the middle of a flow (issue 10, finding 4): the reply tells what happened,
 * never "nothing was changed" when something was, and a decision whose work failed can be made again.
 */
let bot: TestBot;
let faults: FailingWrites;
let logLines: string[];
afterEach(() => bot.stop());

async function start(): Promise<void> {
  faults = new FailingWrites();
  logLines = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
  bot = await TestBot.start({ admins: ['local:admin', 'local:boss'], logger: createLogger('info', sink), wrapStore: (s) => faults.wrap(s) });
  await bot.say('admin', '/tenant link @alice alice');
}

describe('with the audit log full (every audit write throws SQLITE_FULL)', () => {
  it('/apikey create shows the secret of the key it made, and logs the lost audit entry', async () => {
    await start();
    faults.failPuts('audit');
    const created = await bot.say('alice', '/apikey create');
    expect(created.text).toMatch(/^New API key `(k-[0-9a-f]+)` created\. Copy the secret now/);
    expect(created.text).toMatch(/`twcc_[A-Za-z0-9_-]{20,}`/);
    const keyId = /`(k-[0-9a-f]+)`/.exec(created.text)![1]!;
    expect((await bot.say('alice', '/apikey list')).text).toContain(keyId);
    expect(faults.refused.get('audit')).toBeGreaterThanOrEqual(2); // tried again once
    const lost = logLines.find((l) => l.includes('audit entry could not be written'));
    expect(lost).toContain('"action":"key.created"');
    expect(lost).toContain(`"target":"${keyId}"`);
    expect(lost).not.toMatch(/twcc_[A-Za-z0-9_-]{20,}/);
  });

  it('a Delete click says the key was deleted', async () => {
    await start();
    const keyId = /`(k-[0-9a-f]+)`/.exec((await bot.say('alice', '/apikey create')).text)![1]!;
    await bot.say('alice', `/apikey delete ${keyId}`);
    faults.failPuts('audit');
    expect((await bot.click('Delete', 'alice')).text).toBe(`Deleted \`${keyId}\`.`);
    expect((await bot.say('alice', '/apikey list')).text).toBe('You have no API keys. `/apikey create` makes one.');
  });
});

describe('an Approve whose work fails', () => {
  it('when the quota write fails, says so without "nothing was changed", and a later click decides it', async () => {
    await start();
    await bot.say('alice', '/quota request vcs gpu=4 training');
    faults.failPuts('quotas', 1);
    const failed = await bot.click('Approve', 'boss');
    expect(failed.text).toMatch(/^Something went wrong on our side and this did not finish.*\(ref [0-9a-f]{8}\)$/s);
    expect(failed.text).not.toContain('nothing was changed');
    expect((await bot.say('alice', '/quota show vcs')).text).toMatch(/alice\s+0 \/ 8\s+0 \/ 1\s/);

    // The claim was given back: the request is still open, not "already handled".
    expect((await bot.click('Approve', 'admin')).text).toContain('Approved by @admin and applied.');
    expect((await bot.say('alice', '/quota show vcs')).text).toMatch(/alice\s+0 \/ 8\s+0 \/ 4\s/);
    expect(bot.posts('dm', 'alice').map((s) => s.text)).toEqual([expect.stringContaining('Approved by @admin and applied.')]);
  });

  it('when saving the decision fails after the quota was applied, does not say "nothing was changed", and a later click finishes it', async () => {
    await start();
    await bot.say('alice', '/quota request vcs cpu=12');
    faults.failPuts('pending', 1);
    const failed = await bot.click('Approve', 'boss');
    expect(failed.text).not.toContain('nothing was changed');
    expect(failed.text).toContain('part of it may already have been done');
    // It was applied; the card is still open, so the decision can be recorded.
    expect((await bot.say('alice', '/quota show vcs')).text).toMatch(/alice\s+0 \/ 12\s/);
    expect((await bot.click('Approve', 'boss')).text).toContain('Approved by @boss and applied.');
    expect((await bot.click('Approve', 'admin')).text).toBe('This has already been handled.');
  });

  it('a Reject whose save fails can be clicked again', async () => {
    await start();
    await bot.say('alice', '/quota request vcs gpu=2');
    faults.failPuts('pending', 1);
    expect((await bot.click('Reject', 'boss')).text).toMatch(/ref [0-9a-f]{8}/);
    expect((await bot.click('Reject', 'boss')).text).toContain('Rejected by @boss.');
    expect(bot.posts('dm', 'alice').map((s) => s.text)).toEqual([expect.stringContaining('Rejected by @boss.')]);
  });
});

describe('an unexpected failure', () => {
  /** Fails the invocation once, before or after the handler ran, as a bug would. */
  function failing(when: 'before' | 'after'): { middleware: Middleware; arm: () => void } {
    let armed = false;
    return {
      arm: () => void (armed = true),
      middleware: async (_inv, next) => {
        if (armed && when === 'before') throw ((armed = false), new Error('a bug before anything ran'));
        const out = await next();
        if (armed && when === 'after') throw ((armed = false), new Error('a bug after the handler'));
        return out;
      },
    };
  }

  it('after the key was made says part of it may be done, and how to check', async () => {
    const bug = failing('after');
    bot = await TestBot.start({ middleware: [bug.middleware] });
    await bot.say('admin', '/tenant link @alice alice');
    bug.arm();
    const failed = await bot.say('alice', '/apikey create');
    expect(failed.text).toMatch(/^Something went wrong on our side and this did not finish; part of it may already have been done\. Check before trying again/);
    expect((await bot.say('alice', '/apikey list')).text).toMatch(/^You have 1 API key:/);
  });

  it('before anything changed says that nothing was changed', async () => {
    const bug = failing('before');
    bot = await TestBot.start({ middleware: [bug.middleware] });
    await bot.say('admin', '/tenant link @alice alice');
    bug.arm();
    expect((await bot.say('alice', '/apikey create')).text).toMatch(/^Something went wrong on our side; nothing was changed\. \(ref [0-9a-f]{8}\)$/);
    expect((await bot.say('alice', '/apikey list')).text).toBe('You have no API keys. `/apikey create` makes one.');
  });

  it('when the key lock stays busy after another key was deleted, does not say nothing was changed', async () => {
    await start();
    const ids = [1, 2].map(async () => /`(k-[0-9a-f]+)`/.exec((await bot.say('alice', '/apikey create')).text)![1]!);
    const [first, second] = [await ids[0]!, await ids[1]!];
    await bot.say('alice', `/apikey delete ${first} ${second}`);
    const held = await bot.store.claim(`lock:key:${second}`, 60_000);
    try {
      const clicked = await bot.click('Delete 2 keys', 'alice');
      expect(clicked.text).not.toContain('nothing was changed');
      expect(clicked.text).not.toContain('stopped before changing it');
      expect(clicked.text).toContain('part of it may already have been done');
    } finally {
      await held?.release();
    }
    expect((await bot.say('alice', '/apikey list')).text).not.toContain(first);
  }, 20_000);
});
