import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { createSlackAdapter } from '../../adapters/slack/index.js';
import { LocalRegistry } from '../../src/backends/local/registry.js';
import { loadConfig } from '../../src/config.js';
import { Core } from '../../src/core/core.js';
import type { Adapter } from '../../src/core/outcome.js';
import { HttpServer } from '../../src/http/server.js';
import { silentLogger } from '../../src/log.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { allFeatures } from '../../src/features/index.js';

/**
 * The process's one HTTP server as main.ts wires it, per platform mode: the server listens first
 * (so a probe gets an answer during start), the store check and the platform's own check on it.
 */
class Process {
  readonly http = new HttpServer(0, silentLogger());
  private constructor(
    readonly store: Store,
    readonly core: Core,
    private readonly dir: string,
  ) {}

  static async open(): Promise<Process> {
    const dir = mkdtempSync(join(tmpdir(), 'chatops-readiness-'));
    const store = await openStore(`sqlite://${join(dir, 'bot.sqlite')}`);
    const p = new Process(store, new Core({ features: allFeatures(), store, backend: new LocalRegistry(store) }), dir);
    p.http.addReadinessCheck('store', async () => {
      await store.ping();
      return undefined;
    });
    await p.http.start();
    return p;
  }

  async get(path: '/healthz' | '/readyz'): Promise<{ status: number; body: string }> {
    const res = await fetch(`http://127.0.0.1:${this.http.listeningPort}${path}`);
    return { status: res.status, body: await res.text() };
  }

  /** Asks /readyz until it answers `status` (a lost connection is noticed by the client, not at once), for up to about 25 s of a busy machine. */
  async readyzUntil(status: number): Promise<{ status: number; body: string }> {
    for (let i = 0; ; i++) {
      const r = await this.get('/readyz');
      if (r.status === status || i >= 250) return r;
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  async close(adapter: Adapter | undefined): Promise<void> {
    this.http.markStopping();
    await adapter?.stop();
    await this.http.stop();
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

let proc: Process | undefined;
let adapter: Adapter | undefined;
let slack: FakeSlack | undefined;
let discord: FakeDiscord | undefined;
afterEach(async () => {
  await proc?.close(adapter);
  await slack?.stop();
  await discord?.close();
  proc = adapter = slack = discord = undefined;
});

const slackConfig = (fake: FakeSlack, appToken?: string) =>
  loadConfig({ SLACK_BOT_TOKEN: 'xoxb-ready', SLACK_SIGNING_SECRET: 'ready-secret', SLACK_API_URL: fake.apiUrl, ...(appToken ? { SLACK_APP_TOKEN: appToken } : {}) });

describe.each([
  ['Slack over HTTP', undefined],
  ['Slack in Socket Mode', 'xapp-ready'],
])('/healthz and /readyz with %s', (_mode, appToken) => {
  it('is alive at once, ready only once connected to Slack, and not ready from the moment it stops', async () => {
    slack = await startFakeSlack();
    proc = await Process.open();
    adapter = createSlackAdapter({ core: proc.core, config: slackConfig(slack, appToken), logger: silentLogger(), webApiRetries: 0, http: proc.http });
    proc.core.registerAdapter(adapter);

    expect(await proc.get('/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect(await proc.get('/readyz')).toEqual({ status: 503, body: 'slack: not connected to Slack\n' });

    await adapter.start();
    expect(await proc.get('/readyz')).toEqual({ status: 200, body: 'ready\n' });

    proc.http.markStopping();
    expect(await proc.get('/readyz')).toEqual({ status: 503, body: 'stopping: finishing work in flight\n' });
    expect(await proc.get('/healthz')).toEqual({ status: 200, body: 'ok\n' });
  });
});

describe('/readyz in Socket Mode', () => {
  it('says not ready while the WebSocket to Slack is lost, and ready again once it is back', async () => {
    slack = await startFakeSlack();
    proc = await Process.open();
    adapter = createSlackAdapter({ core: proc.core, config: slackConfig(slack, 'xapp-ready'), logger: silentLogger(), webApiRetries: 0, http: proc.http });
    await adapter.start();
    expect(await proc.get('/readyz')).toEqual({ status: 200, body: 'ready\n' });

    slack.dropSocket();
    // The client waits (its ping timeout) before it connects again: not ready meanwhile.
    expect(await proc.readyzUntil(503)).toEqual({ status: 503, body: 'slack: the Socket Mode connection to Slack is lost; reconnecting\n' });
    await slack.waitFor('the app to connect again', () => slack!.socketConnected || undefined, 20_000);
    expect(await proc.readyzUntil(200)).toEqual({ status: 200, body: 'ready\n' });
  });
});

describe('/healthz and /readyz with the Discord gateway', () => {
  const TOKEN = 'ready-bot-token.abc.def';
  const APP_ID = '900000000000000009';

  it('is alive at once, ready only once the gateway says READY, and not ready while stopping or when the gateway is gone', async () => {
    discord = await startFakeDiscord({ token: TOKEN, applicationId: APP_ID, guildId: '800000000000000009' });
    proc = await Process.open();
    const config = loadConfig({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: discord.apiUrl });
    adapter = createDiscordAdapter({ core: proc.core, config, logger: silentLogger(), http: proc.http });
    proc.core.registerAdapter(adapter);

    expect(await proc.get('/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect(await proc.get('/readyz')).toEqual({ status: 503, body: 'discord: not connected to the Discord gateway\n' });

    await adapter.start();
    expect(await proc.get('/readyz')).toEqual({ status: 200, body: 'ready\n' });

    await discord.close();
    discord = undefined;
    const lost = await proc.readyzUntil(503);
    expect(lost).toEqual({ status: 503, body: 'discord: not connected to the Discord gateway\n' });

    proc.http.markStopping();
    expect((await proc.get('/readyz')).body).toMatch(/^stopping: finishing work in flight$/m);
  });
});
