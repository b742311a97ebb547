import { afterEach, expect, it } from 'vitest';
import { TestBot } from '../helpers/test-bot.js';

let bot: TestBot;
afterEach(() => bot.stop());

it('the zh-TW audit table writes dates, outcomes and details in Chinese: no English phrases, no JSON', async () => {
  const now = Date.parse('2026-12-03T02:00:00Z');
  bot = await TestBot.start({ now: () => now, timeZone: 'Asia/Taipei' });
  await bot.say('admin', '/tenant link @alice alice');
  await bot.say('admin', '/tenant link @bob bob admin');
  const id = /`(k-[0-9a-f]{6})`/.exec((await bot.say('admin', '/apikey create')).text)![1]!;
  await bot.say('admin', `/apikey extend ${id} 30`);
  await bot.say('admin', '/quota set @alice vcs gpu=2 memory=64G');
  await bot.click('Approve', 'bob');
  await bot.say('admin', '/tenant lang zh-TW');

  const audit = (await bot.say('admin', '/tenant audit 10')).text;
  expect(audit).toContain('2026/12/03 10:00:00');
  expect(audit).not.toMatch(/2026-12-03/);
  expect(audit).toMatch(/link\.created +local:bob +成功 +bob，角色為租戶管理員/);
  expect(audit).toMatch(new RegExp(`key\\.extended +${id} +成功 +延後 30 天，已套用，到期日 2027/04/02`));
  expect(audit).toMatch(/quota\.applied .* 成功 +已套用：gpu=2 memory=64G/);
  expect(audit).toMatch(/quota\.requested .* gpu=2 memory=64G/);
  // The action column keeps its ids (`quota.applied`); nothing else is English or JSON.
  expect(audit.replace(/quota\.applied/g, '')).not.toMatch(/[{}"]| as |applied|\bok\b/);
});
