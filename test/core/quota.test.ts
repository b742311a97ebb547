import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestBot } from '../helpers/test-bot.js';

let bot: TestBot;
beforeEach(async () => {
  bot = await TestBot.start({ admins: ['local:admin', 'local:carol'] });
  await bot.say('admin', '/tenant link @alice alice');
  await bot.say('admin', '/tenant link @bob bob');
});
afterEach(() => bot.stop());

describe('/quota show', () => {
  it('an admin sees every member', async () => {
    const said = await bot.say('admin', '/quota show vcs');
    expect(said.text).toContain('**VCS** project: cpu 0 / 256, gpu 0 / 32, memory 0M / 1024G (usage / quota)');
    expect(said.text).toMatch(/alice\s+0 \/ 8\s+0 \/ 1\s+0M \/ 32G/);
    expect(said.text).toMatch(/bob\s+0 \/ 8/);
  });

  it('a user sees the project totals and only their own row', async () => {
    const said = await bot.say('alice', '/quota show');
    expect(said.text).toContain('**CCS** project');
    expect(said.text).toContain('**VCS** project');
    expect(said.text).toMatch(/alice\s+0 \/ 8/);
    expect(said.text).not.toMatch(/\bbob\b/);
  });

  it('a user may not look at another member', async () => {
    expect((await bot.say('alice', '/quota show vcs @bob')).text).toBe('Only a tenant admin may see another member’s quota.');
  });
});

describe('/quota set goes through a second admin', () => {
  it('posts to the approvals channel; the requester cannot approve; another admin applies it', async () => {
    const asked = await bot.say('admin', '/quota set @alice vcs cpu=16 gpu=2 memory=64G more training');
    expect(asked.text).toMatch(/^Asked the tenant admins to approve VCS quota for @alice \(request `[\w-]+`\)\. You will hear the decision privately\.$/);
    const [card] = bot.posts('approvals');
    expect(card?.text).toContain('@admin asks to set @alice’s VCS quota: cpu 8 → 16, gpu 1 → 2, memory 32G → 64G.');
    expect(card?.text).toContain('Reason: more training');
    expect(card?.text).toContain('[1] Approve  [2] Reject');
    expect(card?.reply?.visibility).toBe('channel');

    expect((await bot.click('Approve', 'admin')).text).toBe(
      'You asked for this change: another tenant admin has to approve or reject it. ' +
        'If there is none, an admin can make one with `/tenant link @someone <member> admin`, or list them in ADMINS.',
    );
    expect((await bot.click('Approve', 'alice')).text).toBe('Only a tenant admin can approve or reject quota changes.');
    expect((await bot.say('admin', '/quota show vcs @alice')).text).toMatch(/alice\s+0 \/ 8\s+0 \/ 1\s+0M \/ 32G/);

    const decided = await bot.click('Approve', 'carol');
    expect(decided.reply?.replaceOriginal).toBe(true);
    expect(decided.text).toContain('Approved by @carol and applied.');
    expect(decided.reply?.blocks.some((b) => b.type === 'buttons')).toBe(false);
    expect((await bot.say('admin', '/quota show vcs @alice')).text).toMatch(/alice\s+0 \/ 16\s+0 \/ 2\s+0M \/ 64G/);
    const [dm] = bot.posts('dm', 'admin');
    expect(dm?.text).toMatch(/Your VCS quota request `[\w-]+` \(cpu 8 → 16, gpu 1 → 2, memory 32G → 64G\): Approved by @carol and applied\./);
    expect(dm?.reply?.visibility).toBe('dm');
  });

  it('a reject changes nothing and tells the requester', async () => {
    await bot.say('alice', '/quota request ccs gpu=4 new model');
    const card = bot.posts('approvals')[0]!;
    expect(card.text).toContain('@alice asks for more CCS quota: gpu 1 → 4.');
    const decided = await bot.click('Reject', 'admin');
    expect(decided.text).toContain('Rejected by @admin.');
    expect((await bot.say('alice', '/quota show ccs')).text).toMatch(/alice\s+0 \/ 8\s+0 \/ 1/);
    expect(bot.posts('dm', 'alice')[0]?.text).toContain('Rejected by @admin.');
  });

  it('two admins approving at once apply it once', async () => {
    await bot.say('alice', '/quota request vcs cpu=12');
    const results = await Promise.all([bot.click('Approve', 'admin'), bot.click('Approve', 'carol'), bot.click('Approve', 'admin')]);
    expect(results.filter((r) => r.text.includes('and applied.'))).toHaveLength(1);
    expect(results.filter((r) => r.text === 'This has already been handled.')).toHaveLength(2);
    const audit = (await bot.say('admin', '/tenant audit 50')).text;
    expect(audit.match(/quota\.applied/g)).toHaveLength(1);
  });

  it('a request past its APPROVAL_TTL (72 hours by default) expires', async () => {
    let now = Date.parse('2026-11-29T00:00:00Z');
    const timed = await TestBot.start({ now: () => now });
    await timed.say('admin', '/tenant link @alice alice');
    await timed.say('alice', '/quota request vcs cpu=12');
    now += 72 * 60 * 60 * 1000;
    expect((await timed.click('Approve', 'admin')).text).toContain('Expired before anyone decided; nothing was changed.');
    expect((await timed.say('alice', '/quota show vcs')).text).toMatch(/alice\s+0 \/ 8/);
    await timed.stop();
  });

  it('a request larger than the project is refused up front', async () => {
    expect((await bot.say('alice', '/quota request vcs gpu=999')).text).toBe('That is more than the whole project has. (gpu) Nothing was requested.');
    expect(bot.posts('approvals')).toHaveLength(0);
  });

  it('says so when the approvals channel cannot be reached', async () => {
    bot.core.registerAdapter({
      name: 'local',
      messenger: {
        post: async () => {
          throw new Error('not_in_channel');
        },
      },
    });
    const said = await bot.say('alice', '/quota request vcs gpu=2');
    expect(said.text).toMatch(/^Request `[\w-]+` is saved, but the bot could not post it to the approvals channel \(is the bot invited there\?\)\./);
  });
});
