import { afterEach, describe, expect, it } from 'vitest';
import { projectStore } from '../../src/core/projects.js';
import { POSTGRES_URL, REDIS_URL, uniquePrefix } from '../helpers/store-urls.js';
import { TestBot } from '../helpers/test-bot.js';

let bots: TestBot[] = [];
afterEach(async () => {
  await Promise.all(bots.map((b) => b.stop()));
  bots = [];
});

describe.each([
  ['SQLite', undefined],
  ['Redis', REDIS_URL],
  ['PostgreSQL', POSTGRES_URL],
])('two projects on one %s store', (_name, url) => {
  it('two replicas share each project’s records, and neither project sees the other’s', async () => {
    const prefix = uniquePrefix('projects');
    const opts = { projects: ['LAB1', 'LAB2'], admins: ['LAB1:local:ann', 'LAB2:local:ben', 'LAB2:local:carl'] };
    const first = await TestBot.start(url ? { ...opts, storeUrl: url, prefix } : opts);
    bots = [first, url ? await TestBot.start({ ...opts, storeUrl: url, prefix }) : first];
    const [a, b] = bots as [TestBot, TestBot];
    await a.say('ann', '/tenant link @alice alice');
    await b.say('ben', '/tenant link @bob bob');
    await a.say('alice', '/apikey create');
    const bobsKey = /`(k-[0-9a-f]{6})`/.exec((await b.say('bob', '/apikey create')).text)![1]!;

    expect((await b.say('ann', '/tenant members')).text).toMatch(/^2 members:[\s\S]*alice/);
    expect((await a.say('ben', '/tenant members')).text).toMatch(/^2 members:[\s\S]*bob/);
    expect((await a.say('ben', '/apikey list @bob')).text).toContain(bobsKey);
    expect((await b.say('ann', '/apikey list @bob')).text).toContain('not linked');
    expect((await a.say('ann', '/tenant audit 50')).text).not.toContain(bobsKey);

    await a.say('bob', '/quota request vcs cpu=16 training');
    expect((await b.say('ann', '/quota pending')).text).not.toContain('bob');
    expect((await b.say('carl', '/quota pending')).text).toContain('@bob');
    // The card was posted by replica a; carl clicks it on replica b.
    expect((await b.clickId(a.button('Approve').id, 'carl')).text).toContain('Approved by @carl and applied.');

    // The store views themselves: each project lists, reads and clears only its own records.
    const lab1 = projectStore(a.store, 'LAB1', true);
    const lab2 = projectStore(a.store, 'LAB2', false);
    const links = (s: typeof lab1) => s.collection<{ memberId: string }>('links');
    expect((await links(lab1).values()).map((l) => l.memberId).sort()).toEqual(['alice', 'ann']);
    expect((await links(lab2).values()).map((l) => l.memberId).sort()).toEqual(['ben', 'bob', 'carl']);
    expect(await links(lab2).get('local:alice')).toBeUndefined();
    expect(await links(lab1).getMany(['local:bob', 'local:alice'])).toEqual([undefined, expect.objectContaining({ memberId: 'alice' })]);
    await links(lab2).clear();
    expect(await links(lab2).values()).toEqual([]);
    expect(await links(lab1).values()).toHaveLength(2);
  }, 60_000);
});
