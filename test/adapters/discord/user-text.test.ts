import { afterEach, expect, test } from 'vitest';
import type { FakeUser } from '../../fakes/discord.js';
import { APPROVALS, Harness, alice } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

test('a hostile reason and user name reach the approvals channel as text: no masked link, no mention, no spoiler', async () => {
  h = await Harness.start({ approvalsChannel: APPROVALS });
  // The name is the platform's, chosen by its owner.
  const mallory: FakeUser = { id: '1666', username: '[Boss](https://evil.example/boss) ||' };
  await h.run(alice, 'tenant', 'link', { user: mallory, member: 'mallory' });

  const reason = '[Approve here](https://evil.example/login) @everyone <@1001> <@&42> ||';
  await h.run(mallory, 'quota', 'request', { service: 'vcs', cpu: 16, reason });
  const [card] = h.fake.publicMessages(APPROVALS);

  // A masked link needs `[label](`: every bracket that came from a person is escaped.
  expect(card!.content).not.toMatch(/(?<!\\)\[[^\]]*(?<!\\)\]\(/);
  expect(card!.content).not.toMatch(/(?<!\\)<@/);
  expect(card!.content).not.toMatch(/(?<!\\)\|\|/);
  expect(card!.content).not.toContain('@everyone');
  expect(card!.content).toContain('Reason: \\[Approve here\\](https://evil.example/login) @\u200Beveryone \\<@1001> \\<@&42> \\|\\|\n');
  expect(card!.content).toMatch(/^@\\\[Boss\\\]\(https:\/\/evil\.example\/boss\) \\\|\\\| asks for more VCS quota: cpu 8 → 16\./);
});
