import { afterEach, describe, expect, it } from 'vitest';
import { POSTGRES_URL, REDIS_URL, uniquePrefix } from '../helpers/store-urls.js';
import { TestBot } from '../helpers/test-bot.js';

/** Issue 20, finding 4: one lock for every open approval turned a burst of requests into "partly done" errors. */
const MEMBERS = 150;
let bots: TestBot[] = [];
afterEach(async () => {
  await Promise.all(bots.map((b) => b.stop()));
  bots = [];
});

describe.each([
  ['Redis', REDIS_URL],
  ['PostgreSQL', POSTGRES_URL],
])('a burst of quota requests on %s', (_name, url) => {
  it(`${MEMBERS} members each asking at once through 3 replicas are all answered, none refused, all listed`, async () => {
    const prefix = uniquePrefix('burst');
    bots = await Promise.all([0, 1, 2].map(() => TestBot.start({ storeUrl: url, prefix, admins: ['local:admin', 'local:boss'] })));
    const members = Array.from({ length: MEMBERS }, (_, i) => `m${i}`);
    for (const m of members) await bots[0]!.say('admin', `/tenant link @${m} ${m}`);

    const answers = await Promise.all(members.map((m, i) => bots[i % 3]!.say(m, `/quota request vcs gpu=2 burst ${m}`)));
    const refused = answers.map((a, i) => [members[i], a.text]).filter(([, text]) => !/^Asked the tenant admins to approve VCS quota/.test(text!));
    expect(refused).toEqual([]);
    // Every request was written and listed: an admin sees all of them waiting.
    const pending = (await bots[1]!.say('admin', '/quota pending')).text;
    expect(pending).toMatch(new RegExp(`^${MEMBERS} quota requests waiting for approval`));
    for (const m of members) expect(pending, m).toMatch(new RegExp(`@${m}\\b`));
  }, 180_000);
});
