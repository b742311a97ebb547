import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBot } from '../helpers/test-bot.js';

/** Each bad line gets a clear message naming the bad part, with usage; nothing changes. */
const table: [command: string, expected: string][] = [
  ['/apikey extend', 'Missing <key-id>.\nUsage: `/apikey extend <key-id> <days>`\nExample: `/apikey extend k-3f9a2c 30`'],
  ['/apikey extend k-000001', 'Missing <days>.\nUsage: `/apikey extend <key-id> <days>`\nExample: `/apikey extend k-3f9a2c 30`'],
  ['/apikey extend k-000001 -5', 'Days `-5` must be at least 1 day.\nUsage: `/apikey extend <key-id> <days>`\nExample: `/apikey extend k-3f9a2c 30`'],
  ['/apikey extend k-000001 99999', '`k-000001`: No API key with that id. `/apikey list` shows your keys.'],
  ['/apikey extend k-000001 ten', 'Days `ten` must be a whole number of days.\nUsage: `/apikey extend <key-id> <days>`\nExample: `/apikey extend k-3f9a2c 30`'],
  ['/apikey extend k-000001 30', '`k-000001`: No API key with that id. `/apikey list` shows your keys.'],
  ['/apikey delete', 'Missing <key-id>.\nUsage: `/apikey delete <key-id>...`\nExample: `/apikey delete k-3f9a2c`'],
  ['/apikey delete k-000001', '`k-000001`: No API key with that id. `/apikey list` shows your keys. Nothing was deleted.'],
  ['/apikey lst', '`/apikey lst` is not a command. Did you mean `/apikey list`?\nUsage:\n  /apikey list [@member]\n  /apikey create\n  /apikey extend <key-id> <days>\n  /apikey delete <key-id>...\n  /apikey reminders [on|off]\n  /apikey help'],
  ['/apikey frobnicate', '`/apikey frobnicate` is not a command.\nUsage:\n  /apikey list [@member]\n  /apikey create\n  /apikey extend <key-id> <days>\n  /apikey delete <key-id>...\n  /apikey reminders [on|off]\n  /apikey help'],
  ['/apikey list <@U12', '`<@U12` is not a mention of a chat user; write @name.\nUsage: `/apikey list [@member]`\nExample: `/apikey list`'],
  ['/apikey create now', 'Unexpected `now`.\nUsage: `/apikey create`\nExample: `/apikey create`'],
  ['/quota set @alice vcs memory=64', 'memory needs a unit: write 64G or 64M, not a bare 64.\nUsage: `/quota set @member ccs|vcs cpu=N gpu=N memory=64G [reason…]`\nExample: `/quota set @alice vcs cpu=16 gpu=2 memory=64G`'],
  ['/quota set @alice vcs', 'Give at least one of cpu=N, gpu=N, memory=64G.\nUsage: `/quota set @member ccs|vcs cpu=N gpu=N memory=64G [reason…]`\nExample: `/quota set @alice vcs cpu=16 gpu=2 memory=64G`'],
  ['/quota set @alice xcs cpu=1', '`xcs` is not a service; use ccs or vcs.\nUsage: `/quota set @member ccs|vcs cpu=N gpu=N memory=64G [reason…]`\nExample: `/quota set @alice vcs cpu=16 gpu=2 memory=64G`'],
  ['/quota set @alice vcs tpu=1', '`tpu` is not a resource; use cpu=, gpu= or memory=.\nUsage: `/quota set @member ccs|vcs cpu=N gpu=N memory=64G [reason…]`\nExample: `/quota set @alice vcs cpu=16 gpu=2 memory=64G`'],
  ['/quota set @alice vcs cpu=-3', 'cpu must be 0 or more.\nUsage: `/quota set @member ccs|vcs cpu=N gpu=N memory=64G [reason…]`\nExample: `/quota set @alice vcs cpu=16 gpu=2 memory=64G`'],
  ['/quota set @nobody vcs cpu=1', '@nobody is not linked to a tenant member. Nothing was requested.'],
  // Reading someone unknown changes nothing, and says no more than that.
  ['/apikey list @nobody', '@nobody is not linked to a tenant member.'],
  ['/quota show vcs @nobody', '@nobody is not linked to a tenant member.'],
  // Typos: swapped letters, words from other tools, a resource where a service goes.
  ['/apikey lsit', '`/apikey lsit` is not a command. Did you mean `/apikey list`?\nUsage:\n  /apikey list [@member]\n  /apikey create\n  /apikey extend <key-id> <days>\n  /apikey delete <key-id>...\n  /apikey reminders [on|off]\n  /apikey help'],
  ['/apikey remov', '`/apikey remov` is not a command. Did you mean `/apikey delete`?\nUsage:\n  /apikey list [@member]\n  /apikey create\n  /apikey extend <key-id> <days>\n  /apikey delete <key-id>...\n  /apikey reminders [on|off]\n  /apikey help'],
  ['/quota show gpu', '`gpu`: expected ccs, vcs or @member.\nUsage: `/quota show [ccs|vcs] [@member]`\nExample: `/quota show`'],
  ['/quota set @alice vcs gpu=-1', 'gpu must be 0 or more.' + '\nUsage: `/quota set @member ccs|vcs cpu=N gpu=N memory=64G [reason…]`\nExample: `/quota set @alice vcs cpu=16 gpu=2 memory=64G`'],
  ['/quota request vcs gpu = 4', 'Write `gpu=4` with no spaces around `=`.' + '\nUsage: `/quota request ccs|vcs cpu=N gpu=N memory=64G [reason…]`\nExample: `/quota request vcs gpu=4 training the new model`'],
  ['/quota request vcs gpu= 4 more', 'Write `gpu=4` with no spaces around `=`.' + '\nUsage: `/quota request ccs|vcs cpu=N gpu=N memory=64G [reason…]`\nExample: `/quota request vcs gpu=4 training the new model`'],
  ['/quota request vcs cpu=9 cpu=10', 'cpu is given twice; give each resource once.' + '\nUsage: `/quota request ccs|vcs cpu=N gpu=N memory=64G [reason…]`\nExample: `/quota request vcs gpu=4 training the new model`'],
  // Asks that change nothing, and a request "for more" that is less.
  ['/quota request vcs gpu=1', 'That changes nothing: gpu is already 1. Nothing was requested.'],
  ['/quota set @alice vcs gpu=1 memory=32G', 'That changes nothing: gpu is already 1, memory is already 32G. Nothing was requested.'],
  ['/quota request vcs gpu=0', '`/quota request` asks for more, but gpu 1 → 0 is less. An admin can lower a quota with `/quota set`. Nothing was requested.'],
  ['/quota request ccs memory=0G', '`/quota request` asks for more, but memory 32G → 0M is less. An admin can lower a quota with `/quota set`. Nothing was requested.'],
  ['/quota cancel', 'Missing <request-id>.\nUsage: `/quota cancel <request-id>`\nExample: `/quota cancel Fq3kZ8mWp2Xa`'],
  ['/quota cancel Fq3kZ8mWp2Xa', 'There is no quota request `Fq3kZ8mWp2Xa`. `/quota pending` lists the ones waiting.'],
  // ADMINS pins local:admin as an admin: a link as user would not hold.
  [
    '/tenant link @admin admin user',
    '@admin is listed in ADMINS, which keeps them a tenant admin: they cannot be linked as user. Remove them from ADMINS and restart the bot first. Nothing was changed.',
  ],
  ['/quota sho', '`/quota sho` is not a command. Did you mean `/quota show`?\nUsage:\n  /quota show [ccs|vcs] [@member]\n  /quota set @member ccs|vcs cpu=N gpu=N memory=64G [reason…]\n  /quota request ccs|vcs cpu=N gpu=N memory=64G [reason…]\n  /quota pending\n  /quota cancel <request-id>\n  /quota help'],
  ['/tenant link alice alice', '`alice` is not a mention of a chat user; write @name.\nUsage: `/tenant link @user <member> [admin|user]`\nExample: `/tenant link @alice alice`'],
  // A name with a space is the name's fault, not the role's.
  ['/tenant link @x bad name!', 'Member `bad name!` is not a member name (letters, digits, . _ - @).\nUsage: `/tenant link @user <member> [admin|user]`\nExample: `/tenant link @alice alice`'],
  ['/tenant link @carol carol boss', '`boss` is not a role; use admin or user.\nUsage: `/tenant link @user <member> [admin|user]`\nExample: `/tenant link @alice alice`'],
  ['/tenant audit 0', 'Count `0` must be at least 1.\nUsage: `/tenant audit [count] [export [--since 2026-12-01] [--format jsonl|csv]]`\nExample: `/tenant audit`'],
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
