import { afterAll, beforeAll, expect, test } from 'vitest';
import { Callback } from '../../fakes/discord.js';
import { Harness, alice, bob, dave, linkTeam } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
  await linkTeam(h);
});
afterAll(async () => {
  await h.close();
});

const say = async (...args: Parameters<Harness['run']>) => {
  const sent = await h.run(...args);
  expect(sent.callback?.type).toBe(Callback.Reply);
  return h.fake.original(sent);
};

test('typed options reach the core as the command text: /apikey extend key-id days', async () => {
  const created = await say(bob, 'apikey', 'create');
  const keyId = /`(k-[0-9a-f]{6})`/.exec(created.content)![1]!;

  const extended = await say(bob, 'apikey', 'extend', { 'key-id': keyId, days: 30 });

  expect(extended.flags).toBe(64);
  expect(extended.content).toMatch(new RegExp(`^Key \`${keyId}\` now expires \\d{4}-\\d\\d-\\d\\d \\(in 120 days\\) \\(was \\d{4}-\\d\\d-\\d\\d \\(in 90 days\\)\\)\\.$`));
});

test('a user option becomes a mention: an admin lists a member’s keys; a table arrives as a code block', async () => {
  const listed = await say(alice, 'apikey', 'list', { member: bob });
  expect(listed.content).toMatch(/^@bob has 1 API key:\n```\nid\s+key\s+project\s+created\s+expires\n[- ]+\nk-[0-9a-f]{6}\s+twcc_/);
  expect(listed.content.endsWith('```')).toBe(true);
});

test('an unlinked user is told how to link, privately', async () => {
  const r = await say(dave, 'apikey', 'create');
  expect([r.content, r.flags]).toEqual([
    'You are not linked to a tenant member yet, so `/apikey create` cannot run. Ask a tenant admin to run `/tenant link @you <member>`, then try again.',
    64,
  ]);
});

test('a string option cannot smuggle in another argument', async () => {
  const before = h.fake.publicMessages().length;

  const r = await say(bob, 'quota', 'request', { service: 'vcs', memory: '64G cpu=999' });

  expect(r.content.split('\n')[0]).toBe('`64G cpu=999` is not an amount of memory; write it like 64G or 65536M.');
  expect(h.fake.publicMessages()).toHaveLength(before);
  const link = await say(alice, 'tenant', 'link', { user: dave, member: 'dave admin' });
  expect(link.content.split('\n')[0]).toBe('Member `dave admin` is not a member name (letters, digits, . _ - @).');
});

test('a bare memory number is an error that says so', async () => {
  const r = await say(bob, 'quota', 'request', { service: 'ccs', memory: '64' });
  expect(r.content.split('\n')[0]).toBe('memory needs a unit: write 64G or 64M, not a bare 64.');
});

test('help shows only what the caller may run', async () => {
  const r = await say(bob, 'tenant', 'help');
  expect(r.content).not.toContain('/tenant link');
  expect(r.content).toContain('/tenant whoami');
});
