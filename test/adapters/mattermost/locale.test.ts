import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVALS, World, type Person } from './harness.js';

let world: World;
let admin: Person;
let alice: Person;

beforeEach(async () => {
  world = await World.start();
  admin = world.person('uadmin1', 'admin1');
  alice = world.person('ualice', 'alice');
  await (await admin.types(`/tenant link ${alice.mention} alice`)).answer();
});

afterEach(async () => {
  await world.close();
});

describe('the language of a Mattermost user', () => {
  it('is their Mattermost locale (GET /users/{id} → locale), asked once and then cached', async () => {
    world.fake.setLocale('ualice', 'zh-TW');
    expect((await (await alice.types('/apikey list')).answer()).readable).toBe('你沒有任何 API 金鑰。`/apikey create` 可以建立一把。');
    expect((await (await alice.types('/quota pending')).answer()).readable).toBe('你沒有等待核准的配額申請。');
    expect(world.fake.callsTo('GET', '/users/ualice')).toHaveLength(1);
  });

  it('is English for any other locale, and their own /tenant lang wins over Mattermost’s', async () => {
    world.fake.setLocale('ualice', 'ja');
    expect((await (await alice.types('/apikey list')).answer()).readable).toBe('You have no API keys. `/apikey create` makes one.');
    await (await admin.types('/tenant lang zh-TW')).answer();
    expect((await (await admin.types('/quota pending')).answer()).readable).toBe('目前沒有等待核准的配額申請。');
  });

  it('falls back to English, logged, when the look-up fails; the command is answered all the same', async () => {
    world.fake.failWith('GET /users/ualice', 403, 'api.context.permissions.app_error');
    expect((await (await alice.types('/apikey list')).answer()).readable).toBe('You have no API keys. `/apikey create` makes one.');
    expect(await world.logged('Mattermost user locale unknown')).toContain('403');
  });

  it('words the approval card in the requester’s language, and keeps it when another admin decides', async () => {
    world.fake.setLocale('ualice', 'zh-TW');
    const asked = await (await alice.types('/quota request vcs gpu=4 訓練模型')).answer();
    expect(asked.readable).toMatch(/^已請租戶管理員核准 @alice 的 VCS 配額（申請 `[\w-]{12}`）。結果會私下通知你。$/);
    const card = await world.postedIn(APPROVALS);
    expect(card.readable).toMatch(/^@alice 申請增加 VCS 配額：gpu 1 → 4。\n理由：訓練模型\n申請 `[\w-]{12}`，到期時間：\d{4}\/\d\d\/\d\d \d\d:\d\d（UTC）。\n\[核准\] \[駁回\]$/);
    const decided = await admin.clicks(card, '核准');
    expect(decided.seen!.readable).toMatch(/（UTC）。\n已由 @admin1 核准並套用。$/);
    expect((await world.dmTo('ualice')).readable).toMatch(/^你的 VCS 配額申請 `[\w-]{12}`（gpu 1 → 4）：已由 @admin1 核准並套用。$/);
  });
});
