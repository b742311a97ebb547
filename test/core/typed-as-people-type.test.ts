import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBot } from '../helpers/test-bot.js';

let bot: TestBot;
beforeAll(async () => {
  bot = await TestBot.start({ admins: ['local:admin', 'local:carol'] });
  await bot.say('admin', '/tenant link @alice alice');
});
afterAll(() => bot.stop());

const keyIdIn = (text: string) => /`(k-[0-9a-f]{6})`/.exec(text)![1]!;

/** The words people bring from other tools, in any case, mean what they meant. */
describe('commands as people type them', () => {
  it('ls lists; rm, remove and del delete; a subcommand in capitals is the same subcommand', async () => {
    const id = keyIdIn((await bot.say('alice', '/apikey create')).text);
    expect((await bot.say('alice', '/apikey ls')).text).toContain(`${id}  twcc_`);
    expect((await bot.say('alice', '/apikey LIST')).text).toContain(`${id}  twcc_`);
    for (const word of ['rm', 'remove', 'del', 'DELETE']) {
      expect((await bot.say('alice', `/apikey ${word} ${id}`)).text).toMatch(new RegExp(`^Delete 1 API key: \`${id}\``));
    }
    await bot.click('Delete', 'alice');
    expect((await bot.say('alice', '/apikey list')).text).toBe('You have no API keys. `/apikey create` makes one.');
  });

  it('a reason longer than 500 characters is cut, and the reply says so', async () => {
    const reason = 'r'.repeat(650);
    const said = await bot.say('alice', `/quota request vcs cpu=12 ${reason}`);
    expect(said.text).toMatch(/^Asked the tenant admins to approve VCS quota for @alice/);
    expect(said.text).toMatch(/\nThe reason was cut to its first 500 characters \(it had 650\)\.$/);
    const card = bot.posts('approvals').at(-1)!.text;
    expect(card).toContain(`Reason: ${'r'.repeat(500)}\n`);
    expect(card).not.toContain('r'.repeat(501));
  });

  it('a read-only answer never claims that nothing was changed', async () => {
    for (const line of ['/apikey list @nobody', '/quota show vcs @nobody', '/quota show', '/quota pending', '/tenant whoami', '/apikey list']) {
      expect((await bot.say('alice', line)).text, line).not.toMatch(/nothing was changed/i);
    }
  });
});
