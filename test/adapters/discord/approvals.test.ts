import { afterEach, expect, test } from 'vitest';
import { Callback, type FakeMessage } from '../../fakes/discord.js';
import { APPROVALS, GENERAL, Harness, alice, bob, carol, linkTeam } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const bobsVcsQuota = async (h: Harness) => {
  const report = await h.backend.getQuotas({ chatKey: 'discord:1001', memberId: '1001', role: 'admin' }, 'vcs', 'bob');
  if (!report.ok) throw new Error(report.code);
  return report.value.members[0]!.resources;
};

test('/quota set goes to the approvals channel, and only a second admin’s Approve applies it', async () => {
  h = await Harness.start({ approvalsChannel: APPROVALS });
  await linkTeam(h);

  const asked = await h.run(alice, 'quota', 'set', { member: bob, service: 'vcs', cpu: 16, memory: '64G', reason: 'training run' });

  expect(asked.callback?.data?.flags).toBe(64);
  expect(h.fake.original(asked).content).toMatch(/^Asked the tenant admins to approve VCS quota for @\S+ \(request `[\w-]+`\)\. You will hear the decision privately\.$/);
  const cards = h.fake.publicMessages(APPROVALS);
  expect(cards).toHaveLength(1);
  const card: FakeMessage = cards[0]!;
  expect(card.source).toBe('channel');
  expect(card.content).toMatch(/^@alice asks to set .+’s VCS quota: cpu 8 → 16, memory 32G → 64G\.\nReason: training run\nRequest `[\w-]+`, expires \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/);
  expect(h.fake.buttons(card).map((b) => [b.label, b.style, b.custom_id?.replace(/:[\w-]+:/, ':<id>:')])).toEqual([
    ['Approve', 1, 'a:<id>:approve'],
    ['Reject', 4, 'a:<id>:reject'],
  ]);
  expect(h.fake.publicMessages(GENERAL)).toEqual([]);
  const approve = h.fake.buttons(card)[0]!.custom_id!;

  // The requester cannot approve their own request.
  const own = await h.fake.answered(h.fake.click(alice, card, approve));
  expect(h.shown(own)).toBe(
    'You asked for this change: another tenant admin has to approve or reject it. ' +
      'If there is none, an admin can make one with `/tenant link @someone <member> admin`, or list them in ADMINS.',
  );
  expect(h.fake.followups(own)[0]!.flags).toBe(64);
  // Nor can a member who is not an admin.
  const member = await h.fake.answered(h.fake.click(bob, card, approve));
  expect(h.shown(member)).toBe('Only a tenant admin can approve or reject quota changes.');
  expect(card.edits).toBe(0);
  expect((await bobsVcsQuota(h)).cpu.quota).toBe(8);

  // carol, the second admin, approves: the card is edited in place with no buttons, and applied.
  const pending = card.content;
  const approved = await h.fake.answered(h.fake.click(carol, card, approve));
  expect(approved.callback?.type).toBe(Callback.Update);
  expect(card.content).toBe(`${pending}\nApproved by @carol and applied.`);
  expect(card.components).toEqual([]);
  const applied = await bobsVcsQuota(h);
  expect([applied.cpu.quota, applied.gpu.quota, applied.memory.quota]).toEqual([16, 1, 65536]);

  // alice hears the decision privately, through a DM channel.
  const dm = h.fake.dmChannelOf(alice.id);
  expect(dm).toBeDefined();
  expect(h.fake.publicMessages(dm).map((m) => m.content)).toEqual([
    expect.stringMatching(/^Your VCS quota request `[\w-]+` \(cpu 8 → 16, memory 32G → 64G\): Approved by @carol and applied\.$/),
  ]);

  // A late click on the decided card (a stale client) changes nothing.
  const stillShowing: typeof card = { ...card, components: [{ type: 1, components: [{ type: 2, custom_id: approve, style: 1 }] }] };
  const late = await h.fake.answered(h.fake.click(carol, stillShowing, approve));
  expect(h.shown(late)).toBe('This has already been handled.');
});

test('without DISCORD_APPROVALS_CHANNEL the request is posted in the channel it came from', async () => {
  h = await Harness.start();
  await linkTeam(h);

  await h.run(bob, 'quota', 'request', { service: 'ccs', gpu: 2, reason: 'more GPUs' });

  const cards = h.fake.publicMessages(GENERAL);
  expect(cards.map((m) => m.content.split('\n')[0])).toEqual(['@bob asks for more CCS quota: gpu 1 → 2.']);
  expect(h.fake.buttons(cards[0]!).map((b) => b.label)).toEqual(['Approve', 'Reject']);
});
