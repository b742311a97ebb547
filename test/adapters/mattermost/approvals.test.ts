import { afterEach, describe, expect, it } from 'vitest';
import { actionsOf, APPROVALS, GENERAL, World } from './harness.js';

let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function team(opts: { approvalsChannel?: string | null } = {}) {
  world = await World.start(opts);
  const admin1 = world.person('uadmin1', 'admin1');
  const admin2 = world.person('uadmin2', 'admin2');
  const alice = world.person('ualice', 'alice');
  await (await admin1.types(`/tenant link ${alice.mention} alice`)).answer();
  await (await admin2.types('/tenant whoami')).answer();
  return { w: world, admin1, admin2, alice };
}

const vcsCpuOf = async (w: World, member: string) => {
  const report = await w.backend.getQuotas({ chatKey: 'mattermost:uadmin1', memberId: 'uadmin1', role: 'admin' }, 'vcs', member);
  if (!report.ok) throw new Error(report.code);
  return report.value.members[0]!.resources.cpu.quota;
};

describe('/quota request on Mattermost', () => {
  it('posts the card to the approvals channel; a second admin’s Approve applies it and edits the card in place; the requester hears by DM', async () => {
    const { w, admin1, admin2, alice } = await team();
    const told = await (await alice.types('/quota request vcs cpu=16 more training runs')).answer();
    expect(told.ephemeral).toBe(true);
    expect(told.readable).toMatch(/^Asked the tenant admins to approve VCS quota for @alice \(request `[\w-]+`\)\. You will hear the decision privately\.$/);

    const card = await w.postedIn(APPROVALS);
    expect(card.readable).toMatch(/^@alice asks for more VCS quota: cpu 8 → 16\.\nReason: more training runs\nRequest `[\w-]+`, expires .+ UTC\.\n\[Approve\] \[Reject\]$/);
    expect(actionsOf(card).map((a) => a.style)).toEqual(['primary', 'danger']);

    // The requester cannot approve their own request.
    const own = await alice.clicks(card, 'Approve');
    expect(own).toMatchObject({ replaced: false });
    expect(own.seen!.readable).toBe('Only a tenant admin can approve or reject quota changes.');
    expect(await vcsCpuOf(w, 'alice')).toBe(8);

    const approved = await admin2.clicks(card, 'Approve');
    expect(approved.replaced).toBe(true);
    expect(approved.seen!.readable).toMatch(/^@alice asks for more VCS quota: cpu 8 → 16\.\nReason: more training runs\nRequest `[\w-]+`, expires .+ UTC\.\nApproved by @admin2 and applied\.$/);
    expect(actionsOf(approved.seen!)).toEqual([]);
    expect(await vcsCpuOf(w, 'alice')).toBe(16);
    const dm = await w.dmTo('ualice');
    expect(dm.readable).toMatch(/^Your VCS quota request `[\w-]+` \(cpu 8 → 16\): Approved by @admin2 and applied\.$/);
    expect(w.fake.callsTo('POST', '/channels/direct').map((c) => c.body)).toContainEqual(['botuser', 'ualice']);

    const late = await admin1.clicks(card, 'Reject');
    expect(late.seen!.readable).toBe('This has already been handled.');
  });

  it('/quota set by one admin needs another: the same admin cannot approve it', async () => {
    const { w, admin1, admin2, alice } = await team();
    await (await admin1.types(`/quota set ${alice.mention} vcs gpu=2 new project`)).answer();
    const card = await w.postedIn(APPROVALS);
    expect(card.readable).toMatch(/^@admin1 asks to set @alice’s VCS quota: gpu 1 → 2\./);
    const own = await admin1.clicks(card, 'Approve');
    expect(own.seen!.readable).toMatch(/^You asked for this change: another tenant admin has to approve or reject it\./);
    const rejected = await admin2.clicks(card, 'Reject');
    expect(rejected.seen!.readable).toMatch(/\nRejected by @admin2\.$/);
  });

  it('without MATTERMOST_APPROVALS_CHANNEL the card goes to the channel the request came from', async () => {
    const { w, alice } = await team({ approvalsChannel: null });
    await (await alice.types('/quota request vcs gpu=2 why not')).answer();
    expect((await w.postedIn(GENERAL)).readable).toMatch(/^@alice asks for more VCS quota: gpu 1 → 2\./);
  });
});

describe('one person on Slack and Mattermost', () => {
  it('is one member: an ADMINS entry joining both makes the Mattermost account that member, who cannot approve their own request', async () => {
    world = await World.start({ admins: ['anna=slack:UANNA+mattermost:uanna', 'mattermost:uben'] });
    const anna = world.person('uanna', 'anna');
    const alice = world.person('ualice', 'alice');
    expect((await (await anna.types('/tenant whoami')).answer()).readable).toContain('**Member:** anna\n**Role:** admin');
    await (await anna.types(`/tenant link ${alice.mention} alice`)).answer();
    await (await anna.types(`/quota set ${alice.mention} vcs gpu=2 reason`)).answer();
    const own = await anna.clicks(await world.postedIn(APPROVALS), 'Approve');
    expect(own.seen!.readable).toMatch(/^You asked for this change/);
  });
});
