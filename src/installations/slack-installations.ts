import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import { z } from 'zod';
import { BoundedMap } from '../bounded-map.js';
import { openSecret, sealSecret } from '../crypto/seal.js';
import { withLock } from '../store/lock.js';
import type { Store } from '../store/port.js';

/**
 * The Slack workspaces (and Enterprise Grid organizations) the app is installed in, on the store port
 * (collection `installations`), with the bot token and its refresh token sealed like TWCC credentials
 * (AES-256-GCM under ENCRYPTION_KEY, bound to the record). Bolt's `InstallationStore`, plus what Bolt
 * does not do: `app_uninstalled` and `tokens_revoked` delete what they revoke (an event older than the
 * installation, one that arrives after a reinstall, deletes nothing), and tokens are refreshed ahead of
 * expiry under a per-installation store lock, so two replicas never spend one refresh token.
 *
 * Every write (install, refresh, delete) holds the installation's lock and reads the record again
 * under it: a refresh never brings back an installation deleted meanwhile.
 */

const Bot = z.object({
  id: z.string(),
  userId: z.string(),
  scopes: z.array(z.string()),
  sealedToken: z.string(),
  sealedRefresh: z.string().optional(),
  /** Seconds since the epoch, as Bolt keeps it. */
  expiresAt: z.number().optional(),
});

const StoredInstallation = z.object({
  kind: z.literal('installation'),
  v: z.literal(1),
  id: z.string(),
  teamId: z.string().optional(),
  teamName: z.string().optional(),
  enterpriseId: z.string().optional(),
  enterpriseName: z.string().optional(),
  enterpriseUrl: z.string().optional(),
  isEnterpriseInstall: z.boolean(),
  appId: z.string().optional(),
  installerUserId: z.string(),
  /** Epoch ms: an uninstall or revocation event from before it is about an earlier installation. */
  installedAt: z.number(),
  bot: Bot,
});
type StoredInstallation = z.infer<typeof StoredInstallation>;

/** A workspace of an organization-wide install: which organization's installation serves it. */
const OrgTeam = z.object({ kind: z.literal('org-team'), v: z.literal(1), teamId: z.string(), enterpriseId: z.string() });

/** A bot's part of an installation, its tokens in the clear (only ever in memory). */
interface OpenBot {
  id: string;
  userId: string;
  scopes: string[];
  token: string;
  refreshToken?: string | undefined;
  expiresAt?: number | undefined;
}

export interface InstallationKey {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall: boolean;
}

/** `enterprise:E1` for an org-wide install, `team:T1` for a workspace. */
export function installationId(key: InstallationKey): string {
  if (key.isEnterpriseInstall) {
    if (!key.enterpriseId) throw new Error('an organization-wide installation without an enterprise id');
    return `enterprise:${key.enterpriseId}`;
  }
  if (!key.teamId) throw new Error('a workspace installation without a team id');
  return `team:${key.teamId}`;
}

const orgTeamId = (teamId: string) => `org-team:${teamId}`;
const sealContext = (id: string, what: 'bot' | 'refresh') => `twcc-chatops:slack-installation:v1:${id}:${what}`;

/** What a token refresh returns (oauth.v2.access with grant_type=refresh_token). */
export interface RefreshedToken {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

/** Spends a refresh token: resolves with the new pair, or rejects (the token is then unknown to Slack, or Slack is away). */
export type TokenRefresher = (refreshToken: string) => Promise<RefreshedToken>;

/** The bot's token for a request, as Bolt's `authorize` returns it. */
export interface BotAuthorization {
  botToken: string;
  botId: string;
  botUserId: string;
  teamId?: string;
  enterpriseId?: string;
}

export interface RefreshReport {
  refreshed: number;
  /** Another replica had refreshed it by the time the lock was held. */
  alreadyFresh: number;
  failed: number;
}

export interface SlackInstallationsOptions {
  now?: () => number;
  /** How long a fetched installation is served from memory (default a minute): not a store read per request. */
  cacheTtlMs?: number;
  /** Spends refresh tokens; without it, `refreshDue` refreshes nothing. */
  refresher?: TokenRefresher;
  /** How long ahead of its expiry a token is refreshed (default an hour; Slack's rotating tokens live 12 h). */
  refreshAheadMs?: number;
  /** Told of a refresh that failed (the grant may be lost): never with a token. */
  onRefreshFailure?: (id: string, err: unknown) => void;
}

const DEFAULT_CACHE_TTL_MS = 60_000;
const DEFAULT_REFRESH_AHEAD_MS = 60 * 60_000;
const CACHE_MAX = 5_000;
/** A refresh is one HTTP call: the lock outlives a slow one, and is renewed while it runs. */
const LOCK = { ttlMs: 15_000, waitMs: 20_000 };

export class SlackInstallations implements InstallationStore {
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly #cache = new BoundedMap<string, { value: StoredInstallation; until: number }>(CACHE_MAX);
  /** Which installation serves a workspace the bot posts to (its own, or its organization's), for as long as the cache's TTL. */
  readonly #routes = new BoundedMap<string, { id: string; until: number }>(CACHE_MAX);
  /** Teams already recorded as served by their organization's installation (one write per team and process). */
  readonly #orgTeamsNoted = new BoundedMap<string, string>(CACHE_MAX);

  constructor(
    private readonly store: Store,
    private readonly encryptionKey: Buffer,
    private readonly opts: SlackInstallationsOptions = {},
  ) {
    this.#now = opts.now ?? Date.now;
    this.#ttlMs = opts.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
  }

  #space = () => this.store.collection<unknown>('installations');
  #lock = <T>(id: string, fn: () => Promise<T>) => withLock(this.store, `slack-installation:${id}`, fn, LOCK);

  async #read(id: string): Promise<StoredInstallation | undefined> {
    const parsed = StoredInstallation.safeParse(await this.#space().get(id));
    return parsed.success ? parsed.data : undefined;
  }

  /**
   * The record, from memory while its entry is fresh. A miss is not remembered: a workspace that has just
   * installed the app through another replica is served at once. (Only Slack's signed requests get here.)
   */
  async #cached(id: string): Promise<StoredInstallation | undefined> {
    const hit = this.#cache.get(id);
    if (hit && hit.until > this.#now()) return hit.value;
    const value = await this.#read(id);
    if (value) this.#cache.set(id, { value, until: this.#now() + this.#ttlMs });
    else this.#cache.delete(id);
    return value;
  }

  #forget(id: string): void {
    this.#cache.delete(id);
  }

  // ---- Bolt's InstallationStore ----

  /** A new installation (or a reinstall, which replaces the old one): only its bot part is kept. */
  async storeInstallation(installation: Installation): Promise<void> {
    const bot = installation.bot;
    if (!bot) throw new Error('the installation has no bot token; the app must request bot scopes');
    const key: InstallationKey = {
      teamId: installation.team?.id,
      enterpriseId: installation.enterprise?.id,
      isEnterpriseInstall: installation.isEnterpriseInstall === true,
    };
    const id = installationId(key);
    const record: StoredInstallation = {
      kind: 'installation',
      v: 1,
      id,
      ...(key.teamId ? { teamId: key.teamId } : {}),
      ...(installation.team?.name ? { teamName: installation.team.name } : {}),
      ...(key.enterpriseId ? { enterpriseId: key.enterpriseId } : {}),
      ...(installation.enterprise?.name ? { enterpriseName: installation.enterprise.name } : {}),
      ...(installation.enterpriseUrl ? { enterpriseUrl: installation.enterpriseUrl } : {}),
      isEnterpriseInstall: key.isEnterpriseInstall,
      ...(installation.appId ? { appId: installation.appId } : {}),
      installerUserId: installation.user.id,
      installedAt: this.#now(),
      bot: this.#sealBot(id, { ...bot, expiresAt: bot.expiresAt }),
    };
    await this.#lock(id, () => this.#space().put(id, record));
    this.#forget(id);
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v2', boolean>> {
    const record = await this.#find(query);
    if (!record) throw new Error(`no installation for ${describeQuery(query)}`);
    return this.#open(record);
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const id = installationId({ teamId: query.teamId, enterpriseId: query.enterpriseId, isEnterpriseInstall: query.isEnterpriseInstall });
    await this.#lock(id, () => this.#space().delete(id));
    this.#forget(id);
  }

  // ---- for the Slack adapter ----

  /**
   * The bot token for a request from `teamId` (in `enterpriseId`): the workspace's own installation, else
   * its organization's. A workspace served by its organization is noted once, so that a message the bot
   * sends later (a reminder, knowing only the workspace) finds the organization's token.
   */
  async authorize(source: { teamId?: string | undefined; enterpriseId?: string | undefined; isEnterpriseInstall: boolean }): Promise<BotAuthorization> {
    const record = await this.#find(source);
    if (!record) throw new Error(`no installation for ${describeQuery(source)}`);
    if (record.isEnterpriseInstall && source.teamId && record.enterpriseId && this.#orgTeamsNoted.get(source.teamId) !== record.enterpriseId) {
      await this.#space().put(orgTeamId(source.teamId), { kind: 'org-team', v: 1, teamId: source.teamId, enterpriseId: record.enterpriseId });
      this.#orgTeamsNoted.set(source.teamId, record.enterpriseId);
    }
    return this.#authorization(record, source.teamId);
  }

  /** The bot token for posting to workspace `teamId` (approval cards, DMs), or undefined when the app is not installed there. */
  async botTokenFor(teamId: string): Promise<string | undefined> {
    const route = this.#routes.get(teamId);
    if (route && route.until > this.#now()) {
      const known = await this.#cached(route.id);
      if (known) return this.#openBot(known).botToken;
    }
    const record = await this.#serving(teamId);
    if (!record) return undefined;
    this.#routes.set(teamId, { id: record.id, until: this.#now() + this.#ttlMs });
    return this.#openBot(record).botToken;
  }

  /** The installation that serves workspace `teamId`: its own, else the organization's it was seen in. */
  async #serving(teamId: string): Promise<StoredInstallation | undefined> {
    const own = await this.#cached(installationId({ teamId, isEnterpriseInstall: false }));
    if (own) return own;
    const org = OrgTeam.safeParse(await this.#space().get(orgTeamId(teamId)));
    return org.success ? this.#cached(installationId({ enterpriseId: org.data.enterpriseId, isEnterpriseInstall: true })) : undefined;
  }

  /**
   * `app_uninstalled`, sent at `eventTimeMs`: deletes the installation unless it was made after the event
   * (a reinstall the late event knows nothing of). True when one was deleted.
   */
  uninstalled(key: InstallationKey, eventTimeMs: number): Promise<boolean> {
    return this.#deleteIf(key, eventTimeMs, () => true);
  }

  /** `tokens_revoked` naming bot users `botUserIds`: deletes the installation whose bot is among them, as `uninstalled`. */
  tokensRevoked(key: InstallationKey, botUserIds: string[], eventTimeMs: number): Promise<boolean> {
    return this.#deleteIf(key, eventTimeMs, (r) => botUserIds.includes(r.bot.userId));
  }

  async #deleteIf(key: InstallationKey, eventTimeMs: number, revokes: (r: StoredInstallation) => boolean): Promise<boolean> {
    const id = installationId(key);
    const deleted = await this.#lock(id, async () => {
      const record = await this.#read(id);
      // Slack's event_time is in whole seconds: an event of the installation's own second counts as later.
      if (!record || Math.floor(record.installedAt / 1000) * 1000 > eventTimeMs || !revokes(record)) return false;
      if (record.isEnterpriseInstall) await this.#forgetOrgTeams(record.enterpriseId);
      return this.#space().delete(id);
    });
    this.#forget(id);
    return deleted;
  }

  /** The workspaces noted as served by an organization's installation, once it is gone. */
  async #forgetOrgTeams(enterpriseId: string | undefined): Promise<void> {
    const teams = (await this.#space().values()).flatMap((raw) => {
      const r = OrgTeam.safeParse(raw);
      return r.success && r.data.enterpriseId === enterpriseId ? [r.data.teamId] : [];
    });
    for (const teamId of teams) {
      await this.#space().delete(orgTeamId(teamId));
      this.#orgTeamsNoted.delete(teamId);
      this.#routes.delete(teamId);
    }
  }

  // ---- token rotation ----

  /**
   * Refreshes every bot token that expires within the refresh-ahead window, one installation at a time,
   * each under its lock, reading it again there: a replica that finds it refreshed by another leaves it.
   * `mayContinue` is asked before each (the sweeper's lease).
   */
  async refreshDue(mayContinue: () => Promise<boolean> = () => Promise.resolve(true)): Promise<RefreshReport> {
    const report: RefreshReport = { refreshed: 0, alreadyFresh: 0, failed: 0 };
    const refresher = this.opts.refresher;
    if (!refresher) return report;
    const due = (await this.#space().values()).flatMap((raw) => {
      const r = StoredInstallation.safeParse(raw);
      return r.success && this.#isDue(r.data) ? [r.data.id] : [];
    });
    for (const id of due) {
      if (!(await mayContinue())) break;
      try {
        const done = await this.#lock(id, async () => {
          const record = await this.#read(id);
          if (!record || !this.#isDue(record)) return false;
          const refreshToken = record.bot.sealedRefresh && openSecret(record.bot.sealedRefresh, this.encryptionKey, sealContext(id, 'refresh'));
          if (!refreshToken) throw new Error('the stored refresh token does not open (was ENCRYPTION_KEY changed?)');
          const fresh = await refresher(refreshToken);
          const bot = this.#sealBot(id, {
            ...record.bot,
            token: fresh.accessToken,
            refreshToken: fresh.refreshToken,
            expiresAt: Math.floor(this.#now() / 1000) + fresh.expiresInSeconds,
          });
          await this.#space().put(id, { ...record, bot });
          return true;
        });
        if (done) report.refreshed++;
        else report.alreadyFresh++;
      } catch (err) {
        report.failed++;
        this.opts.onRefreshFailure?.(id, err);
      } finally {
        this.#forget(id);
      }
    }
    return report;
  }

  #isDue(r: StoredInstallation): boolean {
    const ahead = this.opts.refreshAheadMs ?? DEFAULT_REFRESH_AHEAD_MS;
    return r.bot.expiresAt !== undefined && r.bot.sealedRefresh !== undefined && r.bot.expiresAt * 1000 - this.#now() <= ahead;
  }

  // ---- records ----

  async #find(q: { teamId?: string | undefined; enterpriseId?: string | undefined; isEnterpriseInstall: boolean }): Promise<StoredInstallation | undefined> {
    if (q.isEnterpriseInstall && q.enterpriseId) return this.#cached(installationId({ enterpriseId: q.enterpriseId, isEnterpriseInstall: true }));
    if (q.teamId) {
      const own = await this.#cached(installationId({ teamId: q.teamId, isEnterpriseInstall: false }));
      if (own) return own;
    }
    // A workspace of an organization the app is installed in org-wide.
    return q.enterpriseId ? this.#cached(installationId({ enterpriseId: q.enterpriseId, isEnterpriseInstall: true })) : undefined;
  }

  #sealBot(id: string, bot: OpenBot) {
    return {
      id: bot.id,
      userId: bot.userId,
      scopes: bot.scopes,
      sealedToken: sealSecret(bot.token, this.encryptionKey, sealContext(id, 'bot')),
      ...(bot.refreshToken ? { sealedRefresh: sealSecret(bot.refreshToken, this.encryptionKey, sealContext(id, 'refresh')) } : {}),
      ...(bot.expiresAt !== undefined ? { expiresAt: bot.expiresAt } : {}),
    };
  }

  #openBot(record: StoredInstallation): { botToken: string; refreshToken: string | undefined } {
    const botToken = openSecret(record.bot.sealedToken, this.encryptionKey, sealContext(record.id, 'bot'));
    if (botToken === undefined) throw new Error(`the stored bot token of ${record.id} does not open (was ENCRYPTION_KEY changed?); install the app again`);
    const refreshToken = record.bot.sealedRefresh ? openSecret(record.bot.sealedRefresh, this.encryptionKey, sealContext(record.id, 'refresh')) : undefined;
    return { botToken, refreshToken };
  }

  #authorization(record: StoredInstallation, teamId: string | undefined): BotAuthorization {
    const { botToken } = this.#openBot(record);
    const team = teamId ?? record.teamId;
    return {
      botToken,
      botId: record.bot.id,
      botUserId: record.bot.userId,
      ...(team ? { teamId: team } : {}),
      ...(record.enterpriseId ? { enterpriseId: record.enterpriseId } : {}),
    };
  }

  #open(record: StoredInstallation): Installation<'v2', boolean> {
    const { botToken, refreshToken } = this.#openBot(record);
    return {
      team: record.teamId ? { id: record.teamId, ...(record.teamName ? { name: record.teamName } : {}) } : undefined,
      enterprise: record.enterpriseId ? { id: record.enterpriseId, ...(record.enterpriseName ? { name: record.enterpriseName } : {}) } : undefined,
      user: { id: record.installerUserId, token: undefined, scopes: undefined },
      bot: {
        id: record.bot.id,
        userId: record.bot.userId,
        scopes: record.bot.scopes,
        token: botToken,
        ...(refreshToken ? { refreshToken } : {}),
        ...(record.bot.expiresAt !== undefined ? { expiresAt: record.bot.expiresAt } : {}),
      },
      ...(record.appId ? { appId: record.appId } : {}),
      ...(record.enterpriseUrl ? { enterpriseUrl: record.enterpriseUrl } : {}),
      tokenType: 'bot',
      isEnterpriseInstall: record.isEnterpriseInstall,
      authVersion: 'v2',
    } as Installation<'v2', boolean>;
  }
}

const describeQuery = (q: { teamId?: string | undefined; enterpriseId?: string | undefined; isEnterpriseInstall: boolean }) =>
  q.isEnterpriseInstall ? `organization ${q.enterpriseId ?? '?'}` : `workspace ${q.teamId ?? '?'}${q.enterpriseId ? ` (organization ${q.enterpriseId})` : ''}`;
