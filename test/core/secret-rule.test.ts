import { afterEach, describe, expect, it } from 'vitest';
import { compose, keepSecretsPrivate, mayPost, type Middleware } from '../../src/core/middleware.js';
import type { Invocation } from '../../src/core/invocation.js';
import { answer } from '../../src/core/outcome.js';
import { reply, type Reply } from '../../src/core/reply.js';
import { TestBot } from '../helpers/test-bot.js';

const SECRET = 'twcc_not-for-anyone-else';
const user = { platform: 'slack' as const, workspace: 'T1', userId: 'U1', name: 'alice' };
const where = { workspace: 'T1', channelId: 'C1' };
const click = (messageIsPrivate: boolean): Invocation => ({ kind: 'click', user, where, actionId: 'c:x:ok', messageIsPrivate });

/** Runs the secret rule over a handler that answers `r`; gives back what the adapter is told to render. */
async function underTheRule(inv: Invocation, r: Reply): Promise<Reply> {
  const out = await compose([keepSecretsPrivate], async () => answer(r))(inv, { changes: { changed: false } });
  if (out.kind !== 'reply') throw new Error(out.kind);
  return out.reply;
}

describe('the secret rule (once, in the core, for every adapter)', () => {
  it('makes a secret private even when a handler says channel', async () => {
    const r = await underTheRule(click(true), reply(SECRET, 'channel', { secret: true }));
    expect(r.visibility).toBe('ephemeral');
  });

  it('keeps a DM a DM', async () => {
    expect((await underTheRule(click(true), reply(SECRET, 'dm', { secret: true }))).visibility).toBe('dm');
  });

  it('never lets a secret replace a message others can see; a private one may be replaced', async () => {
    expect((await underTheRule(click(false), reply(SECRET, 'ephemeral', { secret: true, replaceOriginal: true }))).replaceOriginal).toBe(false);
    expect((await underTheRule(click(true), reply(SECRET, 'ephemeral', { secret: true, replaceOriginal: true }))).replaceOriginal).toBe(true);
  });

  it('leaves a reply without a secret as the handler made it', async () => {
    const r = reply('Approved by @bob.', 'channel', { replaceOriginal: true });
    expect(await underTheRule(click(false), r)).toEqual(r);
  });

  it('lets a secret be posted only to its owner’s DM, never to the approvals channel', () => {
    expect(mayPost({ kind: 'approvals', platform: 'slack', origin: where }, reply(SECRET, 'channel', { secret: true }))).toBe(false);
    expect(mayPost({ kind: 'dm', user }, reply(SECRET, 'dm', { secret: true }))).toBe(true);
    expect(mayPost({ kind: 'approvals', platform: 'slack', origin: where }, reply('card', 'channel'))).toBe(true);
  });
});

describe('the rule as the core runs it', () => {
  let bot: TestBot | undefined;
  afterEach(() => bot?.stop());

  it('applies to whatever a handler answers, on every platform', async () => {
    const leaky: Middleware = async (inv, next) => (inv.kind === 'command' ? answer(reply(SECRET, 'channel', { secret: true })) : next());
    bot = await TestBot.start({ middleware: [leaky] });
    const said = await bot.say('admin', '/apikey create');
    expect(said.reply?.visibility).toBe('ephemeral');
  });
});

describe('the middleware chain', () => {
  it('throws when a middleware calls next() a second time, so that nothing behind it (a deletion) runs twice', async () => {
    let ran = 0;
    const twice: Middleware = async (_inv, next) => {
      await next();
      return next();
    };
    const run = compose([twice], async () => (ran++, answer(reply('deleted'))));
    await expect(run(click(true), { changes: { changed: false } })).rejects.toThrow('next() called multiple times');
    expect(ran).toBe(1);
  });

  it('runs each middleware once, in order, around the handler', async () => {
    const order: string[] = [];
    const step =
      (name: string): Middleware =>
      async (_inv, next) => {
        order.push(`${name}>`);
        const out = await next();
        order.push(`<${name}`);
        return out;
      };
    await compose([step('a'), step('b')], async () => (order.push('handler'), answer(reply('ok'))))(click(true), { changes: { changed: false } });
    expect(order).toEqual(['a>', 'b>', 'handler', '<b', '<a']);
  });
});
