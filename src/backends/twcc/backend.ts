import { pino, type Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { fail, ok, type Result } from '../../result.js';
import type { Store } from '../../store/port.js';
import type {
  Actor,
  ApiKey,
  Backend,
  Capabilities,
  LoginIdentity,
  Member,
  MemberQuota,
  QuotaReport,
  QuotaValues,
  Resources,
  Role,
  Service,
} from '../port.js';
import { isKeyId, toApiKey } from './api-keys.js';
import { MEMBER_ROWS_MAY_BE_SUMMARIES, MEMBERS_SERVICE } from './assumptions.js';
import { TwccClient } from './client.js';
import { CredentialStore, type Credential } from './credentials.js';
import { TwccHttp, type RetryPolicy, type Timeouts } from './http.js';
import { mapBounded } from './map-bounded.js';
import type { TwccUser, UserQuotaRow } from './schemas.js';

export interface TwccBackendOptions {
  apiUrl: string;
  /** TWCC_PROJECT: the plan code (`GOV108009`). */
  project: string;
  vcsSite: string;
  ccsSite: string;
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
const DEFAULT_FANOUT = 8;

const isAdminRole = (role: string) => role === 'tenant_admin';
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
  private readonly sites: Record<Service, string>;
  private readonly fanout: number;
  /** Project id per site: the same plan has another id on each site, and it does not change. */
  private readonly projectIds = new Map<string, Promise<Result<string>>>();
  private members = new Map<string, Member>();
  private membersReadAt = 0;

  constructor(opts: TwccBackendOptions) {
    this.capabilities = { login: true, adminLinks: false, quotaWrite: opts.quotaWrite };
    this.log = (opts.logger ?? pino({ enabled: false })).child({ backend: 'twcc' });
    this.now = opts.now ?? Date.now;
    this.project = opts.project;
    this.sites = { vcs: opts.vcsSite, ccs: opts.ccsSite };
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
    const me = await this.client.currentUser(key);
    if (!me.ok) return me;
    const role = await this.roleOf(key, me.value);
    if (!role.ok) return role;
    const identity: LoginIdentity = { memberId: me.value.id, username: me.value.username, role: role.value };
    await this.credentials.save({ chatKey, apiKey: key, ...identity });
    this.members.set(identity.memberId, toMember(me.value));
    this.log.info({ chatKey, memberId: identity.memberId, role: identity.role }, 'twcc login');
    return ok(identity);
  }

  async logout(chatKey: string): Promise<void> {
    await this.credentials.forget(chatKey);
    this.log.info({ chatKey }, 'twcc logout');
  }

  async refreshRole(actor: Actor): Promise<Result<Role | undefined>> {
    const cred = await this.credentialOf(actor);
    if (!cred.ok) return cred;
    const role = await this.roleOf(cred.value.apiKey, { id: cred.value.memberId, username: cred.value.username });
    if (!role.ok) return role;
    await this.credentials.updateRole(actor.chatKey, role.value);
    return ok(role.value);
  }

  /** The member's role in TWCC_PROJECT, from `associating_projects`; not a member → forbidden. */
  private async roleOf(apiKey: string, user: Pick<TwccUser, 'id' | 'username'>): Promise<Result<Role>> {
    const detail = await this.client.userDetail(apiKey, user.id);
    if (!detail.ok) return detail;
    const memberships = detail.value.associating_projects.filter((p) => p.name.trim() === this.project);
    if (memberships.length === 0) return fail('forbidden', `TWCC user ${user.username} is not a member of project ${this.project}`);
    return ok(memberships.some((p) => isAdminRole(p.role)) ? 'admin' : 'user');
  }

  /** The acting chat user's stored key; it must belong to the member the actor is linked to. */
  private async credentialOf(actor: Actor): Promise<Result<Credential>> {
    const cred = await this.credentials.load(actor.chatKey);
    if (cred.ok && cred.value.memberId !== actor.memberId) return fail('credential_invalid', 'the stored TWCC key belongs to another member');
    return cred;
  }

  // --- API keys -------------------------------------------------------------------------------

  async listKeys(actor: Actor, memberId: string): Promise<Result<ApiKey[]>> {
    if (memberId !== actor.memberId) return fail('others_keys_unsupported');
    const cred = await this.credentialOf(actor);
    if (!cred.ok) return cred;
    const items = await this.client.listApiKeys(cred.value.apiKey);
    if (!items.ok) return items;
    return ok(items.value.map((item) => toApiKey(item, actor.memberId, this.project)));
  }

  async getKey(actor: Actor, keyId: string): Promise<Result<ApiKey>> {
    if (!isKeyId(keyId)) return fail('key_not_found');
    const keys = await this.listKeys(actor, actor.memberId);
    if (!keys.ok) return keys;
    const key = keys.value.find((k) => k.id === keyId);
    return key ? ok(key) : fail('key_not_found');
  }

  async createKey(actor: Actor): Promise<Result<{ key: ApiKey; secret: string }>> {
    const cred = await this.credentialOf(actor);
    if (!cred.ok) return cred;
    const created = await this.client.createApiKey(cred.value.apiKey);
    if (!created.ok) return created;
    this.log.info({ memberId: actor.memberId, keyId: created.value.id }, 'twcc key created');
    return ok({ key: toApiKey(created.value, actor.memberId, this.project), secret: created.value.key });
  }

  async extendKey(actor: Actor, keyId: string, days: number): Promise<Result<ApiKey>> {
    if (!Number.isInteger(days) || days <= 0) throw new RangeError(`days must be a positive whole number (got ${days})`);
    if (!isKeyId(keyId)) return fail('key_not_found');
    const cred = await this.credentialOf(actor);
    if (!cred.ok) return cred;
    const extended = await this.client.extendApiKey(cred.value.apiKey, keyId, days);
    if (!extended.ok) return extended;
    this.log.info({ memberId: actor.memberId, keyId, days }, 'twcc key extended');
    if (extended.value) return ok(toApiKey(extended.value, actor.memberId, this.project));
    // TWCC sent no item back: read the new expiry from the list (a GET, safe to repeat).
    const key = await this.getKey(actor, keyId);
    return key.ok || key.code !== 'key_not_found' ? key : fail('backend_bad_response', `PATCH /api_key/${keyId}/ succeeded but the key is not in GET /api_key/`);
  }

  async deleteKey(actor: Actor, keyId: string): Promise<Result<void>> {
    if (!isKeyId(keyId)) return fail('key_not_found');
    const cred = await this.credentialOf(actor);
    if (!cred.ok) return cred;
    const deleted = await this.client.deleteApiKey(cred.value.apiKey, keyId);
    if (deleted.ok) this.log.info({ memberId: actor.memberId, keyId }, 'twcc key deleted');
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
      return fail('backend_bad_response', `GET /api/v3/${site}/projects/${projectId}/user_quotas/ answered rows without cpu, gpu and memory`);
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

  /** The acting member's key, the service's site, and the project's id on that site. */
  private async onSite(actor: Actor, service: Service): Promise<Result<{ apiKey: string; site: string; projectId: string }>> {
    const cred = await this.credentialOf(actor);
    if (!cred.ok) return cred;
    const site = this.sites[service];
    const projectId = await this.projectIdOn(cred.value.apiKey, site);
    if (!projectId.ok) return projectId;
    return ok({ apiKey: cred.value.apiKey, site, projectId: projectId.value });
  }

  async getQuotas(actor: Actor, service: Service, memberId?: string): Promise<Result<QuotaReport>> {
    const context = await this.onSite(actor, service);
    if (!context.ok) return context;
    const { apiKey, site, projectId } = context.value;

    const one = (id: string) =>
      this.client
        .memberQuota(apiKey, site, projectId, id)
        .then((r): Result<MemberQuota[]> => (r.ok ? ok([{ member: toMember(r.value.user), resources: resourcesOf(r.value) }]) : r));
    const [project, members] = await Promise.all([
      this.client.projectQuotas(apiKey, site, projectId),
      memberId !== undefined ? one(memberId) : actor.role === 'admin' ? this.allMemberQuotas(apiKey, site, projectId) : one(actor.memberId),
    ]);
    if (!project.ok) {
      // A stale id answers "Project {id} not found": look it up again next time.
      this.projectIds.delete(site);
      return project;
    }
    if (!members.ok) return members;
    return ok({ service, project: resourcesOf(project.value), members: members.value });
  }

  /** Admin: every member of the project; user: only themselves (TWCC shows a user nobody else). */
  async listMembers(actor: Actor): Promise<Result<Member[]>> {
    const cred = await this.credentialOf(actor);
    if (!cred.ok) return cred;
    if (actor.role === 'admin') return this.membersWith(cred.value.apiKey);
    const site = this.sites[MEMBERS_SERVICE];
    const projectId = await this.projectIdOn(cred.value.apiKey, site);
    if (!projectId.ok) return projectId;
    const own = await this.client.memberQuota(cred.value.apiKey, site, projectId.value, actor.memberId);
    return own.ok ? ok([toMember(own.value.user)]) : own;
  }

  private async membersWith(apiKey: string): Promise<Result<Member[]>> {
    const site = this.sites[MEMBERS_SERVICE];
    const projectId = await this.projectIdOn(apiKey, site);
    if (!projectId.ok) return projectId;
    const listing = await this.client.listMemberQuotas(apiKey, site, projectId.value);
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
      if (members.code === 'backend_unavailable' || members.code === 'backend_bad_response') return members;
    }
    return known();
  }

  async setQuota(actor: Actor, memberId: string, service: Service, values: QuotaValues): Promise<Result<Resources>> {
    if (!this.capabilities.quotaWrite) return fail('quota_write_unsupported');
    if (actor.role !== 'admin') return fail('forbidden');
    const context = await this.onSite(actor, service);
    if (!context.ok) return context;
    const { apiKey, site, projectId } = context.value;

    const [current, project] = await Promise.all([
      this.client.memberQuota(apiKey, site, projectId, memberId),
      this.client.projectQuotas(apiKey, site, projectId),
    ]);
    if (!current.ok) return current;
    if (!project.ok) return project;
    const target = {
      cpu: values.cpu ?? current.value.cpu.quota,
      gpu: values.gpu ?? current.value.gpu.quota,
      memory: values.memory ?? current.value.memory.quota,
    };
    for (const r of ['cpu', 'gpu', 'memory'] as const) {
      const limit = project.value[r].quota;
      if (limit !== -1 && target[r] > limit) return fail('quota_exceeds_project', `${r}: ${target[r]} > ${limit}`);
    }

    const patched = await this.client.setMemberQuota(apiKey, site, projectId, memberId, target);
    if (!patched.ok) return patched;
    this.log.info({ memberId, service, values: target, by: actor.memberId }, 'twcc quota set');
    if (patched.value) return ok(resourcesOf(patched.value));
    const usage = resourcesOf(current.value);
    return ok({
      cpu: { usage: usage.cpu.usage, quota: target.cpu },
      gpu: { usage: usage.gpu.usage, quota: target.gpu },
      memory: { usage: usage.memory.usage, quota: target.memory },
    });
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
