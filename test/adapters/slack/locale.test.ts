import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { World, type Person } from './harness.js';

let world: World;
let admin: Person;
let alice: Person;

beforeEach(async () => {
  world = await World.start();
  admin = world.person('UADMIN1', 'admin1');
  alice = world.person('UALICE', 'alice');
  await (await admin.types(`/tenant link ${alice.mention} alice`)).answer();
});

afterEach(async () => {
  await world.close();
});

describe('the language of a Slack user', () => {
  it('is their Slack locale (users.info with include_locale), asked once and then cached', async () => {
    world.fake.setLocale('UALICE', 'zh-TW');
    const first = await (await alice.types('/apikey list')).answer();
    expect(first.readable).toBe('你沒有任何 API 金鑰。`/apikey create` 可以建立一把。');
    const second = await (await alice.types('/quota pending')).answer();
    expect(second.readable).toBe('你沒有等待核准的配額申請。');

    const asked = world.fake.callsTo('users.info').filter((c) => c.args.user === 'UALICE');
    expect(asked).toHaveLength(1);
    // Bolt's client sends it form-encoded.
    expect(asked[0]!.args).toMatchObject({ user: 'UALICE', include_locale: 'true' });
  });

  it('is English for any other Slack locale', async () => {
    world.fake.setLocale('UALICE', 'ja-JP');
    expect((await (await alice.types('/apikey list')).answer()).readable).toBe('You have no API keys. `/apikey create` makes one.');
  });

  it('is their own /tenant lang when they chose one, whatever Slack says', async () => {
    world.fake.setLocale('UALICE', 'zh-TW');
    expect((await (await alice.types('/tenant lang en')).answer()).readable).toBe('The bot now speaks English to you, wherever you write to it.');
    expect((await (await alice.types('/apikey list')).answer()).readable).toBe('You have no API keys. `/apikey create` makes one.');

    world.fake.setLocale('UADMIN1', 'en-US');
    await (await admin.types('/tenant lang zh-TW')).answer();
    expect((await (await admin.types('/quota pending')).answer()).readable).toBe('目前沒有等待核准的配額申請。');
  });

  it('falls back to English, logged, when users.info fails; the command is answered all the same', async () => {
    world.fake.failWith('users.info', 'missing_scope');
    const sent = await alice.types('/apikey list');
    expect(sent.status).toBe(200);
    expect((await sent.answer()).readable).toBe('You have no API keys. `/apikey create` makes one.');
    expect(await world.logged('Slack user locale unknown')).toContain('missing_scope');
  });

  it('words the approval card in the requester’s language, and keeps it when another admin decides', async () => {
    world.fake.setLocale('UALICE', 'zh-TW');
    world.fake.setLocale('UADMIN1', 'en-US');
    const asked = await (await alice.types('/quota request vcs gpu=4 訓練模型')).answer();
    expect(asked.readable).toMatch(/^已請租戶管理員核准 @alice 的 VCS 配額（申請 `[\w-]{12}`）。結果會私下通知你。$/);
    const card = await world.postedIn('CAPPROVALS');
    expect(card.readable).toMatch(/^@alice 申請增加 VCS 配額：gpu 1 → 4。\n理由：訓練模型\n申請 `[\w-]{12}`，到期時間：\d{4}\/\d\d\/\d\d \d\d:\d\d（UTC）。\n\[核准\] \[駁回\]$/);

    expect((await admin.clicks(card, '核准')).status).toBe(200);
    await world.fake.waitFor('the card edited', () => world.fake.callsTo('chat.update')[0]);
    expect((await world.postedIn('CAPPROVALS')).readable).toMatch(/（UTC）。\n已由 @admin1 核准並套用。$/);
    const dm = await world.dmTo('UALICE');
    expect(dm.readable).toMatch(/^你的 VCS 配額申請 `[\w-]{12}`（gpu 1 → 4）：已由 @admin1 核准並套用。$/);
  });
});
