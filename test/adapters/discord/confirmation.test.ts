import type { AuditEntry } from '../../../src/core/audit.js';
import { afterEach, expect, test } from 'vitest';
import { Callback } from '../../fakes/discord.js';
import { Harness, alice, bob, dave, linkTeam } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function bobHasAKey(h: Harness): Promise<string> {
  await linkTeam(h);
  const created = await h.run(bob, 'apikey', 'create');
  const id = /`(k-[0-9a-f]{6})`/.exec(h.fake.original(created).content)?.[1];
  if (!id) throw new Error('no key id in the create reply');
  return id;
}

const bobsKeys = async (h: Harness) => {
  const listed = await h.run(bob, 'apikey', 'list');
  return h.fake.original(listed).content;
};

test('/apikey delete deletes nothing until the owner clicks; another user’s click does nothing; a double click deletes once', async () => {
  h = await Harness.start();
  const keyId = await bobHasAKey(h);

  const asked = await h.run(bob, 'apikey', 'delete', { 'key-id': keyId });
  const card = h.fake.original(asked);
  expect(card.flags & 64).toBe(64);
  expect(card.content).toMatch(new RegExp(`^Delete 1 API key: \`${keyId}\` \\(twcc_[\\w-]{4}…\\)\\? This cannot be undone; anything using it stops working\\.$`));
  expect(h.fake.buttons(card)).toEqual([
    { type: 2, custom_id: expect.stringMatching(/^c:[\w-]+:ok$/), label: 'Delete', style: 4 },
    { type: 2, custom_id: expect.stringMatching(/^c:[\w-]+:cancel$/), label: 'Cancel', style: 2 },
  ]);
  expect(await bobsKeys(h)).toContain(keyId);
  const [deleteButton] = h.fake.buttons(card);

  // dave (not the requester) clicks: a private notice, the card untouched, the key still there.
  const daveClick = await h.fake.answered(h.fake.click(dave, card, deleteButton!.custom_id!));
  expect(daveClick.callback?.type).toBe(Callback.DeferUpdate);
  expect(h.fake.followups(daveClick).map((m) => [m.content, m.flags])).toEqual([['Only @bob, who asked for this, can confirm or cancel it.', 64]]);
  expect(h.fake.buttons(card)).toHaveLength(2);
  // alice is an admin, but the confirmation is bob's alone.
  const aliceClick = await h.fake.answered(h.fake.click(alice, card, deleteButton!.custom_id!));
  expect(h.shown(aliceClick)).toBe('Only @bob, who asked for this, can confirm or cancel it.');
  expect(card.edits).toBe(0);
  expect(await bobsKeys(h)).toContain(keyId);

  // bob double-clicks: both clicks reach the bot before either is answered.
  const first = h.fake.click(bob, card, deleteButton!.custom_id!);
  const second = h.fake.click(bob, card, deleteButton!.custom_id!);
  await Promise.all([h.fake.answered(first), h.fake.answered(second)]);

  const updates = [first, second].filter((c) => c.callback?.type === Callback.Update);
  expect(updates).toHaveLength(1);
  expect(card.content).toBe(`Deleted \`${keyId}\`.`);
  expect(card.components).toEqual([]);
  const other = [first, second].find((c) => c.callback?.type !== Callback.Update)!;
  expect(h.fake.followups(other).map((m) => [m.content, m.flags])).toEqual([['This has already been handled.', 64]]);

  expect(await bobsKeys(h)).not.toContain(keyId);
  const deletions = (await h.store.collection<AuditEntry>('audit').values()).filter((e) => e.action === 'key.deleted');
  expect(deletions.map((e) => [e.target, e.outcome, e.actor, e.platform, e.workspace])).toEqual([[keyId, 'ok', 'discord:1002', 'discord', expect.any(String)]]);
});

test('Cancel edits the card in place, buttons gone, and deletes nothing', async () => {
  h = await Harness.start();
  const keyId = await bobHasAKey(h);
  const asked = await h.run(bob, 'apikey', 'delete', { 'key-id': keyId });
  const card = h.fake.original(asked);
  const cancel = h.fake.buttons(card).find((b) => b.label === 'Cancel')!;

  const clicked = await h.fake.answered(h.fake.click(bob, card, cancel.custom_id!));

  expect(clicked.callback?.type).toBe(Callback.Update);
  expect(card.content).toBe('Cancelled; nothing was deleted.');
  expect(card.components).toEqual([]);
  expect(await bobsKeys(h)).toContain(keyId);
});
