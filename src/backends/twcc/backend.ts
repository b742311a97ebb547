import { pino, type Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { fail, ok, type Result } from '../../result.js';
import type { Store } from '../../store/port.js';
import {
  Service,
  type Actor,
  type ApiKey,
  type Backend,
  type Capabilities,
  type KeyExtension,
  type LoginIdentity,
  type LoginVia,
  type Member,
  type MemberQuota,
  type QuotaChange,
  type QuotaReport,
  type QuotaValues,
  type Resources,
  type Role,
  type WriteVerdict,
} from '../port.js';
import { isKeyId, isSameKey, toApiKey } from './api-keys.js';
import { ADMIN_ROLES, EXTENSION_TOLERANCE_MS, MEMBER_ROWS_MAY_BE_SUMMARIES, MEMBERS_SERVICE } from './assumptions.js';
import { TwccClient } from './client.js';
import { CredentialStore, type Credential } from './credentials.js';
import { TwccHttp, type RetryPolicy, type Timeouts } from './http.js';
import { mapBounded } from './map-bounded.js';
import type { ApiKeyItem, TwccUser, UserQuotaRow } from './schemas.js';

export interface TwccBackendOptions {
  apiUrl: string;
  /** TWCC_PROJECT: the plan code (`GOV108009`). */
  project: string;
  vcsSite: string;
  /** TWCC_CCS_SITE; unset: VCS only (CCS was reported ended in 2026), and `ccs` answers service_disabled. */
  ccsSite?: string;
  /** TWCC_QUOTA_WRITE=on: apply quota changes through the assumed endpoint. */
  quotaWrite: boolean;
  store: Store;
  /** 32 bytes (loadEncryptionKey) that seal the stored TWCC keys. */
  encryptionKey: Buffer;
  logger?: Logger;
  now?: () => number;
  /** A shared undici dispatcher; by default the backend opens its own keep-alive Pool. */
  dispatcher?: Dispatcher;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  /** Most member quota reads in flight at once. */
  fanout?: number;
}

/** A member list older than this is read again before `ensureMember` trusts it. */
const MEMBERS_FRESH_MS = 10 * 60 * 1000;
export const DEFAULT_FANOUT = 8;
const DAY_MS = 24 * 60 * 60 * 1000;

const isAdminRole = (role: string) => ADMIN_ROLES.includes(role.trim().toLowerCase());
const toMember = (u: TwccUser): Member => ({ id: u.id, username: u.username, ...(u.display_name ? { displayName: u.display_name } : {}) });
const resourcesOf = (r: Pick<UserQuotaRow, 'cpu' | 'gpu' | 'memory'>): Resources => ({ cpu: r.cpu, gpu: r.gpu, memory: r.memory });
const byUsername = <T extends { member: Member } | Member>(a: T, b: T) => {
  const name = (x: T) => ('member' in x ? x.member.username : x.username);
  return name(a).localeCompare(name(b));
};

/**
 * The TWCC API behind the Backend port. Each call runs with the acting member's own TWCC key,
 * stored encrypted at `/tenant login`; TWCC decides what that key may do, and its answers become
 * ErrorCodes (401 → credential_invalid, 403 → forbidden, …).
 */
export class TwccBackend implements Backend {
  readonly name = 'twcc' as const;
  readonly capabilities: Capabilities;

  private readonly http: TwccHttp;
  private readonly client: TwccClient;
  private readonly credentials: CredentialStore;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly project: string;
  private readonly sites: { vcs: string; ccs?: string };
  /** Where members, roles and the login checks are read: VCS, the live service (assumptions.ts). */
  private readonly membersSite: string;
  private readonly fanout: number;
  /** Project id per site: the same plan has another id on each site, and it does not change. */
  private readonly projectIds = new Map<string, Promise<Result<string>>>();
  private members = new Map<string, Member>();
  private membersReadAt = 0;

  constructor(opts: TwccBackendOptions) {
    const services = Service.options.filter((s) => s === 'vcs' || Boolean(opts.ccsSite));
    this.capabilities = { login: true, adminLinks: false, quotaWrite: opts.quotaWrite, services };
    this.log = (opts.logger ?? pino({ enabled: false })).child({ backend: 'twcc' });
    this.now = opts.now ?? Date.now;
    this.project = opts.project;
    this.sites = { vcs: opts.vcsSite, ...(opts.ccsSite ? { ccs: opts.ccsSite } : {}) };
    this.membersSite = this.sites[MEMBERS_SERVICE];
    this.fanout = opts.fanout ?? DEFAULT_FANOUT;
    this.http = new TwccHttp({
      apiUrl: opts.apiUrl,
      logger: this.log,
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
      ...(opts.retry ? { retry: opts.retry } : {}),
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
    });
    this.client = new TwccClient(this.http);
    this.credentials = new CredentialStore(opts.store, opts.encryptionKey, this.now);
  }

  // --- identity -------------------------------------------------------------------------------

  async login(chatKey: string, apiKey: string): Promise<Result<LoginIdentity>> {
    const key = apiKey.trim();
    // Also keeps anything that could not be a header value away from the request.
    if (!/^[\x21-\x7e]{8,512}$/.test(key)) return fail('credential_invalid', 'that does not look like a TWCC API key');
    const who = await this.identify(key);
    if (!who.ok) return who;
    const { user, role, via } = who.value;
    const identity: LoginIdentity = { memberId: user.id, username: user.username, role, via };
    await this.credentials.save({ chatKey, apiKey: key, memberId: user.id, username: user.username, role });
    this.members.set(user.id, user);
    this.log.info({ chatKey, memberId: identity.memberId, role, via }, 'twcc login');
    return ok(identity);
  }

  /**
   * Who a key belongs to and their role in TWCC_PROJECT. `/api/v2/users/` first; when it is gone
   * (3xx, 404, not a list: `unexpected_answer`), the v3 calls. Either way the key must see the project.
   */
  private async identify(key: string): Promise<Result<{ user: Member; role: Role; via: LoginVia }>> {
    const me = await this.client.currentUser(key);
    let gone: string | undefined;
    if (me.ok) {
      const role = await this.roleFromUsers(key, me.value);
      if (role.ok) {
        const visible = await this.projectVisibleTo(key);
        return visible.ok ? ok({ user: toMember(me.value), role: role.value, via: 'users-endpoint' }) : visible;
      }
      if (role.code !== 'unexpected_answer') return role;
      gone = role.detail;
    } else if (me.code === 'unexpected_answer') {
      gone = me.detail;
    } else {
      return me;
    }
    this.log.info({ cause: gone }, 'twcc users endpoint unusable; logging in through the v3 calls');
    return this.identifyByV3(key, gone ?? 'GET /api/v2/users/ is gone');
  }

  /** The role from `associating_projects`; not a member of TWCC_PROJECT → project_not_visible. */
  private async roleFromUsers(apiKey: string, user: Pick<TwccUser, 'id' | 'username'>): Promise<Result<Role>> {
    const detail = await this.client.userDetail(apiKey, user.id);
    if (!detail.ok) return detail;
    const memberships = detail.value.associating_projects.filter((p) => p.name.trim() === this.project);
    if (memberships.length === 0) return fail('project_not_visible', `TWCC user ${user.username} is not a member of project ${this.project}`);
    return ok(memberships.some((p) => isAdminRole(p.role)) ? 'admin' : 'user');
  }

  /** The project's VCS id as this very key sees it (not the shared cache, which another key filled). */
  private async projectVisibleTo(apiKey: string): Promise<Result<string>> {
    const id = await this.client.projectId(apiKey, this.membersSite, this.project);
    if (id.ok) this.projectIds.set(this.membersSite, Promise.resolve(id));
    return id;
  }

  /**
   * The fallback: the project is visible (`projects/?name=`); the role from the all-members
   * `user_quotas/` (readable: tenant admin; 403: member); the owner from the key list, confirmed by
   * the member's own `user_quotas/?user=` row (assumptions.ts).
   */
  private async identifyByV3(apiKey: string, gone: string): Promise<Result<{ user: Member; role: Role; via: LoginVia }>> {
    const projectId = await this.projectVisibleTo(apiKey);
    if (!projectId.ok) return projectId;
    const role = await this.roleByV3(apiKey, projectId.value);
    if (!role.ok) return role;
    const keys = await this.client.listApiKeys(apiKey);
    if (!keys.ok) return keys;
    // Every listed key is the caller's own; the login key's row is the surest.
    const items = keys.value.items;
    const ownerId = items.find((i) => i.key !== undefined && isSameKey(i.key, apiKey))?.ownerId ?? items.find((i) => i.ownerId)?.ownerId;
    if (!ownerId) return fail('unexpected_answer', `${gone}, and GET /api_key/ names no owner of its keys: the bot cannot tell whose key this is`);
    const row = await this.client.memberQuota(apiKey, this.membersSite, projectId.value, ownerId);
    if (!row.ok) return row.code === 'member_not_found' ? fail('project_not_visible', `the owner of this key has no row in project ${this.project}`) : row;
    return ok({ user: toMember(row.value.user), role: role.value, via: 'v3-fallback' });
  }

  /** A key that can read every member's quota is a tenant admin's; a 403 there means a member. */
  private async roleByV3(apiKey: string, projectId: string): Promise<Result<Role>> {
    const listing = await this.client.listMemberQuotas(apiKey, this.membersSite, projectId);
    if (listing.ok) {
      this.rememberMembers(listing.value.map((r) => toMember(r.user)));
      return ok('admin');
    }
    return listing.code === 'forbidden' ? ok('user') : listing;
  }

  async logout(chatKey: string): Promise<void> {
    await this.credentials.forget(chatKey);
    this.log.info({ chatKey }, 'twcc logout');
  }

  async refreshRole(actor: Actor): Promise<Result<Role | undefined>> {
    const cred = await this.credentialOf(actor);
    if (!cred.ok) return cred;
    let role = await this.roleFromUsers(cred.value.apiKey, { id: cred.value.memberId, username: cred.value.username });
    if (!role.ok && role.code === 'unexpected_answer') {
      const projectId = await this.projectIdOn(cred.value.apiKey, this.membersSite);
      role = projectId.ok ? await this.roleByV3(cred.value.apiKey, projectId.value) : projectId;
    }
    if (!role.ok) return role;
    await this.credentials.updateRole(actor.chatKey, role.value);
    return ok(role.value);
  }

  /** The acting chat user's stored key; it must belong to the member the actor is linked to. */
  private async credentialOf(actor: Actor): Promise<Result<Credential>> {
    const cred = await this.credentials.load(actor.chatKey);
    if (cred.ok && cred.value.memberId !== actor.memberId) return fail('credential_invalid', 'the stored TWCC key belongs to another member');
    return cred;
  }

  // --- API keys -------------------------------------------------------------------------------

  /** Whether an item is a key of TWCC_PROJECT: by plan code, or by the project's id on a site. */
  private async projectOf(item: ApiKeyItem): Promise<'ours' | 'other' | 'unknown'> {
    if (item.project === undefined) return 'unknown';
    if (item.project.trim() === this.project) return 'ours';
    const ids = await Promise.all([...this.projectIds.values()]);
    return ids.some((r) => r.ok && r.value === item.project) ? 'ours' : 'other';
  }

  /** The caller's keys of TWCC_PROJECT (disabled ones too), and the raw items to look ids up in. */
  private async projectKeys(actor: Actor): Promise<Result<{ keys: ApiKey[]; items: ApiKeyItem[]; apiKey: string }>> {
    const cred = await this.credentialOf(actor);
    if (!cred.ok) return cred;
    const listed = await this.client.listApiKeys(cred.value.apiKey);
    if (!listed.ok) return listed;
    if (listed.value.skipped > 0) this.log.warn({ skipped: listed.value.skipped }, 'twcc key items without a usable id left out');
    const keys: ApiKey[] = [];
    for (const item of listed.value.items) {
      if ((await this.projectOf(item)) !== 'other') keys.push(toApiKey(item, actor.memberId, cred.value.apiKey));
    }
    return ok({ keys, items: listed.value.items, apiKey: cred.value.apiKey });
  }

  async listKeys(actor: Actor, memberId: string): Promise<Result<ApiKey[]>> {
    if (memberId !== actor.memberId) return fail('others_keys_unsupported');
    const listed = await this.projectKeys(actor);
    return listed.ok ? ok(listed.value.keys) : listed;
  }

  /** A key the bot may manage: listed, and known to be of TWCC_PROJECT (else not_in_project). */
  private async manageableKey(actor: Actor, keyId: string): Promise<Result<{ key: ApiKey; apiKey: string }>> {
    if (!isKeyId(keyId)) return fail('key_not_found');
    const listed = await this.projectKeys(actor);
    if (!listed.ok) return listed;
    const key = listed.value.keys.find((k) => k.id === keyId);
    if (!key) return listed.value.items.some((i) => i.id === keyId) ? fail('not_in_project', `key ${keyId} belongs to another project than ${this.project}`) : fail('key_not_found');
    if (key.unknown?.includes('project')) return fail('not_in_project', `TWCC does not say which project key ${keyId} belongs to`);
    return ok({ key, apiKey: listed.value.apiKey });
  }

  async getKey(actor: Actor, keyId: string): Promise<Result<ApiKey>> {
    const found = await this.manageableKey(actor, keyId);
    return found.ok ? ok(found.value.key) : found;
  }

  async createKey(actor: Actor): Promise<Result<{ key: ApiKey; secret: string }>> {
    const cred = await this.credentialOf(actor);
    if (!cred.ok) return cred;
    const created = await this.client.createApiKey(cred.value.apiKey);
    if (!created.ok) return created;
    this.log.info({ memberId: actor.memberId, keyId: created.value.id }, 'twcc key created');
    const item = created.value.project === undefined ? { ...created.value, project: this.project } : created.value;
    return ok({ key: toApiKey(item, actor.memberId, cred.value.apiKey), secret: created.value.key });
  }

  /** PATCH, then the list read back: `applied` only when the expiry moved by the days. */
  async extendKey(actor: Actor, keyId: string, days: number): Promise<Result<KeyExtension>> {
    if (!Number.isInteger(days) || days <= 0) throw new RangeError(`days must be a positive whole number (got ${days})`);
    const found = await this.manageableKey(actor, keyId);
    if (!found.ok) return found;
    const { key: before, apiKey } = found.value;
    const sent = await this.client.extendApiKey(apiKey, keyId, days);
    if (!sent.ok && sent.code !== 'maybe_applied') return sent;
    const answer = sent.ok ? undefined : sent.detail;
    const after = await this.projectKeys(actor);
    const shown = after.ok ? after.value.keys.find((k) => k.id === keyId) : undefined;
    const verdict = shown ? extensionVerdict(before, shown, days, this.now()) : 'unknown';
    this.log.info({ memberId: actor.memberId, keyId, days, verdict, answered: sent.ok ? 'ok' : sent.code }, 'twcc key extended');
    return ok({ verdict, before, ...(shown ? { shown } : {}), ...(answer ? { answer } : {}) });
  }

  /** `maybe_applied` when every answer was lost or late: the key may be gone all the same. */
  async deleteKey(actor: Actor, keyId: string): Promise<Result<void>> {
    const found = await this.manageableKey(actor, keyId);
    if (!found.ok) return found;
    const deleted = await this.client.deleteApiKey(found.value.apiKey, keyId);
    this.log.info({ memberId: actor.memberId, keyId, loginKey: found.value.key.usedForLogin ?? 'unknown', answered: deleted.ok ? 'ok' : deleted.code }, 'twcc key delete');
    return deleted;
  }

  // --- members and quotas ---------------------------------------------------------------------

  private projectIdOn(apiKey: string, site: string): Promise<Result<string>> {
    let id = this.projectIds.get(site);
    if (!id) {
      id = this.client.projectId(apiKey, site, this.project);
      this.projectIds.set(site, id);
      // Only a found id is kept; a failure is asked again next time.
      void id.then((r) => {
        if (!r.ok && this.projectIds.get(site) === id) this.projectIds.delete(site);
      });
    }
    return id;
  }

  /** Every member's row on `site` (tenant admins): one listing, then summary rows one by one. */
  private async allMemberQuotas(apiKey: string, site: string, projectId: string): Promise<Result<MemberQuota[]>> {
    const listing = await this.client.listMemberQuotas(apiKey, site, projectId);
    if (!listing.ok) return listing;
    const summaries = listing.value.filter((r) => r.resources === undefined);
    if (summaries.length > 0 && !MEMBER_ROWS_MAY_BE_SUMMARIES) {
      return fail('unexpected_answer', `GET /api/v3/${site}/projects/${projectId}/user_quotas/ answered rows without cpu, gpu and memory`);
    }
    const filled = await mapBounded(summaries, this.fanout, (r) => this.client.memberQuota(apiKey, site, projectId, r.user.id));
    if (!filled.ok) return filled;
    const byId = new Map(filled.value.map((row) => [row.user.id, resourcesOf(row)]));
    const rows = listing.value.map((r) => ({ member: toMember(r.user), resources: r.resources ?? byId.get(r.user.id)! }));
    this.rememberMembers(rows.map((r) => r.member));
    return ok(rows.sort(byUsername));
  }

  private rememberMembers(members: Member[]): void {
    this.members = new Map(members.map((m) => [m.id, m]));
    this.membersReadAt = this.now();
  }

  /**
   * Runs `use` with the project's id on `site`. A 40401 / 50301 (project_not_visible) means the cached
   * id is stale: it is dropped and looked up once more, and `use` runs again only with a new id.
   */
  private async withProjectId<T>(apiKey: string, site: string, use: (projectId: string) => Promise<Result<T>>): Promise<Result<T>> {
    const first = await this.projectIdOn(apiKey, site);
    if (!first.ok) return first;
    const result = await use(first.value);
    if (result.ok || result.code !== 'project_not_visible') return result;
    this.forgetProjectId(site, first.value);
    const again = await this.projectIdOn(apiKey, site);
    if (!again.ok) return fail('project_not_visible', `${result.detail}; and ${again.detail ?? 'the project could not be looked up again'}`);
    if (again.value === first.value) {
      this.forgetProjectId(site, first.value);
      return fail('project_not_visible', `${result.detail}; TWCC still lists ${this.project} as project ${first.value} on ${site}`);
    }
    this.log.info({ site, was: first.value, now: again.value }, 'twcc project id changed; looked up again');
    return use(again.value);
  }

  /** Drops the cached id of `site` (it answered 40401 / 50301); the next call looks it up again. */
  private forgetProjectId(site: string, id: string): void {
    this.log.info({ site, projectId: id }, 'twcc project id stale; dropped');
    this.projectIds.delete(site);
  }

  /** The acting member's key and the service's site; service_disabled when the site is not configured. */
  private async onSite(actor: Actor, service: Service): Promise<Result<{ apiKey: string; site: string }>> {
    const site = this.sites[service];
    if (site === undefined) return fail('service_disabled', `TWCC_CCS_SITE is not set, so ${service.toUpperCase()} is off`);
    const cred = await this.credentialOf(actor);
    if (!cred.ok) return cred;
    return ok({ apiKey: cred.value.apiKey, site });
  }

  async getQuotas(actor: Actor, service: Service, memberId?: string): Promise<Result<QuotaReport>> {
    const context = await this.onSite(actor, service);
    if (!context.ok) return context;
    const { apiKey, site } = context.value;
    return this.withProjectId(apiKey, site, async (projectId) => {
      const one = (id: string) =>
        this.client
          .memberQuota(apiKey, site, projectId, id)
          .then((r): Result<MemberQuota[]> => (r.ok ? ok([{ member: toMember(r.value.user), resources: resourcesOf(r.value) }]) : r));
      const [project, members] = await Promise.all([
        this.client.projectQuotas(apiKey, site, projectId),
        memberId !== undefined ? one(memberId) : actor.role === 'admin' ? this.allMemberQuotas(apiKey, site, projectId) : one(actor.memberId),
      ]);
      if (!project.ok) return project;
      if (!members.ok) return members;
      return ok({ service, project: resourcesOf(project.value), members: members.value });
    });
  }

  /** Admin: every member of the project; user: only themselves (TWCC shows a user nobody else). */
  async listMembers(actor: Actor): Promise<Result<Member[]>> {
    const cred = await this.credentialOf(actor);
    if (!cred.ok) return cred;
    if (actor.role === 'admin') return this.membersWith(cred.value.apiKey);
    const { apiKey } = cred.value;
    const own = await this.withProjectId(apiKey, this.membersSite, (projectId) => this.client.memberQuota(apiKey, this.membersSite, projectId, actor.memberId));
    return own.ok ? ok([toMember(own.value.user)]) : own;
  }

  private async membersWith(apiKey: string): Promise<Result<Member[]>> {
    const listing = await this.withProjectId(apiKey, this.membersSite, (projectId) => this.client.listMemberQuotas(apiKey, this.membersSite, projectId));
    if (!listing.ok) return listing;
    const members = listing.value.map((r) => toMember(r.user)).sort(byUsername);
    this.rememberMembers(members);
    return ok(members);
  }

  /**
   * The port gives no actor here: a member list read in the last minutes answers, else one is read
   * with the key of a logged-in tenant admin; with none, only members seen before are known.
   */
  async ensureMember(memberId: string): Promise<Result<Member>> {
    const known = () => {
      const m = this.members.get(memberId);
      return m ? ok(m) : fail<Member>('member_not_found');
    };
    if (this.now() - this.membersReadAt < MEMBERS_FRESH_MS) return known();
    for (const chatKey of (await this.credentials.adminChatKeys()).slice(0, 3)) {
      const cred = await this.credentials.load(chatKey);
      if (!cred.ok) continue;
      const members = await this.membersWith(cred.value.apiKey);
      if (members.ok) return known();
      if (members.code === 'backend_unavailable' || members.code === 'unexpected_answer') return members;
    }
    return known();
  }

  /**
   * The PATCH (assumed endpoint), then the member's row read back: `applied` only when it shows the
   * new quotas. A PATCH whose answer was unreadable or lost (`maybe_applied`) is read back all the same.
   */
  async setQuota(actor: Actor, memberId: string, service: Service, values: QuotaValues): Promise<Result<QuotaChange>> {
    if (!this.capabilities.quotaWrite) return fail('quota_write_unsupported');
    if (actor.role !== 'admin') return fail('forbidden');
    const context = await this.onSite(actor, service);
    if (!context.ok) return context;
    const { apiKey, site } = context.value;

    const read = await this.withProjectId(apiKey, site, async (projectId) => {
      const [current, project] = await Promise.all([
        this.client.memberQuota(apiKey, site, projectId, memberId),
        this.client.projectQuotas(apiKey, site, projectId),
      ]);
      if (!current.ok) return current;
      if (!project.ok) return project;
      return ok({ projectId, current: current.value, project: project.value });
    });
    if (!read.ok) return read;
    const { projectId, current, project } = read.value;
    const requested = {
      cpu: values.cpu ?? current.cpu.quota,
      gpu: values.gpu ?? current.gpu.quota,
      memory: values.memory ?? current.memory.quota,
    };
    for (const r of ['cpu', 'gpu', 'memory'] as const) {
      const limit = project[r].quota;
      if (limit !== -1 && requested[r] > limit) return fail('quota_exceeds_project', `${r}: ${requested[r]} > ${limit}`);
    }

    const sent = await this.client.setMemberQuota(apiKey, site, projectId, memberId, requested);
    if (!sent.ok && sent.code !== 'maybe_applied') {
      if (sent.code === 'project_not_visible') this.forgetProjectId(site, projectId);
      return sent;
    }
    const answer = sent.ok ? undefined : sent.detail;
    const back = await this.client.memberQuota(apiKey, site, projectId, memberId);
    const shown = back.ok ? resourcesOf(back.value) : undefined;
    const verdict: WriteVerdict = !shown ? 'unknown' : quotasAre(shown, requested) ? 'applied' : quotasAre(shown, quotasOf(current)) ? 'not_applied' : 'unknown';
    this.log.info({ memberId, service, values: requested, by: actor.memberId, verdict, answered: sent.ok ? 'ok' : sent.code }, 'twcc quota set');
    return ok({ verdict, requested, ...(shown ? { shown } : {}), ...(answer ? { answer } : {}) });
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

const quotasOf = (r: Pick<UserQuotaRow, 'cpu' | 'gpu' | 'memory'>) => ({ cpu: r.cpu.quota, gpu: r.gpu.quota, memory: r.memory.quota });
const quotasAre = (shown: Resources, q: { cpu: number; gpu: number; memory: number }) =>
  shown.cpu.quota === q.cpu && shown.gpu.quota === q.gpu && shown.memory.quota === q.memory;

/**
 * `applied` when the read-back expiry moved by `days` from the old expiry or from now
 * (assumptions.ts), `not_applied` when it did not move, else `unknown`.
 */
function extensionVerdict(before: ApiKey, shown: ApiKey, days: number, now: number): WriteVerdict {
  if (before.unknown?.includes('expires') || shown.unknown?.includes('expires')) return 'unknown';
  if (shown.expiresAt === before.expiresAt) return 'not_applied';
  if (shown.expiresAt === null || before.expiresAt === null) return 'unknown';
  const after = Date.parse(shown.expiresAt);
  const near = (t: number) => Math.abs(after - t) <= EXTENSION_TOLERANCE_MS;
  return near(Date.parse(before.expiresAt) + days * DAY_MS) || near(now + days * DAY_MS) ? 'applied' : 'unknown';
}
