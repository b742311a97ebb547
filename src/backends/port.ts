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
  expiresAt: z.string().nullable(),
  status: z.string(),
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

/** The identity a backend vouches for after `/tenant login`. */
export interface LoginIdentity {
  memberId: string;
  username: string;
  role: Role;
}

export interface Capabilities {
  /** `/tenant login` with a backend credential (twcc). */
  login: boolean;
  /** `/tenant link` by an admin decides membership and roles (local). */
  adminLinks: boolean;
  /** Quota changes can be applied through the backend; else approvals say "apply it on the portal". */
  quotaWrite: boolean;
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
  extendKey(actor: Actor, keyId: string, days: number): Promise<Result<ApiKey>>;
  deleteKey(actor: Actor, keyId: string): Promise<Result<void>>;

  listMembers(actor: Actor): Promise<Result<Member[]>>;
  /** Makes sure a member exists (local: created by `/tenant link`). */
  ensureMember(memberId: string): Promise<Result<Member>>;
  getQuotas(actor: Actor, service: Service, memberId?: string): Promise<Result<QuotaReport>>;
  setQuota(actor: Actor, memberId: string, service: Service, values: QuotaValues): Promise<Result<Resources>>;

  close(): Promise<void>;
}
