import { afterEach, expect, test } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import type { Sweeper } from '../../../src/core/sweeper.js';
import type { ApprovalSweepReport } from '../../../src/features/approvals/sweep.js';
import { Callback } from '../../fakes/discord.js';
import { APPROVALS, Harness, alice, bob, linkTeam } from './harness.js';

const HOUR = 3_600_000;
const ESCALATION = '555000000000000001';

let h: Harness | undefined;
let sweeper: Sweeper<ApprovalSweepReport> | undefined;
afterEach(async () => {
  await sweeper?.stop();
  await h?.close();
  h = sweeper = undefined;
});

test.each([
  ['the gateway', false],
  ['HTTP interactions', true],
])('on Discord over %s: one approval of two shown on the card, a reply under it, an escalated copy, and at the TTL both cards say it expired', async (_how, overHttp) => {
  let clock = Date.parse('2026-12-01T09:00:00Z');
  const approvals = loadConfig({
    APPROVAL_POLICY: 'quota.increase gpu>4 approvals=2; quota approvals=1',
    APPROVAL_TTL: '3h',
    APPROVAL_REMIND_AFTER: '1h',
    APPROVAL_ESCALATE_AFTER: '2h',
    DISCORD_ESCALATION_CHANNEL: ESCALATION,
  }).parsed.approvals;
  h = await Harness.start({ approvalsChannel: APPROVALS, escalationChannel: ESCALATION, approvals, now: () => clock, overHttp });
  const harness = h;
  await linkTeam(harness);
  sweeper = harness.core.sweeper<ApprovalSweepReport>('approval', { takeoverMs: 5_000 });

  const asked = await harness.run(bob, 'quota', 'request', { service: 'vcs', gpu: 8, reason: 'a bigger model' });
  expect(harness.fake.original(asked).content).toMatch(/It needs 2 approvals\.$/);
  const [card] = harness.fake.publicMessages(APPROVALS);
  expect(card!.content).toContain('Needs 2 approvals: 0 of 2 so far.');
  const approve = harness.fake.buttons(card!)[0]!.custom_id!;

  // alice approves: the card shows it, and keeps its buttons for the second approver.
  const first = await harness.fake.answered(harness.fake.click(alice, card!, approve));
  expect(first.callback?.type).toBe(Callback.Update);
  expect(card!.content).toContain('Needs 2 approvals: 1 of 2 so far, by @alice.');
  expect(harness.fake.buttons(card!)).toHaveLength(2);

  // An hour on: a reply to the card in the approvals channel, naming who may still approve.
  clock += HOUR;
  expect(await sweeper.runOnce()).toMatchObject({ reminded: 1 });
  const reply = harness.fake.calls.find((c) => c.method === 'POST' && c.path === `/channels/${APPROVALS}/messages` && (c.body as { message_reference?: unknown }).message_reference)!;
  expect((reply.body as { message_reference: { message_id: string } }).message_reference.message_id).toBe(card!.id);
  expect((reply.body as { content: string }).content).toMatch(/^Still waiting for a decision after 1 h: VCS quota request `[\w-]+` \(gpu 1 → 8\)\. @carol may approve or reject it;/);

  // Two hours: an escalated copy in the escalation channel, with its own buttons.
  clock += HOUR;
  expect(await sweeper.runOnce()).toMatchObject({ escalated: 1 });
  const [escalated] = harness.fake.publicMessages(ESCALATION);
  expect(escalated!.content).toMatch(/^\*\*Escalated:\*\* this request has waited 2 h with no decision\./);
  expect(harness.fake.buttons(escalated!)).toHaveLength(2);

  // Three hours: nobody decided. Both cards are edited in place; bob is told privately.
  clock += HOUR;
  expect(await sweeper.runOnce()).toMatchObject({ expired: 1 });
  for (const c of [card!, escalated!]) {
    expect(c.content).toMatch(/\nExpired before anyone decided; nothing was changed\.$/);
    expect(c.components).toEqual([]);
  }
  const dm = harness.fake.publicMessages(harness.fake.dmChannelOf(bob.id)).at(-1)!;
  expect(dm.content).toMatch(/^Your VCS quota request `[\w-]+` \(gpu 1 → 8\): Expired before anyone decided; nothing was changed\.$/);
});
