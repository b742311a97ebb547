import { z } from 'zod';
import { QuotaValues, Service } from '../backends/port.js';
import type { Store } from '../store/types.js';
import { newFlowId } from './confirmations.js';
import { ChatUser, Where } from './invocation.js';

export const APPROVAL_TTL_MS = 24 * 60 * 60 * 1000;

export const ApprovalStatus = z.enum(['pending', 'approved', 'applied', 'rejected', 'expired', 'failed']);

export const ApprovalRequest = z.object({
  id: z.string(),
  /** `set`: an admin changes a member's quota; `request`: a member asks for their own. */
  kind: z.enum(['set', 'request']),
  requester: ChatUser,
  requesterMember: z.string(),
  where: Where,
  target: z.string(),
  /** How the target was named (`@alice`), for the card. */
  targetLabel: z.string(),
  service: Service,
  current: QuotaValues,
  requested: QuotaValues,
  reason: z.string().optional(),
  createdAt: z.number(),
  expiresAt: z.number(),
  status: ApprovalStatus,
  decidedBy: z.string().optional(),
  decidedByName: z.string().optional(),
  decidedAt: z.number().optional(),
  note: z.string().optional(),
});
/** A quota change waiting for a second admin. */
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;

export class Approvals {
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  async create(r: Omit<ApprovalRequest, 'id' | 'createdAt' | 'expiresAt' | 'status'>): Promise<ApprovalRequest> {
    const createdAt = this.now();
    const request: ApprovalRequest = { ...r, id: newFlowId(), createdAt, expiresAt: createdAt + APPROVAL_TTL_MS, status: 'pending' };
    await this.save(request);
    return request;
  }

  async get(id: string): Promise<ApprovalRequest | undefined> {
    const parsed = ApprovalRequest.safeParse(await this.store.ns('approvals').get(id));
    return parsed.success ? parsed.data : undefined;
  }

  /** Kept for a week after expiry, for the record. */
  async save(r: ApprovalRequest): Promise<void> {
    await this.store.ns<ApprovalRequest>('approvals').set(r.id, r, APPROVAL_TTL_MS * 8);
  }

  isExpired(r: ApprovalRequest): boolean {
    return this.now() >= r.expiresAt;
  }

  /** True for exactly one decision, across processes. */
  claim(r: ApprovalRequest): Promise<boolean> {
    return this.store.claim(`approval:${r.id}`, APPROVAL_TTL_MS * 8);
  }
}
