import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../src/store/port.js';
import { TestBot } from '../helpers/test-bot.js';
import { postgresUrl, redisUrl } from '../helpers/services.js';

/**
 * Two replicas of the bot on one store, each with its own connections: what one changes while the
 * other changes the same record must survive (issue 10, finding 1: lost updates).
 */
const ROUNDS = 20;
const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2026-12-03T00:00:00Z');

const dirs: string[] = [];
const stores: Record<string, () => { url: string; prefix?: string }> = {
  'a SQLite file': () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatops-race-'));
    dirs.push(dir);
    return { url: `sqlite://${join(dir, 'bot.sqlite')}` };
  },
  Redis: () => ({ url: redisUrl(), prefix: `race-${randomBytes(4).toString('hex')}:` }),
  PostgreSQL: () => ({ url: postgresUrl(), prefix: `race-${randomBytes(4).toString('hex')}:` }),
};

let replicas: TestBot[] = [];
afterEach(async () => {
  for (const r of replicas.slice(0, 1)) for (const name of COLLECTIONS) await r.store.collection(name).clear();
  for (const r of replicas) await r.stop();
  replicas = [];
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function twoReplicas(where: { url: string; prefix?: string }): Promise<[TestBot, TestBot]> {
  const start = () => TestBot.start({ storeUrl: where.url, ...(where.prefix ? { prefix: where.prefix } : {}), admins: ['local:admin', 'local:boss'], now: () => NOW });
  replicas = [await start(), await start()];
  return replicas as [TestBot, TestBot];
}

describe.each(Object.keys(stores))('two replicas on %s', (kind) => {
  it(`approving a cpu and a gpu request of one member at the same time applies both (${ROUNDS} rounds)`, async () => {
    const [east, west] = await twoReplicas(stores[kind]!());
    await east.say('admin', '/tenant link @alice alice');
    for (let round = 1; round <= ROUNDS; round++) {
      const cpu = 8 + round;
      const gpu = 1 + round;
      await east.say('alice', `/quota request vcs cpu=${cpu} round ${round}`);
      await east.say('alice', `/quota request vcs gpu=${gpu} round ${round}`);
      const [approveCpu, approveGpu] = east.buttons('Approve').slice(-2);
      // Boss clicks both cards at once; each click lands on another replica.
      const [a, b] = await Promise.all([east.clickId(approveCpu!.id, 'boss'), west.clickId(approveGpu!.id, 'boss')]);
      expect(a.text).toContain('Approved by @boss and applied.');
      expect(b.text).toContain('Approved by @boss and applied.');
      const shown = (await west.say('alice', '/quota show vcs')).text;
      expect(shown, `round ${round}`).toMatch(new RegExp(`alice\\s+0 / ${cpu}\\s+0 / ${gpu}\\s`));
    }
  }, 120_000);

  it(`two /apikey extend of one key at the same time move its expiry twice (${ROUNDS} rounds)`, async () => {
    const [east, west] = await twoReplicas(stores[kind]!());
    await east.say('admin', '/tenant link @alice alice');
    const keyId = /`(k-[0-9a-f]+)`/.exec((await east.say('alice', '/apikey create')).text)![1]!;
    for (let round = 1; round <= ROUNDS; round++) {
      const [a, b] = await Promise.all([east.say('alice', `/apikey extend ${keyId} 1`), west.say('alice', `/apikey extend ${keyId} 1`)]);
      expect(a.text).toMatch(/now expires/);
      expect(b.text).toMatch(/now expires/);
      // A new key expires in 90 days; each of the two extensions adds a day.
      const expected = new Date(NOW + (90 + 2 * round) * DAY_MS).toISOString().slice(0, 10);
      expect((await west.say('alice', '/apikey list')).text, `round ${round}`).toContain(`${expected} (in ${90 + 2 * round} days)`);
    }
  }, 120_000);
});
