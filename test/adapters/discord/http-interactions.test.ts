import { afterEach, expect, test } from 'vitest';
import { LocalRegistry } from '../../../src/backends/local/registry.js';
import type { Actor, ApiKey, LoginIdentity } from '../../../src/backends/port.js';
import type { AuditEntry } from '../../../src/core/audit.js';
import { ok, type Result } from '../../../src/result.js';
import { Callback, signInteraction } from '../../fakes/discord.js';
import { APP_ID, Harness, bob, dave, linkTeam } from './harness.js';

/** The same conversations as over the gateway, with Discord posting each interaction to the bot's HTTP endpoint. */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const keyIdIn = (text: string) => /`(k-[0-9a-f]{6})`/.exec(text)?.[1];

test('a command the core answers at once is the HTTP answer itself: a private message, nothing sent afterwards', async () => {
  // Up to 2.5 s for the core, so that a busy test machine does not turn this into the deferred case.
  h = await Harness.start({ overHttp: true, ackWithinMs: 2_500 });
  await linkTeam(h);
  const calls = h.fake.calls.length;

  const created = await h.run(bob, 'apikey', 'create');

  expect(created.httpStatus).toBe(200);
  expect(created.callback).toEqual({ type: Callback.Reply, data: expect.objectContaining({ flags: 64 }), at: expect.any(Number) });
  expect(h.fake.original(created).content).toMatch(/^New API key `k-[0-9a-f]{6}` created\./);
  // No REST call at all: no bot token, no webhook.
  expect(h.fake.calls.slice(calls)).toEqual([]);
});

/** The registry, but listing keys waits until the test lets it go: a backend slower than Discord's 3 s. */
class GatedRegistry extends LocalRegistry {
  release!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  override async listKeys(actor: Actor, memberId: string): Promise<Result<ApiKey[]>> {
    await this.gate;
    return super.listKeys(actor, memberId);
  }
}

test('a slow command is deferred in the HTTP answer, then its reply edited in through the interaction webhook', async () => {
  const backend: { it?: GatedRegistry } = {};
  h = await Harness.start({ overHttp: true, backend: (store) => (backend.it = new GatedRegistry(store)) });
  await linkTeam(h);

  const sent = h.fake.command(bob, 'apikey', 'list');
  await h.fake.until(() => sent.callback !== undefined, 5_000, 'no acknowledgement');
  expect(sent.callback).toEqual({ type: Callback.DeferReply, data: { flags: 64 }, at: expect.any(Number) });
  expect(h.fake.isAnswered(sent)).toBe(false);

  backend.it!.release();
  await h.fake.answered(sent);
  expect(h.fake.original(sent)).toMatchObject({ content: 'You have no API keys. `/apikey create` makes one.', flags: 64 });
  const edits = h.fake.calls.filter((c) => c.path === `/webhooks/${APP_ID}/${sent.token}/messages/@original`);
  // Through the webhook, without the bot token.
  expect(edits.map((c) => [c.method, c.auth])).toEqual([['PATCH', false]]);
});

test('clicking Delete on the card updates the card in the HTTP answer; another user’s click gets a private notice', async () => {
  h = await Harness.start({ overHttp: true });
  await linkTeam(h);
  const keyId = keyIdIn(h.fake.original(await h.run(bob, 'apikey', 'create')).content)!;
  const card = h.fake.original(await h.run(bob, 'apikey', 'delete', { 'key-id': keyId }));
  const [deleteButton] = h.fake.buttons(card);

  const daveClick = await h.fake.answered(h.fake.click(dave, card, deleteButton!.custom_id!));
  expect(daveClick.callback?.type).toBe(Callback.Reply);
  expect(h.fake.original(daveClick)).toMatchObject({ content: 'Only @bob, who asked for this, can confirm or cancel it.', flags: 64 });
  expect(card.edits).toBe(0);

  const bobClick = await h.fake.answered(h.fake.click(bob, card, deleteButton!.custom_id!));
  expect(bobClick.callback?.type).toBe(Callback.Update);
  expect(card.content).toBe(`Deleted \`${keyId}\`.`);
  expect(card.components).toEqual([]);
  const listed = h.fake.original(await h.run(bob, 'apikey', 'list')).content;
  expect(listed).not.toContain(keyId);
});

test('an interaction delivered twice (to two replicas, or retried) runs once; the second delivery is told so', async () => {
  h = await Harness.start({ overHttp: true });
  await linkTeam(h);
  const first = await h.run(bob, 'apikey', 'create');

  const again = await fetch(h.endpoint!.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signInteraction(h.endpoint!.keys.privateKey, first.httpBody!) },
    body: first.httpBody!,
  });

  expect(again.status).toBe(409);
  const created = (await h.store.collection<AuditEntry>('audit').values()).filter((e) => e.action === 'key.created');
  expect(created).toHaveLength(1);
});

class LoginBackend extends LocalRegistry {
  override readonly capabilities = { login: true, adminLinks: false, quotaWrite: true, services: ['vcs' as const] };
  override async login(): Promise<Result<LoginIdentity>> {
    return ok({ memberId: 'dave', username: 'dave-twcc', role: 'user', via: 'users-endpoint' });
  }
}

test('/tenant login opens the modal in the HTTP answer; its submit links the user, the key never echoed', async () => {
  const apiKey = 'twccAPIkey-0123456789abcdef';
  h = await Harness.start({ overHttp: true, backend: (store) => new LoginBackend(store) });

  const opened = await h.run(dave, 'tenant', 'login');
  expect(opened.callback?.type).toBe(Callback.Modal);
  expect(opened.modal?.custom_id).toBe('tenant-login');

  const submitted = await h.fake.answered(h.fake.submitModal(dave, opened, { 'api-key': apiKey }));
  expect(submitted.callback?.type).toBe(Callback.Reply);
  expect(h.fake.original(submitted)).toMatchObject({
    content: 'You are linked to TWCC user `dave-twcc` as a tenant user. Your key is stored encrypted; `/tenant logout` forgets it.',
    flags: 64,
  });
  expect(h.logs.join('')).not.toContain(apiKey);
  expect(JSON.stringify(submitted.callback)).not.toContain(apiKey);
});
