import { afterEach, describe, expect, it } from 'vitest';
import type { Sweeper } from '../../../src/core/sweeper.js';
import type { GrantSweepReport } from '../../../src/features/grants/sweep.js';
import type { ApprovalSweepReport } from '../../../src/features/approvals/sweep.js';
import { APPROVALS, buttonsOf, World } from './harness.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-12-01T09:00:00Z');

let world: World | undefined;
let sweeper: Sweeper<GrantSweepReport> | undefined;
let clock = START;
afterEach(async () => {
  await sweeper?.stop();
  await world?.close();
  world = undefined;
  clock = START;
});

async function workspace(escalationChannel?: string) {
  world = await World.start({ now: () => clock, breakGlass: { members: ['alice'], reviewMs: 4 * HOUR }, ...(escalationChannel ? { escalationChannel } : {}) });
  sweeper = world.core.sweeper<GrantSweepReport>('grant', { intervalMs: 60_000 });
  const admin1 = world.person('UADMIN1', 'admin1');
  const admin2 = world.person('UADMIN2', 'admin2');
  const alice = world.person('UALICE', 'alice');
  await (await admin1.types(`/tenant link ${alice.mention} alice`)).answer();
  await (await admin2.types('/tenant whoami')).answer();
  return { w: world, admin2, alice };
}

const gpuOf = async (w: World) => {
  const report = await w.backend.getQuotas({ chatKey: 'slack:UADMIN1', memberId: 'uadmin1', role: 'admin' }, 'vcs', 'alice');
  if (!report.ok) throw new Error(report.code);
  return report.value.members[0]!.resources.gpu.quota;
};

async function sweepAt(at: number) {
  clock = at;
  return (await sweeper!.runOnce())!;
}

describe('a time-bound grant on Slack', () => {
  it('`for 2h` approved in the channel; 12 minutes before the end a DM with Ask to extend and Return now; Return now edits the DM in place', async () => {
    const { w, admin2, alice } = await workspace();
    expect((await (await alice.types('/quota request vcs gpu=8 for 2h fine-tuning')).answer()).readable).toMatch(/^Asked the tenant admins/);
    const card = await w.postedIn(APPROVALS);
    expect(card.readable).toContain('For 2h: the previous values come back when it ends.');
    await admin2.clicks(card, 'Approve');
    await w.fake.waitFor('the card edited', () => w.fake.callsTo('chat.update')[0]);
    expect(await gpuOf(w)).toBe(8);

    // A tenth of two hours (12 minutes) is shorter than an hour.
    expect((await sweepAt(START + 2 * HOUR - 13 * 60_000)).warned).toBe(0);
    expect((await sweepAt(START + 2 * HOUR - 12 * 60_000)).warned).toBe(1);
    const dm = await w.dmTo('UALICE', 1);
    expect(dm.readable).toBe(
      'Your VCS grant (gpu 8) ends 2026-12-01 11:00 UTC; then the previous values come back. *Ask to extend* asks the tenant admins for another 2h; *Return now* gives it back now.\n' +
        '[Ask to extend] [Return now]',
    );
    expect(buttonsOf(dm).map((b) => b.style)).toEqual(['primary', undefined]);

    const updates = w.fake.callsTo('chat.update').length;
    await alice.clicks(dm, 'Return now');
    await w.fake.waitFor('the DM edited', () => w.fake.callsTo('chat.update')[updates]);
    expect((await w.dmTo('UALICE', 1)).readable).toMatch(/^Your VCS grant `[\w-]+` ended \(given back\): restored gpu 1\.$/);
    expect(await gpuOf(w)).toBe(1);
  });

  it('break-glass: applied at once, a loud card in the approvals channel; Reject, and the next sweep reverts it and says so there', async () => {
    const { w, admin2, alice } = await workspace();
    const told = await (await alice.types('/quota request vcs gpu=8 now prod inference down')).answer();
    expect(told.readable).toMatch(/^Applied now \(break-glass\)\. The tenant admins review it as request `[\w-]+`; rejected, or not approved by 2026-12-01 13:00 UTC, it is reverted\.$/);
    expect(await gpuOf(w)).toBe(8);
    const card = await w.postedIn(APPROVALS);
    expect(card.readable).toContain('🚨 *BREAK-GLASS: already applied.*');
    await admin2.clicks(card, 'Reject');
    await w.fake.waitFor('the card edited', () => w.fake.callsTo('chat.update')[0]);
    expect((await sweepAt(START + 60_000)).reverted).toBe(1);
    expect(await gpuOf(w)).toBe(1);
    expect((await w.postedIn(APPROVALS, 1)).readable).toMatch(/^VCS grant `[\w-]+` for @alice ended \(break-glass not approved\): restored gpu 1\.$/);
  });

  it('break-glass with ESCALATION_CHANNEL: the loud card in both channels; not approved within BREAK_GLASS_REVIEW, reverted, and each card updated once to expired and reverted', async () => {
    const ESCALATION = 'CESCALATE';
    const { w, alice } = await workspace(ESCALATION);
    await (await alice.types('/quota request vcs gpu=8 now prod inference down')).answer();
    const card = await w.postedIn(APPROVALS);
    const loud = await w.postedIn(ESCALATION);
    expect(loud.readable).toBe(card.readable);
    expect(buttonsOf(loud).map((b) => (b.text as { text: string }).text)).toEqual(['Approve', 'Reject']);
    // At the end of the review: the approval sweep leaves the expiry to the revert, which says both on each card.
    clock = START + 4 * HOUR;
    const approvals = w.core.sweeper<ApprovalSweepReport>('approval', { takeoverMs: 5_000 });
    try {
      expect(await approvals.runOnce()).toMatchObject({ expired: 0, failed: 0 });
    } finally {
      await approvals.stop();
    }
    expect(w.fake.callsTo('chat.update')).toHaveLength(0);
    expect((await sweepAt(START + 4 * HOUR)).reverted).toBe(1);
    expect(await gpuOf(w)).toBe(1);
    await w.fake.waitFor('both cards updated', () => (w.fake.callsTo('chat.update').length >= 2 ? true : undefined));
    expect(w.fake.callsTo('chat.update').map((c) => `${String(c.args.channel)}/${String(c.args.ts)}`)).toEqual([`${APPROVALS}/${card.ts}`, `${ESCALATION}/${loud.ts}`]);
    for (const channel of [APPROVALS, ESCALATION]) {
      const now = await w.postedIn(channel);
      expect(now.readable.split('\n').at(-1)).toMatch(/^Expired before anyone decided\. VCS grant `[\w-]+` for @alice ended \(break-glass not approved\): restored gpu 1\.$/);
      expect(buttonsOf(now)).toEqual([]);
    }
  });
});
