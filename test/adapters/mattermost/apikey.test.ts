import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/core/audit.js';
import { actionsOf, World, type Person } from './harness.js';

let world: World;
let admin: Person;
let alice: Person;
let bob: Person;

beforeEach(async () => {
  world = await World.start();
  admin = world.person('uadmin1', 'admin1');
  alice = world.person('ualice', 'alice');
  bob = world.person('ubob', 'bob');
  await (await admin.types(`/tenant link ${alice.mention} alice`)).answer();
  await (await admin.types(`/tenant link ${bob.mention} bob`)).answer();
});

afterEach(async () => {
  await world.close();
});

const keyExists = async (id: string) => (await world.store.collection('keys').get(id)) !== undefined;

describe('/apikey create on Mattermost', () => {
  it('answers in the slash command’s response, ephemerally: the secret reaches only its owner', async () => {
    const sent = await alice.types('/apikey create');
    expect(sent.status).toBe(200);
    expect(JSON.parse(sent.body)).toMatchObject({ response_type: 'ephemeral' });

    const answer = await sent.answer();
    expect(answer.ephemeral).toBe(true);
    expect(answer.post.ephemeralTo).toBe('ualice');
    expect(answer.readable).toMatch(/^New API key `k-[0-9a-f]+` created\. Copy the secret now: it is shown this once, only to you\.\n`twcc_[\w-]+`\n\*\*Project:\*\* LOCAL\n\*\*Expires:\*\* /);

    const secret = /`(twcc_[\w-]+)`/.exec(answer.readable)![1]!;
    // No channel post, DM or edit carried it, and no log line.
    expect(world.fake.callsTo('POST', '/posts')).toEqual([]);
    expect(world.publicRecord()).not.toContain(secret);
  });
});

describe('/apikey list and extend on Mattermost', () => {
  it('lists the keys in a code block and extends one, showing old → new', async () => {
    const id = await alice.createsAKey();
    const list = await (await alice.types('/apikey list')).answer();
    expect(list.ephemeral).toBe(true);
    expect(list.post.message).toMatch(new RegExp(`\`\`\`\\nid +key +project +created +expires\\n[- ]+\\n${id} +twcc_\\S+… +LOCAL +\\d{4}-\\d\\d-\\d\\d +\\d{4}-\\d\\d-\\d\\d \\(in 90 days\\)\\n\`\`\`$`));

    const extended = await (await alice.types(`/apikey extend ${id} 30`)).answer();
    expect(extended.readable).toMatch(new RegExp(`^Key \`${id}\` now expires \\d{4}-\\d\\d-\\d\\d \\(in 120 days\\) \\(was \\d{4}-\\d\\d-\\d\\d \\(in 90 days\\)\\)\\.$`));
  });
});

describe('/apikey delete on Mattermost', () => {
  it('asks first with the card itself: a danger Delete and a Cancel, both sealed for the requester; nothing is deleted yet', async () => {
    const id = await alice.createsAKey();
    const card = await (await alice.types(`/apikey delete ${id}`)).answer();

    expect(card.ephemeral).toBe(true);
    expect(card.readable).toMatch(new RegExp(`^Delete 1 API key: \`${id}\` \\(twcc_.+…\\)\\? This cannot be undone; anything using it stops working\\.\\n\\[Delete\\] \\[Cancel\\]$`));
    const [del, cancel] = actionsOf(card);
    expect(del).toMatchObject({ id: 'b0', type: 'button', style: 'danger', integration: { url: `${world.url}/mattermost/actions`, context: { sealed: expect.any(String) } } });
    expect(cancel).toMatchObject({ id: 'b1', style: 'default' });
    // The context names the core's button, the one user who may click, and an expiry; it is readable, never secret.
    const sealed = String((del!.integration as { context: { sealed: string } }).context.sealed);
    expect(JSON.parse(Buffer.from(sealed.split('.')[0]!, 'base64url').toString())).toMatchObject({ a: expect.stringMatching(/^c:[\w-]+:ok$/), u: 'ualice', p: true, x: expect.any(Number) });
    expect(await keyExists(id)).toBe(true);
  });

  it('deletes on the requester’s click, updating the card in place with no buttons left', async () => {
    const id = await alice.createsAKey();
    const card = await (await alice.types(`/apikey delete ${id}`)).answer();

    const done = await alice.clicks(card, 'Delete');
    expect(done).toMatchObject({ status: 200, replaced: true });
    expect(done.seen!.readable).toBe(`Deleted \`${id}\`.`);
    expect(done.response).toEqual({ update: { message: `Deleted \`${id}\`.`, props: { attachments: [] } } });
    expect(await keyExists(id)).toBe(false);
    const deletions = (await world.store.collection<AuditEntry>('audit').values()).filter((e) => e.action === 'key.deleted');
    expect(deletions).toMatchObject([{ target: id, outcome: 'ok', actor: 'mattermost:ualice', platform: 'mattermost', workspace: 'team1', channel: 'town-square' }]);
  });

  it('Cancel replaces the card and keeps the key', async () => {
    const id = await alice.createsAKey();
    const card = await (await alice.types(`/apikey delete ${id}`)).answer();
    const cancelled = await alice.clicks(card, 'Cancel');
    expect(cancelled.replaced).toBe(true);
    expect(cancelled.seen!.readable).toBe('Cancelled; nothing was deleted.');
    expect(actionsOf(cancelled.seen!)).toEqual([]);
    expect(await keyExists(id)).toBe(true);
  });

  it('a click twice on the same card deletes once; the second is told it was handled', async () => {
    const id = await alice.createsAKey();
    const card = await (await alice.types(`/apikey delete ${id}`)).answer();
    const [first, second] = await Promise.all([alice.clicks(card, 'Delete'), alice.clicks(card, 'Delete')]);
    const said = [first, second].map((c) => c.seen!.readable);
    expect(said.filter((s) => s === `Deleted \`${id}\`.`)).toHaveLength(1);
    expect(said).toContain('This has already been handled.');
    expect(await keyExists(id)).toBe(false);
  });
});

describe('help on Mattermost', () => {
  it('shows a member only what they may run, and an admin more', async () => {
    const mine = (await (await alice.types('/tenant help')).answer()).readable;
    const admins = (await (await admin.types('/tenant help')).answer()).readable;
    expect(mine).not.toContain('/tenant link');
    expect(admins).toContain('/tenant link');
  });
});
