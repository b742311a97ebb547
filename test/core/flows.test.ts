import { describe, expect, it } from 'vitest';
import { decodeAction, encodeAction, type ActionRef } from '../../src/core/flows/pending.js';
import { registerFeatures } from '../../src/core/registry.js';
import { allFeatures } from '../../src/features/index.js';
import { TestBot } from '../helpers/test-bot.js';

describe('the action id codec', () => {
  const refs: ActionRef[] = [
    { flow: 'confirm', id: 'Ab_3-x', choice: 'ok' },
    { flow: 'confirm', id: 'Ab_3-x', choice: 'cancel' },
    { flow: 'approval', id: 'q9', choice: 'approve' },
    { flow: 'approval', id: 'q9', choice: 'reject' },
  ];
  it.each(refs)('round-trips %o', (ref) => {
    expect(decodeAction(encodeAction(ref))).toEqual(ref);
  });

  it.each(['', 'c', 'c:abc', 'c:abc:maybe', 'a:abc:ok', 'c:abc:approve', 'x:abc:ok', 'c::ok', 'c:a b:ok', 'c:abc:ok:extra'])(
    '`%s` is not understood (never read as Cancel)',
    (id) => expect(decodeAction(id)).toBeUndefined(),
  );
});

describe('the flow registry', () => {
  it('has an action of the right kind for every subcommand whose spec names a flow, and none without one but those sweeps start', () => {
    const { specs, flows } = registerFeatures(allFeatures());
    const withFlow = specs.flatMap((spec) => spec.subcommands.filter((s) => s.flow).map((s) => [`${spec.name}.${s.name}`, s.flow]));
    // Started by sweeps' DMs: the key reminder, and a grant's Ask to extend and Return now.
    const bySweeps = ['apikey.remind', 'grants.extend', 'grants.return'];
    const startedByCommands = [...flows].filter(([name]) => !bySweeps.includes(name));
    expect(Object.fromEntries(withFlow)).toEqual(Object.fromEntries(startedByCommands.map(([name, a]) => [name, a.flow])));
    expect([...flows.keys()].filter((name) => !withFlow.some(([n]) => n === name))).toEqual(bySweeps);
  });
});

describe('a click the core did not render', () => {
  it('is answered as not understood, and changes nothing', async () => {
    const bot = await TestBot.start();
    try {
      await bot.say('admin', '/tenant link @alice alice');
      const keyId = /`(k-[0-9a-f]+)`/.exec((await bot.say('alice', '/apikey create')).text)![1]!;
      const card = await bot.say('alice', `/apikey delete ${keyId}`);
      const ok = bot.button('Delete').id;
      // A tampered choice on a real pending id: not Cancel, not Delete.
      expect((await bot.clickId(ok.replace(/:ok$/, ':maybe'), 'alice')).text).toBe('That button no longer does anything; nothing was changed.');
      expect((await bot.say('alice', '/apikey list')).text).toContain(keyId);
      // The real button still works afterwards: the bad click claimed nothing.
      expect(card.text).toContain(keyId);
      expect((await bot.click('Delete', 'alice')).text).toBe(`Deleted \`${keyId}\`.`);
    } finally {
      await bot.stop();
    }
  });
});
