import { Writable } from 'node:stream';
import { afterEach, expect, test } from 'vitest';
import { startDiscord } from '../../../adapters/discord/index.js';
import { LocalRegistry } from '../../../src/backends/local/registry.js';
import type { Actor, ApiKey } from '../../../src/backends/port.js';
import { loadConfig } from '../../../src/config.js';
import { Core } from '../../../src/core/core.js';
import { createLogger } from '../../../src/log.js';
import { openStore } from '../../../src/store/index.js';
import type { Result } from '../../../src/result.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/discord.js';
import { APP_ID, GUILD_ID, Harness, TOKEN, bob, linkTeam } from './harness.js';
import { allFeatures } from '../../../src/features/index.js';

let h: Harness | undefined;
let fake: FakeDiscord | undefined;
afterEach(async () => {
  await h?.close();
  await fake?.close();
  h = fake = undefined;
});

/** Lists keys only once the test lets it: work still in flight when the bot is told to stop. */
class SlowRegistry extends LocalRegistry {
  finish: () => void = () => undefined;
  readonly #finished = new Promise<void>((done) => (this.finish = done));
  override async listKeys(actor: Actor, memberId: string): Promise<Result<ApiKey[]>> {
    await this.#finished;
    return super.listKeys(actor, memberId);
  }
}

test('logs in through GET /gateway/bot and one IDENTIFY, with no intents, and keeps heartbeating', async () => {
  h = await Harness.start();

  expect(h.fake.calls[0]).toMatchObject({ method: 'GET', path: '/gateway/bot', auth: true });
  expect(h.fake.identifies).toEqual([expect.objectContaining({ intents: 0 })]);
  await h.fake.until(() => h!.fake.heartbeats > 0, 25_000, 'no heartbeat');
  expect(h.fake.identifies).toHaveLength(1);
});

test('a wrong token fails startDiscord with a plain message', async () => {
  fake = await startFakeDiscord({ token: TOKEN, applicationId: APP_ID, guildId: GUILD_ID });
  const store = await openStore('sqlite://:memory:');
  const logs: string[] = [];
  const logger = createLogger('trace', new Writable({ write: (c, _e, done) => (logs.push(String(c)), done()) }));
  const core = new Core({ features: allFeatures(), store, backend: new LocalRegistry(store), logger });
  const config = loadConfig({ DISCORD_TOKEN: 'wrong-token', DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: fake.apiUrl });

  await expect(startDiscord({ core, config, logger })).rejects.toThrow('discord login failed: An invalid token was provided.');
  expect(logs.join('')).not.toContain('wrong-token');
  await store.close();
});

test('stop lets an answer in flight finish, then closes the gateway and answers nothing more', async () => {
  let backend: SlowRegistry | undefined;
  h = await Harness.start({ backend: (store) => (backend = new SlowRegistry(store)) });
  await linkTeam(h);
  const slow = h.fake.command(bob, 'apikey', 'list');
  await h.fake.until(() => slow.callback !== undefined, 25_000, 'no defer');

  // Told to stop while the backend still works on the command; it answers only then.
  const stopped = h.bot.stop();
  backend!.finish();
  await stopped;

  expect(h.fake.isAnswered(slow)).toBe(true);
  expect(h.fake.original(slow).content).toBe('You have no API keys. `/apikey create` makes one.');
  // Stopped means the gateway is closed: an interaction sent now reaches no bot, so nothing can answer it.
  await h.fake.until(() => h!.fake.connections === 0, 25_000, 'the bot kept its gateway open');
  const late = h.fake.command(bob, 'tenant', 'whoami');
  expect(late.deliveredTo).toBe(0);
  expect(late.callback).toBeUndefined();
});
