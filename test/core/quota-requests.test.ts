import { afterEach, describe, expect, it } from 'vitest';
import { TestBot } from '../helpers/test-bot.js';

let bot: TestBot;
afterEach(() => bot.stop());

/** Two admins (admin, carol) and a member alice on the embedded registry. */
async function twoAdmins(now?: () => number): Promise<TestBot> {
  bot = await TestBot.start({ admins: ['local:admin', 'local:carol'], ...(now ? { now } : {}) });
  await bot.say('admin', '/tenant link @alice alice');
  await bot.say('carol', '/tenant whoami');
  return bot;
}

const requestId = (text: string) => /request `([\w-]+)`/.exec(text)![1]!;

describe('a quota ask must change something', () => {
  it('a set may lower a quota; the card shows it as a decrease, and approving applies it', async () => {
    await twoAdmins();
    await bot.say('admin', '/quota set @alice vcs gpu=0 cpu=8 memory=16G');
    const card = bot.posts('approvals')[0]!;
    // cpu is already 8: only what changes is asked for.
    expect(card.text).toContain('@admin asks to set @alice’s VCS quota: gpu 1 → 0 (decrease), memory 32G → 16G (decrease).');
    expect((await bot.click('Approve', 'carol')).text).toContain('Approved by @carol and applied.');
    expect((await bot.say('alice', '/quota show vcs')).text).toMatch(/alice\s+0 \/ 8\s+0 \/ 0\s+0M \/ 16G/);
  });

  it('an unlimited quota reads "unlimited" in the refusal and on the card, and a set from it is approved and applied', async () => {
    await twoAdmins();
    // A backend may report a quota as unlimited (negative), as TWCC does.
    await bot.store.collection('quotas').put('vcs:member:alice', { cpu: -1 });
    expect((await bot.say('alice', '/quota request vcs cpu=64')).text).toBe(
      '`/quota request` asks for more, but cpu unlimited → 64 is less. An admin can lower a quota with `/quota set`. Nothing was requested.',
    );
    expect((await bot.say('admin', '/quota set @alice vcs cpu=64')).text).toMatch(/^Asked the tenant admins/);
    expect(bot.posts('approvals')[0]!.text).toContain('@admin asks to set @alice’s VCS quota: cpu unlimited → 64 (decrease).');
    expect((await bot.click('Approve', 'carol')).text).toContain('Approved by @carol and applied.');
    expect((await bot.say('alice', '/quota show vcs')).text).toMatch(/alice\s+0 \/ 64\s/);
  });

  it('the same request twice is refused with a pointer to the first; a conflicting one too; another resource is not', async () => {
    await twoAdmins();
    const first = await bot.say('alice', '/quota request vcs gpu=4 new model');
    const id = requestId(first.text);
    expect((await bot.say('alice', '/quota request vcs gpu=4 really')).text).toBe(
      `You already asked for this: request \`${id}\`, made less than a minute ago, is still waiting. ` +
        `\`/quota pending\` shows it; \`/quota cancel ${id}\` withdraws it. Nothing new was requested.`,
    );
    // gpu 1 → 2 beside a waiting gpu 1 → 4: two cards that undo each other; refused, pointing at the first.
    expect((await bot.say('alice', '/quota request vcs gpu=2 fewer after all')).text).toBe(
      `You already asked for gpu 4 in request \`${id}\`, which is still waiting. Withdraw it first with \`/quota cancel ${id}\`, then ask again. Nothing new was requested.`,
    );
    expect((await bot.say('alice', '/quota request vcs cpu=16')).text).toMatch(/^Asked the tenant admins to approve VCS quota for @alice/);
    expect(bot.posts('approvals')).toHaveLength(2);
    const audit = (await bot.say('admin', '/tenant audit 50')).text;
    expect(audit.match(/quota\.requested/g)).toHaveLength(2);
  });

  it('the same request typed twice at once makes one request', async () => {
    await twoAdmins();
    const said = await Promise.all([bot.say('alice', '/quota request ccs cpu=12'), bot.say('alice', '/quota request ccs cpu=12')]);
    expect(said.filter((s) => s.text.startsWith('Asked the tenant admins'))).toHaveLength(1);
    expect(said.filter((s) => s.text.startsWith('You already asked for this'))).toHaveLength(1);
  });

  it('once decided, the same request may be asked again', async () => {
    await twoAdmins();
    await bot.say('alice', '/quota request vcs gpu=4');
    await bot.click('Reject', 'admin');
    expect((await bot.say('alice', '/quota request vcs gpu=4')).text).toMatch(/^Asked the tenant admins/);
  });
});

describe('when nobody else can approve', () => {
  it('a lone admin’s /quota set says at once that no other admin exists and how to add one; the click says it again', async () => {
    bot = await TestBot.start({ admins: ['local:admin'] });
    await bot.say('admin', '/tenant link @alice alice');
    const asked = await bot.say('admin', '/quota set @alice vcs gpu=2');
    expect(asked.text).toMatch(
      /^Asked the tenant admins to approve VCS quota for @alice \(request `[\w-]+`\)\. You will hear the decision privately\. No other tenant admin exists yet to approve it: an admin can make one with `\/tenant link @someone <member> admin`, or list them in ADMINS\.$/,
    );
    expect((await bot.click('Approve', 'admin')).text).toBe(
      'You asked for this change: another tenant admin has to approve or reject it. If there is none, an admin can make one with `/tenant link @someone <member> admin`, or list them in ADMINS.',
    );
    // Following the advice makes the request decidable.
    await bot.say('admin', '/tenant link @bob bob admin');
    expect((await bot.click('Approve', 'bob')).text).toContain('Approved by @bob and applied.');
  });

  it('a member’s request with an admin to decide it says nothing of the kind', async () => {
    bot = await TestBot.start({ admins: ['local:admin'] });
    await bot.say('admin', '/tenant link @alice alice');
    expect((await bot.say('alice', '/quota request vcs gpu=2')).text).not.toContain('No other tenant admin');
  });

  it('an admin listed in ADMINS who has not spoken yet counts as one', async () => {
    bot = await TestBot.start({ admins: ['local:admin', 'local:carol'] });
    await bot.say('admin', '/tenant link @alice alice');
    expect((await bot.say('admin', '/quota set @alice vcs gpu=2')).text).not.toContain('No other tenant admin');
  });
});

describe('/quota pending and /quota cancel', () => {
  it('an admin sees every waiting request with its age; a member sees their own', async () => {
    let now = Date.parse('2026-12-01T09:00:00Z');
    await twoAdmins(() => now);
    await bot.say('admin', '/tenant link @bob bob');
    const a = requestId((await bot.say('alice', '/quota request vcs gpu=4 new model')).text);
    now += 2 * 60 * 60 * 1000;
    const b = requestId((await bot.say('bob', '/quota request ccs cpu=12')).text);
    now += 5 * 60 * 1000;

    const all = (await bot.say('carol', '/quota pending')).text;
    expect(all).toContain('2 quota requests waiting for approval:');
    expect(all).toMatch(new RegExp(`${a}\\s+@alice\\s+VCS for @alice: gpu 1 → 4\\s+1 approval\\s+0 of 1\\s+2 h ago\\s+in 2 days`));
    expect(all).toMatch(new RegExp(`${b}\\s+@bob\\s+CCS for @bob: cpu 8 → 12\\s+1 approval\\s+0 of 1\\s+5 min ago\\s+in 2 days`));
    expect(all).toContain('Approve or reject each on its card in the approvals channel');

    const mine = (await bot.say('alice', '/quota pending')).text;
    expect(mine).toContain('1 quota request waiting for approval:');
    expect(mine).toContain(a);
    expect(mine).not.toContain(b);

    await bot.click('Approve', 'admin'); // the latest card: bob's
    expect((await bot.say('bob', '/quota pending')).text).toBe('You have no quota requests waiting for approval.');
    now += 70 * 60 * 60 * 1000; // alice's has expired (APPROVAL_TTL, 72 h)
    expect((await bot.say('admin', '/quota pending')).text).toBe('No quota requests are waiting for approval.');
  });

  it('the requester cancels; the card then says so, nobody else may cancel, and it is audited', async () => {
    await twoAdmins();
    const id = requestId((await bot.say('alice', '/quota request vcs gpu=4')).text);
    expect((await bot.say('admin', `/quota cancel ${id}`)).text).toBe(
      `Only @alice, who asked for request \`${id}\`, can cancel it; an admin may reject it on its card. Nothing was changed.`,
    );
    expect((await bot.say('alice', `/quota cancel ${id}`)).text).toBe(`Cancelled VCS quota request \`${id}\` (gpu 1 → 4).`);
    // The card is edited in place: its buttons are gone, and it says who cancelled it.
    const edited = bot.posts('edit').at(-1)!;
    expect(edited.text).toContain('Cancelled by @alice.');
    expect(edited.reply!.blocks.some((b) => b.type === 'buttons')).toBe(false);
    expect(bot.posts('approvals')).toHaveLength(1);
    expect((await bot.click('Approve', 'admin')).text).toBe('Cancelled by @alice. Nothing was changed.');
    expect((await bot.say('alice', '/quota show vcs')).text).toMatch(/alice\s+0 \/ 8\s+0 \/ 1/);
    expect((await bot.say('alice', `/quota cancel ${id}`)).text).toBe(`Request \`${id}\` is already cancelled; nothing was changed.`);
    expect((await bot.say('alice', '/quota pending')).text).toBe('You have no quota requests waiting for approval.');
    expect((await bot.say('admin', '/tenant audit 1')).text).toMatch(/local:alice\s+quota\.cancelled\s+alice\/vcs\s+cancelled/);
  });

  it('a click on a card its requester cancelled is answered in one language, the clicker’s, whatever the card’s', async () => {
    await twoAdmins();
    await bot.say('carol', '/tenant lang zh-TW');
    const id = /申請 `([\w-]+)`/.exec((await bot.say('alice', '/quota request vcs gpu=4', 'zh-TW')).text)![1]!;
    expect((await bot.say('alice', `/quota cancel ${id}`, 'zh-TW')).text).toMatch(/^已取消 /);
    // The card is alice's, in Chinese: its Approve button reads 核准.
    expect((await bot.click('核准', 'admin')).text).toBe('Cancelled by @alice. Nothing was changed.');
    expect((await bot.click('核准', 'carol')).text).toBe('已由 @alice 取消。沒有做任何變更。');
  });
});

describe('an approval applies what its card says, or says why not', () => {
  it('approving an older request for more, after an admin raised the quota past it, is refused in words and lowers nothing', async () => {
    await twoAdmins();
    // alice asks gpu 1 → 2; meanwhile the admin sets gpu 1 → 4, and carol approves that first.
    await bot.say('alice', '/quota request vcs gpu=2 a second card');
    await bot.say('admin', '/quota set @alice vcs gpu=4');
    const [older, newer] = bot.buttons('Approve');
    expect((await bot.clickId(newer!.id, 'carol')).text).toContain('Approved by @carol and applied.');
    const refused = await bot.clickId(older!.id, 'carol');
    expect(refused.text).toContain(
      'Approved by @carol, but not applied: gpu is now 4 (changed since this request was made), so 2 would lower it. Nothing was changed; ask again if more is still needed.',
    );
    expect((await bot.say('alice', '/quota show vcs')).text).toMatch(/alice\s+0 \/ \d+\s+0 \/ 4\s/);
    expect((await bot.say('admin', '/tenant audit 5')).text).toContain('no longer an increase');
  });

  it('the member hears privately when an admin changes their quota, a decrease included', async () => {
    await twoAdmins();
    await bot.say('admin', '/quota set @alice vcs gpu=0');
    await bot.click('Approve', 'carol');
    expect(bot.posts('dm', 'alice').map((s) => s.text)).toEqual(['Your VCS quota was changed by @carol: gpu 1 → 0 (decrease).']);
    expect((await bot.say('alice', '/quota show vcs')).text).toMatch(/alice\s+0 \/ \d+\s+0 \/ 0\s/);
  });
});
