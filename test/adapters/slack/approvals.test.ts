import { afterEach, describe, expect, it } from 'vitest';
import { APPROVALS, buttonsOf, GENERAL, World, type Person } from './harness.js';

let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function workspace(opts: { approvalsChannel?: string | null } = {}) {
  world = await World.start(opts);
  const admin1 = world.person('UADMIN1', 'admin1');
  const admin2 = world.person('UADMIN2', 'admin2');
  const alice = world.person('UALICE', 'alice');
  await (await admin1.types(`/tenant link ${alice.mention} alice`)).answer();
  // admin2 is an admin through ADMINS; this makes them known to the registry before they click.
  await (await admin2.types('/tenant whoami')).answer();
  return { w: world, admin1, admin2, alice };
}

const vcsQuotaOf = async (w: World, member: string) => {
  const report = await w.backend.getQuotas({ chatKey: 'slack:UADMIN1', memberId: 'uadmin1', role: 'admin' }, 'vcs', member);
  if (!report.ok) throw new Error(report.code);
  return report.value.members[0]!.resources.cpu.quota;
};

async function requestsCpu16(w: World, admin1: Person, alice: Person) {
  const sent = await admin1.types(`/quota set ${alice.mention} vcs cpu=16 more training runs`);
  expect(sent.status).toBe(200);
  const told = await sent.answer();
  expect(told.ephemeral).toBe(true);
  expect(told.readable).toMatch(/^Asked the tenant admins to approve VCS quota for @alice \(request `[\w-]+`\)\. You will hear the decision privately\.$/);
  return w.postedIn(APPROVALS);
}

describe('/quota set on Slack', () => {
  it('posts the request to the approvals channel; only a second admin’s Approve applies it, in place, and the requester hears privately', async () => {
    const { w, admin1, admin2, alice } = await workspace();
    const card = await requestsCpu16(w, admin1, alice);

    expect(card.readable).toMatch(/^@admin1 asks to set @alice’s VCS quota: cpu 8 → 16\.\nReason: more training runs\nRequest `[\w-]+`, expires .+ UTC\.\n\[Approve\] \[Reject\]$/);
    expect(buttonsOf(card).map((b) => [b.action_id, b.style])).toEqual([
      [expect.stringMatching(/^a:[\w-]+:approve$/), 'primary'],
      [expect.stringMatching(/^a:[\w-]+:reject$/), 'danger'],
    ]);

    // The requester cannot approve their own request; a member who is not an admin cannot either.
    const own = await (await admin1.clicks(card, 'Approve')).answer();
    expect(own).toMatchObject({ ephemeral: true, replacedOriginal: false, readable:
        'You asked for this change: another tenant admin has to approve or reject it. ' +
        'If there is none, an admin can make one with `/tenant link @someone <member> admin`, or list them in ADMINS.',
    });
    const members = await (await alice.clicks(card, 'Approve')).answer();
    expect(members).toMatchObject({ ephemeral: true, readable: 'Only a tenant admin can approve or reject quota changes.' });
    expect(await vcsQuotaOf(w, 'alice')).toBe(8);
    expect(w.fake.callsTo('chat.update')).toEqual([]);

    const approved = await admin2.clicks(card, 'Approve');
    expect(approved.status).toBe(200);
    const update = await w.fake.waitFor('chat.update of the card', () => w.fake.callsTo('chat.update')[0]);
    expect(update.args).toMatchObject({ channel: APPROVALS, ts: card.ts });
    const decided = await w.postedIn(APPROVALS);
    expect(decided.readable).toMatch(/^@admin1 asks to set @alice’s VCS quota: cpu 8 → 16\.\nReason: more training runs\nRequest `[\w-]+`, expires .+ UTC\.\nApproved by @admin2 and applied\.$/);
    expect(buttonsOf(decided)).toEqual([]);
    expect(await vcsQuotaOf(w, 'alice')).toBe(16);

    const dm = await w.dmTo('UADMIN1');
    // The member whose quota an admin changed hears of it privately too.
    const told = await w.dmTo('UALICE');
    expect(w.fake.callsTo('conversations.open').map((c) => c.args.users)).toEqual(['UALICE', 'UADMIN1']);
    expect(dm.readable).toMatch(/^Your VCS quota request `[\w-]+` \(cpu 8 → 16\): Approved by @admin2 and applied\.$/);
    expect(told.readable).toBe('Your VCS quota was changed by @admin2: cpu 8 → 16.');
    // Only the DMs and the card: no other message went to a channel.
    expect(w.fake.callsTo('chat.postMessage').map((c) => c.args.channel)).toEqual([APPROVALS, 'DALICE', 'DADMIN1']);
  });

  it('a second click after the decision changes nothing', async () => {
    const { w, admin1, admin2, alice } = await workspace();
    const card = await requestsCpu16(w, admin1, alice);
    expect((await admin2.clicks(card, 'Reject')).status).toBe(200);
    await w.fake.waitFor('the card edited', () => w.fake.callsTo('chat.update')[0]);
    expect((await w.postedIn(APPROVALS)).readable).toMatch(/\nRejected by @admin2\.$/);

    const late = await (await admin2.clicks(card, 'Approve')).answer();
    expect(late).toMatchObject({ ephemeral: true, readable: 'This has already been handled.' });
    expect(await vcsQuotaOf(w, 'alice')).toBe(8);
    expect(w.fake.callsTo('chat.update')).toHaveLength(1);
    // The decision reached no response_url: the card itself was edited.
    expect(w.fake.responses.filter((r) => r.body.replace_original === true)).toEqual([]);
  });

  it('without APPROVALS_CHANNEL the request goes to the channel it came from', async () => {
    const { w, admin1, alice } = await workspace({ approvalsChannel: null });
    await (await admin1.types(`/quota set ${alice.mention} vcs gpu=2`)).answer();
    const card = await w.postedIn(GENERAL);
    expect(card.readable).toMatch(/^@admin1 asks to set @alice’s VCS quota: gpu 1 → 2\./);
  });
});
