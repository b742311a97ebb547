import { afterEach, describe, expect, it } from 'vitest';
import { buildCommands } from '../../../adapters/discord/commands.js';
import { commandSpecs } from '../../../src/features/index.js';

/** What registration sends, as JSON: chat-input commands with subcommands and options. */
interface Described {
  name: string;
  description: string;
  description_localizations?: Record<string, string>;
  options?: Described[];
  choices?: unknown[];
}
const commands = () => buildCommands(commandSpecs()) as unknown as Described[];
import type { FakeUser } from '../../fakes/discord.js';
import { Harness, alice, bob, linkTeam } from './harness.js';

const inChinese = (u: FakeUser): FakeUser => ({ ...u, locale: 'zh-TW' });

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the language of a Discord user', () => {
  it.each([
    ['the gateway', false],
    ['HTTP interactions', true],
  ])('is the interaction’s locale (%s)', async (_, overHttp) => {
    h = await Harness.start({ overHttp });
    await linkTeam(h);
    const zh = await h.run(inChinese(bob), 'apikey', 'list');
    expect(h.shown(zh)).toBe('你沒有任何 API 金鑰。`/apikey create` 可以建立一把。');
    const en = await h.run({ ...bob, locale: 'en-GB' }, 'apikey', 'list');
    expect(h.shown(en)).toBe('You have no API keys. `/apikey create` makes one.');
  });

  it('is their own /tenant lang when they chose one, whatever the client says', async () => {
    h = await Harness.start();
    await linkTeam(h);
    expect(h.shown(await h.run(inChinese(bob), 'tenant', 'lang', { language: 'en' }))).toBe('The bot now speaks English to you, wherever you write to it.');
    expect(h.shown(await h.run(inChinese(bob), 'apikey', 'list'))).toBe('You have no API keys. `/apikey create` makes one.');
    expect(h.shown(await h.run(alice, 'tenant', 'lang', { language: 'zh-TW' }))).toBe('機器人之後會用繁體中文回覆你，不論你在哪個平台。');
    expect(h.shown(await h.run(alice, 'quota', 'pending'))).toBe('目前沒有等待核准的配額申請。');
  });
});

describe('Discord command registration', () => {
  it('gives every command, subcommand and option a zh-TW description', () => {
    const missing: string[] = [];
    for (const command of commands()) {
      if (!command.description_localizations?.['zh-TW']) missing.push(command.name);
      for (const sub of command.options ?? []) {
        if (!sub.description_localizations?.['zh-TW']) missing.push(`${command.name} ${sub.name}`);
        for (const option of sub.options ?? []) {
          if (!option.description_localizations?.['zh-TW']) missing.push(`${command.name} ${sub.name} ${option.name}`);
        }
      }
    }
    expect(missing).toEqual([]);
    const apikey = commands().find((c) => c.name === 'apikey')!;
    expect(apikey.description_localizations).toEqual({ 'zh-TW': '管理你的 TWCC API 金鑰' });
    expect(apikey.description).toBe('Manage your TWCC API keys');
    const tenant = commands().find((c) => c.name === 'tenant')!;
    expect(tenant.options?.find((o) => o.name === 'lang')).toMatchObject({
      description_localizations: { 'zh-TW': '選擇機器人回覆你的語言：zh-TW、en 或 auto（跟隨平台）' },
      options: [{ name: 'language', choices: [{ name: 'zh-TW', value: 'zh-TW' }, { name: 'en', value: 'en' }, { name: 'auto', value: 'auto' }] }],
    });
  });
});
