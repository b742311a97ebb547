import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createDiscordHttpAdapter, INTERACTIONS_PATH } from '../../../adapters/discord/http-interactions.js';
import { startDiscord, type RunningDiscord } from '../../../adapters/discord/index.js';
import { LocalRegistry } from '../../../src/backends/local/registry.js';
import type { Backend } from '../../../src/backends/port.js';
import { loadConfig } from '../../../src/config.js';
import { Core } from '../../../src/core/core.js';
import { projectStore } from '../../../src/core/projects.js';
import { HttpServer } from '../../../src/http/server.js';
import { createLogger, type Logger } from '../../../src/log.js';
import { openStore, type Store } from '../../../src/store/index.js';
import type { RouteRule } from '../../fakes/discord-rate-limits.js';
import { startFakeDiscord, type FakeDiscord, type FakeUser, type OptionValue, type SentInteraction } from '../../fakes/discord.js';
import { allFeatures } from '../../../src/features/index.js';
import type { ApprovalSettings } from '../../../src/features/approvals/settings.js';

export const TOKEN = 'fake-bot-token.abc.def';
export const APP_ID = '900000000000000001';
export const GUILD_ID = '800000000000000001';
export const APPROVALS = '700000000000000001';
export const GENERAL = '700000000000000002';

/** alice is an admin through ADMINS; the tests link bob (user) and carol (second admin); dave stays unlinked. */
export const alice: FakeUser = { id: '1001', username: 'alice' };
export const bob: FakeUser = { id: '1002', username: 'bob' };
export const carol: FakeUser = { id: '1003', username: 'carol' };
export const dave: FakeUser = { id: '1004', username: 'dave' };

export interface HarnessOptions {
  backend?: (store: Store) => Backend;
  approvalsChannel?: string;
  /** Chat identities that are admins from the start; alice (`discord:1001`) by default. */
  admins?: string[];
  /** Discord over HTTP interactions (DISCORD_PUBLIC_KEY set) instead of the gateway. */
  overHttp?: boolean;
  /** Over HTTP: how long the bot waits for the core before deferring (the adapter's default otherwise). */
  ackWithinMs?: number;
  /** REMINDER_DAYS, parsed; the core's default otherwise. */
  reminderDays?: number[];
  /** The fake's per-route limits; default Discord's (test/fakes/discord-rate-limits.ts). */
  routeRules?: RouteRule[];
  /** How long the adapter's stop() waits for answers in flight; the adapter's default otherwise. */
  stopGraceMs?: number;
  /** The core's clock (grant timers, approval expiry, reminders); the real one otherwise. */
  now?: () => number;
  /** BREAK_GLASS and BREAK_GLASS_REVIEW, parsed; none otherwise. */
  breakGlass?: { members: string[]; reviewMs: number };
  /** APPROVAL_* settings, parsed; the features' defaults otherwise. DISCORD_ESCALATION_CHANNEL. */
  approvals?: ApprovalSettings;
  escalationChannel?: string;
  /** LOCAL_PROJECTS: several projects, each an embedded registry on its own view of the store. */
  projects?: string[];
  /** With `projects`: each project's backend on its view of the store (TWCC_PROJECT as a list); embedded registries otherwise. */
  projectBackend?: (store: Store, project: string) => Backend;
  /** The fake's limit on attachments per request; Discord's (10 MiB) otherwise. */
  attachmentMaxBytes?: number;
}

/** The application's key pair over HTTP: Discord signs with the private half, the bot knows the public one. */
export interface AppKeys {
  privateKey: KeyObject;
  publicKeyHex: string;
}

export function appKeys(): AppKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x!;
  return { privateKey, publicKeyHex: Buffer.from(x, 'base64url').toString('hex') };
}

/** The HTTP mode's adapter on its own server on a free port, as main.ts wires it. */
type Config = ReturnType<typeof loadConfig>;
type Timing = Pick<HarnessOptions, 'ackWithinMs' | 'stopGraceMs'>;
async function startOverHttp(core: Core, config: Config, logger: Logger, { ackWithinMs, stopGraceMs }: Timing): Promise<RunningDiscord & { url: string }> {
  const http = new HttpServer(0, logger);
  const timing = { ...(ackWithinMs ? { ackWithinMs } : {}), ...(stopGraceMs !== undefined ? { stopGraceMs } : {}) };
  const adapter = createDiscordHttpAdapter({ core, config, logger, http, ...timing });
  core.registerAdapter(adapter);
  await adapter.start();
  const port = await http.start();
  return {
    url: `http://127.0.0.1:${port}${INTERACTIONS_PATH}`,
    async stop() {
      await adapter.stop();
      await http.stop();
    },
  };
}

/** A real discord.js client logged in to the fake Discord, on a temp SQLite store. */
export class Harness {
  private constructor(
    readonly fake: FakeDiscord,
    readonly core: Core,
    readonly store: Store,
    readonly backend: Backend,
    readonly bot: RunningDiscord,
    readonly logs: string[],
    private readonly dir: string,
    /** Over HTTP: the endpoint Discord posts to, and the key pair it signs with. */
    readonly endpoint?: { url: string; keys: AppKeys },
  ) {}

  static async start(opts: HarnessOptions = {}): Promise<Harness> {
    const routeRules = opts.routeRules ? { routeRules: opts.routeRules } : {};
    const attachments = opts.attachmentMaxBytes !== undefined ? { attachmentMaxBytes: opts.attachmentMaxBytes } : {};
    const fake = await startFakeDiscord({ token: TOKEN, applicationId: APP_ID, guildId: GUILD_ID, ...routeRules, ...attachments });
    const dir = mkdtempSync(join(tmpdir(), 'discord-test-'));
    const store = await openStore(`sqlite://${join(dir, 'bot.sqlite')}`);
    const projects = opts.projects?.map((code, i) => {
      const scoped = projectStore(store, code, i === 0);
      return { code, backend: opts.projectBackend ? opts.projectBackend(scoped, code) : new LocalRegistry(scoped, code) };
    });
    const backend = projects ? projects[0]!.backend : opts.backend ? opts.backend(store) : new LocalRegistry(store);
    const logs: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('trace', sink);
    const features = allFeatures({
      ...(opts.reminderDays ? { reminderDays: opts.reminderDays } : {}),
      ...(opts.breakGlass ? { breakGlass: opts.breakGlass } : {}),
      ...(opts.approvals ? { approvals: opts.approvals } : {}),
    });
    const core = new Core({ features, store, backend, admins: opts.admins ?? ['discord:1001'], logger, ...(opts.now ? { now: opts.now } : {}), ...(projects ? { projects } : {}) });
    const keys = opts.overHttp ? appKeys() : undefined;
    const config = loadConfig({
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_API_URL: fake.apiUrl,
      ...(keys ? { DISCORD_PUBLIC_KEY: keys.publicKeyHex } : {}),
      ...(opts.approvalsChannel ? { DISCORD_APPROVALS_CHANNEL: opts.approvalsChannel } : {}),
      ...(opts.escalationChannel ? { DISCORD_ESCALATION_CHANNEL: opts.escalationChannel } : {}),
    });
    const grace = opts.stopGraceMs !== undefined ? { stopGraceMs: opts.stopGraceMs } : {};
    if (!keys) return new Harness(fake, core, store, backend, await startDiscord({ core, config, logger, ...grace }), logs, dir);
    const bot = await startOverHttp(core, config, logger, opts);
    fake.useInteractionsEndpoint(bot.url, keys.privateKey);
    return new Harness(fake, core, store, backend, bot, logs, dir, { url: bot.url, keys });
  }

  /** `user` runs `/command subcommand options…` in #general and the bot answers. */
  async run(user: FakeUser, command: string, subcommand: string, options: Record<string, OptionValue> = {}): Promise<SentInteraction> {
    return this.fake.answered(this.fake.command(user, command, subcommand, options, GENERAL));
  }

  /** The text the user was shown in answer to an interaction (the reply or, for a notice, the follow-up). */
  shown(sent: SentInteraction): string {
    const followups = this.fake.followups(sent);
    return followups.length ? followups.map((m) => m.content).join('\n') : this.fake.original(sent).content;
  }

  /** Every REST call whose JSON mentions `needle`. */
  callsMentioning(needle: string) {
    return this.fake.calls.filter((c) => JSON.stringify(c.body ?? '').includes(needle));
  }

  async close(): Promise<void> {
    await this.bot.stop();
    await this.fake.close();
    await this.backend.close();
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** bob as a user, carol as a second admin: what the approval and confirmation tests start from. */
export async function linkTeam(h: Harness): Promise<void> {
  await h.run(alice, 'tenant', 'link', { user: bob, member: 'bob' });
  await h.run(alice, 'tenant', 'link', { user: carol, member: 'carol', role: 'admin' });
}
