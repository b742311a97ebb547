import { Writable } from 'node:stream';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { startDiscord, type RunningDiscord } from '../../../adapters/discord/index.js';
import { LocalRegistry } from '../../../src/backends/local/registry.js';
import type { Actor, ApiKey } from '../../../src/backends/port.js';
import type { AuditEntry } from '../../../src/core/audit.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import type { Result } from '../../../src/result.js';
import { Callback, signInteraction } from '../../fakes/discord.js';
import { APP_ID, Harness, TOKEN, bob, linkTeam } from './harness.js';

/** One answer policy for the gateway and HTTP interactions: the same decisions, checked on each transport. */
let h: Harness | undefined;
let secondClient: RunningDiscord | undefined;
afterEach(async () => {
  await secondClient?.stop();
  await h?.close();
  h = secondClient = undefined;
});

const keysCreated = async (h: Harness) => (await h.store.collection<AuditEntry>('audit').values()).filter((e) => e.action === 'key.created');
const keyIdIn = (text: string) => /`(k-[0-9a-f]{6})`/.exec(text)?.[1];

describe('an interaction delivered twice runs once and is answered once, without an error', () => {
  test('over the gateway: two clients on one application both receive it', async () => {
    h = await Harness.start();
    await linkTeam(h);
    const config = loadConfig({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: h.fake.apiUrl });
    // A second process of the same bot, on the same store: the fake dispatches each interaction to both.
    const sink = new Writable({ write: (chunk, _enc, done) => void (h!.logs.push(String(chunk)), done()) });
    secondClient = await startDiscord({ core: h.core, config, logger: createLogger('trace', sink) });

    const created = await h.run(bob, 'apikey', 'create');

    const logs = h.logs;
    expect(created.deliveredTo).toBe(2);
    expect(created.callback?.type).toBe(Callback.Reply);
    expect(h.fake.original(created).content).toMatch(/^New API key `k-[0-9a-f]{6}` created\./);
    // The other delivery sends no second callback (Discord would refuse it) and logs no failure.
    await vi.waitFor(() => expect(logs.join('')).toContain('its first delivery answers it'), { timeout: 5_000 });
    expect(h.fake.calls.filter((c) => c.path.includes(`/${created.token}/callback`))).toHaveLength(1);
    expect(await keysCreated(h)).toHaveLength(1);
    expect(logs.join('')).not.toMatch(/could not answer|"level":50/);
  });

  test('over HTTP: the second delivery is answered 409', async () => {
    h = await Harness.start({ overHttp: true });
    await linkTeam(h);
    const first = await h.run(bob, 'apikey', 'create');

    const again = await fetch(h.endpoint!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signInteraction(h.endpoint!.keys.privateKey, first.httpBody!) },
      body: first.httpBody!,
    });

    expect(again.status).toBe(409);
    expect(await keysCreated(h)).toHaveLength(1);
  });
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

describe.each([
  ['the gateway', false],
  ['HTTP', true],
])('over %s, every message the bot sends in answer pings nobody', (_transport, overHttp) => {
  test('a decided card (an update in the callback) and a deferred answer (an edit) both carry allowed_mentions', async () => {
    const backend: { it?: GatedRegistry } = {};
    h = await Harness.start({ overHttp, backend: (store) => (backend.it = new GatedRegistry(store)) });
    await linkTeam(h);
    const keyId = keyIdIn(h.fake.original(await h.run(bob, 'apikey', 'create')).content)!;
    const card = h.fake.original(await h.run(bob, 'apikey', 'delete', { 'key-id': keyId }));

    const decided = await h.fake.answered(h.fake.click(bob, card, h.fake.buttons(card)[0]!.custom_id!));
    const listed = h.fake.command(bob, 'apikey', 'list');
    await h.fake.until(() => listed.callback !== undefined, 5_000, 'no defer');
    backend.it!.release();
    await h.fake.answered(listed);

    expect(card.content).toBe(`Deleted \`${keyId}\`.`);
    const callbackOf = (token: string) => h!.fake.calls.find((c) => c.path.endsWith(`/${token}/callback`))?.body;
    const update = overHttp ? { type: decided.callback?.type, data: decided.callback?.data } : callbackOf(decided.token);
    expect(update).toMatchObject({ type: Callback.Update, data: { allowed_mentions: { parse: [] } } });
    const edit = h.fake.calls.find((c) => c.method === 'PATCH' && c.path.endsWith(`/${listed.token}/messages/@original`));
    expect(edit?.body).toMatchObject({ allowed_mentions: { parse: [] } });
  });
});

describe.each([
  ['the gateway', false],
  ['HTTP', true],
])('over %s, stopping with a deferred answer still open', (_transport, overHttp) => {
  test('edits it to say the bot is restarting, in the user’s language, once the grace is over', async () => {
    const backend: { it?: GatedRegistry } = {};
    h = await Harness.start({ overHttp, stopGraceMs: 50, backend: (store) => (backend.it = new GatedRegistry(store)) });
    await linkTeam(h);
    const listed = h.fake.command({ ...bob, locale: 'zh-TW' }, 'apikey', 'list');
    await h.fake.until(() => listed.callback !== undefined, 5_000, 'no defer');
    expect(listed.callback?.type).toBe(Callback.DeferReply);

    await h.bot.stop();

    expect(h.fake.original(listed)).toMatchObject({ content: expect.stringMatching(/^機器人正在重新啟動/) as string, flags: 64 });
    backend.it!.release();
  });
});
