import { afterEach, describe, expect, it } from 'vitest';
import type { Sweeper } from '../../../src/core/sweeper.js';
import type { GrantSweepReport } from '../../../src/features/grants/sweep.js';
import { Callback, type FakeMessage } from '../../fakes/discord.js';
import { APPROVALS, Harness, bob, carol, linkTeam } from './harness.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-12-01T09:00:00Z');

let h: Harness | undefined;
let sweeper: Sweeper<GrantSweepReport> | undefined;
let clock = START;
afterEach(async () => {
  await sweeper?.stop();
  await h?.close();
  h = sweeper = undefined;
  clock = START;
});

const dmsOf = (h: Harness, userId: string): FakeMessage[] => [...h.fake.messages.values()].filter((m) => m.channelId === h.fake.dmChannelOf(userId));
const bobsGpu = async (h: Harness) => {
  const r = await h.backend.getQuotas({ chatKey: 'discord:1001', memberId: 'alice', role: 'admin' }, 'vcs', 'bob');
  if (!r.ok) throw new Error(r.code);
  return r.value.members[0]!.resources.gpu.quota;
};
async function sweepAt(at: number) {
  clock = at;
  return (await sweeper!.runOnce())!;
}

describe.each([
  ['the gateway', false],
  ['HTTP interactions', true],
])('a time-bound grant on Discord, over %s', (_mode, overHttp) => {
  it('`for 2h` in the reason option; approved; the DM before the end; Return now edits it in place and restores the quota', async () => {
    h = await Harness.start({ overHttp, approvalsChannel: APPROVALS, now: () => clock });
    sweeper = h.core.sweeper<GrantSweepReport>('grant', { intervalMs: 60_000 });
    await linkTeam(h);
    await h.run(bob, 'quota', 'request', { service: 'vcs', gpu: 8, reason: 'for 2h fine-tuning' });
    const card = h.fake.publicMessages(APPROVALS)[0]!;
    expect(card.content).toContain('Reason: fine-tuning\nFor 2h: the previous values come back when it ends.');
    const approved = await h.fake.answered(h.fake.click(carol, card, h.fake.buttons(card)[0]!.custom_id!));
    expect(approved.callback?.type).toBe(Callback.Update);
    expect(await bobsGpu(h)).toBe(8);

    expect((await sweepAt(START + 2 * HOUR - 12 * 60_000)).warned).toBe(1);
    const dm = dmsOf(h, bob.id).at(-1)!;
    expect(dm.content).toMatch(/^Your VCS grant \(gpu 8\) ends 2026-12-01 11:00 UTC; /);
    expect(h.fake.buttons(dm).map((b) => [b.label, b.style])).toEqual([
      ['Ask to extend', 1],
      ['Return now', 2],
    ]);
    const back = await h.fake.answered(h.fake.click(bob, dm, h.fake.buttons(dm)[1]!.custom_id!));
    expect(back.callback?.type).toBe(Callback.Update);
    expect(dm.content).toMatch(/^Your VCS grant `[\w-]+` ended \(given back\): restored gpu 1\.$/);
    expect(dm.components).toEqual([]);
    expect(await bobsGpu(h)).toBe(1);
  });
});

it('break-glass on Discord: applied at once, the loud card; nobody approves within the review time, and the sweep reverts it', async () => {
  h = await Harness.start({ approvalsChannel: APPROVALS, now: () => clock, breakGlass: { members: ['bob'], reviewMs: HOUR } });
  sweeper = h.core.sweeper<GrantSweepReport>('grant', { intervalMs: 60_000 });
  await linkTeam(h);
  const told = await h.run(bob, 'quota', 'request', { service: 'vcs', gpu: 8, reason: 'now prod down' });
  expect(h.fake.original(told).content).toMatch(/^Applied now \(break-glass\)\./);
  expect(await bobsGpu(h)).toBe(8);
  expect(h.fake.publicMessages(APPROVALS)[0]!.content).toContain('🚨 **BREAK-GLASS: already applied.**');
  expect((await sweepAt(START + HOUR)).reverted).toBe(1);
  expect(await bobsGpu(h)).toBe(1);
  expect(h.fake.publicMessages(APPROVALS).at(-1)!.content).toMatch(/^VCS grant `[\w-]+` for @bob ended \(break-glass not approved\): restored gpu 1\.$/);
});
