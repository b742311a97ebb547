import { afterEach, describe, expect, it } from 'vitest';
import { APPROVALS, World } from './harness.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const LAB1_ROOM = 'CLAB1';
const LAB2_ROOM = 'CLAB2';
const LAB2_APPROVALS = 'CLAB2APPROVALS';

/**
 * One Slack workspace, LOCAL_PROJECTS=LAB1,LAB2: admin1 administers LAB1, admin2 and admin3 LAB2
 * (ADMINS names each one's project). A channel of each is bound to its project; LAB2 has its own
 * approvals channel, LAB1 uses APPROVALS_CHANNEL.
 */
async function twoLabs() {
  world = await World.start({ projects: ['LAB1', 'LAB2'], admins: ['LAB1:slack:UADMIN1', 'LAB2:slack:UADMIN2', 'LAB2:slack:UADMIN3'] });
  const w = world;
  const [admin1, admin2, admin3, alice, bob] = [
    w.person('UADMIN1', 'admin1'),
    w.person('UADMIN2', 'admin2'),
    w.person('UADMIN3', 'admin3'),
    w.person('UALICE', 'alice'),
    w.person('UBOB', 'bob'),
  ];
  const said = async (who: typeof alice, line: string, channel: string) => (await (await who.types(line, { channel })).answer()).readable;
  expect(await said(admin1, '/tenant project bind LAB1', LAB1_ROOM)).toBe('Bound this channel to project *LAB1*: commands here act on LAB1.\nProject: LAB1');
  expect(await said(admin2, '/tenant project bind LAB2', LAB2_ROOM)).toBe('Bound this channel to project *LAB2*: commands here act on LAB2.\nProject: LAB2');
  expect(await said(admin2, '/tenant project approvals LAB2', LAB2_APPROVALS)).toContain('This channel is now project *LAB2*’s approvals channel');
  await said(admin1, `/tenant link ${alice.mention} alice`, LAB1_ROOM);
  await said(admin2, `/tenant link ${bob.mention} bob`, LAB2_ROOM);
  await said(admin3, '/tenant whoami', LAB2_ROOM);
  return { w, said, admin1, admin2, admin3, alice, bob };
}

describe('several projects in one Slack workspace', () => {
  it('each project’s requests go to its own approvals channel, name their project, and only that project’s admins decide them', async () => {
    const { w, said, admin1, admin3, alice, bob } = await twoLabs();
    expect(await said(bob, '/quota request vcs cpu=16 bigger model', LAB2_ROOM)).toMatch(/^Asked the tenant admins to approve VCS quota for @bob .*\nProject: LAB2$/);
    const card = await w.postedIn(LAB2_APPROVALS);
    expect(card.readable).toMatch(/^@bob asks for more VCS quota: cpu 8 → 16\.[\s\S]*\nProject: LAB2\n\[Approve\] \[Reject\]$/);
    expect(await said(alice, '/quota request vcs cpu=12 more', LAB1_ROOM)).toContain('Project: LAB1');
    expect((await w.postedIn(APPROVALS)).readable).toMatch(/^@alice asks for more VCS quota[\s\S]*\nProject: LAB1\n\[Approve\] \[Reject\]$/);

    // admin1 administers LAB1 only: his click on LAB2's card decides nothing.
    const refused = await (await admin1.clicks(card, 'Approve')).answer();
    expect(refused.readable).not.toContain('Approved');
    expect((await w.postedIn(LAB2_APPROVALS)).readable).toContain('[Approve] [Reject]');
    expect(await said(admin1, '/quota pending', LAB1_ROOM)).not.toContain('bob');
    expect(await said(admin1, '/tenant audit', LAB1_ROOM)).not.toContain('slack:UBOB');

    expect(w.fake.callsTo('chat.update')).toEqual([]);
    expect((await admin3.clicks(card, 'Approve')).status).toBe(200);
    await w.fake.waitFor('chat.update of the card', () => w.fake.callsTo('chat.update')[0]);
    expect((await w.postedIn(LAB2_APPROVALS)).readable).toMatch(/Approved by @admin3 and applied\.\nProject: LAB2$/);
    expect(await said(bob, '/quota show vcs', LAB2_ROOM)).toMatch(/bob\s+0 \/ 16/);
  });

  it('a user of one project is nobody in the other project’s channel', async () => {
    const { said, alice, bob } = await twoLabs();
    expect(await said(alice, '/apikey list', LAB1_ROOM)).toBe('You have no API keys. `/apikey create` makes one.\nProject: LAB1');
    expect(await said(alice, '/apikey list', LAB2_ROOM)).toContain('You are not linked to a tenant member yet');
    expect(await said(bob, '/tenant project', LAB1_ROOM)).toMatch(/^Project \*LAB1\* applies here: this channel is bound to it \(bound by slack:admin1 on \d{4}-\d\d-\d\d\)\./);
  });
});
