import { z } from 'zod';
import type { Result } from '../result.js';

export const Role = z.enum(['admin', 'user']);
export type Role = z.infer<typeof Role>;

export const Service = z.enum(['ccs', 'vcs']);
export type Service = z.infer<typeof Service>;

/** Who is acting: the chat user's stable key (`slack:U1`), the tenant member it maps to, the role. */
export interface Actor {
  chatKey: string;
  memberId: string;
  role: Role;
}

export const ApiKey = z.object({
  id: z.string(),
  /** Member id of the owner. */
  owner: z.string(),
  /** Display form only (`ab12cd…`); never the secret. */
  masked: z.string(),
  project: z.string(),
  createdAt: z.string(),
  /** null: never expires (or see `unknown`). */
  expiresAt: z.string().nullable(),
  status: z.string(),
  /** The key's own name, where the backend keeps one (TWCC's newer key records). */
  name: z.string().optional(),
  /** Listed, but switched off: it does not work. */
  disabled: z.boolean().optional(),
  /** The key the bot acts with for its owner (given at `/tenant login`): deleting it means logging in again. */
  usedForLogin: z.boolean().optional(),
  /** Fields the backend could not read: their values above are placeholders (`''`, null) to show as unknown. */
  unknown: z.array(z.enum(['created', 'expires', 'project'])).optional(),
});
export type ApiKey = z.infer<typeof ApiKey>;

/** usage and quota of one resource; quota -1 is unlimited. memory is in MB. */
export const Usage = z.object({ usage: z.number(), quota: z.number() });
export type Usage = z.infer<typeof Usage>;

export const Resources = z.object({ cpu: Usage, gpu: Usage, memory: Usage });
export type Resources = z.infer<typeof Resources>;

export const QuotaValues = z.object({
  cpu: z.number().int().nonnegative().optional(),
  gpu: z.number().int().nonnegative().optional(),
  memory: z.number().int().nonnegative().optional(),
});
/** A requested or applied quota; memory in MB; an absent resource is left as it is. */
export type QuotaValues = z.infer<typeof QuotaValues>;

export interface Member {
  id: string;
  /** Backend username (TWCC `username`); may differ from the chat name. */
  username: string;
  displayName?: string;
}

export interface MemberQuota {
  member: Member;
  resources: Resources;
}

export interface QuotaReport {
  service: Service;
  project: Resources;
  /** Admin: every member; user: only the caller. */
  members: MemberQuota[];
}

/**
 * How a login found out who the key belongs to: TWCC's `/api/v2/users/` calls, or (when those are
 * gone) the v3 project, member-quota and key calls.
 */
export const LoginVia = z.enum(['users-endpoint', 'v3-fallback']);
export type LoginVia = z.infer<typeof LoginVia>;

/** The identity a backend vouches for after `/tenant login`. */
export interface LoginIdentity {
  memberId: string;
  username: string;
  role: Role;
  via: LoginVia;
}

/**
 * What reading the state back after a write found: `applied` (it shows the new values),
 * `not_applied` (it shows the old ones), `unknown` (it could not be read, or shows something else).
 */
export const WriteVerdict = z.enum(['applied', 'not_applied', 'unknown']);
export type WriteVerdict = z.infer<typeof WriteVerdict>;

/** A quota write and its read-back. */
export const QuotaChange = z.object({
  verdict: WriteVerdict,
  /** What was written: every resource, the unchanged ones at their old quota (memory in MB). */
  requested: z.object({ cpu: z.number(), gpu: z.number(), memory: z.number() }),
  /** What the backend shows now; absent when the read-back failed. */
  shown: Resources.optional(),
  /** What the backend answered the write, when that was not a plain success (names the call). */
  answer: z.string().optional(),
});
export type QuotaChange = z.infer<typeof QuotaChange>;

/** A key extension and its read-back. */
export const KeyExtension = z.object({
  verdict: WriteVerdict,
  before: ApiKey,
  /** The key as the backend shows it now; absent when the read-back failed. */
  shown: ApiKey.optional(),
  /** What the backend answered the write, when that was not a plain success (names the call). */
  answer: z.string().optional(),
});
export type KeyExtension = z.infer<typeof KeyExtension>;

export interface Capabilities {
  /** `/tenant login` with a backend credential (twcc). */
  login: boolean;
  /** `/tenant link` by an admin decides membership and roles (local). */
  adminLinks: boolean;
  /** Quota changes can be applied through the backend; else approvals say "apply it on the portal". */
  quotaWrite: boolean;
  /** The services this deployment offers (twcc: CCS only when TWCC_CCS_SITE is set); others answer service_disabled. */
  services: readonly Service[];
}

/**
 * The port behind the core: the embedded registry (local) and the TWCC API client (twcc) implement
 * it. Every call names the acting member; a backend enforces its own rules too.
 */
export interface Backend {
  readonly name: 'local' | 'twcc';
  readonly capabilities: Capabilities;
  /** Checks a member's backend credential, remembers it for `actor.chatKey`, and says who it is. */
  login(chatKey: string, apiKey: string): Promise<Result<LoginIdentity>>;
  logout(chatKey: string): Promise<void>;
  /** The member's current role, where the backend decides roles (twcc); undefined elsewhere. */
  refreshRole(actor: Actor): Promise<Result<Role | undefined>>;

  listKeys(actor: Actor, memberId: string): Promise<Result<ApiKey[]>>;
  getKey(actor: Actor, keyId: string): Promise<Result<ApiKey>>;
  createKey(actor: Actor): Promise<Result<{ key: ApiKey; secret: string }>>;
  /** The extension and what the key shows afterwards; a failure means it was not applied (except `maybe_applied`). */
  extendKey(actor: Actor, keyId: string, days: number): Promise<Result<KeyExtension>>;
  /** `maybe_applied`: the delete was sent but its answer was lost or late. */
  deleteKey(actor: Actor, keyId: string): Promise<Result<void>>;

  listMembers(actor: Actor): Promise<Result<Member[]>>;
  /** Makes sure a member exists (local: created by `/tenant link`). */
  ensureMember(memberId: string): Promise<Result<Member>>;
  getQuotas(actor: Actor, service: Service, memberId?: string): Promise<Result<QuotaReport>>;
  /** The write and what the backend shows afterwards; a failure means it was not applied (except `maybe_applied`). */
  setQuota(actor: Actor, memberId: string, service: Service, values: QuotaValues): Promise<Result<QuotaChange>>;

  close(): Promise<void>;
}
