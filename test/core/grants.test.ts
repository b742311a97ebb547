import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backends/port.js';
import { LocalRegistry } from '../../src/backends/local/registry.js';
import type { Sweeper } from '../../src/core/sweeper.js';
import { fail } from '../../src/result.js';
import type { Store } from '../../src/store/port.js';
import type { GrantSweepReport } from '../../src/features/grants/sweep.js';
import type { ApprovalSweepReport } from '../../src/features/approvals/sweep.js';
import { parseApprovalPolicy } from '../../src/features/approvals/policy.js';
import { DEFAULT_APPROVALS, type ApprovalSettings } from '../../src/features/approvals/settings.js';
import { TestBot } from '../helpers/test-bot.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-12-01T09:00:00Z');

let clock: number;
let bot: TestBot;
let sweeper: Sweeper<GrantSweepReport>;
afterEach(async () => {
  await sweeper.stop();
  await bot.stop();
});

/** Two admins (admin, carol) and a member alice (vcs: cpu 8, gpu 1, memory 32G) on the embedded registry. */
async function start(opts: { breakGlass?: string[]; backend?: (store: Store) => Backend; approvals?: ApprovalSettings } = {}): Promise<void> {
  clock = START;
  bot = await TestBot.start({
    admins: ['local:admin', 'local:carol'],
    now: () => clock,
    ...(opts.backend ? { backend: opts.backend } : {}),
    ...(opts.approvals ? { approvals: opts.approvals } : {}),
    ...(opts.breakGlass ? { breakGlass: { members: opts.breakGlass, reviewMs: 4 * HOUR } } : {}),
  });
  sweeper = bot.core.sweeper<GrantSweepReport>('grant', { intervalMs: 60_000, takeoverMs: 5_000 });
  await bot.say('admin', '/tenant link @alice alice');
  await bot.say('carol', '/tenant whoami');
}

/** Moves the clock to `at` and runs one sweep. */
async function sweepAt(at: number): Promise<GrantSweepReport> {
  clock = at;
  const report = await sweeper.runOnce();
  expect(report?.complete).toBe(true);
  return report!;
}

/** Moves the clock to `at` and runs the approval sweep once (expiry, reminders, escalation). */
async function approvalSweepAt(at: number): Promise<ApprovalSweepReport> {
  clock = at;
  const approvals = bot.core.sweeper<ApprovalSweepReport>('approval', { takeoverMs: 5_000 });
  try {
    return (await approvals.runOnce())!;
  } finally {
    await approvals.stop();
  }
}

const aliceVcs = async () => /alice\s+(\S+ \/ \S+)\s+(\S+ \/ \S+)\s+(\S+ \/ \S+)/.exec((await bot.say('alice', '/quota show vcs')).text)!.slice(1).map((c) => c.split(' / ')[1]);
const audit = async () => (await bot.say('admin', '/tenant audit 50')).text;

describe('time-bound grants', () => {
  it('a request for 48h: the card says so; approved, applied; an hour before the end a DM with two buttons; at the end the previous value comes back', async () => {
    await start();
    const asked = await bot.say('alice', '/quota request vcs gpu=8 for 48h training run');
    expect(asked.text).toMatch(/^Asked the tenant admins to approve VCS quota for @alice/);
    const card = bot.posts('approvals')[0]!.text;
    expect(card).toContain('gpu 1 → 8');
    expect(card).toContain('Reason: training run');
    expect(card).toContain('For 48h: the previous values come back when it ends.');
    expect((await bot.click('Approve', 'carol')).text).toContain('Approved by @carol and applied.');
    expect(await aliceVcs()).toEqual(['8', '8', '32G']);
    expect(await audit()).toMatch(/grant\.started/);

    // Nothing before the DM's time (an hour before the end of 48 hours: a tenth would be 4.8 hours).
    expect((await sweepAt(START + 46 * HOUR)).warned).toBe(0);
    expect((await sweepAt(START + 47 * HOUR)).warned).toBe(1);
    const dm = bot.posts('dm', 'alice').at(-1)!.text;
    expect(dm).toBe(
      'Your VCS grant (gpu 8) ends 2026-12-03 09:00 UTC; then the previous values come back. **Ask to extend** asks the tenant admins for another 48h; **Return now** gives it back now.\n' +
        '[1] Ask to extend  [2] Return now',
    );
    // Once only.
    expect((await sweepAt(START + 47 * HOUR + 60_000)).warned).toBe(0);

    const report = await sweepAt(START + 48 * HOUR);
    expect(report.reverted).toBe(1);
    expect(await aliceVcs()).toEqual(['8', '1', '32G']);
    expect(bot.posts('dm', 'alice').at(-1)!.text).toBe('Your VCS grant `' + /request `([\w-]+)`/.exec(asked.text)![1] + '` ended (its time is up): restored gpu 1.');
    expect(bot.posts('approvals').at(-1)!.text).toMatch(/^VCS grant `[\w-]+` for @alice ended \(its time is up\): restored gpu 1\.$/);
    expect(await audit()).toMatch(/quota\.reverted/);
    // Reverted once: nothing more to do.
    expect((await sweepAt(START + 49 * HOUR)).reverted).toBe(0);
  });
});

const idIn = (text: string) => /request `([\w-]+)`/.exec(text)![1]!;

/** The embedded registry, whose next `failing` quota writes answer that the backend is unavailable. */
function flakyWrites(failing: { n: number }) {
  return (store: Store): Backend => {
    const real = new LocalRegistry(store, 'LOCAL', () => clock);
    const flaky = Object.create(real) as LocalRegistry;
    flaky.setQuota = async (...args) => (failing.n-- > 0 ? fail('backend_unavailable', 'TWCC did not answer') : real.setQuota(...args));
    return flaky;
  };
}

describe('the end of a grant', () => {
  it('Return now gives it back at once; the DM card is replaced by what was restored; the sweep has nothing left to do', async () => {
    await start();
    const id = idIn((await bot.say('alice', '/quota request vcs gpu=4 cpu=16 for 10h')).text);
    await bot.click('Approve', 'admin');
    // A tenth of 10 hours (an hour would be longer): the DM comes 9 hours in.
    expect((await sweepAt(START + 9 * HOUR - 60_000)).warned).toBe(0);
    expect((await sweepAt(START + 9 * HOUR)).warned).toBe(1);
    // Only alice may click her card.
    expect((await bot.click('Return now', 'admin')).text).toMatch(/Only .* can/);
    const back = await bot.click('Return now', 'alice');
    expect(back.text).toBe(`Your VCS grant \`${id}\` ended (given back): restored cpu 8, gpu 1.`);
    expect(back.reply).toMatchObject({ replaceOriginal: true });
    expect(await aliceVcs()).toEqual(['8', '1', '32G']);
    // Ask to extend on the same card once it was given back: nothing to extend.
    expect((await bot.click('Ask to extend', 'alice')).text).toBe(`Grant \`${id}\` has already ended; nothing was changed.`);
    expect((await sweepAt(START + 10 * HOUR)).reverted).toBe(0);
    expect(await audit()).toMatch(/quota\.reverted[^\n]*ok/);
  });

  it('Ask to extend makes a new request for the same values; approved, the grant ends that much later', async () => {
    await start();
    const id = idIn((await bot.say('alice', '/quota request vcs gpu=8 for 48h')).text);
    await bot.click('Approve', 'carol');
    await sweepAt(START + 47 * HOUR);
    const asked = await bot.click('Ask to extend', 'alice');
    expect(asked.text).toMatch(new RegExp(`^Asked the tenant admins to keep grant \`${id}\` for another 48h \\(request \`[\\w-]+\`\\)`));
    const card = bot.posts('approvals').at(-1)!.text;
    expect(card).toContain('@alice asks for more VCS quota: gpu 1 → 8.');
    expect(card).toContain(`Asks to keep grant \`${id}\` for another 48h.`);
    expect((await bot.click('Approve', 'admin')).text).toContain('Approved by @admin and applied.');
    // The first end passes: still granted.
    expect((await sweepAt(START + 48 * HOUR)).reverted).toBe(0);
    expect(await aliceVcs()).toEqual(['8', '8', '32G']);
    // A DM again an hour before the new end, then the revert.
    expect((await sweepAt(START + 95 * HOUR)).warned).toBe(1);
    expect((await sweepAt(START + 96 * HOUR)).reverted).toBe(1);
    expect(await aliceVcs()).toEqual(['8', '1', '32G']);
    expect(await audit()).toMatch(/grant\.extended/);
  });

  it('Ask to extend is under APPROVAL_POLICY and APPROVAL_TTL like any request: its card shows the policy, and expired, it is edited in place', async () => {
    const rules = parseApprovalPolicy('quota.request gpu>4 approvals=2');
    if (!rules.ok) throw new Error(rules.problems.join('; '));
    await start({ approvals: { ...DEFAULT_APPROVALS, rules: rules.value, ttlMs: 2 * HOUR, remindAfterMs: undefined } });
    const id = idIn((await bot.say('alice', '/quota request vcs gpu=8 for 48h training')).text);
    await bot.click('Approve', 'carol');
    expect((await bot.click('Approve', 'admin')).text).toContain('Approved by @carol, @admin and applied.');
    await sweepAt(START + 47 * HOUR);
    const extension = /\(request `([\w-]+)`\)/.exec((await bot.click('Ask to extend', 'alice')).text)![1]!;
    const card = bot.posts('approvals').at(-1)!;
    expect(card.text).toContain(`Asks to keep grant \`${id}\` for another 48h.`);
    expect(card.text).toContain('Needs 2 approvals: 0 of 2 so far.');
    expect((await bot.say('admin', '/quota pending')).text).toMatch(new RegExp(`${extension} .*2 approvals +0 of 2 .* in 2 h`));
    // Nobody decides within APPROVAL_TTL: the approval sweep edits that card in place.
    expect(await approvalSweepAt(START + 49 * HOUR)).toMatchObject({ expired: 1 });
    const edit = bot.posts('edit').at(-1)!;
    expect(edit.to).toBe(`#approvals/${bot.transcript.indexOf(card) + 1}`);
    expect(edit.text).toContain(`Asks to keep grant \`${id}\` for another 48h.`);
    expect(edit.text).toContain('Expired before anyone decided; nothing was changed.');
    // The grant itself was not extended: it has ended, at the next grant sweep.
    expect((await sweepAt(START + 49 * HOUR)).reverted).toBe(1);
  });

  it('what an admin changed in between is left alone, and the member is told so', async () => {
    await start();
    const id = idIn((await bot.say('alice', '/quota request vcs gpu=8 cpu=16 for 2h')).text);
    await bot.click('Approve', 'carol');
    // Meanwhile an admin sets cpu to 32.
    await bot.say('admin', '/quota set @alice vcs cpu=32');
    await bot.click('Approve', 'carol');
    expect(await aliceVcs()).toEqual(['32', '8', '32G']);
    await sweepAt(START + 2 * HOUR);
    expect(await aliceVcs()).toEqual(['32', '1', '32G']);
    expect(bot.posts('dm', 'alice').at(-1)!.text).toBe(
      `Your VCS grant \`${id}\` ended (its time is up): restored gpu 1; left alone, because an admin changed them since: cpu 32.`,
    );
    expect(bot.posts('approvals').at(-1)!.text).toContain('restored gpu 1. Left alone (changed since): cpu 32.');
  });

  it('a failed revert is reported to the approvals channel and tried again until it is done', async () => {
    const failing = { n: 0 };
    await start({ backend: flakyWrites(failing) });
    const id = idIn((await bot.say('alice', '/quota request vcs gpu=8 for 2h')).text);
    await bot.click('Approve', 'carol');
    failing.n = 1;
    const report = await sweepAt(START + 2 * HOUR);
    expect(report).toMatchObject({ reverted: 0, failed: 1 });
    expect(bot.posts('approvals').at(-1)!.text).toMatch(new RegExp(`^⚠️ Could not restore VCS grant \`${id}\` for @alice \\(its time is up\\): .*TWCC did not answer.* The bot tries again at its next sweep; until then gpu 8 stays\\.$`));
    expect(await aliceVcs()).toEqual(['8', '8', '32G']);
    expect(await audit()).toMatch(/quota\.reverted[^\n]*failed/);
    // Not before the retry time; then done.
    expect((await sweepAt(START + 2 * HOUR + 60_000)).failed).toBe(0);
    expect((await sweepAt(START + 2 * HOUR + 5 * 60_000)).reverted).toBe(1);
    expect(await aliceVcs()).toEqual(['8', '1', '32G']);
  });

  it('/quota set … for 24h by an admin: the member gets the DM and the revert', async () => {
    await start();
    await bot.say('admin', '/quota set @alice vcs memory=64G for 24h big dataset');
    expect(bot.posts('approvals')[0]!.text).toContain('For 24h: the previous values come back when it ends.');
    await bot.click('Approve', 'carol');
    expect((await sweepAt(START + 23 * HOUR)).warned).toBe(1);
    expect(bot.posts('dm', 'alice').at(-1)!.text).toMatch(/^Your VCS grant \(memory 64G\) ends/);
    await sweepAt(START + 24 * HOUR);
    expect(await aliceVcs()).toEqual(['8', '1', '32G']);
  });

  it('a bad duration is refused in words; "for" followed by words is a reason', async () => {
    await start();
    expect((await bot.say('alice', '/quota request vcs gpu=8 for 2w')).text).toBe(
      '`for 2w` is not a duration: write a number and a unit (s, m, h, d) of at least 5s, e.g. `for 48h`. Nothing was requested.',
    );
    await bot.say('alice', '/quota request vcs gpu=8 for the ML run');
    expect(bot.posts('approvals')[0]!.text).toContain('Reason: for the ML run');
    expect(bot.posts('approvals')[0]!.text).not.toContain('previous values come back');
  });
});

describe('break-glass', () => {
  it('a BREAK_GLASS member’s `now` is applied at once, with a loud card that still needs an approval; approved, it stays', async () => {
    await start({ breakGlass: ['alice'] });
    const said = await bot.say('alice', '/quota request vcs gpu=8 now prod inference is down');
    const id = idIn(said.text);
    expect(said.text).toBe(
      `Applied now (break-glass). The tenant admins review it as request \`${id}\`; rejected, or not approved by 2026-12-01 13:00 UTC, it is reverted.`,
    );
    expect(await aliceVcs()).toEqual(['8', '8', '32G']);
    const card = bot.posts('approvals')[0]!.text;
    expect(card).toContain('🚨 **BREAK-GLASS: already applied.** Approve to keep it; rejected, or not approved before this request expires, it is reverted.');
    expect(card).toContain('Reason: prod inference is down');
    expect(card).toContain('[1] Approve  [2] Reject');
    // An ordinary approval record: /quota pending lists it.
    expect((await bot.say('admin', '/quota pending')).text).toContain(id);
    expect(await audit()).toMatch(/quota\.break_glass/);

    expect((await bot.click('Approve', 'carol')).text).toContain('Approved by @carol and applied.');
    expect((await sweepAt(START + 5 * HOUR)).reverted).toBe(0);
    expect(await aliceVcs()).toEqual(['8', '8', '32G']);
    expect(await audit()).toMatch(/quota\.break_glass\.approved/);
  });

  it('rejected: reverted at the next sweep, and said so, on its cards too', async () => {
    await start({ breakGlass: ['alice'] });
    const id = idIn((await bot.say('alice', '/quota request vcs gpu=8 cpu=32 now prod down')).text);
    await bot.click('Reject', 'carol');
    expect((await sweepAt(START + 60_000)).reverted).toBe(1);
    expect(bot.posts('edit').at(-1)!.text.split('\n').slice(-2)).toEqual(['Rejected by @carol.', `VCS grant \`${id}\` for @alice ended (break-glass not approved): restored cpu 8, gpu 1.`]);
    expect(await aliceVcs()).toEqual(['8', '1', '32G']);
    expect(bot.posts('dm', 'alice').at(-1)!.text).toBe(`Your VCS grant \`${id}\` ended (break-glass not approved): restored cpu 8, gpu 1.`);
    expect(await audit()).toMatch(/quota\.reverted/);
  });

  it('the loud card goes to the escalation channel too, kept like any card: a decision on either decides both, and the sweep does not escalate it again', async () => {
    await start({ breakGlass: ['alice'] });
    const id = idIn((await bot.say('alice', '/quota request vcs gpu=8 now prod down')).text);
    const [inApprovals] = bot.posts('approvals');
    const [inEscalation] = bot.posts('escalation');
    expect(inEscalation!.text).toBe(inApprovals!.text);
    expect(inEscalation!.text).toContain('🚨 **BREAK-GLASS: already applied.**');
    // Already escalated: the approval sweep (escalation off here, reminders after 24h) adds no third card.
    await approvalSweepAt(START + HOUR);
    expect(bot.posts('escalation')).toHaveLength(1);
    // Approved on the escalation card: the approvals channel's card is edited to the same decision.
    const approved = await bot.clickId(bot.buttons('Approve')[1]!.id, 'carol');
    expect(approved.text).toContain('Approved by @carol and applied.');
    const edit = bot.posts('edit').at(-1)!;
    expect(edit.to).toBe(`#approvals/${bot.transcript.indexOf(inApprovals!) + 1}`);
    expect(edit.text).toBe(approved.text);
    expect((await bot.click('Reject', 'admin')).text).toBe('This has already been handled.');
    expect((await sweepAt(START + 5 * HOUR)).reverted).toBe(0);
    expect(await aliceVcs()).toEqual(['8', '8', '32G']);
    expect(await audit()).toMatch(new RegExp(`quota\\.break_glass\\.approved[^\\n]*${id}`));
  });

  it('not approved within BREAK_GLASS_REVIEW: reverted, and each of its cards edited once to say expired and reverted; the approval sweep leaves that expiry to the revert', async () => {
    await start({ breakGlass: ['alice'] });
    const id = idIn((await bot.say('alice', '/quota request vcs gpu=8 now prod down')).text);
    const cards = [bot.posts('approvals')[0]!, bot.posts('escalation')[0]!];
    expect((await sweepAt(START + 4 * HOUR - 60_000)).reverted).toBe(0);
    // Expired, but the change is still applied: the approval sweep does not close it as "nothing was changed".
    expect(await approvalSweepAt(START + 4 * HOUR)).toMatchObject({ expired: 0, failed: 0 });
    expect(bot.posts('edit')).toEqual([]);
    expect((await sweepAt(START + 4 * HOUR)).reverted).toBe(1);
    expect(await aliceVcs()).toEqual(['8', '1', '32G']);
    const said = `Expired before anyone decided. VCS grant \`${id}\` for @alice ended (break-glass not approved): restored gpu 1.`;
    expect(bot.posts('edit').map((e) => [e.to, e.text.split('\n').at(-1)])).toEqual(cards.map((c) => [`${c.to}/${bot.transcript.indexOf(c) + 1}`, said]));
    expect(bot.posts('edit').every((e) => !e.reply?.blocks.some((b) => b.type === 'buttons'))).toBe(true);
    // Closed: neither sweep touches it again; a late click is told it was handled.
    expect(await approvalSweepAt(START + 5 * HOUR)).toMatchObject({ expired: 0 });
    expect((await sweepAt(START + 5 * HOUR)).reverted).toBe(0);
    expect(bot.posts('edit')).toHaveLength(2);
    expect((await bot.click('Approve', 'carol')).text).toBe('This has already been handled.');
    expect((await bot.say('admin', '/quota pending')).text).toBe('No quota requests are waiting for approval.');
    expect(await audit()).toMatch(/quota\.expired/);
  });

  it('`now for 2h`: approved, it still ends after two hours', async () => {
    await start({ breakGlass: ['alice'] });
    await bot.say('alice', '/quota request vcs gpu=8 now for 2h prod down');
    await bot.click('Approve', 'carol');
    expect((await sweepAt(START + HOUR)).reverted).toBe(0);
    expect((await sweepAt(START + 2 * HOUR)).reverted).toBe(1);
    expect(await aliceVcs()).toEqual(['8', '1', '32G']);
  });

  it('`now` by anyone else, or on /quota set, is refused in words, and nothing is applied', async () => {
    await start({ breakGlass: ['alice'] });
    await bot.say('admin', '/tenant link @bob bob');
    expect((await bot.say('bob', '/quota request vcs gpu=8 now prod down')).text).toBe(
      '`now` (break-glass) is only for the members BREAK_GLASS lists. Nothing was requested; write the reason without `now` to ask the tenant admins as usual.',
    );
    expect((await bot.say('admin', '/quota set @alice vcs gpu=8 now')).text).toBe('`now` (break-glass) is for `/quota request` only. Nothing was requested.');
    expect(bot.posts('approvals')).toEqual([]);
    expect(await aliceVcs()).toEqual(['8', '1', '32G']);
  });
});
