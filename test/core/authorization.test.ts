import { LocalRegistry } from '../../src/backends/local/registry.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBot } from '../helpers/test-bot.js';

/**
 * Who may do what, as one table. `admin` is a tenant admin, `alice` and `bob` are users, `eve` is
 * not linked. `{own}` is a key of the caller's, `{alices}` a key of alice's.
 */
const UNLINKED = /^You are not linked to a tenant member yet, so `\/\w+ \w+` cannot run\. Ask a tenant admin/;
const ADMIN_ONLY = /^Only a tenant admin may run `\/\w+ \w+`\./;

const matrix: [who: string, command: string, expected: RegExp][] = [
  ['eve', '/apikey list', UNLINKED],
  ['eve', '/apikey create', UNLINKED],
  ['eve', '/quota show', UNLINKED],
  ['eve', '/quota request vcs cpu=1', UNLINKED],
  ['eve', '/tenant link @eve eve admin', UNLINKED],
  ['eve', '/tenant whoami', /^You \(local:eve\) are not linked/],
  ['eve', '/apikey help', /^\*\*\/apikey\*\*/],
  ['alice', '/apikey list', /^You have 1 API key:/],
  ['alice', '/apikey list @bob', /^Only a tenant admin may list another member’s keys\.$/],
  ['admin', '/apikey list @alice', /^@alice has 1 API key:/],
  ['alice', '/apikey extend {own} 10', /^Key `k-\w+` now expires/],
  ['bob', '/apikey extend {alices} 10', /^`k-\w+`: That key belongs to another member/],
  ['admin', '/apikey extend {alices} 10', /^Key `k-\w+` now expires/],
  ['bob', '/apikey delete {alices}', /^`k-\w+`: That key belongs to another member; .* Nothing was deleted\.$/],
  ['admin', '/apikey delete {alices}', /^Delete 1 API key: `k-\w+`/],
  ['alice', '/quota show vcs @bob', /^Only a tenant admin may see another member’s quota\.$/],
  ['admin', '/quota show vcs @bob', /bob\s+0 \/ 8/],
  ['alice', '/quota set @alice vcs cpu=9', ADMIN_ONLY],
  ['alice', '/quota request vcs cpu=9', /^Asked the tenant admins/],
  ['alice', '/tenant link @bob bob admin', ADMIN_ONLY],
  ['alice', '/tenant unlink @bob', ADMIN_ONLY],
  ['alice', '/tenant members', ADMIN_ONLY],
  ['alice', '/tenant audit', ADMIN_ONLY],
  ['admin', '/tenant members', /^3 members:/],
];

let bot: TestBot;
const keys: Record<string, string> = {};
beforeAll(async () => {
  bot = await TestBot.start();
  await bot.say('admin', '/tenant link @alice alice');
  await bot.say('admin', '/tenant link @bob bob');
  for (const who of ['alice', 'bob']) keys[who] = /`(k-[0-9a-f]+)`/.exec((await bot.say(who, '/apikey create')).text)![1]!;
});
afterAll(() => bot.stop());

describe('authorization', () => {
  it.each(matrix)('%s: %s', async (who, command, expected) => {
    const line = command.replace('{own}', keys[who] ?? 'k-none').replace('{alices}', keys.alice!);
    const said = await bot.say(who, line);
    expect(said.text).toMatch(expected);
  });

  it('an unlinked user’s command makes no backend call', async () => {
    // The spy is the backend the core is built with, so Identity and every handler call through it.
    const calls: string[] = [];
    const spied = await TestBot.start({
      backend: (store) =>
        new Proxy(new LocalRegistry(store), {
          get(target, prop, receiver) {
            const v = Reflect.get(target, prop, receiver);
            return typeof v === 'function' ? (...a: unknown[]) => (calls.push(String(prop)), v.apply(target, a)) : v;
          },
        }),
    });
    try {
      await spied.say('admin', '/tenant link @alice alice');
      expect(calls).toContain('ensureMember'); // the spy sees what the core calls
      calls.length = 0;
      for (const c of ['/apikey list', '/apikey create', '/apikey delete k-1', '/quota show', '/quota request vcs cpu=1']) await spied.say('eve', c);
      expect(calls).toEqual([]);
      await spied.say('alice', '/apikey list');
      expect(calls).toEqual(['listKeys']);
    } finally {
      await spied.stop();
    }
  });
});
