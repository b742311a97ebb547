import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/core/audit.js';
import { buttonsOf, World, type Person } from './harness.js';

let world: World;
let admin: Person;
let alice: Person;
let bob: Person;

beforeEach(async () => {
  world = await World.start();
  admin = world.person('UADMIN1', 'admin1');
  alice = world.person('UALICE', 'alice');
  bob = world.person('UBOB', 'bob');
  await (await admin.types(`/tenant link ${alice.mention} alice`)).answer();
  await (await admin.types(`/tenant link ${bob.mention} bob`)).answer();
});

afterEach(async () => {
  await world.close();
});

const aliceCreatesAKey = () => alice.createsAKey();

const keyExists = async (id: string) => (await world.store.collection('keys').get(id)) !== undefined;

describe('/apikey create on Slack', () => {
  it('answers in the acknowledgement and shows the secret only to the caller, ephemerally', async () => {
    await alice.types('/tenant whoami'); // her Slack locale is looked up once; from then on, answers ride in the ack
    const sent = await alice.types('/apikey create');
    expect(sent.status).toBe(200);
    expect(JSON.parse(sent.body)).toMatchObject({ response_type: 'ephemeral' });

    const answer = await sent.answer();
    expect(sent.answers()).toHaveLength(1);
    expect(answer.ephemeral).toBe(true);
    expect(answer.readable).toMatch(/^New API key `k-[0-9a-f]+` created\. Copy the secret now: it is shown this once, only to you\.\n`twcc_[\w-]+`\nProject: LOCAL\nExpires: /);

    const secret = /`(twcc_[\w-]+)`/.exec(answer.readable)![1]!;
    // Not in any channel message, update or DM, and not in a single log line.
    expect(world.fake.callsTo('chat.postMessage')).toEqual([]);
    expect(world.publicRecord()).not.toContain(secret);
  });
});

describe('/apikey delete on Slack', () => {
  it('asks first, with a danger button behind a confirm dialog and a Cancel button; nothing is deleted yet', async () => {
    const id = await aliceCreatesAKey();
    const card = await (await alice.types(`/apikey delete ${id}`)).answer();

    expect(card.ephemeral).toBe(true);
    expect(card.readable).toMatch(new RegExp(`^Delete 1 API key: \`${id}\` \\(twcc_.+…\\)\\? This cannot be undone; anything using it stops working\\.\\n\\[Delete\\] \\[Cancel\\]$`));
    const [del, cancel] = buttonsOf(card);
    expect(del).toMatchObject({
      style: 'danger',
      confirm: {
        title: { text: 'Delete for good?' },
        text: { text: '1 key will be deleted. This cannot be undone.' },
        confirm: { text: 'Delete' },
        deny: { text: 'Keep' },
        style: 'danger',
      },
    });
    expect(cancel).not.toHaveProperty('style');
    expect(cancel).not.toHaveProperty('confirm');
    expect(await keyExists(id)).toBe(true);
  });

  it('ignores another user’s click and deletes on the requester’s, editing the card in place with no buttons left', async () => {
    const id = await aliceCreatesAKey();
    const card = await (await alice.types(`/apikey delete ${id}`)).answer();

    const bobsTry = await (await bob.clicks(card, 'Delete')).answer();
    expect(bobsTry).toMatchObject({ ephemeral: true, replacedOriginal: false, readable: 'Only @alice, who asked for this, can confirm or cancel it.' });
    expect(await keyExists(id)).toBe(true);

    const done = await (await alice.clicks(card, 'Delete')).answer();
    expect(done).toMatchObject({ replacedOriginal: true, readable: `Deleted \`${id}\`.` });
    expect(buttonsOf(done)).toEqual([]);
    expect(await keyExists(id)).toBe(false);
  });

  it('deletes once when the requester clicks twice at the same moment', async () => {
    const id = await aliceCreatesAKey();
    const card = await (await alice.types(`/apikey delete ${id}`)).answer();

    const [first, second] = await Promise.all([alice.clicks(card, 'Delete'), alice.clicks(card, 'Delete')]);
    const answers = [await first.answer(), await second.answer()].map((a) => a.readable);

    expect(answers.filter((a) => a === `Deleted \`${id}\`.`)).toHaveLength(1);
    expect(await keyExists(id)).toBe(false);
    const deletions = (await world.store.collection<AuditEntry>('audit').values()).filter((e) => e.action === 'key.deleted');
    expect(deletions).toMatchObject([{ target: id, outcome: 'ok', actor: 'slack:UALICE', platform: 'slack', workspace: 'T0001', channel: 'CGENERAL' }]);
  });

  it('Cancel replaces the card and keeps the key', async () => {
    const id = await aliceCreatesAKey();
    const card = await (await alice.types(`/apikey delete ${id}`)).answer();

    const cancelled = await (await alice.clicks(card, 'Cancel')).answer();
    expect(cancelled).toMatchObject({ replacedOriginal: true, readable: 'Cancelled; nothing was deleted.' });
    expect(buttonsOf(cancelled)).toEqual([]);
    expect(await keyExists(id)).toBe(true);
  });
});

describe('/apikey list on Slack', () => {
  it('shows the table in a code block', async () => {
    const id = await aliceCreatesAKey();
    const list = await (await alice.types('/apikey list')).answer();
    expect(list.ephemeral).toBe(true);
    const table = list.blocks[1] as { text: { type: string; text: string } };
    expect(table.text.type).toBe('mrkdwn');
    expect(table.text.text).toMatch(new RegExp(`^\`\`\`\\nid +key +project +created +expires\\n[- ]+\\n${id} +twcc_\\S+… +LOCAL +\\d{4}-\\d\\d-\\d\\d +\\d{4}-\\d\\d-\\d\\d \\(in 90 days\\)\\n\`\`\`$`));
  });
});
