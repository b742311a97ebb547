import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { fail, ok, type Result } from '../../result.js';
import { IdIndex } from '../../store/id-index.js';
import { withLock } from '../../store/lock.js';
import type { Store } from '../../store/port.js';
import {
  ApiKey,
  Resources,
  Service,
  type Actor,
  type Backend,
  type Capabilities,
  type KeyExtension,
  type LoginIdentity,
  type QuotaChange,
  type Member,
  type QuotaValues,
  type Role,
} from '../port.js';

export const DEFAULT_KEY_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

/** What the registry keeps of a key: a SHA-256 of the secret and a short prefix, never the secret. */
const StoredKey = ApiKey.extend({ secretHash: z.string() });
type StoredKey = z.infer<typeof StoredKey>;

const StoredMember = z.object({ id: z.string(), username: z.string(), createdAt: z.string() });

/** Defaults for a new member and for the project, per service. memory in MB. */
const MEMBER_DEFAULT: QuotaValues = { cpu: 8, gpu: 1, memory: 32 * 1024 };
const PROJECT_DEFAULT: QuotaValues = { cpu: 256, gpu: 32, memory: 1024 * 1024 };

const toResources = (q: QuotaValues, usage: QuotaValues = {}): Resources => ({
  cpu: { usage: usage.cpu ?? 0, quota: q.cpu ?? 0 },
  gpu: { usage: usage.gpu ?? 0, quota: q.gpu ?? 0 },
  memory: { usage: usage.memory ?? 0, quota: q.memory ?? 0 },
});

/**
 * The embedded registry: a real key and quota registry persisted in the store, so the bot is useful
 * without TWCC. Key secrets come from crypto.randomBytes and are shown once.
 */
export class LocalRegistry implements Backend {
  readonly name = 'local' as const;
  readonly capabilities: Capabilities = { login: false, adminLinks: true, quotaWrite: true, services: Service.options };

  /** Each member's key ids, so listing one member's keys reads no one else's. */
  private readonly keysByOwner: IdIndex;

  constructor(
    private readonly store: Store,
    private readonly project = 'LOCAL',
    private readonly now: () => number = Date.now,
  ) {
    this.keysByOwner = new IdIndex(store, 'keys-by-owner');
  }

  async login(_chatKey: string, _apiKey: string): Promise<Result<LoginIdentity>> {
    return fail('login_unsupported');
  }
  async logout(): Promise<void> {}
  async refreshRole(): Promise<Result<Role | undefined>> {
    return ok(undefined);
  }

  private keys = () => this.store.collection<StoredKey>('keys');
  private members = () => this.store.collection<unknown>('members');
  private quotas = () => this.store.collection<QuotaValues>('quotas');

  private publicKey({ secretHash: _hash, ...key }: StoredKey): ApiKey {
    return key;
  }

  private async storedKey(keyId: string): Promise<StoredKey | undefined> {
    const raw = await this.keys().get(keyId);
    return raw ? StoredKey.parse(raw) : undefined;
  }

  private mayManage(actor: Actor, owner: string): boolean {
    return actor.role === 'admin' || actor.memberId === owner;
  }

  async listKeys(actor: Actor, memberId: string): Promise<Result<ApiKey[]>> {
    if (!this.mayManage(actor, memberId)) return fail('forbidden');
    const ids = await this.keysByOwner.ids(memberId);
    const keys = (await this.keys().getMany(ids)).flatMap((raw) => (raw ? [StoredKey.parse(raw)] : [])).filter((k) => k.owner === memberId);
    return ok(keys.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((k) => this.publicKey(k)));
  }

  async getKey(actor: Actor, keyId: string): Promise<Result<ApiKey>> {
    const key = await this.storedKey(keyId);
    if (!key) return fail('key_not_found');
    if (!this.mayManage(actor, key.owner)) return fail('not_owner');
    return ok(this.publicKey(key));
  }

  async createKey(actor: Actor): Promise<Result<{ key: ApiKey; secret: string }>> {
    const secret = `twcc_${randomBytes(24).toString('base64url')}`;
    const created = this.now();
    let id: string;
    do id = `k-${randomBytes(3).toString('hex')}`;
    while (await this.keys().has(id));
    const key: StoredKey = {
      id,
      owner: actor.memberId,
      masked: `${secret.slice(0, 9)}…`,
      project: this.project,
      createdAt: new Date(created).toISOString(),
      expiresAt: new Date(created + DEFAULT_KEY_DAYS * DAY_MS).toISOString(),
      status: 'active',
      secretHash: createHash('sha256').update(secret).digest('hex'),
    };
    // The index first: if the key's own write then fails, nothing exists (listKeys skips an id without a key);
    // the other way round, a busy index after the write would leave a key nobody can list or see the secret of.
    await this.keysByOwner.add(actor.memberId, id);
    await this.keys().put(id, key);
    return ok({ key: this.publicKey(key), secret });
  }

  /** Under the key's lock: two extensions at once both count. Applied in the store itself: the verdict is `applied`. */
  async extendKey(actor: Actor, keyId: string, days: number): Promise<Result<KeyExtension>> {
    return withLock(this.store, `key:${keyId}`, async () => {
      const key = await this.storedKey(keyId);
      if (!key) return fail('key_not_found');
      if (!this.mayManage(actor, key.owner)) return fail('not_owner');
      // Like TWCC's reset_expired_days: counted from the later of now and the current expiry.
      const from = Math.max(this.now(), key.expiresAt ? Date.parse(key.expiresAt) : this.now());
      const next: StoredKey = { ...key, expiresAt: new Date(from + days * DAY_MS).toISOString() };
      await this.keys().put(keyId, next);
      return ok({ verdict: 'applied' as const, before: this.publicKey(key), shown: this.publicKey(next) });
    });
  }

  async deleteKey(actor: Actor, keyId: string): Promise<Result<void>> {
    return withLock(this.store, `key:${keyId}`, async () => {
      const key = await this.storedKey(keyId);
      if (!key) return fail('key_not_found');
      if (!this.mayManage(actor, key.owner)) return fail('not_owner');
      await this.keys().delete(keyId);
      // The key is gone: a stale id left in the index (its lock busy) is harmless, listKeys skips it,
      // and failing here would call a done deletion a failure.
      await this.keysByOwner.remove(key.owner, [keyId]).catch(() => undefined);
      return ok(undefined);
    });
  }

  /** Under the member's lock: two first links of one member at once create it once. */
  async ensureMember(memberId: string): Promise<Result<Member>> {
    const members = this.members();
    const known = StoredMember.safeParse(await members.get(memberId));
    if (known.success) return ok({ id: known.data.id, username: known.data.username });
    return withLock(this.store, `member:${memberId}`, async () => {
      const existing = StoredMember.safeParse(await members.get(memberId));
      if (existing.success) return ok({ id: existing.data.id, username: existing.data.username });
      const m = { id: memberId, username: memberId, createdAt: new Date(this.now()).toISOString() };
      await members.put(memberId, m);
      return ok({ id: m.id, username: m.username });
    });
  }

  async listMembers(): Promise<Result<Member[]>> {
    const all = (await this.members().values()).map((m) => StoredMember.parse(m));
    return ok(all.map((m) => ({ id: m.id, username: m.username })).sort((a, b) => a.id.localeCompare(b.id)));
  }

  private async memberQuota(service: Service, memberId: string): Promise<QuotaValues> {
    const q = await this.quotas().get(`${service}:member:${memberId}`);
    return { ...MEMBER_DEFAULT, ...q };
  }

  async getQuotas(actor: Actor, service: Service, memberId?: string) {
    if (memberId && !this.mayManage(actor, memberId)) return fail('forbidden');
    const membersResult = await this.listMembers();
    const members = membersResult.ok ? membersResult.value : [];
    const visible = members.filter((m) => (memberId ? m.id === memberId : actor.role === 'admin' || m.id === actor.memberId));
    if (memberId && visible.length === 0) return fail('member_not_found');
    // Every member's quota in one store read, not one each: with 30 members, 150 commands at once were 4,500 queries.
    const quotas = await this.quotas().getMany(visible.map((m) => `${service}:member:${m.id}`));
    const rows = visible.map((member, i) => ({ member, resources: toResources({ ...MEMBER_DEFAULT, ...quotas[i] }) }));
    const project = { ...PROJECT_DEFAULT, ...(await this.quotas().get(`${service}:project`)) };
    // The registry runs nothing, so usage is zero; quotas are what admins have set.
    return ok({ service, project: toResources(project), members: rows });
  }

  /** Under the member's quota lock: two approvals at once (cpu, then gpu) both apply. */
  async setQuota(actor: Actor, memberId: string, service: Service, values: QuotaValues): Promise<Result<QuotaChange>> {
    if (actor.role !== 'admin') return fail('forbidden');
    if (!(await this.members().has(memberId))) return fail('member_not_found');
    return withLock(this.store, `quota:${service}:${memberId}`, async () => {
      const next = { ...(await this.memberQuota(service, memberId)), ...values };
      for (const r of ['cpu', 'gpu', 'memory'] as const) {
        if ((next[r] ?? 0) > (PROJECT_DEFAULT[r] ?? 0)) return fail('quota_exceeds_project', `${r}`);
      }
      await this.quotas().put(`${service}:member:${memberId}`, next);
      const requested = { cpu: next.cpu ?? 0, gpu: next.gpu ?? 0, memory: next.memory ?? 0 };
      return ok({ verdict: 'applied' as const, requested, shown: toResources(next) });
    });
  }

  async close(): Promise<void> {}
}
