import { afterEach, describe, expect, it } from 'vitest';
import type { PostTarget } from '../../src/core/outcome.js';
import { replyToPlainText } from '../../src/core/reply.js';
import { loadConfig, parseConfig, projectCodes } from '../../src/config.js';
import { TestBot } from '../helpers/test-bot.js';

let bot: TestBot;
afterEach(() => bot.stop());

const room = (channelId: string) => ({ workspace: 'local', channelId });

/**
 * LOCAL_PROJECTS=LAB1,LAB2 on one store: ann administers LAB1 and ben LAB2 (ADMINS names each one's
 * project), carl is a second admin of LAB2; alice is a member of LAB1, bob of LAB2, carol of both.
 */
async function twoLabs(): Promise<TestBot> {
  bot = await TestBot.start({ projects: ['LAB1', 'LAB2'], admins: ['LAB1:local:ann', 'LAB2:local:ben', 'LAB2:local:carl'] });
  await bot.say('ann', '/tenant link @alice alice');
  await bot.say('ann', '/tenant link @carol carol');
  await bot.say('ben', '/tenant link @bob bob');
  await bot.say('ben', '/tenant link @carol carol');
  return bot;
}

describe('several projects on the embedded registry (LOCAL_PROJECTS=LAB1,LAB2)', () => {
  it('a member of one project acts on it without naming it, and every reply names the project', async () => {
    await twoLabs();
    const created = await bot.say('alice', '/apikey create');
    expect(created.text).toContain('Project: LAB1');
    const listed = (await bot.say('alice', '/apikey list')).text;
    expect(listed).toMatch(/k-\w+\s+\S+\s+LAB1/);
    expect(listed.endsWith('Project: LAB1')).toBe(true);
    expect((await bot.say('bob', '/apikey list')).text).toBe('You have no API keys. `/apikey create` makes one.\nProject: LAB2');
  });

  it('no cross-talk: an admin of LAB1 neither lists, nor sees in the audit, nor reaches a member of LAB2', async () => {
    await twoLabs();
    await bot.say('bob', '/apikey create');
    const members = (await bot.say('ann', '/tenant members')).text;
    expect(members).toContain('alice');
    expect(members).not.toContain('bob');
    expect((await bot.say('ann', '/apikey list @bob')).text).toContain('not linked');
    const audit = (await bot.say('ann', '/tenant audit 50')).text;
    expect(audit).toContain('local:alice');
    expect(audit).not.toContain('local:bob');
    expect(audit).not.toContain('key.created');
    expect((await bot.say('ben', '/tenant audit 50')).text).toContain('key.created');
  });

  it('an admin of LAB1 cannot approve a LAB2 request; a second admin of LAB2 can, and the card names LAB2', async () => {
    await twoLabs();
    await bot.say('bob', '/quota request vcs cpu=16 a bigger model');
    const card = bot.posts('approvals')[0]!;
    expect(card.text).toContain('@bob asks');
    expect(card.text).toContain('Project: LAB2');
    const refused = await bot.click('Approve', 'ann');
    expect(refused.text).not.toContain('Approved');
    expect((await bot.say('ann', '/quota pending')).text).not.toContain('bob');
    expect((await bot.click('Approve', 'carl')).text).toContain('Approved by @carl and applied.');
    expect((await bot.say('bob', '/quota show vcs')).text).toMatch(/bob\s+0 \/ 16\s/);
    // LAB1's alice still has the registry's default, untouched.
    expect((await bot.say('alice', '/quota show vcs')).text).toMatch(/alice\s+0 \/ 8\s/);
  });

  it('a member of both projects is asked which one; --project chooses, and a code that is not served is refused', async () => {
    await twoLabs();
    expect((await bot.say('carol', '/apikey list')).text).toBe(
      'This bot serves several projects (LAB1, LAB2), and none applies here: nothing is bound to this channel, and you are a member of 2 of them. ' +
        'Add `--project <code>` to the command, or ask a tenant admin to run `/tenant project bind <code>` here.',
    );
    expect((await bot.say('carol', '/apikey create --project lab2')).text).toContain('Project: LAB2');
    expect((await bot.say('carol', '/apikey list --project LAB1')).text).toBe('You have no API keys. `/apikey create` makes one.\nProject: LAB1');
    expect((await bot.say('carol', '/apikey list --project=LAB2')).text).toMatch(/k-\w+\s+\S+\s+LAB2/);
    expect((await bot.say('carol', '/apikey list --project NOPE')).text).toBe('This bot serves no project `NOPE`; it serves LAB1, LAB2.');
    // Help answers all the same.
    expect((await bot.say('carol', '/apikey help')).text).toContain('/apikey list');
    expect((await bot.say('carol', '/tenant project')).text).toBe(
      'No project applies here: nothing is bound to this channel, and you are a member of 2 of the projects this bot serves (LAB1, LAB2). ' +
        'Add `--project <code>` to a command, or ask a tenant admin to run `/tenant project bind <code>`.',
    );
  });

  it('a tenant admin binds a channel; the binding wins, is explained, refuses another project, and only that project’s admin undoes it', async () => {
    await twoLabs();
    const lab1Room = room('lab1-room');
    expect((await bot.say('alice', '/tenant project bind LAB1', undefined, lab1Room)).text).toBe(
      'Only a tenant admin of project LAB1 may run `/tenant project bind`. Nothing was changed.\nProject: LAB1',
    );
    expect((await bot.say('ben', '/tenant project bind LAB1', undefined, lab1Room)).text).toContain('Only a tenant admin of project LAB1');
    expect((await bot.say('ann', '/tenant project bind LAB1', undefined, lab1Room)).text).toBe(
      'Bound this channel to project **LAB1**: commands here act on LAB1.\nProject: LAB1',
    );
    expect((await bot.say('carol', '/tenant project', undefined, lab1Room)).text).toMatch(/^Project \*\*LAB1\*\* applies here: this channel is bound to it \(bound by local:ann on \d{4}-\d\d-\d\d\)\.\nProject: LAB1$/);
    expect((await bot.say('carol', '/apikey list', undefined, lab1Room)).text).toContain('Project: LAB1');
    expect((await bot.say('carol', '/apikey list --project LAB2', undefined, lab1Room)).text).toBe(
      'This channel belongs to project LAB1 (`/tenant project` says why), so `--project LAB2` does not apply here. Nothing was changed.',
    );
    // bob is no member of LAB1: in LAB1's channel he is unlinked.
    expect((await bot.say('bob', '/apikey list', undefined, lab1Room)).text).toContain('not linked');
    expect((await bot.say('ben', '/tenant project bind LAB2', undefined, lab1Room)).text).toBe(
      'This channel is bound to project LAB1; a tenant admin of LAB1 runs `/tenant project unbind LAB1` first. Nothing was changed.\nProject: LAB2',
    );
    expect((await bot.say('ben', '/tenant project unbind', undefined, lab1Room)).text).toContain('Only a tenant admin of project LAB1');
    expect((await bot.say('ann', '/tenant project unbind', undefined, lab1Room)).text).toBe('Unbound this channel from project **LAB1**.\nProject: LAB1');
    expect((await bot.say('carol', '/apikey list', undefined, lab1Room)).text).toContain('none applies here');
    const audit = (await bot.say('ann', '/tenant audit 5')).text;
    expect(audit).toMatch(/project\.unbound\s+local:local:lab1-room/);
    expect(audit).toMatch(/project\.bound\s+local:local:lab1-room/);
  });

  it('a workspace binding applies to each of its channels; a channel’s own binding wins over it', async () => {
    await twoLabs();
    expect((await bot.say('ben', '/tenant project bind-workspace LAB2', undefined, room('anywhere'))).text).toContain('the whole workspace');
    expect((await bot.say('carol', '/tenant project', undefined, room('elsewhere'))).text).toMatch(/^Project \*\*LAB2\*\* applies here: this workspace \(Discord server\) is bound to it/);
    await bot.say('ann', '/tenant project bind LAB1', undefined, room('lab1-room'));
    expect((await bot.say('carol', '/tenant project', undefined, room('lab1-room'))).text).toMatch(/^Project \*\*LAB1\*\* applies here: this channel is bound to it/);
  });

  it('each project has its own approvals channel, which wins over APPROVALS_CHANNEL', async () => {
    await twoLabs();
    const posted: PostTarget[] = [];
    bot.core.registerAdapter({ name: 'local', messenger: { post: async (target) => void posted.push(target) } });
    expect((await bot.say('ben', '/tenant project approvals LAB2', undefined, room('lab2-approvals'))).text).toBe(
      'This channel is now project **LAB2**’s approvals channel: its approval requests are posted here.\nProject: LAB2',
    );
    await bot.say('bob', '/quota request vcs cpu=16 more');
    await bot.say('alice', '/quota request vcs cpu=16 more');
    expect(posted.map((t) => (t.kind === 'approvals' ? (t.channel ?? 'default') : 'dm'))).toEqual(['lab2-approvals', 'default']);
    expect((await bot.say('bob', '/tenant project')).text).toContain('Project LAB2’s approvals channel on this platform: lab2-approvals.');
  });

  it('a click acts on its card’s project, wherever it is clicked', async () => {
    await twoLabs();
    await bot.say('carol', '/apikey create --project LAB2');
    const key = /(k-\w+)/.exec((await bot.say('carol', '/apikey list --project LAB2')).text)![1]!;
    await bot.say('carol', `/apikey delete ${key} --project LAB2`);
    const done = await bot.click('Delete', 'carol');
    expect(done.text).toContain('Project: LAB2');
    expect(done.text).toContain('Deleted');
    expect((await bot.say('carol', '/apikey list --project LAB2')).text).toContain('You have no API keys.');
  });

  it('the reminder sweep goes through every project; each reminder names its project, and its Extend acts there', async () => {
    const DAY = 24 * 60 * 60 * 1000;
    let clock = Date.parse('2026-12-01T09:00:00Z');
    bot = await TestBot.start({ projects: ['LAB1', 'LAB2'], admins: ['LAB1:local:ann', 'LAB2:local:ben'], now: () => clock });
    await bot.say('ann', '/tenant link @alice alice');
    await bot.say('ben', '/tenant link @bob bob');
    await bot.say('alice', '/apikey create');
    const bobsKey = /`(k-[0-9a-f]{6})`/.exec((await bot.say('bob', '/apikey create')).text)![1]!;
    const sweeper = bot.core.sweeper<{ sent: number; complete: boolean }>('reminder', { intervalMs: 60_000, takeoverMs: 5_000 });
    clock += (90 - 14) * DAY;
    expect(await sweeper.runOnce()).toMatchObject({ sent: 2, complete: true });
    await sweeper.stop();
    expect(bot.posts('dm', 'alice').map((s) => s.text.split('\n').slice(-2))).toEqual([['Project: LAB1', '[1] Extend 90 days  [2] Not now']]);
    expect(bot.posts('dm', 'bob').map((s) => s.text.split('\n').at(-2))).toEqual(['Project: LAB2']);
    const extended = await bot.click('Extend 90 days', 'bob');
    expect(extended.text).toContain(`Key \`${bobsKey}\` now expires`);
    expect(extended.text).toContain('Project: LAB2');
  });

  it('speaks zh-TW about projects to who chose it', async () => {
    await twoLabs();
    await bot.say('ann', '/tenant project bind LAB1', undefined, room('lab1-room'));
    expect((await bot.say('alice', '/tenant lang zh-TW')).text).toContain('繁體中文');
    expect((await bot.say('alice', '/tenant project', undefined, room('lab1-room'))).text).toMatch(
      /^這裡適用專案 \*\*LAB1\*\*：這個頻道綁定到它（由 local:ann 於 .+ 綁定）。\n專案：LAB1$/,
    );
    expect((await bot.say('alice', '/apikey list --project NOPE')).text).toBe('這個機器人沒有服務專案 `NOPE`；它服務的專案是 LAB1, LAB2。');
  });

  it('rate limits count per project: a member of both has each project’s allowance', async () => {
    bot = await TestBot.start({ projects: ['LAB1', 'LAB2'], admins: ['LAB1:local:ann', 'LAB2:local:ben'], rateLimits: { 'apikey.create': { max: 1, windowMs: 3_600_000 } } });
    await bot.say('ann', '/tenant link @carol carol');
    await bot.say('ben', '/tenant link @carol carol');
    expect((await bot.say('carol', '/apikey create --project LAB1')).text).toContain('New API key');
    expect((await bot.say('carol', '/apikey create --project LAB2')).text).toContain('New API key');
    expect((await bot.say('carol', '/apikey create --project LAB1')).text).toMatch(/^You can create at most 1 key an hour; try again in \d+ minutes\. Nothing was changed\.\nProject: LAB1$/);
  });

  it('ADMINS without a project are admins of every project', async () => {
    bot = await TestBot.start({ projects: ['LAB1', 'LAB2'], admins: ['local:root'] });
    expect((await bot.say('root', '/tenant whoami --project LAB2')).text).toContain('Role: admin');
    expect((await bot.say('root', '/tenant whoami --project LAB1')).text).toContain('Role: admin');
  });
});

describe('one project: as before', () => {
  it('offers no /tenant project, takes no --project, and names no project', async () => {
    bot = await TestBot.start();
    expect((await bot.say('admin', '/tenant help')).text).not.toContain('/tenant project');
    expect((await bot.say('admin', '/tenant project')).text).toMatch(/^`\/tenant project` is not a command\.\nUsage:/);
    // `--project` is no option here: it is read as any other word.
    expect((await bot.say('admin', '/apikey list --project LOCAL')).text).toMatch(/^`--project` is not a mention of a chat user/);
    const listed = await bot.say('admin', '/apikey list');
    expect(listed.text).not.toContain('Project:');
    expect(replyToPlainText(listed.reply!)).toBe(listed.text);
  });
});

describe('the configuration of several projects', () => {
  const projectsOf = (env: Record<string, string>) => {
    const parsed = parseConfig(env);
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.variable}: ${p.message}`).join('; '));
    return projectCodes(parsed.value);
  };

  it('reads TWCC_PROJECT as a list on TWCC, LOCAL_PROJECTS on the embedded registry, LOCAL otherwise', () => {
    expect(projectsOf({})).toEqual(['LOCAL']);
    expect(projectsOf({ TWCC_PROJECT: 'GOV108009' })).toEqual(['GOV108009']);
    expect(projectsOf({ LOCAL_PROJECTS: 'lab1, lab2' })).toEqual(['LAB1', 'LAB2']);
    expect(projectsOf({ BACKEND: 'twcc', TWCC_PROJECT: 'GOV108009,AI0912345', LOCAL_PROJECTS: 'LAB1,LAB2' })).toEqual(['GOV108009', 'AI0912345']);
  });

  it('refuses a list with a project twice or a word that is no code, naming the variable; takes ADMINS of one project', () => {
    expect(parseConfig({ LOCAL_PROJECTS: 'LAB1,lab1' })).toEqual({ ok: false, problems: [{ variable: 'LOCAL_PROJECTS', message: 'names a project twice; list each project once' }] });
    expect(parseConfig({ BACKEND: 'twcc', TWCC_PROJECT: 'GOV108009,AI 0912345' })).toMatchObject({
      ok: false,
      problems: [{ variable: 'TWCC_PROJECT', message: expect.stringContaining('"AI 0912345" is not a project code') }],
    });
    expect(parseConfig({ ADMINS: 'GOV108009:slack:U1,GOV108009:anna=slack:U2+discord:3,slack:U4' }).ok).toBe(true);
  });
});

describe('approval policies per project (APPROVAL_POLICY rules with project=CODE)', () => {
  it('a rule for LAB2 asks LAB2’s requests for two approvals; LAB1’s go by the next rule', async () => {
    const env = { LOCAL_PROJECTS: 'LAB1,LAB2', APPROVAL_POLICY: 'quota.increase project=lab2 approvals=2; quota approvals=1', APPROVAL_REASON: 'optional' };
    const approvals = loadConfig(env).parsed.approvals;
    bot = await TestBot.start({ projects: ['LAB1', 'LAB2'], admins: ['LAB1:local:ann', 'LAB2:local:ben', 'LAB2:local:carl', 'LAB2:local:dora'], approvals });
    await bot.say('ann', '/tenant link @alice alice');
    await bot.say('ben', '/tenant link @bob bob');

    await bot.say('bob', '/quota request vcs cpu=16');
    expect(bot.posts('approvals')[0]!.text).toContain('Needs 2 approvals: 0 of 2 so far.');
    expect((await bot.click('Approve', 'carl')).text).toContain('1 of 2 so far, by @carl');
    expect((await bot.click('Approve', 'dora')).text).toContain('Approved by @carl, @dora and applied.');

    await bot.say('alice', '/quota request vcs cpu=16');
    const lab1 = bot.posts('approvals').find((p) => p.text.includes('@alice asks'))!;
    expect(lab1.text).not.toContain('Needs 2 approvals');
    expect(lab1.text).toContain('Project: LAB1');
  });

  it('a rule naming a project the deployment does not serve stops the start, saying which', () => {
    expect(() => loadConfig({ LOCAL_PROJECTS: 'LAB1,LAB2', APPROVAL_POLICY: 'quota project=LAB3 approvals=2' })).toThrow(
      "project=LAB3 is not one of this deployment's projects (LAB1, LAB2)",
    );
  });
});
