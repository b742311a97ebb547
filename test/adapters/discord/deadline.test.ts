import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, test } from 'vitest';
import { LocalRegistry } from '../../../src/backends/local/registry.js';
import type { Actor, ApiKey } from '../../../src/backends/port.js';
import type { Result } from '../../../src/result.js';
import { Callback } from '../../fakes/discord.js';
import { Harness, bob, linkTeam } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The registry with a backend that takes 4 s to list or delete keys: longer than Discord’s 3 s. */
class SlowRegistry extends LocalRegistry {
  override async listKeys(actor: Actor, memberId: string): Promise<Result<ApiKey[]>> {
    await sleep(4_000);
    return super.listKeys(actor, memberId);
  }
  override async deleteKey(actor: Actor, keyId: string): Promise<Result<void>> {
    await sleep(4_000);
    return super.deleteKey(actor, keyId);
  }
}

test('a 4 s backend still answers a command: an ephemeral defer within 3 s, then the reply edited in', async () => {
  h = await Harness.start({ backend: (store) => new SlowRegistry(store) });
  await linkTeam(h);

  const sent = h.fake.command(bob, 'apikey', 'list');
  await h.fake.until(() => sent.callback !== undefined, 3_000, 'no acknowledgement');

  expect(sent.callback).toEqual({ type: Callback.DeferReply, data: { flags: 64 }, at: expect.any(Number) });
  expect(sent.callback!.at - sent.dispatchedAt).toBeLessThan(3_000);
  expect(h.fake.isAnswered(sent)).toBe(false);

  await h.fake.answered(sent, 8_000);
  const reply = h.fake.original(sent);
  expect(reply.content).toBe('You have no API keys. `/apikey create` makes one.');
  expect(reply.flags).toBe(64);
  const edit = h.fake.calls.find((c) => c.method === 'PATCH' && c.path.endsWith(`/${sent.token}/messages/@original`));
  expect(edit!.at - sent.dispatchedAt).toBeGreaterThanOrEqual(4_000);
});

test('a 4 s backend still answers a click: deferUpdate within 3 s, then the card edited in place without buttons', async () => {
  h = await Harness.start({ backend: (store) => new SlowRegistry(store) });
  await linkTeam(h);
  const created = await h.run(bob, 'apikey', 'create');
  const keyId = /`(k-[0-9a-f]{6})`/.exec(h.fake.original(created).content)![1]!;
  const card = h.fake.original(await h.run(bob, 'apikey', 'delete', { 'key-id': keyId }));

  const click = h.fake.click(bob, card, h.fake.buttons(card)[0]!.custom_id!);
  await h.fake.until(() => click.callback !== undefined, 3_000, 'no acknowledgement');
  expect(click.callback?.type).toBe(Callback.DeferUpdate);
  expect(click.callback!.at - click.dispatchedAt).toBeLessThan(3_000);

  await h.fake.answered(click, 8_000);
  expect(card.content).toBe(`Deleted \`${keyId}\`.`);
  expect(card.components).toEqual([]);
  expect(h.fake.followups(click)).toEqual([]);
});
