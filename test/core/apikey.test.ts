import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestBot } from '../helpers/test-bot.js';

let bot: TestBot;
beforeEach(async () => {
  bot = await TestBot.start();
  await bot.say('admin', '/tenant link @alice alice');
});
afterEach(() => bot.stop());

const keyIdIn = (text: string) => /`(k-[0-9a-f]{6})`/.exec(text)?.[1] ?? '';

describe('/apikey', () => {
  it('creates a key whose secret is shown once, privately', async () => {
    const said = await bot.say('alice', '/apikey create');
    expect(said.reply?.visibility).toBe('ephemeral');
    expect(said.reply?.secret).toBe(true);
    expect(said.text).toMatch(/New API key `k-[0-9a-f]{6}` created/);
    expect(said.text).toMatch(/`twcc_[A-Za-z0-9_-]{32}`/);
    expect(said.text).toContain('(in 90 days)');
  });

  it('lists keys with masked secrets and expiry', async () => {
    const created = await bot.say('alice', '/apikey create');
    const secret = /`(twcc_[^`]+)`/.exec(created.text)![1]!;
    const listed = await bot.say('alice', '/apikey list');
    expect(listed.text).toContain('You have 1 API key:');
    expect(listed.text).toContain(keyIdIn(created.text));
    expect(listed.text).toContain(`${secret.slice(0, 9)}…`);
    expect(listed.text).not.toContain(secret);
    expect(listed.text).toContain('(in 90 days)');
  });

  it('extends a key and shows old and new expiry', async () => {
    const id = keyIdIn((await bot.say('alice', '/apikey create')).text);
    const said = await bot.say('alice', `/apikey extend ${id} 30`);
    expect(said.text).toMatch(new RegExp(`Key \`${id}\` now expires \\d{4}-\\d\\d-\\d\\d \\(in 120 days\\) \\(was \\d{4}-\\d\\d-\\d\\d \\(in 90 days\\)\\)\\.`));
  });

  it('deletes only after the requester clicks Delete, and edits the card in place', async () => {
    const id = keyIdIn((await bot.say('alice', '/apikey create')).text);
    const card = await bot.say('alice', `/apikey delete ${id}`);
    expect(card.text).toContain(`Delete 1 API key: \`${id}\``);
    expect(card.text).toContain('[1] Delete  [2] Cancel');
    expect(bot.button('Delete')).toMatchObject({ style: 'danger', confirm: { confirm: 'Delete' } });
    expect((await bot.say('alice', '/apikey list')).text).toContain(id);

    const done = await bot.click('Delete', 'alice');
    expect(done.reply).toMatchObject({ replaceOriginal: true });
    expect(done.text).toBe(`Deleted \`${id}\`.`);
    expect(done.reply?.blocks.some((b) => b.type === 'buttons')).toBe(false);
    expect((await bot.say('alice', '/apikey list')).text).toBe('You have no API keys. `/apikey create` makes one.');
  });

  it('cancel leaves the key', async () => {
    const id = keyIdIn((await bot.say('alice', '/apikey create')).text);
    await bot.say('alice', `/apikey delete ${id}`);
    expect((await bot.click('Cancel', 'alice')).text).toBe('Cancelled; nothing was deleted.');
    expect((await bot.say('alice', '/apikey list')).text).toContain(id);
  });

  it('a double click deletes once', async () => {
    const id = keyIdIn((await bot.say('alice', '/apikey create')).text);
    await bot.say('alice', `/apikey delete ${id}`);
    const clicks = await Promise.all([bot.click('Delete', 'alice'), bot.click('Delete', 'alice'), bot.click('Delete', 'alice')]);
    const texts = clicks.map((c) => c.text).sort();
    expect(texts.filter((t) => t === `Deleted \`${id}\`.`)).toHaveLength(1);
    expect(texts.filter((t) => t === 'This has already been handled.')).toHaveLength(2);
    const audit = (await bot.say('admin', '/tenant audit')).text;
    expect(audit.match(/key\.deleted/g)).toHaveLength(1);
  });

  it('another user’s click does nothing', async () => {
    await bot.say('admin', '/tenant link @bob bob');
    const id = keyIdIn((await bot.say('alice', '/apikey create')).text);
    await bot.say('alice', `/apikey delete ${id}`);
    const bobs = await bot.click('Delete', 'bob');
    expect(bobs.text).toBe('Only @alice, who asked for this, can confirm or cancel it.');
    expect(bobs.reply?.replaceOriginal).toBeUndefined();
    expect((await bot.say('alice', '/apikey list')).text).toContain(id);
    expect((await bot.click('Delete', 'alice')).text).toBe(`Deleted \`${id}\`.`);
  });

  it('an expired confirmation deletes nothing', async () => {
    let now = Date.parse('2026-11-29T00:00:00Z');
    const timed = await TestBot.start({ now: () => now });
    await timed.say('admin', '/tenant link @alice alice');
    const id = keyIdIn((await timed.say('alice', '/apikey create')).text);
    await timed.say('alice', `/apikey delete ${id}`);
    now += 5 * 60 * 1000 + 1;
    expect((await timed.click('Delete', 'alice')).text).toBe('This request has expired; nothing was changed. Run the command again.');
    expect((await timed.say('alice', '/apikey list')).text).toContain(id);
    await timed.stop();
  });
});
