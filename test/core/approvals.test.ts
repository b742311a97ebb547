import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Sweeper } from '../../src/core/sweeper.js';
import type { ApprovalSweepReport } from '../../src/features/approvals/sweep.js';
import { POSTGRES_URL, REDIS_URL, uniquePrefix } from '../helpers/store-urls.js';
import { TestBot } from '../helpers/test-bot.js';

const HOUR = 60 * 60 * 1000;
const START = Date.parse('2026-12-01T09:00:00Z');

let clock = START;
let bot: TestBot;
let sweeper: Sweeper<ApprovalSweepReport> | undefined;
const others: TestBot[] = [];
afterEach(async () => {
  await sweeper?.stop();
  sweeper = undefined;
  for (const o of others.splice(0)) await o.stop(true);
  await bot.stop();
});

/** The APPROVAL_* settings as src/config.ts reads them from these variables. */
const approvals = (env: Record<string, string>) => loadConfig(env).parsed.approvals;

const POLICY = 'quota.increase gpu>4 approvals=2; quota.increase approvals=1; quota.decrease approvals=1';

/** Admins admin, carol, dave (carol also on Slack: one person), a member alice; on an injected clock. */
async function start(env: Record<string, string> = {}, file?: string): Promise<TestBot> {
  clock = START;
  const b = await TestBot.start({
    admins: ['local:admin', 'carol=local:carol+slack:UCAROL', 'local:dave'],
    now: () => clock,
    approvals: approvals({ APPROVAL_POLICY: POLICY, ...env }),
    ...(file ? { file } : {}),
  });
  if (!file) {
    await b.say('admin', '/tenant link @alice alice');
    await b.say('carol', '/tenant whoami');
    await b.say('dave', '/tenant whoami');
  }
  return b;
}

const requestId = (text: string) => /request `([\w-]+)`/.exec(text)![1]!;
const sweep = async () => (await sweeper!.runOnce())!;
const auditOf = async () => (await bot.say('admin', '/tenant audit 50')).text;

describe('APPROVAL_POLICY: how many approve, and who', () => {
  it('gpu>4 needs two distinct approvers; the card shows each approval as it comes; one person on two platforms counts once', async () => {
    bot = await start();
    const asked = await bot.say('alice', '/quota request vcs gpu=8 training the new model');
    expect(asked.text).toContain('It needs 2 approvals.');
    expect(bot.posts('approvals')[0]!.text).toContain('Needs 2 approvals: 0 of 2 so far.');

    const first = await bot.click('Approve', 'carol');
    expect(first.reply?.replaceOriginal).toBe(true);
    expect(first.text).toContain('Needs 2 approvals: 1 of 2 so far, by @carol.');
    expect(first.reply?.blocks.some((b) => b.type === 'buttons')).toBe(true);
    // Nothing applied yet.
    expect((await bot.say('alice', '/quota show vcs')).text).toMatch(/alice\s+\S+ \/ \S+\s+0 \/ 1\s/);

    // Carol again, now from Slack: the same member, so the same vote.
    const approve = bot.button('Approve').id;
    const again = await bot.core.handle({ kind: 'click', user: { platform: 'slack', workspace: 'T1', userId: 'UCAROL', name: 'carol' }, where: { workspace: 'T1', channelId: 'C1' }, actionId: approve });
    expect(again.kind === 'reply' && again.reply.blocks).toEqual([{ type: 'text', text: 'You have already approved this request; it needs another approver. Nothing was changed.' }]);

    // The requester never counts.
    expect((await bot.click('Approve', 'alice')).text).toBe('Only a tenant admin can approve or reject quota changes.');

    const second = await bot.click('Approve', 'dave');
    expect(second.text).toContain('Needs 2 approvals: 2 of 2 so far, by @carol, @dave.');
    expect(second.text).toContain('Approved by @carol, @dave and applied.');
    expect((await bot.say('alice', '/quota show vcs')).text).toMatch(/alice\s+\S+ \/ \S+\s+0 \/ 8\s/);
    expect(bot.posts('dm', 'alice').at(-1)!.text).toContain('Approved by @carol, @dave and applied.');
    const audit = await auditOf();
    expect(audit.match(/quota\.approval\b/g)).toHaveLength(1);
    expect(audit).toContain('quota.approved');
  });

  it('two approvers at once: while one approval is being recorded, the other is told to click again, and then counts', async () => {
    bot = await start();
    const id = requestId((await bot.say('alice', '/quota request vcs gpu=8 big run')).text);
    // carol's approval is being recorded (its decision claim held, as on another replica).
    const held = await bot.store.claim(`decide:${id}`, 30_000);
    expect(held).toBeDefined();
    expect((await bot.click('Approve', 'dave')).text).toBe(
      'Another approval of this request is being recorded right now; nothing was changed. Click again in a moment.',
    );
    await held!.release();
    expect((await bot.click('Approve', 'dave')).text).toContain('1 of 2 so far, by @dave');
  });

  it('an admin asking counts for nothing: two others must approve', async () => {
    bot = await start();
    await bot.say('carol', '/quota set @alice vcs gpu=6 more');
    expect((await bot.click('Approve', 'carol')).text).toContain('another tenant admin has to approve');
    expect((await bot.click('Approve', 'dave')).text).toContain('1 of 2 so far, by @dave');
    expect((await bot.click('Approve', 'admin')).text).toContain('Approved by @dave, @admin and applied.');
  });

  it('the first rule that matches wins: gpu=2 needs one approval, and the card shows the rule it is under', async () => {
    bot = await start();
    await bot.say('alice', '/quota request vcs gpu=2 a little more');
    expect(bot.posts('approvals')[0]!.text).toContain('Needs 1 approval: 0 of 1 so far.');
    expect((await bot.click('Approve', 'dave')).text).toContain('Approved by @dave and applied.');
  });

  it('a rejection by any approver ends it, even after one approval', async () => {
    bot = await start();
    await bot.say('alice', '/quota request vcs gpu=8 big run');
    await bot.click('Approve', 'carol');
    const rejected = await bot.click('Reject', 'dave');
    expect(rejected.text).toContain('Rejected by @dave.');
    expect(rejected.reply?.blocks.some((b) => b.type === 'buttons')).toBe(false);
    expect((await bot.click('Approve', 'admin')).text).toBe('This has already been handled.');
    expect((await bot.say('alice', '/quota show vcs')).text).toMatch(/alice\s+\S+ \/ \S+\s+0 \/ 1\s/);
  });

  it('approvers=@group: only its members decide, admins or not in it', async () => {
    bot = await start({ APPROVAL_POLICY: 'quota.increase gpu>4 approvals=1 approvers=@gpu-owners; quota approvals=1', APPROVER_GROUPS: 'gpu-owners=dave+erin' });
    await bot.say('alice', '/quota request vcs gpu=8 big run');
    expect(bot.posts('approvals')[0]!.text).toContain('Needs 1 approval from @gpu-owners: 0 of 1 so far.');
    expect((await bot.click('Approve', 'carol')).text).toBe('Only a member of @gpu-owners can approve or reject this request.');
    expect((await bot.click('Reject', 'carol')).text).toBe('Only a member of @gpu-owners can approve or reject this request.');
    expect((await bot.click('Approve', 'dave')).text).toContain('Approved by @dave and applied.');
  });

  it('/quota pending shows each request’s policy, the approvals so far, its age and when it expires', async () => {
    bot = await start();
    await bot.say('alice', '/quota request vcs gpu=8 big run');
    await bot.click('Approve', 'carol');
    clock += 2 * HOUR;
    const pending = (await bot.say('dave', '/quota pending')).text;
    expect(pending).toMatch(/needs\s+approved\s+asked\s+expires/);
    expect(pending).toMatch(/VCS for @alice: gpu 1 → 8\s+2 approvals\s+1 of 2: @carol\s+2 h ago\s+in 2 days/);
  });
});

describe('APPROVAL_REASON', () => {
  it('required (the default of the process): a request without a reason is refused in words, with an example', async () => {
    bot = await start({ APPROVAL_REASON: 'required' });
    expect((await bot.say('alice', '/quota request vcs gpu=4')).text).toBe(
      'Say why you need it, after the values: e.g. `/quota request vcs gpu=4 training a larger model`. Nothing was requested.',
    );
    expect(bot.posts('approvals')).toHaveLength(0);
    expect((await bot.say('alice', '/quota request vcs gpu=4 training')).text).toMatch(/^Asked the tenant admins/);
    // An admin's /quota set may still go without one.
    expect((await bot.say('carol', '/quota set @alice ccs cpu=12')).text).toMatch(/^Asked the tenant admins/);
  });

  it('refused in the member’s language', async () => {
    bot = await start({ APPROVAL_REASON: 'required' });
    expect((await bot.say('alice', '/quota request vcs gpu=4', 'zh-TW')).text).toBe('請在數值後面說明為什麼需要，例如 `/quota request vcs gpu=4 訓練更大的模型`。沒有提出申請。');
  });
});

describe('APPROVAL_TTL, APPROVAL_REMIND_AFTER, APPROVAL_ESCALATE_AFTER', () => {
  it('a request nobody decided expires: its card is edited in place, the requester is told privately, and it is audited', async () => {
    bot = await start({ APPROVAL_TTL: '10m', APPROVAL_REMIND_AFTER: 'off' });
    sweeper = bot.core.sweeper<ApprovalSweepReport>('approval', { takeoverMs: 5_000 });
    const id = requestId((await bot.say('alice', '/quota request vcs gpu=8 big run')).text);
    clock += 9 * 60 * 1000;
    expect(await sweep()).toMatchObject({ expired: 0, reminded: 0 });
    clock += 60 * 1000;
    expect(await sweep()).toMatchObject({ expired: 1, complete: true });

    const edit = bot.posts('edit')[0]!;
    expect(edit.to).toBe(`#approvals/${bot.transcript.indexOf(bot.posts('approvals')[0]!) + 1}`);
    expect(edit.text).toContain(`\`${id}\``);
    expect(edit.text).toContain('Expired before anyone decided; nothing was changed.');
    expect(edit.reply?.blocks.some((b) => b.type === 'buttons')).toBe(false);
    expect(bot.posts('dm', 'alice').map((d) => d.text)).toEqual([
      `Your VCS quota request \`${id}\` (gpu 1 → 8): Expired before anyone decided; nothing was changed.`,
    ]);
    expect(await auditOf()).toMatch(/quota\.expired/);
    // Once: a second sweep finds nothing; a late click learns it.
    expect(await sweep()).toMatchObject({ expired: 0 });
    expect(bot.posts('edit')).toHaveLength(1);
    expect((await bot.click('Approve', 'carol')).text).toBe('This has already been handled.');
    expect((await bot.say('carol', '/quota pending')).text).toBe('No quota requests are waiting for approval.');
  });

  it('the requester hears of the expiry in their own language', async () => {
    bot = await start({ APPROVAL_TTL: '5s', APPROVAL_REMIND_AFTER: 'off' });
    sweeper = bot.core.sweeper<ApprovalSweepReport>('approval', { takeoverMs: 5_000 });
    await bot.say('alice', '/tenant lang zh-TW');
    const id = requestId((await bot.say('alice', '/quota request vcs gpu=8 訓練')).text.replace(/申請 `/, 'request `'));
    clock += 5_000;
    expect(await sweep()).toMatchObject({ expired: 1 });
    expect(bot.posts('dm', 'alice').at(-1)!.text).toBe(`你的 VCS 配額申請 \`${id}\`（gpu 1 → 8）：在有人決定之前就已過期，沒有做任何變更。`);
  });

  it('a waiting request is brought up again under its card, naming who may approve, once per period', async () => {
    bot = await start({ APPROVAL_REMIND_AFTER: '1h' });
    sweeper = bot.core.sweeper<ApprovalSweepReport>('approval', { takeoverMs: 5_000 });
    await bot.say('alice', '/quota request vcs gpu=8 big run');
    await bot.click('Approve', 'carol');
    const card = bot.posts('approvals')[0]!;
    clock += HOUR;
    expect(await sweep()).toMatchObject({ reminded: 1 });
    const [reminder] = bot.posts('thread');
    expect(reminder!.to).toBe(`#approvals/${bot.transcript.indexOf(card) + 1}`);
    expect(reminder!.text).toMatch(/^Still waiting for a decision after 1 h: VCS quota request `[\w-]+` \(gpu 1 → 8\)\. @admin, @dave may approve or reject it; it expires /);
    expect(await sweep()).toMatchObject({ reminded: 0 });
    clock += HOUR;
    expect(await sweep()).toMatchObject({ reminded: 1 });
    expect(bot.posts('thread')).toHaveLength(2);
    expect((await auditOf()).match(/quota\.reminded/g)).toHaveLength(2);
    // Decided: no more reminders.
    await bot.click('Approve', 'dave');
    clock += HOUR;
    expect(await sweep()).toMatchObject({ reminded: 0, expired: 0 });
  });

  it('a group’s request reminds the group’s members by name', async () => {
    bot = await start({ APPROVAL_POLICY: 'quota approvals=1 approvers=@gpu-owners', APPROVER_GROUPS: 'gpu-owners=dave+local:erin', APPROVAL_REMIND_AFTER: '30m' });
    sweeper = bot.core.sweeper<ApprovalSweepReport>('approval', { takeoverMs: 5_000 });
    await bot.say('alice', '/quota request vcs gpu=2 please');
    clock += 30 * 60 * 1000;
    await sweep();
    expect(bot.posts('thread')[0]!.text).toContain('@dave, @erin (@gpu-owners) may approve or reject it');
  });

  it('a request still waiting is escalated, once; a decision on the escalated card decides both', async () => {
    bot = await start({ APPROVAL_ESCALATE_AFTER: '4h', ESCALATION_CHANNEL: 'CESC', APPROVAL_REMIND_AFTER: 'off' });
    sweeper = bot.core.sweeper<ApprovalSweepReport>('approval', { takeoverMs: 5_000 });
    const id = requestId((await bot.say('alice', '/quota request vcs gpu=2 please')).text);
    clock += 4 * HOUR;
    expect(await sweep()).toMatchObject({ escalated: 1 });
    expect(await sweep()).toMatchObject({ escalated: 0 });
    const [escalated] = bot.posts('escalation');
    expect(escalated!.text).toContain('this request has waited 4 h with no decision.');
    expect(escalated!.text).toContain(`\`${id}\``);
    expect(escalated!.reply?.blocks.some((b) => b.type === 'buttons')).toBe(true);
    expect(await auditOf()).toContain('quota.escalated');

    // The escalated card's own button: the approvals channel's card is edited to the same outcome.
    const approveHere = bot.buttons('Approve').at(-1)!.id;
    const decided = await bot.clickId(approveHere, 'dave');
    expect(decided.text).toContain('Approved by @dave and applied.');
    // The escalated card is edited by the click's own answer; the other one, in place.
    expect(decided.reply?.replaceOriginal).toBe(true);
    const edits = bot.posts('edit');
    expect(edits.map((e) => e.to)).toEqual([`#approvals/${bot.transcript.indexOf(bot.posts('approvals')[0]!) + 1}`]);
    expect(edits[0]!.text).toContain('Approved by @dave and applied.');
    expect((await bot.clickId(bot.buttons('Approve')[0]!.id, 'carol')).text).toBe('This has already been handled.');
  });

  it('timers survive a restart: a request made before it expires after it', async () => {
    bot = await start({ APPROVAL_TTL: '1h', APPROVAL_REMIND_AFTER: 'off' });
    const id = requestId((await bot.say('alice', '/quota request vcs gpu=8 big run')).text);
    const file = bot.file;
    await bot.stop(true);
    bot = await start({ APPROVAL_TTL: '1h', APPROVAL_REMIND_AFTER: 'off' }, file);
    sweeper = bot.core.sweeper<ApprovalSweepReport>('approval', { takeoverMs: 5_000 });
    clock += HOUR;
    expect(await sweep()).toMatchObject({ expired: 1 });
    expect(bot.posts('dm', 'alice')[0]!.text).toContain(`\`${id}\``);
  });

  it.each([
    ['Redis', REDIS_URL],
    ['PostgreSQL', POSTGRES_URL],
  ])('on %s, two replicas remind once per period and expire once, whichever sweeps', async (_name, url) => {
    const prefix = uniquePrefix('approvals');
    const env = { APPROVAL_POLICY: POLICY, APPROVAL_TTL: '2h', APPROVAL_REMIND_AFTER: '1h' };
    clock = START;
    const replica = () => TestBot.start({ storeUrl: url, prefix, admins: ['local:admin', 'local:carol'], now: () => clock, approvals: approvals(env) });
    // One after the other: two stores opened at once on a new PostgreSQL prefix race to create its tables.
    const replicas = [await replica(), await replica()];
    bot = replicas[0]!;
    others.push(replicas[1]!);
    await bot.say('admin', '/tenant link @alice alice');
    await bot.say('admin', '/tenant link @bob bob');
    await bot.say('alice', '/quota request vcs gpu=8 big run');
    await replicas[1]!.say('bob', '/quota request vcs cpu=12 and this');
    const sweepers = replicas.map((r) => r.core.sweeper<ApprovalSweepReport>('approval', { takeoverMs: 5_000 }));
    try {
      const total = (reports: (ApprovalSweepReport | undefined)[], k: 'reminded' | 'expired') => reports.reduce((n, r) => n + (r?.[k] ?? 0), 0);
      clock += HOUR;
      expect(total(await Promise.all(sweepers.map((s) => s.runOnce())), 'reminded')).toBe(2);
      expect(total(await Promise.all(sweepers.map((s) => s.runOnce())), 'reminded')).toBe(0);
      clock += HOUR;
      expect(total(await Promise.all(sweepers.map((s) => s.runOnce())), 'expired')).toBe(2);
      expect(total(await Promise.all(sweepers.map((s) => s.runOnce())), 'expired')).toBe(0);
      const all = (where: 'thread' | 'dm' | 'edit') => replicas.flatMap((r) => r.posts(where));
      expect(all('thread')).toHaveLength(2);
      expect(all('edit')).toHaveLength(2);
      expect(all('dm').map((d) => d.to).sort()).toEqual(['alice', 'bob']);
    } finally {
      for (const s of sweepers) await s.stop();
    }
  });

  it('two replicas sweeping at once expire a request once and tell its requester once', async () => {
    bot = await start({ APPROVAL_TTL: '1h', APPROVAL_REMIND_AFTER: 'off' });
    const other = await start({ APPROVAL_TTL: '1h', APPROVAL_REMIND_AFTER: 'off' }, bot.file);
    others.push(other);
    await bot.say('alice', '/quota request vcs gpu=8 big run');
    await bot.say('alice', '/quota request ccs cpu=12 and this');
    sweeper = bot.core.sweeper<ApprovalSweepReport>('approval', { takeoverMs: 5_000 });
    const otherSweeper = other.core.sweeper<ApprovalSweepReport>('approval', { takeoverMs: 5_000 });
    try {
      clock += HOUR;
      const reports = await Promise.all([sweeper.runOnce(), otherSweeper.runOnce()]);
      // One replica holds the lease; the other does nothing.
      expect(reports.filter(Boolean)).toHaveLength(1);
      expect(reports.reduce((n, r) => n + (r?.expired ?? 0), 0)).toBe(2);
      expect([...bot.posts('dm', 'alice'), ...other.posts('dm', 'alice')]).toHaveLength(2);
    } finally {
      await otherSweeper.stop();
    }
  });
});
