import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeLocale } from '../../../src/core/i18n/locale.js';
import { TestBot } from '../../helpers/test-bot.js';

describe('normalizeLocale', () => {
  it('reads Traditional Chinese tags as zh-TW, any other tag as en, none as unknown', () => {
    expect(['zh-TW', 'zh_TW', 'zh-tw', 'zh-Hant', 'zh-Hant-TW', 'zh-Hant-HK'].map(normalizeLocale)).toEqual(Array(6).fill('zh-TW'));
    expect(['en-US', 'en-GB', 'ja', 'zh-CN', 'zh-Hans', 'fr-FR'].map(normalizeLocale)).toEqual(Array(6).fill('en'));
    expect([undefined, '', ' '].map(normalizeLocale)).toEqual([undefined, undefined, undefined]);
  });
});

describe('which language the core answers in', () => {
  let bot: TestBot;
  beforeEach(async () => {
    bot = await TestBot.start();
    await bot.say('admin', '/tenant link @alice alice');
  });
  afterEach(async () => {
    await bot.stop();
  });

  it('the platform’s locale when the member chose none', async () => {
    expect((await bot.say('alice', '/apikey list', 'zh-TW')).text).toBe('你沒有任何 API 金鑰。`/apikey create` 可以建立一把。');
    expect((await bot.say('alice', '/apikey list', 'zh-Hant-HK')).text).toBe('你沒有任何 API 金鑰。`/apikey create` 可以建立一把。');
    expect((await bot.say('alice', '/apikey list', 'en-US')).text).toBe('You have no API keys. `/apikey create` makes one.');
    expect((await bot.say('alice', '/apikey list', 'ja')).text).toBe('You have no API keys. `/apikey create` makes one.');
    expect((await bot.say('alice', '/apikey list')).text).toBe('You have no API keys. `/apikey create` makes one.');
  });

  it('the member’s setting wins over the platform’s, until they choose auto', async () => {
    expect((await bot.say('alice', '/tenant lang en', 'zh-TW')).text).toBe('The bot now speaks English to you, wherever you write to it.');
    expect((await bot.say('alice', '/apikey list', 'zh-TW')).text).toBe('You have no API keys. `/apikey create` makes one.');
    expect((await bot.say('alice', '/tenant lang zh-TW', 'en-US')).text).toBe('機器人之後會用繁體中文回覆你，不論你在哪個平台。');
    expect((await bot.say('alice', '/apikey list', 'en-US')).text).toBe('你沒有任何 API 金鑰。`/apikey create` 可以建立一把。');
    expect((await bot.say('alice', '/tenant lang auto', 'en-US')).text).toBe(
      'The bot now follows your Slack or Discord language (English when it does not speak that one).',
    );
    expect((await bot.say('alice', '/apikey list', 'en-US')).text).toBe('You have no API keys. `/apikey create` makes one.');
    expect((await bot.say('alice', '/apikey list', 'zh-TW')).text).toBe('你沒有任何 API 金鑰。`/apikey create` 可以建立一把。');
  });

  it('one setting for the member, whichever platform they write from', async () => {
    const two = await TestBot.start({ admins: ['anna=local:anna+discord:1001'] });
    try {
      await two.say('anna', '/tenant lang zh-TW');
      const fromDiscord = await two.core.handle({
        kind: 'command',
        user: { platform: 'discord', workspace: 'g1', userId: '1001', name: 'anna' },
        where: { workspace: 'g1', channelId: 'c1' },
        locale: 'en-US',
        command: 'apikey',
        text: 'list',
      });
      expect(fromDiscord).toMatchObject({ kind: 'reply', reply: { blocks: [{ type: 'text', text: '你沒有任何 API 金鑰。`/apikey create` 可以建立一把。' }] } });
    } finally {
      await two.stop();
    }
  });

  it('an unlinked user may choose a language too; it holds after they are linked, until the member chooses', async () => {
    expect((await bot.say('eve', '/tenant lang zh-TW')).text).toBe('機器人之後會用繁體中文回覆你，不論你在哪個平台。');
    expect((await bot.say('eve', '/tenant whoami', 'en-US')).text).toBe('你（local:eve）尚未連結到租戶成員。請租戶管理員執行 `/tenant link @you <member>`。');
    await bot.say('admin', '/tenant link @eve eve');
    expect((await bot.say('eve', '/apikey list', 'en-US')).text).toBe('你沒有任何 API 金鑰。`/apikey create` 可以建立一把。');
    await bot.say('eve', '/tenant lang en');
    expect((await bot.say('eve', '/apikey list', 'zh-TW')).text).toBe('You have no API keys. `/apikey create` makes one.');
  });

  it('dates follow the reader: 2027-03-03 in English, 2027/03/03 in Chinese, both in the deployment’s zone', async () => {
    const now = Date.parse('2026-12-03T20:00:00Z');
    const taipei = await TestBot.start({ now: () => now, timeZone: 'Asia/Taipei' });
    try {
      await taipei.say('admin', '/tenant link @alice alice');
      // 20:00 UTC is already the next day in Taipei: the date is the one people there read on their calendar.
      expect((await taipei.say('alice', '/apikey create', 'en-US')).text).toContain('Expires: 2027-03-04 (in 90 days)');
      expect((await taipei.say('alice', '/apikey create', 'zh-TW')).text).toContain('到期日：2027/03/04（90 天後）');
    } finally {
      await taipei.stop();
    }
  });
});
