import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBot } from '../helpers/test-bot.js';

/** Each bad line gets a clear message naming the bad part, with usage; nothing changes. */
const table: [command: string, expected: string][] = [
  ['/apikey extend', 'Missing <key-id>.\nUsage: `/apikey extend <key-id> <days>`\nExample: `/apikey extend k-3f9a2c 30`'],
  ['/apikey extend k-000001', 'Missing <days>.\nUsage: `/apikey extend <key-id> <days>`\nExample: `/apikey extend k-3f9a2c 30`'],
  ['/apikey extend k-000001 -5', 'Days `-5` must be at least 1 day.\nUsage: `/apikey extend <key-id> <days>`\nExample: `/apikey extend k-3f9a2c 30`'],
  ['/apikey extend k-000001 99999', 'Days `99999` can be at most 365 days.\nUsage: `/apikey extend <key-id> <days>`\nExample: `/apikey extend k-3f9a2c 30`'],
  ['/apikey extend k-000001 ten', 'Days `ten` must be a whole number of days.\nUsage: `/apikey extend <key-id> <days>`\nExample: `/apikey extend k-3f9a2c 30`'],
  ['/apikey extend k-000001 30', '`k-000001`: No API key with that id. `/apikey list` shows your keys.'],
  ['/apikey delete', 'Missing <key-id>.\nUsage: `/apikey delete <key-id>...`\nExample: `/apikey delete k-3f9a2c`'],
  ['/apikey delete k-000001', '`k-000001`: No API key with that id. `/apikey list` shows your keys. Nothing was deleted.'],
  ['/apikey lst', '`/apikey lst` is not a command. Did you mean `/apikey list`?\nUsage:\n  /apikey list [@member]\n  /apikey create\n  /apikey extend <key-id> <days>\n  /apikey delete <key-id>...\n  /apikey help'],
  ['/apikey frobnicate', '`/apikey frobnicate` is not a command.\nUsage:\n  /apikey list [@member]\n  /apikey create\n  /apikey extend <key-id> <days>\n  /apikey delete <key-id>...\n  /apikey help'],
  ['/apikey list <@U12', '`<@U12` is not a mention of a chat user; write @name.\nUsage: `/apikey list [@member]`\nExample: `/apikey list`'],
  ['/apikey create now', 'Unexpected `now`.\nUsage: `/apikey create`\nExample: `/apikey create`'],
  ['/quota set @alice vcs memory=64', 'Memory needs a unit: write 64G or 64M, not a bare 64.\nUsage: `/quota set @member ccs|vcs cpu=N gpu=N memory=64G [reason…]`\nExample: `/quota set @alice vcs cpu=16 gpu=2 memory=64G`'],
  ['/quota set @alice vcs', 'Give at least one of cpu=N, gpu=N, memory=64G.\nUsage: `/quota set @member ccs|vcs cpu=N gpu=N memory=64G [reason…]`\nExample: `/quota set @alice vcs cpu=16 gpu=2 memory=64G`'],
  ['/quota set @alice xcs cpu=1', '`xcs` is not a service; use ccs or vcs.\nUsage: `/quota set @member ccs|vcs cpu=N gpu=N memory=64G [reason…]`\nExample: `/quota set @alice vcs cpu=16 gpu=2 memory=64G`'],
  ['/quota set @alice vcs tpu=1', '`tpu` is not a resource; use cpu=, gpu= or memory=.\nUsage: `/quota set @member ccs|vcs cpu=N gpu=N memory=64G [reason…]`\nExample: `/quota set @alice vcs cpu=16 gpu=2 memory=64G`'],
  ['/quota set @alice vcs cpu=-3', 'Cpu must be a whole number.\nUsage: `/quota set @member ccs|vcs cpu=N gpu=N memory=64G [reason…]`\nExample: `/quota set @alice vcs cpu=16 gpu=2 memory=64G`'],
  ['/quota set @nobody vcs cpu=1', '@nobody is not linked to a tenant member; nothing was changed.'],
  ['/quota sho', '`/quota sho` is not a command. Did you mean `/quota show`?\nUsage:\n  /quota show [ccs|vcs] [@member]\n  /quota set @member ccs|vcs cpu=N gpu=N memory=64G [reason…]\n  /quota request ccs|vcs cpu=N gpu=N memory=64G [reason…]\n  /quota help'],
  ['/tenant link alice alice', '`alice` is not a mention of a chat user; write @name.\nUsage: `/tenant link @user <member> [admin|user]`\nExample: `/tenant link @alice alice`'],
  ['/tenant link @carol carol boss', '`boss` is not a role; use admin or user.\nUsage: `/tenant link @user <member> [admin|user]`\nExample: `/tenant link @alice alice`'],
  ['/tenant audit 0', 'Count `0` must be at least 1.\nUsage: `/tenant audit [count]`\nExample: `/tenant audit`'],
];

let bot: TestBot;
beforeAll(async () => {
  bot = await TestBot.start();
  await bot.say('admin', '/tenant link @alice alice');
});
afterAll(() => bot.stop());

describe('bad input', () => {
  it.each(table)('%s', async (command, expected) => {
    const auditBefore = (await bot.say('admin', '/tenant audit 200')).text;
    const approvalsBefore = bot.posts('approvals').length;
    expect((await bot.say('admin', command)).text).toBe(expected);
    expect((await bot.say('admin', '/tenant audit 200')).text).toBe(auditBefore);
    expect(bot.posts('approvals')).toHaveLength(approvalsBefore);
  });
});
