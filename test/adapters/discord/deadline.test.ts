import { afterEach, expect, test } from 'vitest';
import { DEFAULT_ACK_WITHIN_MS } from '../../../adapters/discord/respond.js';
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

/** A gate the test opens: the backend's answer waits for it, however long that takes. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((done) => (open = done));
  return { opened, open };
}

/**
 * The registry with a backend that lists and deletes keys only once the test says so: slower than
 * Discord's 3 s by construction. The acknowledgement must come while it still waits, so it cannot
 * depend on the backend, whatever the machine's speed.
 */
class SlowRegistry extends LocalRegistry {
  readonly answer = gate();
  override async listKeys(actor: Actor, memberId: string): Promise<Result<ApiKey[]>> {
    await this.answer.opened;
    return super.listKeys(actor, memberId);
  }
  override async deleteKey(actor: Actor, keyId: string): Promise<Result<void>> {
    await this.answer.opened;
    return super.deleteKey(actor, keyId);
  }
}

async function slowHarness(): Promise<SlowRegistry> {
  let slow: SlowRegistry | undefined;
  h = await Harness.start({ backend: (store) => (slow = new SlowRegistry(store)) });
  await linkTeam(h);
  return slow!;
}

test('a backend slower than 3 s still answers a command: an ephemeral defer before the backend answers, then the reply edited in', async () => {
  const backend = await slowHarness();

  const sent = h!.fake.command(bob, 'apikey', 'list');
  await h!.fake.until(() => sent.callback !== undefined, 25_000, 'no acknowledgement');

  expect(sent.callback).toEqual({ type: Callback.DeferReply, data: { flags: 64 }, at: expect.any(Number) });
  expect(h!.fake.isAnswered(sent)).toBe(false);
  // The adapter's own wait for the core before it defers: a third of Discord's 3 s, the rest is
  // margin for delivery (said as a number, not timed: a busy test machine is no Discord deadline).
  expect(DEFAULT_ACK_WITHIN_MS).toBeLessThanOrEqual(1_000);

  const answeredFrom = Date.now();
  backend.answer.open();
  await h!.fake.answered(sent, 25_000);
  const reply = h!.fake.original(sent);
  expect(reply.content).toBe('You have no API keys. `/apikey create` makes one.');
  expect(reply.flags).toBe(64);
  const edit = h!.fake.calls.find((c) => c.method === 'PATCH' && c.path.endsWith(`/${sent.token}/messages/@original`));
  expect(edit!.at).toBeGreaterThanOrEqual(answeredFrom);
});

test('a backend slower than 3 s still answers a click: deferUpdate before the backend answers, then the card edited in place without buttons', async () => {
  const backend = await slowHarness();
  const created = await h!.run(bob, 'apikey', 'create');
  const keyId = /`(k-[0-9a-f]{6})`/.exec(h!.fake.original(created).content)![1]!;
  const card = h!.fake.original(await h!.run(bob, 'apikey', 'delete', { 'key-id': keyId }));

  const click = h!.fake.click(bob, card, h!.fake.buttons(card)[0]!.custom_id!);
  await h!.fake.until(() => click.callback !== undefined, 25_000, 'no acknowledgement');
  expect(click.callback?.type).toBe(Callback.DeferUpdate);
  expect(h!.fake.isAnswered(click)).toBe(false);

  backend.answer.open();
  await h!.fake.answered(click, 25_000);
  expect(card.content).toBe(`Deleted \`${keyId}\`.`);
  expect(card.components).toEqual([]);
  expect(h!.fake.followups(click)).toEqual([]);
});
