import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandSpecs as allCommandSpecs } from '../../src/features/index.js';

const commandSpecs = allCommandSpecs();
import { registerFeatures } from '../../src/core/registry.js';
import { allFeatures } from '../../src/features/index.js';
import { TestBot } from '../helpers/test-bot.js';

let bot: TestBot;
beforeAll(async () => {
  bot = await TestBot.start();
  await bot.say('admin', '/tenant link @alice alice');
});
afterAll(() => bot.stop());

describe('help', () => {
  it('shows a user only what a user may run; on the embedded registry, an admin links them, so no login or logout', async () => {
    const help = (await bot.say('alice', '/tenant help')).text;
    expect(help).toBe(
      [
        '**/tenant**: Link chat users to tenant members',
        '`/tenant whoami` — Who you are to the bot',
        '`/tenant lang zh-TW|en|auto` — Choose the language the bot speaks to you: zh-TW, en, or auto (your platform’s)',
        '`/tenant help` — Show what you can do with /tenant',
      ].join('\n'),
    );
  });

  it('shows an admin everything', async () => {
    const help = (await bot.say('admin', '/tenant')).text;
    for (const sub of ['login', 'logout', 'link', 'unlink', 'members', 'whoami', 'audit', 'help']) expect(help).toContain(`/tenant ${sub}`);
    const quota = (await bot.say('admin', '/quota help')).text;
    expect(quota).toContain('`/quota set @member ccs|vcs cpu=N gpu=N memory=64G [reason…]` — Change a member’s quota (up or down); another admin approves');
    expect(quota).toContain('`/quota pending` — Requests waiting for approval, with their age (admins see every one)');
    expect(quota).toContain('`/quota cancel <request-id>` — Withdraw your own pending request');
  });

  it('tells an unlinked user how to link', async () => {
    const help = (await bot.say('eve', '/apikey help')).text;
    expect(help).toContain('`/apikey create`');
    expect(help).toContain('You are not linked to a tenant member yet');
  });

  it('every subcommand in the specs has a handler', () => {
    const { commands } = registerFeatures(allFeatures());
    for (const spec of commandSpecs)
      for (const sub of spec.subcommands) if (sub.name !== 'help') expect(commands.get(spec.name)?.handlers.get(sub.name), `/${spec.name} ${sub.name}`).toBeTypeOf('function');
  });
});
